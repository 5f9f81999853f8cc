from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="leads:inbox", permanent=False)),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("leads/", include("leads.urls")),
    path("followup/", include("followup.urls")),
    path("settings/", include("verification.urls")),
    path("settings/", include("followup.settings_urls")),
    path("api/", include("leads.api_urls")),
    path("admin/", admin.site.urls),
]
