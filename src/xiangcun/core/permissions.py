from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def require(request: HttpRequest, permission: str) -> None:
    """403 when the user's role lacks `permission` (scope misses are 404, handled by `scoped`)."""
    if not request.user.can(permission):  # type: ignore[union-attr]
        raise PermissionDenied("您的角色没有这项权限")
