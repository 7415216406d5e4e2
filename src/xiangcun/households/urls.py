from django.urls import path

from . import upload_views, views, visit_views

app_name = "households"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("import/", upload_views.upload, name="upload"),
    path("export.xlsx", views.export, name="export"),
    path("screening/", views.screening_page, name="screening"),
    path("screening/export.xlsx", views.screening_export, name="screening_export"),
    path("cases/", views.case_inbox, name="cases"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/monthly.xlsx", views.monthly_report, name="monthly_report"),
    path("settings/", views.settings_page, name="settings"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("visits/<int:pk>/", visit_views.visit_detail, name="visit"),
    path("visits/photos/<int:pk>/", visit_views.visit_photo, name="visit_photo"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/open-case/", views.case_open, name="case_open"),
    path("<str:code>/visit/", visit_views.visit_new, name="visit_new"),
]
