from django.urls import path

from followup import settings_views as views

app_name = "settings"

urlpatterns = [
    path("", views.settings_page, name="index"),
    path("channels/", views.ranking_save, name="ranking"),
    path("mail-lists/", views.mail_lists_save, name="mail-lists"),
    path("team/", views.team_save, name="team"),
    path("cadence/steps/", views.step_save, name="step-add"),
    path("cadence/steps/<int:pk>/", views.step_save, name="step"),
    path("cadence/steps/<int:pk>/delete/", views.step_delete, name="step-delete"),
]
