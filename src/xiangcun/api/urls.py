from django.urls import path

from . import views

app_name = "api"
urlpatterns = [
    path("v1/indicators/", views.indicators, name="indicators"),
    path("v1/observations/", views.observations, name="observations"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke, name="revoke"),
]
