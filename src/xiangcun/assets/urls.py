from django.urls import path

from . import views

app_name = "assets"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export/", views.export, name="export"),
    path("warnings/", views.warnings, name="warnings"),
    path("import/", views.upload, name="upload"),
    path("drafts/", views.make_drafts, name="drafts"),
    path("<int:pk>/", views.detail, name="detail"),
    path("incomes/", views.incomes, name="incomes"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("settings/", views.settings_page, name="settings"),
]
