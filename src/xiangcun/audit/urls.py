from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("security/", views.security_log, name="security"),
    path("security/export/", views.security_export, name="security_export"),
]
