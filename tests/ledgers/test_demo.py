from __future__ import annotations

import pytest

from xiangcun.domain.ledgers import toilets
from xiangcun.ledgers import services
from xiangcun.ledgers.demo import build_demo
from xiangcun.ledgers.models import Ledger, LedgerRow, SchoolRecord, ToiletRecord

pytestmark = pytest.mark.django_db


def test_demo_has_every_acceptance_state_schools_and_a_county_ledger(county, households):  # type: ignore[no-untyped-def]
    county.village_a1.households = 500
    county.village_a1.save()
    summary = build_demo(county.county)
    records = ToiletRecord.objects.filter(county=county.county)
    assert dict(services.toilet_states(records)).keys() == set(toilets.STATES)
    assert all(n > 0 for _, n in services.toilet_states(records)), services.toilet_states(records)
    assert (
        records.filter(household__isnull=False).exists() and records.filter(household__isnull=True).exists()
    )
    assert records.exclude(problems="").exists()
    progress = services.toilet_progress(county.county, records)
    assert [p.year for p in progress][:5] == [2021, 2022, 2023, 2024, 2025] and any(
        p.behind for p in progress
    )
    assert SchoolRecord.objects.values("year").distinct().count() == 2
    assert LedgerRow.objects.filter(ledger=Ledger.objects.get(name="村级综合服务设施台账")).count() == 3
    assert "可在改厕进度页计入指标" in summary
    assert build_demo(county.county) == "台账已存在。" and ToiletRecord.objects.count() == records.count()
