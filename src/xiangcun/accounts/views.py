from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.core.permissions import require

from .models import User
from .scopes import scoped


@login_required
def users(request: HttpRequest) -> HttpResponse:
    require(request, "manage_users")
    # A user is visible when their scope region lies inside the viewer's scope.
    visible = scoped(User.objects.select_related("region", "department"), request.user).order_by(
        "role", "username"
    )
    return render(request, "accounts/users.html", {"users": visible})
