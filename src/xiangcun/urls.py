from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from xiangcun.accounts import views as account_views
from xiangcun.overview import views as overview_views


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the site's icon."""
    return redirect(static("xiangcun/favicon.svg"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("", overview_views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("regions/", include("xiangcun.regions.urls")),
    path("departments/", include("xiangcun.departments.urls")),
    path("accounts/", include("xiangcun.accounts.urls")),
    path("audit/", include("xiangcun.audit.urls")),
    path("plans/", include("xiangcun.plans.urls")),
    path("indicators/", include("xiangcun.indicators.urls")),
    path("medical/", include("xiangcun.medical.urls")),
    path("households/", include("xiangcun.households.urls")),
    path("projects/", include("xiangcun.projects.urls")),
    path("assets/", include("xiangcun.assets.urls")),
    path("tasks/", include("xiangcun.tasks.urls")),
    path("villages/", include("xiangcun.villages.urls")),
    path("ledgers/", include("xiangcun.ledgers.urls")),
    path("public/", include("xiangcun.public.urls")),
    path("reports/", include("xiangcun.reports.urls")),
    path("api/", include("xiangcun.api.urls")),
    path("admin/", admin.site.urls),
]
