from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from xiangcun.accounts.models import Role
from xiangcun.accounts.scopes import county_of

# The roles that own a county's settings, definitions and reviews.
COUNTY_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.COUNTY_ADMIN})


def require(request: HttpRequest, permission: str) -> None:
    """403 when the user's role lacks `permission` (scope misses are 404, handled by `scoped`)."""
    if not request.user.can(permission):  # type: ignore[union-attr]
        raise PermissionDenied("您的角色没有这项权限")


def is_county_admin(user: Any) -> bool:
    """County-level work (settings, definitions, reviews): the county and system administrators."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in COUNTY_ROLES))


def require_county(request: HttpRequest, message: str = "只有县级管理员可以做这项操作") -> Any:
    """The county a county administrator acts for (a `Region`), or 403.

    Both refusals are 403: a user who is not county-level lacks the right, and a county-level account
    without a county is misconfigured. 404 is kept for objects outside the user's scope.
    """
    if not is_county_admin(request.user):
        raise PermissionDenied(message)
    county = county_of(request.user)
    if county is None:
        raise PermissionDenied("您的账号没有所属的县，请系统管理员在账号中设置所属地区")
    return county
