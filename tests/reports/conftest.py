"""A county with everything the yearly report shows, and personal data planted where a leak would come from."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from tests.assets.conftest import households, project  # noqa: F401  (fixtures)
from xiangcun.households.models import Case, Household, Measure
from xiangcun.indicators.models import Indicator, Observation, Target
from xiangcun.indicators.services import ensure_national

YEAR = 2025


@pytest.fixture
def report_data(county, households, project):  # noqa: F811  # type: ignore[no-untyped-def]
    ensure_national()
    toilets = Indicator.objects.get(code="N09")
    grain = Indicator.objects.get(code="N01")
    Target.objects.create(indicator=toilets, region=county.county, year=YEAR, value=85, op=">=", attribute="约束性",
                          baseline_year=2020, baseline_value=65, department=county.agriculture)  # fmt: skip
    Target.objects.create(indicator=grain, region=county.county, year=YEAR, value=12.5, op=">=",
                          baseline_year=2020, baseline_value=11)  # fmt: skip
    for year, value in ((2023, 68.0), (YEAR, 72.25)):
        Observation.objects.create(
            indicator=toilets, region=county.county, year=year, value=value, status="approved"
        )
    Observation.objects.create(
        indicator=grain, region=county.county, year=YEAR, value=12.6, status="approved"
    )
    # One more indicator per dimension, observed in the county and both townships, so that the index,
    # its trend and the township ranking exist.
    for code, base, goal in (("N10", 60, 90), ("N14", 50, 100), ("N21", 80, 92)):
        indicator = Indicator.objects.get(code=code)
        Target.objects.create(indicator=indicator, region=county.county, year=YEAR, value=goal, op=">=",
                              baseline_year=2020, baseline_value=base)  # fmt: skip
    values = {"N01": (11.5, 12.6), "N09": (70.0, 72.25), "N10": (70, 80), "N14": (60, 90), "N21": (84, 88)}
    for code, (before, now) in values.items():
        indicator = Indicator.objects.get(code=code)
        for region, shift in ((county.town_a, 1.0), (county.town_b, 0.9)):
            for year, value in ((2024, before), (YEAR, now)):
                Observation.objects.create(indicator=indicator, region=region, year=year, value=value * shift,
                                           status="approved")  # fmt: skip
        if code not in ("N01", "N09"):
            Observation.objects.create(indicator=indicator, region=county.county, year=YEAR, value=now,
                                       status="approved")  # fmt: skip
    for code, phase, category, causes in (
        ("A001", "帮扶", "边缘易致贫户", ["因病"]),
        ("B001", "识别", "", []),
    ):
        case = Case.objects.create(
            household=Household.objects.get(code=code), channel="农户自主申报", phase=phase, category=category,
            causes=causes, step_started=dt.date(YEAR, 3, 1), opened_at=dt.date(YEAR, 3, 1),
            admitted_at=dt.date(YEAR, 4, 1) if phase == "帮扶" else None, note="户主因病住院",
        )  # fmt: skip
        if phase == "帮扶":
            Measure.objects.create(
                case=case, name="健康帮扶", department=county.agriculture, started=dt.date(YEAR, 4, 2)
            )
    from xiangcun.tasks.models import Task, TaskUnit

    task = Task.objects.create(county=county.county, year=YEAR, code="RW-01", content="推进农村厕所革命整村改造",
                               deadline_kind="年底", deadline=dt.date(YEAR, 6, 30))  # fmt: skip
    TaskUnit.objects.create(task=task, role=TaskUnit.Role.LEAD, department=county.agriculture)
    return county


def docx_text(data: bytes) -> str:
    """Every piece of text in the .docx package (body, tables, headers, footers, properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "\n".join(
            package.read(name).decode("utf-8", "replace")
            for name in package.namelist()
            if name.endswith(".xml")
        )
