"""Demo indicator values: townships agree with the county the way the system adds regions up (issue 16, item 10)."""

from __future__ import annotations

import io
import math

import pytest
from django.core.management import call_command
from django.utils import timezone

from xiangcun.domain.catalog import NATIONAL
from xiangcun.domain.demo import COUNTY_CODE, DEMO_TARGETS, county_rows, demo_values, demo_years
from xiangcun.domain.observations import aggregate

KINDS = {item.code: item.kind for item in NATIONAL}
POPULATIONS = [int(r[4]) for r in county_rows(100)[1:] if r[2] == COUNTY_CODE]  # type: ignore[call-overload]


def agrees(kind: str, county: float, towns: list[float], populations: list[int]) -> bool:
    total, _ = aggregate(kind, towns, populations)
    if total is None:  # ratios are never added up
        return kind == "ratio"
    if kind == "percentage":  # to the published two decimals
        return abs(total - county) < 0.005
    return math.isclose(total, county, abs_tol=1e-9)


@pytest.mark.parametrize("code", sorted(DEMO_TARGETS))
def test_township_values_add_up_to_the_county_value(code: str) -> None:
    county, towns = demo_values(code, KINDS[code], POPULATIONS, demo_years(2026))
    assert list(county) == ([] if DEMO_TARGETS[code][3] is None else [2021, 2022, 2023, 2024, 2025])
    for year, value in county.items():
        values = [t[year] for t in towns]
        assert agrees(KINDS[code], value, values, POPULATIONS), (code, year, value, values)
        if KINDS[code] == "percentage":
            assert all(0 <= v <= 100 for v in [value, *values]), (code, year)
        assert len({round(v, 6) for v in values}) > 1 or value in (0, 100)  # townships differ


def test_demo_years_end_with_the_last_year_that_is_over() -> None:
    assert list(demo_years(2025)) == [2021, 2022, 2023, 2024]
    assert list(demo_years(2026)) == list(demo_years(2031)) == [2021, 2022, 2023, 2024, 2025]
    assert list(demo_years(2021)) == [2021]


@pytest.mark.django_db(transaction=True)
def test_demo_database_townships_agree_with_the_county() -> None:
    from xiangcun.indicators.models import Observation
    from xiangcun.regions.models import Region

    call_command("demo", "--households", "0", "--quiet", stdout=io.StringIO())
    county = Region.objects.get(code=COUNTY_CODE)
    townships = list(county.children.order_by("code"))
    populations = [t.population for t in townships]
    approved = Observation.objects.filter(status="approved", quarter=0).select_related("indicator")
    checked = 0
    for observation in approved.filter(region=county):
        towns = {
            o.region_id: o.value
            for o in approved.filter(
                indicator=observation.indicator, year=observation.year, region__parent=county
            )
        }
        assert set(towns) == {t.pk for t in townships}, observation
        values = [towns[t.pk] for t in townships]
        assert agrees(observation.indicator.kind, observation.value, values, populations), observation
        checked += 1
    with_data = sum(1 for target in DEMO_TARGETS.values() if target[3] is not None)
    assert checked == with_data * len(demo_years(timezone.localdate().year))
