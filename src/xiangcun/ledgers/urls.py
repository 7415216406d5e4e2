from django.urls import path

from . import plan_schools, views

app_name = "ledgers"

urlpatterns = [
    path("", views.index, name="index"),
    path("toilets/", views.toilets_page, name="toilets"),
    path("toilets/export/", views.toilets_export, name="toilets_export"),
    path("toilets/template.xlsx", views.toilets_template, name="toilets_template"),
    path("toilets/import/", views.toilets_import, name="toilets_import"),
    path("toilets/progress/", views.toilets_progress, name="progress"),
    path("toilets/coverage/", views.publish_coverage, name="publish_coverage"),
    path("toilets/settings/", views.toilet_settings, name="toilet_settings"),
    path("toilets/<int:pk>/", views.toilet_detail, name="toilet"),
    path("schools/", views.schools_page, name="schools"),
    path("schools/export/", views.schools_export, name="schools_export"),
    path("schools/template.xlsx", views.schools_template, name="schools_template"),
    path("schools/import/", views.schools_import, name="schools_import"),
    path("schools/settings/", views.school_settings, name="school_settings"),
    path("schools/from-plan/", plan_schools.from_plan, name="schools_from_plan"),
    path("new/", views.ledger_new, name="new"),
    path("<int:pk>/", views.ledger_page, name="ledger"),
    path("<int:pk>/export/", views.ledger_export, name="ledger_export"),
    path("<int:pk>/template.xlsx", views.ledger_template, name="ledger_template"),
    path("<int:pk>/import/", views.ledger_import, name="ledger_import"),
]
