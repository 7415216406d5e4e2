"""The planner's statistics after a bulk load: without them SQLite planned county pages from the wrong table."""

from __future__ import annotations

import pytest
from django.db import connection

from xiangcun.core.queries import refresh_statistics
from xiangcun.regions.models import Region

pytestmark = pytest.mark.django_db


def _rows_known_to_planner(table: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            stats = [row[0] for row in cursor.fetchall()]
            return max((int(s.split()[0]) for s in stats), default=0)
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return int(cursor.fetchone()[0])


def test_named_tables_get_fresh_row_counts() -> None:
    county = Region.objects.create(code="140000000000", name="测试县", level="county")
    for i in range(30):
        Region.objects.create(code=f"14000{i + 1:02d}00000", name=f"镇{i}", level="township", parent=county)
    refresh_statistics(Region)
    assert _rows_known_to_planner(Region._meta.db_table) == 31


def test_all_tables_when_none_is_named() -> None:
    Region.objects.create(code="140000000000", name="测试县", level="county")
    refresh_statistics()
    assert _rows_known_to_planner(Region._meta.db_table) == 1
