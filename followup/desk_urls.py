"""The desk's pages under /leads/, in the ``leads`` namespace (see ``config/urls.py``)."""

from django.urls import path

from followup import desk, views

urlpatterns = [
    path("", desk.InboxView.as_view(), name="inbox"),
    path("poll/", desk.inbox_poll, name="inbox-poll"),
    path("work/", views.work, name="work"),
    path("companies/<int:pk>/", desk.company_detail, name="company"),
    path("companies/<int:pk>/snooze/", desk.company_snooze, name="company-snooze"),
    path("companies/<int:pk>/vacations/", desk.company_vacation, name="company-vacation"),
    path("companies/<int:pk>/vacations/<int:vacation_id>/delete/", desk.vacation_delete,
         name="vacation-delete"),
    path("companies/<int:pk>/email/", desk.company_email, name="company-email"),
    path("companies/<int:pk>/target/", desk.company_target, name="company-target"),
]
