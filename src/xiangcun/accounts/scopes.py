"""The one mechanism that limits what a user sees: every view filters its querysets through `scoped`.

A model says how it is reached from the region tree (`scope_region_path`, the lookup to a
materialised region path) and, if it belongs to a department, `scope_department_field`.
Anything outside the scope is simply absent, so views answer 404, never 403, for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.http import Http404

from xiangcun.regions.models import Region, subtree_q

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_path: str | None = None
    department_id: int | None = None

    @property
    def empty(self) -> bool:
        return not self.everything and self.region_path is None


def scope_of(user: Any) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser or (user.role == "system_admin" and user.region_id is None):
        return Scope(everything=True)
    if user.region_id is None:
        return Scope()
    department_id = user.department_id if user.role == "department_reporter" else None
    return Scope(region_path=user.region.path, department_id=department_id)


def scoped(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """Only the rows of `queryset` that `user` may see."""
    model = queryset.model
    region_path = getattr(model, "scope_region_path", None)
    if region_path is None:
        raise ImproperlyConfigured(f"{model.__name__} 没有声明 scope_region_path，不能按权限过滤")
    scope = scope_of(user)
    if scope.everything:
        return queryset
    if scope.empty:
        return queryset.none()
    path = scope.region_path or ""
    visible = subtree_q(path, field=region_path)
    if getattr(model, "scope_includes_ancestors", False):
        visible |= Q(**{f"{region_path}__in": [path[:i] for i in range(12, len(path), 12)]})
    if getattr(model, "scope_includes_global", False):
        visible |= Q(**{f"{region_path.removesuffix('__path')}__isnull": True})
    queryset = queryset.filter(visible)
    department_field = getattr(model, "scope_department_field", None)
    if department_field and scope.department_id is not None:
        queryset = queryset.filter(**{department_field: scope.department_id})
    return queryset


def get_scoped_or_404(queryset: models.QuerySet[M], user: Any, **lookup: Any) -> M:
    try:
        return scoped(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404("没有找到，或不在您的管辖范围内") from exc


def county_of(user: Any) -> Region | None:
    """The county whose settings apply to `user`: the county above (or at) their region; for an
    unrestricted administrator, the first county in the tree."""
    region = getattr(user, "region", None)
    if region is None:
        return scoped(Region.objects.filter(depth=3), user).order_by("path").first()
    codes = [region.path[i : i + 12] for i in range(0, len(region.path), 12)]
    return Region.objects.filter(code__in=codes, depth=3).first()
