"""Read-only queries on the project library, for this app and for others (assets, the public site)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiangcun.accounts.scopes import scoped
from xiangcun.regions.models import Region

from .models import Project, ProjectStatus


def accepted_projects(user: Any = None, county: Region | None = None) -> QuerySet[Project]:
    """Projects at 已验收 (accepted, assets not yet registered): the ones that should produce draft assets.

    With `user`, only what the user's scope allows; with `county`, only that county's library.
    """
    queryset = Project.objects.filter(status=ProjectStatus.ACCEPTED).select_related("region", "department")
    if county is not None:
        queryset = queryset.filter(county=county)
    if user is not None:
        queryset = scoped(queryset, user)
    return queryset.order_by("year", "code")
