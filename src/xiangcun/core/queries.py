"""Query helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)
CHUNK = 10_000  # well under SQLite's limit on bound parameters


def filter_in(queryset: models.QuerySet[M], field: str, values: Iterable[Any]) -> Iterator[M]:
    """Rows whose `field` is in `values`, fetched in chunks so a 100 000-item list never becomes one IN (...)."""
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield from queryset.filter(**{f"{field}__in": items[start : start + CHUNK]})


def values_in(
    queryset: models.QuerySet[Any], field: str, values: Iterable[Any], *columns: str
) -> Iterator[tuple]:  # type: ignore[type-arg]
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield from queryset.filter(**{f"{field}__in": items[start : start + CHUNK]}).values_list(*columns)
