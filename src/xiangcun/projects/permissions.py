"""Who may do what in the project library (reading is limited by `scoped`, as everywhere)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from xiangcun.accounts.models import Role

# Import, edit and take plan projects: county and township staff, each within their scope.
EDIT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN})
# 入库 (and fund rules) is the county's decision.
COUNTY_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.COUNTY_ADMIN})
# Status steps: editors, and the departments that implement the projects.
STEP_ROLES = EDIT_ROLES | {Role.DEPARTMENT_REPORTER}


def _has(user: Any, roles: frozenset[str]) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in roles))


def can_edit(user: Any) -> bool:
    return _has(user, EDIT_ROLES)


def can_admit(user: Any) -> bool:
    return _has(user, COUNTY_ROLES)


def can_step(user: Any) -> bool:
    return _has(user, STEP_ROLES)


def require_edit(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("您的角色不能修改项目库")
