from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("supervision/", views.supervision, name="supervision"),
    path("import/", views.upload, name="upload"),
    path("from-plan/", views.from_plan, name="from_plan"),
    path("settings/", views.settings_page, name="settings"),
    path("scorecards/", views.scorecard_list, name="scorecards"),
    path("scorecards/<str:kind>/<int:key>/", views.scorecard_detail, name="scorecard"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("reports/<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/report/", views.report, name="report"),
]
