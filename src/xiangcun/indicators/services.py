"""The indicator catalog in the database: seeding the national indicators and matching plan names."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from xiangcun.domain import catalog as domain

from .models import Indicator


def ensure_national() -> int:
    """Create the national main indicators that are missing; existing entries (maybe edited) are kept."""
    existing = set(Indicator.objects.filter(region__isnull=True).values_list("code", flat=True))
    created = 0
    with transaction.atomic():
        for item in domain.NATIONAL:
            if item.code in existing:
                continue
            Indicator.objects.create(
                code=item.code,
                name=item.name,
                synonyms=list(item.synonyms),
                unit=item.unit or "",
                dimension=item.dimension,
                direction=item.direction,
                kind=item.kind,
                national=True,
                definition=item.definition,
            )
            created += 1
    return created


def match(name: str, indicators: Iterable[Indicator]) -> tuple[Indicator | None, domain.Match]:
    items = list(indicators)
    result = domain.match(name, [i.as_catalog() for i in items])
    found = next((i for i in items if i.code == result.code), None) if result.code else None
    return found, result
