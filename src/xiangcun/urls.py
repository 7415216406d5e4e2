from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from xiangcun.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("regions/", include("xiangcun.regions.urls")),
    path("departments/", include("xiangcun.departments.urls")),
    path("accounts/", include("xiangcun.accounts.urls")),
    path("audit/", include("xiangcun.audit.urls")),
    path("plans/", include("xiangcun.plans.urls")),
    path("indicators/", include("xiangcun.indicators.urls")),
    path("medical/", include("xiangcun.medical.urls")),
    path("households/", include("xiangcun.households.urls")),
    path("api/", include("xiangcun.api.urls")),
    path("admin/", admin.site.urls),
]
