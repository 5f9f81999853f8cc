from django.urls import path

from followup import views

app_name = "followup"

urlpatterns = [
    path("reminders/", views.reminders, name="reminders"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reminders/<int:pk>/sent/", views.reminder_sent, name="reminder-sent"),
]
