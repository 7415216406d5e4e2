from django.urls import path

from . import views

app_name = "medical"
urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("policy/", views.policy_edit, name="policy"),
]
