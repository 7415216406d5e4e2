"""Query helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.db import connection, models

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


def refresh_statistics(*model_classes: type[models.Model]) -> None:
    """Give the query planner fresh row counts after a bulk load (all tables when none are named).

    SQLite keeps no statistics until ANALYZE runs: without them it planned case and household queries from
    the regions table and made ~300 000 household lookups per page at county scale. PostgreSQL's autovacuum
    catches up on its own, but only after the pages right after an import were planned on stale counts.
    """
    tables = [m._meta.db_table for m in model_classes] or [""]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # sampled statistics: a few hundred rows per index are enough for the planner and keep it cheap
            cursor.execute("PRAGMA analysis_limit=1000")
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}" if table else "ANALYZE")
