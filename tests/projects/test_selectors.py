"""What other apps read: accepted projects (for draft assets) and the public fund summary."""

from __future__ import annotations

from decimal import Decimal

from xiangcun.projects.models import Project
from xiangcun.projects.selectors import accepted_projects, public_fund_summary


def test_accepted_projects_respect_county_and_scope(county, users, projects) -> None:  # type: ignore[no-untyped-def]
    Project.objects.filter(code__in=["A-1", "B-1"]).update(status="accepted")
    assert [p.code for p in accepted_projects(county=county.county)] == ["A-1", "B-1"]
    assert [p.code for p in accepted_projects(user=users["township_b"])] == ["B-1"]


def test_public_summary_groups_by_type_with_subtotals_and_no_people(county, projects) -> None:  # type: ignore[no-untyped-def]
    Project.objects.filter(code="A-2").update(status="terminated")
    summary = public_fund_summary(county.county)
    assert summary["county"] == "测试县" and summary["year"] == 2025 and summary["years"] == [2025]
    assert [g["type"] for g in summary["groups"]] == ["产业发展", "乡村建设"]
    assert [r["code"] for g in summary["groups"] for r in g["rows"]] == ["A-1", "B-1"]  # 已终止 left out
    b1 = summary["groups"][1]["rows"][0]
    assert (b1["township"], b1["village"], b1["department"], b1["status"]) == (
        "乙乡",
        "乙一村",
        "教育局",
        "实施中",
    )
    subtotals = sum(Decimal(g["subtotal"]["link_fund"]) for g in summary["groups"])
    assert str(subtotals) == summary["total"]["link_fund"] == summary["summary"]["total"] == "200.2468"
    assert summary["status_counts"]["已终止"] == 1
    allowed = {"code", "name", "project_type", "type", "department", "township", "village", "status",
               "link_fund", "central_fund", "provincial_fund", "local_fund"}  # fmt: skip
    assert all(set(r) == allowed for g in summary["groups"] for r in g["rows"])
