from django.urls import path, re_path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("import/", views.import_view, name="import"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    re_path(r"^(?P<code>\d{12})/$", views.detail, name="detail"),
    re_path(r"^(?P<code>\d{12})/edit/$", views.edit, name="edit"),
]
