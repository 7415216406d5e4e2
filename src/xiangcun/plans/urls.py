from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.upload, name="upload"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/import/", views.upload, name="upload_version"),
    path("<int:pk>/v<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/v<int:number>/confirm-pending/", views.confirm_pending, name="confirm_pending"),
    path("<int:pk>/v<int:number>/confirm/", views.confirm_version, name="confirm"),
    path("<int:pk>/v<int:number>/conflicts/", views.version_conflicts, name="conflicts"),
    path("<int:pk>/v<int:number>/targets/add/", views.add_target, name="add_target"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("items/<int:pk>/", views.item_edit, name="item"),
    path("items/<int:pk>/status/", views.item_status, name="item_status"),
    path("items/<int:pk>/year/", views.item_year, name="item_year"),
]
