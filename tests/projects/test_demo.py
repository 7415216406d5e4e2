"""The demo library: several hundred projects over 2021–2025, every status, amounts that add up."""

from __future__ import annotations

from xiangcun.domain import projects as domain
from xiangcun.projects.demo import build_demo
from xiangcun.projects.models import Project
from xiangcun.projects.selectors import fund_summary, public_fund_summary


def test_demo_library(county) -> None:  # type: ignore[no-untyped-def]
    assert "400 个演示项目" in build_demo(county.county)
    projects = Project.objects.filter(county=county.county)
    assert projects.count() == 400
    assert set(projects.values_list("status", flat=True)) == set(domain.STATUSES)
    assert set(projects.values_list("year", flat=True)) == {2021, 2022, 2023, 2024, 2025}
    for p in projects:  # in Decimal: SQLite would compare these as floats
        assert p.total_investment == p.link_fund + p.other_fund, p.code
        assert p.link_fund == p.central_fund + p.provincial_fund + p.local_fund, p.code
    for p in projects.filter(status="assets_formed")[:20]:
        assert [s.to_status for s in p.steps.all()] == list(domain.CHAIN)
        assert all(s.at.year <= 2025 for s in p.steps.all())  # dated when they happened, not when built
    shares = {y: fund_summary(projects, y, county.county)["industry_share"] for y in range(2021, 2026)}
    assert shares[2023] < 0.55 and sum(s >= 0.55 for s in shares.values()) >= 3, shares
    public = public_fund_summary(county.county, 2024)
    subtotal = sum(float(g["subtotal"]["link_fund"]) for g in public["groups"])
    assert abs(subtotal - float(public["total"]["link_fund"])) < 1e-6
    assert "已有 400 个项目" in build_demo(county.county)  # a second run keeps the library
