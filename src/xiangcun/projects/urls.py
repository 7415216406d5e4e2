from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.edit, name="new"),
    path("import/", views.upload, name="upload"),
    path("export/", views.export, name="export"),
    path("funds/", views.funds, name="funds"),
    path("rules/", views.rules, name="rules"),
    path("from-plans/", views.plan_projects, name="plan_projects"),
    path("from-plans/<int:item_id>/take/", views.take, name="take"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/step/", views.step, name="step"),
]
