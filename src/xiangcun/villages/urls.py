from django.urls import path

from . import views

app_name = "villages"

urlpatterns = [
    path("", views.village_list, name="list"),
    path("export/", views.export, name="export"),
    path("classes/sync/", views.sync, name="sync"),
    path("merges/", views.merge_list, name="merges"),
    path("merges/<int:pk>/", views.merge_detail, name="merge"),
    path("merges/<int:pk>/reject/", views.merge_reject, name="merge_reject"),
    path("layout/", views.layout_page, name="layout"),
    path("layout/export/", views.layout_export, name="layout_export"),
    path("layout/rules/new/", views.rule_edit, name="rule_new"),
    path("layout/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("<str:code>/", views.profile, name="profile"),
]
