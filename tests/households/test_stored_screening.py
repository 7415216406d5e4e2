"""The 风险筛查 page keeps its result between registry changes and never shows one older than the registry
(households/stored.py, households/triggers.py): every kind of write, by any writer, is seen on the next view."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.domain.households.factory import finance, household, id_number, member, workbook
from tests.households.test_cases import login
from xiangcun.domain.households.screening import RULE_CODES
from xiangcun.households import stored, triggers
from xiangcun.households.models import (
    Finance,
    Household,
    Member,
    RegistryLog,
    RegistryStamp,
    StoredScreening,
)
from xiangcun.households.services import import_households, run_screening

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
            cursor.execute("DROP TRIGGER households_member_changed_update ON households_member")
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


# --- issue 11: a stored result older than the stamp is patched with the changed households only ---

YEAR, THRESHOLD = 2025, 6000.0
RULES = tuple(RULE_CODES)


def scopes(county) -> list[str | None]:  # type: ignore[no-untyped-def]
    return [None, county.county.path, county.town_a.path, county.town_b.path]


def full(scope: str | None) -> list[dict]:
    return run_screening(stored.households_of(scope), YEAR, THRESHOLD, RULES)


def view(scope: str | None) -> stored.Screening:
    return stored.screening(scope, YEAR, THRESHOLD, RULES)


@pytest.fixture
def patch_only(monkeypatch):  # type: ignore[no-untyped-def]
    """Views that must patch: a full screening of the scope fails the test."""

    def no_full_screening(*args: object) -> None:
        raise AssertionError("the whole scope was screened again")

    def patching() -> None:
        monkeypatch.setattr(stored, "_compute", no_full_screening)

    return patching


def assert_patched_equals_full(county) -> None:  # type: ignore[no-untyped-def]
    for scope in scopes(county):
        result = view(scope)
        assert list(result.rows()) == full(scope), scope
        assert result.screened == stored.households_of(scope).count()


def test_each_kind_of_write_patches_to_what_a_full_screening_gives(county, screened, patch_only):  # type: ignore[no-untyped-def]
    for scope in scopes(county):
        view(scope)  # stored at the first stamp
    patch_only()
    a1 = Household.objects.get(code="A001")
    a1.water_safe = False
    a1.save()  # a model save
    assert_patched_equals_full(county)
    Member.objects.filter(household__code="A002").update(basic_medical=False)  # a queryset update
    assert_patched_equals_full(county)
    row = Finance.objects.get(household__code="A003", year=2025)
    row.wage_income = row.business_income = 0
    Finance.objects.bulk_update([row], ["wage_income", "business_income"])
    assert_patched_equals_full(county)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE households_household SET housing_grade = 'A' WHERE code = 'B001'")  # raw SQL
    assert_patched_equals_full(county)
    Member.objects.filter(household__code="A003").delete()
    assert_patched_equals_full(county)
    Finance.objects.create(household=a1, year=2024, wage_income=900000)
    assert_patched_equals_full(county)
    assert dict((r["household"], r["rules"]) for r in view(None).rows())["A001"] == ["INCOME_DROP", "WATER"]
    # a member moved to another household: both households screened again
    moved = Member.objects.filter(household__code="A002").first()
    moved.household = Household.objects.get(code="B001")
    moved.save()
    assert_patched_equals_full(county)
    # renumbered, then deleted: the old 户编号 leaves the stored rows
    Household.objects.filter(code="A001").update(code="A009")
    assert_patched_equals_full(county)
    assert "A001" not in view(None).codes and "A009" in view(None).codes
    Household.objects.get(code="A009").delete()
    assert_patched_equals_full(county)
    assert "A009" not in view(None).codes
    # a new household that fires appears in its place in 户编号 order
    Household.objects.create(code="A000", village=county.village_a1, water_safe=False)
    assert_patched_equals_full(county)
    assert view(None).codes[0] == "A000"


def test_a_household_moved_to_another_township_leaves_one_result_and_enters_the_other(
    county, screened, patch_only
):  # type: ignore[no-untyped-def]
    Household.objects.filter(code="A001").update(water_safe=False)
    a, b = county.town_a.path, county.town_b.path
    assert view(a).codes == ["A001"] and view(b).codes == ["B001"]
    view(None), view(county.county.path)
    patch_only()
    Household.objects.filter(code="A001").update(village=county.village_b1)
    assert view(a).codes == [] and view(a).screened == 2
    assert view(b).codes == ["A001", "B001"] and view(b).screened == 2
    assert_patched_equals_full(county)


def test_a_region_path_change_or_many_changes_screen_in_full(county, screened, monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[str | None] = []
    compute = stored._compute
    monkeypatch.setattr(stored, "_compute", lambda scope, *a: calls.append(scope) or compute(scope, *a))
    a = county.town_a.path
    view(a)
    Household.objects.filter(code="A001").update(water_safe=False)
    assert view(a).codes == ["A001"] and calls == [a]  # patched: not computed again
    with connection.cursor() as cursor:  # 乙一村 put under 甲镇
        cursor.execute(
            "UPDATE regions_region SET path = %s WHERE code = '140000002201'", [a + "140000002201"]
        )
    assert view(a).codes == ["A001", "B001"] and calls == [a, a]
    monkeypatch.setattr(stored, "PATCH_LIMIT", 1)
    Household.objects.filter(code__in=["A002", "A003"]).update(water_safe=False)
    assert view(a).codes == ["A001", "A002", "A003", "B001"] and calls == [a, a, a]


@pytest.mark.skipif("connection.vendor != 'sqlite'")  # PostgreSQL keeps the rows of the test's transaction
def test_the_log_keeps_only_what_a_stored_result_still_needs(county, screened):  # type: ignore[no-untyped-def]
    view(None)
    Household.objects.filter(code="A001").update(water_safe=False)
    assert RegistryLog.objects.filter(household_id__isnull=False).exists()
    view(None)  # patched and stored at the new stamp: the log up to it is dropped
    assert not RegistryLog.objects.exists()
    StoredScreening.objects.all().delete()
    Household.objects.filter(code="A002").update(water_safe=False)
    assert RegistryLog.objects.exists()
    stored.refresh()  # what an import ends with: nothing stored, so nothing logged is needed
    assert not RegistryLog.objects.exists()


def test_a_large_write_logs_everything_not_each_household(county, screened, monkeypatch):  # type: ignore[no-untyped-def]
    """PostgreSQL: a statement over LOG_LIMIT rows logs one "everything" row; SQLite: rows past a log of
    LOG_LIMIT rows are not logged and their stamp is kept as `overflow`. Either way the view computes in full."""
    monkeypatch.setattr(triggers, "LOG_LIMIT", 2)
    triggers.install(connection)  # the triggers again, with a limit of 2 rows
    view(None)
    Household.objects.filter(code__in=["A001", "A002"]).update(water_safe=False)
    assert RegistryLog.objects.filter(household_id__isnull=False).count() == 2
    Household.objects.update(water_safe=False)
    if connection.vendor == "postgresql":
        assert RegistryLog.objects.filter(household_id__isnull=True, code__isnull=True).count() == 1
    else:
        assert RegistryLog.objects.count() == 2
        assert RegistryStamp.objects.get().overflow == triggers.stamp(connection)
    calls = []
    compute = stored._compute
    monkeypatch.setattr(stored, "_compute", lambda *a: calls.append(a) or compute(*a))
    assert view(None).codes == ["A001", "A002", "A003", "B001"] and len(calls) == 1
    Household.objects.filter(code="A003").update(water_safe=True)  # logged again: patched
    assert view(None).codes == ["A001", "A002", "B001"] and len(calls) == 1


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["water", "medical", "income", "move", "housing", "member_gone", "new"]),
        st.sampled_from(["A001", "A002", "A003", "B001"]),
        st.booleans(),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rounds=st.lists(EDITS, min_size=1, max_size=3))
def test_random_edits_patch_to_what_a_full_screening_gives(county, screened, patch_only, rounds):  # type: ignore[no-untyped-def]
    for scope in scopes(county):
        view(scope)
    patch_only()
    for edits in rounds:
        for kind, code, flag in edits:
            h = Household.objects.filter(code=code)
            if kind == "water":
                h.update(water_safe=flag)
            elif kind == "housing":
                h.update(housing_grade="D" if flag else "B")
            elif kind == "medical":
                Member.objects.filter(household__code=code).update(basic_medical=flag)
            elif kind == "income":
                Finance.objects.filter(household__code=code, year=YEAR).update(
                    wage_income=0 if flag else 50000
                )
            elif kind == "move":
                h.update(village=county.village_b1 if flag else county.village_a2)
            elif kind == "member_gone":
                Member.objects.filter(
                    pk__in=Member.objects.filter(household__code=code).values("pk")[:1]
                ).delete()
            elif kind == "new" and not Household.objects.filter(code=code + "N").exists():
                Household.objects.create(
                    code=code + "N", village=county.village_a1, dibao=flag, self_applied=True
                )
        assert_patched_equals_full(county)
