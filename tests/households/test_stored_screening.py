"""The 风险筛查 page keeps its result between registry changes and never shows one older than the registry
(households/stored.py, households/triggers.py): every kind of write, by any writer, is seen on the next view."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.domain.households.factory import finance, household, id_number, member, workbook
from tests.households.test_cases import login
from xiangcun.households import stored, triggers
from xiangcun.households.models import Finance, Household, Member, StoredScreening
from xiangcun.households.services import import_households

pytestmark = pytest.mark.django_db
URL = reverse("households:screening")


def registry() -> bytes:
    """Three safe households in 甲镇 (A…), one unsafe-housing household in 乙镇 (B001)."""
    households = [household("A001"), household("A002"), household("A003"),
                  household("B001", village="140000002201", 住房安全等级="D")]  # fmt: skip
    members = [member(h["户编号"], id_number("19800101", n)) for n, h in enumerate(households)]
    finances = [finance(h["户编号"], 2025) for h in households]
    return workbook(households, members, finances)


@pytest.fixture
def screened(county):  # type: ignore[no-untyped-def]
    assert import_households(registry(), "r.xlsx").ok


def flagged(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """户编号 → the rules shown for it, as the page lists them."""
    page = client.get(URL, {"year": 2025}).content.decode()
    return dict(re.findall(r'href="/households/(\w+)/">\1</a>.*?<td>([^<]*)</td></tr>', page))


def test_a_second_view_uses_the_stored_result(users, screened):  # type: ignore[no-untyped-def]
    client = login(users["county_admin"])
    assert flagged(client) == {"B001": "住房不安全"}
    assert StoredScreening.objects.count() == 1
    kept = StoredScreening.objects.get()
    kept.result = stored.Screening.of(
        [{"household": "B001", "rules": ["WATER"], "per_capita_income": 1.0}], 4
    ).dump()
    kept.save()  # the next view must read this row, not compute
    assert flagged(client) == {"B001": "饮水不安全"}


def test_every_kind_of_write_is_seen_on_the_next_view(users, screened):  # type: ignore[no-untyped-def]
    client = login(users["county_admin"])
    assert flagged(client) == {"B001": "住房不安全"}
    # a model save (what a form does)
    a1 = Household.objects.get(code="A001")
    a1.water_safe = False
    a1.save()
    assert flagged(client) == {"A001": "饮水不安全", "B001": "住房不安全"}
    # a queryset update on members
    Member.objects.filter(household__code="A002").update(basic_medical=False)
    assert set(flagged(client)) == {"A001", "A002", "B001"}
    # a finance row changed in bulk, without save()
    row = Finance.objects.get(household__code="A003", year=2025)
    row.wage_income = 0
    row.business_income = 0
    Finance.objects.bulk_update([row], ["wage_income", "business_income"])
    assert flagged(client)["A003"] == "收入低于监测标准"
    # raw SQL, as a DBA or another program would write
    with connection.cursor() as cursor:
        cursor.execute("UPDATE households_household SET housing_grade = 'A' WHERE code = 'B001'")
    assert "B001" not in flagged(client)
    # a deleted member: the household has no members left, so no income rule can fire
    Member.objects.filter(household__code="A003").delete()
    assert "A003" not in flagged(client)
    # a new finance row (the previous year, far higher): the income fell by more than 30 %
    Finance.objects.create(household=Household.objects.get(code="A001"), year=2024, wage_income=900000)
    assert flagged(client)["A001"] == "收入大幅下降、饮水不安全"


def test_an_import_is_seen_and_computed_at_once(users, screened):  # type: ignore[no-untyped-def]
    client = login(users["county_admin"])
    assert flagged(client) == {"B001": "住房不安全"}
    households = [household("A001", 饮水安全="否")]
    assert import_households(
        workbook(households, [member("A001", id_number("19800101", 0))], [finance("A001", 2025)]), "r2.xlsx"
    ).ok
    kept = StoredScreening.objects.get()
    assert kept.stamp == triggers.stamp(connection)  # recomputed by the import, before anyone looks
    assert flagged(client) == {"A001": "饮水不安全", "B001": "住房不安全"}


def test_the_web_upload_is_seen(users, screened):  # type: ignore[no-untyped-def]
    client = login(users["county_admin"])
    assert flagged(client) == {"B001": "住房不安全"}
    data = workbook([household("A002", 住房安全等级="C")], [member("A002", id_number("19800101", 1))],
                    [finance("A002", 2025)])  # fmt: skip
    uploader = login(users["township_a"])  # 甲镇's staff import their own households
    response = uploader.post(reverse("households:upload"), {"file": SimpleUploadedFile("r.xlsx", data)})
    assert response.status_code == 302
    assert Household.objects.get(code="A002").housing_grade == "C"
    assert flagged(client) == {"A002": "住房不安全", "B001": "住房不安全"}


def test_a_township_never_sees_the_county_s_stored_rows(users, screened):  # type: ignore[no-untyped-def]
    assert flagged(login(users["county_admin"])) == {"B001": "住房不安全"}
    township = login(users["township_a"])
    assert flagged(township) == {}
    Household.objects.filter(code="A001").update(water_safe=False)
    assert flagged(township) == {"A001": "饮水不安全"}
    assert flagged(login(users["county_admin"])) == {"A001": "饮水不安全", "B001": "住房不安全"}
    assert township.get(reverse("households:detail", args=["B001"])).status_code == 404


def test_a_region_moved_to_another_township_moves_its_households(users, screened):  # type: ignore[no-untyped-def]
    township = login(users["township_a"])
    assert flagged(township) == {}
    with connection.cursor() as cursor:  # 乙一村 put under 甲镇: its path now starts with 甲镇's
        cursor.execute("SELECT path FROM regions_region WHERE code = '140000001000'")
        (jia,) = cursor.fetchone()
        cursor.execute(
            "UPDATE regions_region SET path = %s WHERE code = '140000002201'", [jia + "140000002201"]
        )
    assert flagged(township) == {"B001": "住房不安全"}


def test_without_its_triggers_nothing_is_kept_and_migrate_puts_them_back(users, screened):  # type: ignore[no-untyped-def]
    client = login(users["county_admin"])
    with connection.cursor() as cursor:  # as a table rebuilt by a schema change would lose them
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER households_member_stamp_update")
        else:
            cursor.execute("DROP TRIGGER households_member_changed ON households_member")
    assert triggers.stamp(connection) is None
    assert flagged(client) == {"B001": "住房不安全"}
    assert not StoredScreening.objects.exists()
    Member.objects.filter(household__code="A002").update(basic_medical=False)
    assert set(flagged(client)) == {"A002", "B001"}  # computed, so still right
    call_command("migrate", verbosity=0)
    assert triggers.stamp(connection) is not None
    flagged(client)
    assert StoredScreening.objects.count() == 1


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_stored_result_reads_back_exactly(count: int) -> None:
    rows = [
        {"household": "甲-0001", "rules": ["INCOME_BELOW", "WATER"], "per_capita_income": 1234.56},
        {"household": "B002", "rules": ["SELF_APPLIED"], "per_capita_income": None},
        {"household": "C3", "rules": ["HOUSING"], "per_capita_income": -0.01},
    ][:count]
    back = stored.Screening.load(stored.Screening.of(rows, 7).dump())
    assert list(back.rows()) == rows and back.screened == 7
    assert list(back.rows("WATER")) == rows[:1] and back.counts()["HOUSING"] == (count == 3)
