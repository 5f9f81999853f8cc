from django.urls import path

from verification import views

app_name = "verification"

urlpatterns = [
    path("keywords/", views.keywords, name="keywords"),
    path("keywords/try/", views.keyword_try, name="keyword-try"),
    path("keywords/add/", views.keyword_add, name="keyword-add"),
    path("keywords/bulk/", views.keyword_bulk, name="keyword-bulk"),
    path("keywords/<int:pk>/delete/", views.keyword_delete, name="keyword-delete"),
    path("industries/<int:pk>/", views.industry_update, name="industry"),
    path("keywords/rescore/", views.rescore_progress, name="rescore-progress"),
    path("fit-model/retrain/", views.fit_retrain, name="fit-retrain"),
    path("fit-model/<int:pk>/decide/", views.fit_decide, name="fit-decide"),
]
