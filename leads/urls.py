from django.urls import path

from leads import views

app_name = "leads"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("companies/<int:pk>/", views.company_detail, name="company"),
    path("companies/<int:pk>/note/", views.company_note, name="company-note"),
    path("companies/<int:pk>/status/", views.company_status, name="company-status"),
    path("companies/<int:pk>/claim/", views.company_claim, name="company-claim"),
    path("companies/<int:pk>/release/", views.company_release, name="company-release"),
    path("companies/<int:pk>/merge/", views.company_merge, name="company-merge"),
    path("companies/<int:pk>/split/", views.company_split, name="company-split"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_result, name="import-result"),
]
