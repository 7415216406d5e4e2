from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.library, name="library"),
]
