from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/", views.user_edit, name="user"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/totp/reset/", views.user_totp_reset, name="user_totp_reset"),
    path("users/<int:pk>/sessions/<int:session>/end/", views.user_session_end, name="user_session_end"),
    path("password/", views.OwnPasswordChangeView.as_view(), name="password_change"),
    path("sessions/", views.own_sessions, name="sessions"),
    path("sessions/<int:pk>/end/", views.own_session_end, name="session_end"),
    path("totp/", views.totp_setup, name="totp"),
    path("totp/verify/", views.totp_verify, name="totp_verify"),
    path("policy/", views.policy, name="policy"),
]
