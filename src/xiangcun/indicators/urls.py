from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("dashboard/", views.plan_dashboard, name="dashboard"),
    path("index/", views.index_page, name="index"),
    path("dashboard.xlsx", views.dashboard_export, name="dashboard_export"),
    path("targets/new/", views.target_edit, name="target_new"),
    path("targets/<int:pk>/", views.target_edit, name="target_edit"),
    path("report/", views.report, name="report"),
    path("report/template.xlsx", views.report_template, name="report_template"),
    path("review/", views.review_list, name="review"),
    path("review/batch/", views.review_batch, name="review_batch"),
    path("review/<int:pk>/", views.review_one, name="review_one"),
    path("<str:code>/", views.indicator_detail, name="detail"),  # last: codes must not shadow the pages above
]
