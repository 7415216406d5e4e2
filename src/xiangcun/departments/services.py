"""Departments in the database, resolved by the same alias rules the plan reader uses."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from xiangcun.domain import departments as domain
from xiangcun.regions.models import Region

from .models import Department


def ensure_defaults(county: Region) -> int:
    """Create the standard county departments (with their aliases) that `county` does not have yet."""
    existing = set(Department.objects.filter(region=county).values_list("name", flat=True))
    created = 0
    with transaction.atomic():
        for item in domain.DEFAULT_DEPARTMENTS:
            if item.name in existing:
                continue
            Department.objects.create(
                region=county, name=item.name, full_name=item.full_name, aliases=list(item.aliases)
            )
            created += 1
    return created


def resolve(name: str, departments: QuerySet[Department]) -> Department | None:
    """The department that `name` (as written in a document) means, among `departments`, or None."""
    catalog = [domain.Department(d.name, tuple(d.aliases), d.full_name) for d in departments]
    canonical = domain.resolve(name, catalog)
    if canonical is None:
        return None
    return next((d for d in departments if d.name == canonical), None)
