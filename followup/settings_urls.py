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
    path("attachments/", views.attachments_page, name="attachments"),
    path("attachments/upload/", views.attachment_upload, name="attachment-upload"),
    path("attachments/<int:pk>/active/", views.attachment_active, name="attachment-active"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment-delete"),
    # Any role: reps look at a file before they send it.
    path("attachments/<int:pk>/download/", views.attachment_download,
         name="attachment-download"),
]
