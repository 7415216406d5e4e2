"""Fixtures for the project pages: three projects, two in 甲镇 (one implemented by 农业农村局), one in 乙乡."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.domain.projects.test_workbook import row, workbook
from xiangcun.projects.models import Project
from xiangcun.projects.services import import_projects


def project_rows() -> list[list[Any]]:
    return [
        row(项目编号="A-1"),  # 甲一村, 农业农村局, 产业发展, 衔接资金 100.1234; the others: 教育局
        row(
            项目编号="A-2",
            项目名称="甲镇道路硬化",
            项目类型="乡村建设",
            以工代赈="是",
            建设地点代码="140000001000",
            实施单位="教育局",
            **{"劳务报酬（万元）": 5},
        ),  # fmt: skip
        row(
            项目编号="B-1",
            项目名称="乙一村饮水工程",
            项目类型="乡村建设",
            建设地点代码="140000002201",
            实施单位="教育局",
            状态="实施中",
        ),
    ]


@pytest.fixture
def projects(county) -> dict[str, Project]:  # type: ignore[no-untyped-def]
    report = import_projects(workbook(*project_rows()), "p.xlsx", county.county)
    assert report.ok, report.errors
    return {p.code: p for p in Project.objects.all()}


def amounts(p: Project) -> tuple[Decimal, ...]:
    return (p.total_investment, p.link_fund, p.central_fund, p.provincial_fund, p.local_fund, p.other_fund)
