"""Each public page runs a fixed number of queries, however much the county holds (no query per row),
and the project rows the funds page joins in Python are escaped like the template would."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.public.test_site import PAGES, site  # noqa: F401
from xiangcun.assets.models import Asset, AssetIncome, Distribution
from xiangcun.households.models import Household
from xiangcun.indicators.models import Indicator, Observation, Target
from xiangcun.projects.models import Project

pytestmark = pytest.mark.django_db

# what each page needs today; a page that starts querying per row or per village fails here
BUDGET = {"index.html": 7, "funds.html": 10, "progress.html": 3, "assets.html": 5, "income.html": 7,
          "targets.html": 4}  # fmt: skip


def counts(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    out = {}
    for name in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/public/140000000000/{name}").status_code == 200, name
        out[name] = len(queries)
    return out


def grow(county) -> None:  # type: ignore[no-untyped-def]
    """Many more projects, assets, incomes, distributions (to households too) and targets, in every village."""
    villages = [county.village_a1, county.village_a2, county.village_b1, county.town_a]
    types = ("industry", "employment", "construction", "relocation", "governance", "other")
    Project.objects.bulk_create(
        Project(county=county.county, code=f"XM-{n}", name=f"项目{n}", project_type=types[n % 6],
                region=villages[n % 4], department=county.agriculture, year=2022 + n % 3,
                total_investment=Decimal("1.0001"), link_fund=Decimal("1.0001"), central_fund=Decimal("1.0001"),
                status=("reserve", "in_progress", "accepted", "terminated")[n % 4])
        for n in range(60)
    )  # fmt: skip
    assets = Asset.objects.bulk_create(
        Asset(county=county.county, code=f"ZC-{n}", name=f"资产{n}", category=("经营性", "公益性", "到户类")[n % 3],
              region=villages[n % 4], value=Decimal("2.5000"), year=2020, owner="村集体经济组织",
              owner_type="村集体经济组织", state=("正常运营", "闲置", "损毁")[n % 3])
        for n in range(40)
    )  # fmt: skip
    for indicator in Indicator.objects.exclude(code="N09").order_by("code")[:5]:
        Target.objects.create(indicator=indicator, region=county.county, year=2025, value=50, op=">=")
        Observation.objects.create(
            indicator=indicator, region=county.county, year=2023, value=40.0, status="approved"
        )
    households = list(Household.objects.all())
    for n, asset in enumerate(assets):
        income = AssetIncome.objects.create(asset=asset, year=2024, amount=Decimal("900.00"))
        Distribution.objects.create(income=income, use="管护运行", amount=Decimal("300.00"))
        Distribution.objects.create(income=income, use="巩固帮扶", amount=Decimal("100.00"), basis="公益性岗位",
                                    work="保洁", household=households[n % len(households)])  # fmt: skip


def test_query_counts_do_not_grow_with_the_data(client, site):  # type: ignore[no-untyped-def]  # noqa: F811
    small = counts(client)
    assert {name: min(small[name], BUDGET[name]) for name in PAGES} == small
    grow(site)
    assert counts(client) == small


def test_funds_page_rows_are_escaped(client, site):  # type: ignore[no-untyped-def]  # noqa: F811
    Project.objects.filter(code="XM2024-001").update(name='<script>alert("x")</script>&\'')
    html = client.get("/public/140000000000/funds-2024.html").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;" in html
    assert "<td>XM2024-001</td>" in html and '<td class="num">100.0000</td>' in html
