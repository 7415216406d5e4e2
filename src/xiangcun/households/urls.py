from django.urls import path

from . import views

app_name = "households"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("import/", views.upload, name="upload"),
    path("screening/", views.screening_page, name="screening"),
    path("<str:code>/", views.detail, name="detail"),
]
