"""Fixtures for the asset pages: a project, assets in both townships, two households."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.domain.households.factory import finance, household, id_number, member
from tests.domain.households.factory import workbook as registry_workbook
from xiangcun.assets.models import Asset
from xiangcun.households.services import import_households
from xiangcun.projects.models import Project

MEMBER_NAME = "欧阳秘密"
MEMBER_ID = id_number("19800101", 7)


@pytest.fixture
def households(county):  # type: ignore[no-untyped-def]
    data = registry_workbook(
        [household("A001", 户主姓名=MEMBER_NAME), household("B001", village="140000002201", 户主姓名="李四")],
        [member("A001", MEMBER_ID, 姓名=MEMBER_NAME), member("B001", id_number("19700101", 2), 姓名="李四")],
        [finance("A001", 2025), finance("B001", 2025)],
    )
    assert import_households(data, "r.xlsx").ok


@pytest.fixture
def project(county):  # type: ignore[no-untyped-def]
    return Project.objects.create(
        county=county.county, code="XM2024-001", name="甲一村光伏电站", project_type="industry",
        region=county.village_a1, department=county.agriculture, year=2024,
        total_investment=Decimal("120.5000"), link_fund=Decimal("100.0000"), central_fund=Decimal("100.0000"),
        other_fund=Decimal("20.5000"), status="accepted",
    )  # fmt: skip


@pytest.fixture
def assets(county, project):  # type: ignore[no-untyped-def]
    common = {"county": county.county, "value": Decimal("10.0000"), "year": 2023, "owner": "村集体经济组织",
              "owner_type": "村集体经济组织"}  # fmt: skip
    a = Asset.objects.create(code="ZC-A1", name="甲一村光伏电站", category="经营性", region=county.village_a1,
                             operating_mode="租赁", custodian_person="王五", project=project, **common)  # fmt: skip
    b = Asset.objects.create(code="ZC-B1", name="乙一村扶贫车间", category="经营性", region=county.village_b1,
                             operating_mode="", state="闲置", **common)  # fmt: skip
    c = Asset.objects.create(code="ZC-A2", name="甲二村道路", category="公益性", region=county.village_a2,
                             custodian_person="", **common)  # fmt: skip
    return {"a": a, "b": b, "c": c}
