"""The one mechanism that limits what a user sees: every view filters its querysets through `scoped`.

A model says how it is reached from the region tree (`scope_region_path`, the lookup to a
materialised region path) and, if it belongs to a department, `scope_department_field`. A model partitioned
by county on PostgreSQL (the registry, households/partitions.py) names its county column
(`scope_county_field`): a user within a county then reads that county's partitions only.
Anything outside the scope is simply absent, so views answer 404, never 403, for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q, Subquery
from django.http import Http404

from xiangcun.regions.models import Region, subtree_q

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_path: str | None = None
    department_id: int | None = None
    county: int | Subquery | None = None  # the county the region lies in (None: above any county)

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
    region = user.region
    return Scope(region_path=region.path, department_id=department_id, county=_county(region))


def _county(region: Region) -> int | Subquery | None:
    """The county a region lies in, as `households.models.village_counties` gives a registry row's: the
    region at depth 3 above it, or the top of its tree when there is none; None above county level. Below
    a county it is a subquery (PostgreSQL prunes partitions on its value when the query starts), not a
    query of its own."""
    if region.depth < 3:
        return None
    if region.depth == 3:
        return region.pk
    above = [region.path[:k] for k in range(12, len(region.path), 12)] + [region.path]
    heads = Region.objects.filter(Q(depth=3) | Q(parent__isnull=True), path__in=above)
    return Subquery(heads.order_by("-depth").values("pk")[:1])


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
    county_field = getattr(model, "scope_county_field", None)
    if county_field and scope.county is not None:
        queryset = queryset.filter(**{county_field: scope.county})
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
