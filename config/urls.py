from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from followup import desk_urls
from leads import urls as leads_urls

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="leads:work", permanent=False)),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # leads depends on no other app: the desk (inbox, company page) is followup's, under
    # the same prefix and namespace.
    path("leads/", include((desk_urls.urlpatterns + leads_urls.urlpatterns, "leads"))),
    path("followup/", include("followup.urls")),
    path("settings/", include("verification.urls")),
    path("settings/", include("followup.settings_urls")),
    path("api/", include("leads.api_urls")),
    path("admin/", admin.site.urls),
]
