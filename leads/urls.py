from django.urls import path

from leads import views

# The inbox and the company page are the desk (followup/desk_urls.py); config/urls.py
# serves both lists under /leads/ in the "leads" namespace.
app_name = "leads"

urlpatterns = [
    path("bulk/", views.inbox_bulk, name="inbox-bulk"),
    path("companies/<int:pk>/checks/", views.company_checks, name="company-checks"),
    path("companies/<int:pk>/note/", views.company_note, name="company-note"),
    path("companies/<int:pk>/status/", views.company_status, name="company-status"),
    path("companies/<int:pk>/attempt/", views.company_attempt, name="company-attempt"),
    path("companies/<int:pk>/reply/", views.company_reply, name="company-reply"),
    path("companies/<int:pk>/segment/", views.company_segment, name="company-segment"),
    path("companies/<int:pk>/grade/", views.company_grade, name="company-grade"),
    path("companies/<int:pk>/calendar/", views.company_calendar, name="company-calendar"),
    path("companies/<int:pk>/verify/", views.company_verify, name="company-verify"),
    path("companies/<int:pk>/claim/", views.company_claim, name="company-claim"),
    path("companies/<int:pk>/release/", views.company_release, name="company-release"),
    path("companies/<int:pk>/assign/", views.company_assign, name="company-assign"),
    path("companies/<int:pk>/merge/", views.company_merge, name="company-merge"),
    path("companies/<int:pk>/split/", views.company_split, name="company-split"),
    path("companies/<int:pk>/channels/", views.channel_save, name="channel-add"),
    path("companies/<int:pk>/channels/<int:channel_id>/", views.channel_save,
         name="channel-edit"),
    path("companies/<int:pk>/channels/<int:channel_id>/delete/", views.channel_delete,
         name="channel-delete"),
    path("companies/<int:pk>/channels/<int:channel_id>/emergency/", views.channel_emergency,
         name="channel-emergency"),
    path("companies/<int:pk>/mail/<int:message_id>/away/", views.mail_away_record,
         name="mail-away"),
    path("mail/upload/", views.mail_upload, name="mail-upload"),
    path("mail/held/", views.held_list, name="held-list"),
    path("mail/held/<int:pk>/", views.held_detail, name="held"),
    path("mail/held/<int:pk>/decision/", views.held_decision, name="held-decide"),
    path("mail/held/<int:pk>/attachments/<int:number>/", views.held_attachment,
         name="held-attachment"),
    path("mail/held/<int:pk>/raw/", views.held_raw, name="held-raw"),
    path("history/", views.history, name="history"),
    path("language/", views.language_set, name="language"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_result, name="import-result"),
]
