"""身份证号 and phone numbers at rest: a copy of the database (tables and audit log) shows none of them, yet
pages, exports, search, the import's matching and duplicate detection still work; keys rotate.

Runs on whichever database DATABASE_URL names: SQLite takes the batched ORM import, PostgreSQL the COPY and
set-based merge (`households/bulk.py`), so CI checks both paths.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.core.crypto import reseal_all
from xiangcun.domain.sealing import new_key
from xiangcun.households.models import Household, Member
from xiangcun.households.services import export_households, import_households, member_by_id_number

pytestmark = pytest.mark.django_db

ID_A, ID_B, ID_C = id_number("19800101", 1), id_number("19700101", 3), id_number("19900101", 5)
PHONE_A, PHONE_B, PHONE_A2 = "13912345678", "13787654321", "13600001111"


def _registry(phone_a: str = PHONE_A, members_a: tuple[str, ...] = (ID_A, ID_C)) -> bytes:
    return workbook(
        [household("A001", 联系电话=phone_a), household("B001", village="140000002201", 联系电话=PHONE_B)],
        [member("A001", n, 姓名=f"甲{i}") for i, n in enumerate(members_a)]
        + [member("B001", ID_B, 姓名="乙")],
        [finance("A001", 2025), finance("B001", 2025)],
    )


def _raw_dump() -> str:
    """Every row of the household, member and audit tables as the database file holds them."""
    out = []
    with connection.cursor() as cursor:
        for table in ("households_household", "households_member", "auditlog_logentry"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
            out += [repr(row) for row in cursor.fetchall()]
    return "\n".join(out)


@pytest.fixture
def imported(county):  # type: ignore[no-untyped-def]
    report = import_households(_registry(), "r.xlsx")
    assert report.ok, report.errors
    return report


def test_the_database_and_its_audit_log_hold_no_number_in_clear(imported, users) -> None:  # type: ignore[no-untyped-def]
    # a re-import changes a phone, removes a member and adds none: the log records it, masked
    report = import_households(
        _registry(phone_a=PHONE_A2, members_a=(ID_A,)), "r2.xlsx", actor=users["county_admin"]
    )
    assert report.ok and report.households[1] == 1 and report.members[2] == 1
    dump = _raw_dump()
    for number in (ID_A, ID_B, ID_C, PHONE_A, PHONE_B, PHONE_A2):
        assert number not in dump
    assert "139****5678" in dump and "136****1111" in dump  # the log says what changed, masked
    # Python sees the numbers as before
    assert Household.objects.get(code="A001").phone == PHONE_A2
    assert sorted(Member.objects.values_list("id_number", flat=True)) == sorted([ID_A, ID_B])


def test_re_import_matches_people_by_hash_and_counts_nothing_changed(imported) -> None:  # type: ignore[no-untyped-def]
    before = dict(Member.objects.values_list("id_number_hash", "pk"))
    again = import_households(_registry(), "r.xlsx")
    assert again.ok
    assert again.households == (0, 0) and again.members == (0, 0, 0)  # a new nonce is no change
    assert dict(Member.objects.values_list("id_number_hash", "pk")) == before


def test_one_person_per_number_is_enforced_on_the_hash(imported) -> None:  # type: ignore[no-untyped-def]
    home = Household.objects.get(code="B001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(household=home, name="重复", id_number=ID_A, sex="男", birth_date="1980-01-01",
                              relation="户主", labor="普通劳动力", health="健康", schooling="非在校")  # fmt: skip


def test_a_filter_on_a_sealed_column_fails_loudly(imported) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldError):
        list(Member.objects.filter(id_number=ID_A))
    assert member_by_id_number(ID_A.lower()).get().name == "甲0"


def test_search_by_full_number_within_scope(imported, client_for, users) -> None:  # type: ignore[no-untyped-def]
    url = reverse("households:registry")
    township_a = client_for(users["township_a"])
    assert "A001" in township_a.get(url, {"q": ID_C}).content.decode()
    assert "A001" in township_a.get(url, {"q": PHONE_A}).content.decode()
    assert "A001" not in township_a.get(url, {"q": ID_B}).content.decode()
    page = client_for(users["township_b"]).get(url, {"q": ID_A}).content.decode()
    assert "A001" not in page  # another township's person is not found


def test_export_and_revealed_page_show_the_full_numbers(imported, client_for, users) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(io.BytesIO(export_households(Household.objects.all())))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
    assert {ID_A, ID_B, PHONE_A} <= cells
    page = client_for(users["township_a"]).get(reverse("households:detail", args=["A001"]), {"reveal": "1"})
    assert ID_A in page.content.decode()


def test_rotating_the_keys_reseals_every_row(imported, settings) -> None:  # type: ignore[no-untyped-def]
    old_keys, old_lookup = list(settings.FIELD_ENCRYPTION_KEYS), settings.LOOKUP_HASH_KEY
    settings.FIELD_ENCRYPTION_KEYS = [new_key(), *old_keys]
    settings.LOOKUP_HASH_KEY = new_key()
    assert (
        member_by_id_number(ID_A).count() == 0
    )  # the new lookup key finds nothing until the rows are rehashed
    done = reseal_all(batch=2)
    assert done["households.Member.id_number"] == 3 and done["households.Household.phone"] == 2
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the old key can go now
    assert Household.objects.get(code="B001").phone == PHONE_B
    assert member_by_id_number(ID_C).get().household.code == "A001"
    assert reseal_all() == {k: 0 for k in done}  # nothing left to do
    assert old_lookup != settings.LOOKUP_HASH_KEY
