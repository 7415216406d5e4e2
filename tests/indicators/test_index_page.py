from __future__ import annotations

import pytest
from django.urls import reverse

from xiangcun.domain.catalog import NATIONAL
from xiangcun.indicators.models import Indicator, Observation, Target
from xiangcun.indicators.services import ensure_national

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_per_dimension(county):  # type: ignore[no-untyped-def]
    """One indicator per dimension, baseline 0 → target 100, so a value is its own score."""
    ensure_national()
    seen: set[str] = set()
    for item in NATIONAL:
        if item.dimension in seen or item.direction == "lower":
            continue
        seen.add(item.dimension)
        indicator = Indicator.objects.get(code=item.code)
        Target.objects.create(
            indicator=indicator,
            region=county.county,
            year=2025,
            value=100,
            baseline_year=2020,
            baseline_value=0,
        )
        for region, value in ((county.county, 40.0), (county.town_a, 60.0), (county.town_b, 30.0)):
            Observation.objects.create(
                indicator=indicator, region=region, year=2024, value=value, status="approved"
            )
    return seen


def test_townships_are_ranked_and_the_county_has_a_trend(client_for, users, one_per_dimension):  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get(reverse("indicators:index"), {"year": 2024}).content.decode()
    assert page.index("甲镇") < page.index("乙乡")  # 60 beats 30
    assert (
        "<strong>60.0</strong>" in page
        and "<strong>30.0</strong>" in page
        and "<strong>40.0</strong>" in page
    )


def test_a_township_sees_only_its_own_row(client_for, users, one_per_dimension):  # type: ignore[no-untyped-def]
    page = client_for(users["township_a"]).get(reverse("indicators:index"), {"year": 2024}).content.decode()
    assert "甲镇" in page and "乙乡" not in page


def test_missing_dimension_means_no_index(client_for, users, county, one_per_dimension):  # type: ignore[no-untyped-def]
    Observation.objects.filter(region=county.town_b, indicator__dimension="生活富裕").delete()
    page = client_for(users["county_admin"]).get(reverse("indicators:index"), {"year": 2024}).content.decode()
    assert "缺数据" in page


def test_weights_and_export(client_for, users, county, one_per_dimension):  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    client = client_for(users["county_admin"])
    page = client.get(reverse("indicators:index"), {"year": 2024, "weighting": "entropy", "aggregation": "geometric",
                                                     "w0": "2"}).content.decode()  # fmt: skip
    assert (
        'value="entropy" selected' in page and "<strong>60.0</strong>" in page
    )  # equal scores stay 60 under any weights
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("indicators:index"), {"year": 2024, "format": "xlsx"}).content)
    )
    assert [c.value for c in book["乡镇排名"][2]][:3] == [1, "甲镇", 60.0]


def test_a_single_rank_reads_as_one_rank_and_no_file_is_cited(client_for, users, one_per_dimension):  # type: ignore[no-untyped-def]
    """Issue 16, item 6: "第 1–1 名" when every weighting gives the same rank; the page cited docs/…."""
    page = client_for(users["county_admin"]).get(reverse("indicators:index"), {"year": 2024}).content.decode()
    assert "第 1–1 名" not in page and "第 2–2 名" not in page
    assert "第 1 名" in page and "第 2 名" in page
    assert "docs/" not in page and ".md" not in page


def test_the_weighting_selects_have_no_dashes(client_for, users, one_per_dimension):  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get(reverse("indicators:index"), {"year": 2024}).content.decode()
    assert "---------" not in page
