"""An import is audited as one record (who, when, file SHA-256, counts) plus one entry per updated row:
a county's 100 000 new toilets must not write 100 000 audit entries, yet every change stays traceable."""

from __future__ import annotations

import hashlib

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.ledgers.conftest import toilet, toilet_book
from xiangcun.domain.ledgers import schools
from xiangcun.domain.ledgers.columns import write_workbook
from xiangcun.ledgers import services
from xiangcun.ledgers.models import Ledger, LedgerImport, LedgerRow, SchoolRecord, ToiletRecord

pytestmark = pytest.mark.django_db


def _entries(model: type) -> list[LogEntry]:
    return list(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)))


def _rows(n: int) -> list[dict[str, object]]:
    return [toilet(户编号="", 户主姓名=f"农户{i:02d}", 所在村="甲一村") for i in range(n)]


def test_one_record_per_import_and_a_reimport_with_one_change_audits_exactly_that_row(
    county, households, users
):  # type: ignore[no-untyped-def]
    data = toilet_book(_rows(30))
    report = services.import_toilets(data, "改厕.xlsx", county.county, actor=users["county_admin"])
    assert report.ok and report.created == 30
    assert _entries(ToiletRecord) == []  # created rows are counted, not audited one by one
    first = LedgerImport.objects.get()
    assert (first.actor, first.kind, first.ledger_name, first.filename) == (
        users["county_admin"], "toilets", "户厕台账", "改厕.xlsx",
    )  # fmt: skip
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert (first.created, first.updated, first.unchanged, first.region) == (30, 0, 0, county.county)

    rows = _rows(30)
    rows[7]["使用状态"] = "损坏待修"
    again = services.import_toilets(toilet_book(rows), "改厕2.xlsx", county.county, actor=users["township_a"],
                                    scope=county.town_a)  # fmt: skip
    assert (again.created, again.updated, again.unchanged) == (0, 1, 29)
    [entry] = _entries(ToiletRecord)
    assert entry.action == LogEntry.Action.UPDATE and entry.actor == users["township_a"]
    assert entry.object_pk == str(ToiletRecord.objects.get(name="农户07").pk)
    assert set(entry.changes) == {"use_status"} and entry.changes["use_status"] == ["正常使用", "损坏待修"]
    second = LedgerImport.objects.first()
    assert (second.updated, second.unchanged, second.region, second.actor) == (
        1, 29, county.town_a, users["township_a"],
    )  # fmt: skip
    # the import records themselves are in the audit log (and so in its hash chain)
    assert len(_entries(LedgerImport)) == 2


def test_a_refused_import_records_nothing(county, households, users):  # type: ignore[no-untyped-def]
    bad = toilet_book([toilet(), toilet(户编号="X999")])
    assert not services.import_toilets(bad, "t.xlsx", county.county, actor=users["county_admin"]).ok
    assert not LedgerImport.objects.exists() and _entries(ToiletRecord) == []


def test_page_edits_are_still_audited_one_by_one(client_for, county, households, users):  # type: ignore[no-untyped-def]
    assert services.import_toilets(toilet_book([toilet()]), "t.xlsx", county.county).ok
    record = ToiletRecord.objects.get()
    client = client_for(users["township_a"])
    form = client.get(reverse("ledgers:toilet", args=[record.pk])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data |= {"township_date": "2023-05-20", "township_by": "镇干部"}
    assert client.post(reverse("ledgers:toilet", args=[record.pk]), data).status_code == 302
    [entry] = _entries(ToiletRecord)
    assert entry.actor == users["township_a"] and "township_date" in entry.changes


def test_schools_and_county_ledgers_record_their_imports(county, households, users):  # type: ignore[no-untyped-def]
    book = write_workbook(schools.COLUMNS, [["东雷庄学校", "甲镇", "小学", 2024, 6, 3, 15]])
    assert services.import_schools(book, "s.xlsx", county.county, actor=users["county_admin"]).created == 1
    assert _entries(SchoolRecord) == []
    book = write_workbook(schools.COLUMNS, [["东雷庄学校", "甲镇", "小学", 2024, 8, 3, 15]])
    assert services.import_schools(book, "s.xlsx", county.county, actor=users["county_admin"]).updated == 1
    assert [e.changes for e in _entries(SchoolRecord)] == [{"students": ["6", "8"]}]
    ledger = Ledger.objects.create(county=county.county, name="农户改水台账", unit="household",
                                   columns=[{"label": "改水方式", "type": "text"}])  # fmt: skip
    data = write_workbook(services.ledger_columns(ledger), [["A001", "", "", "集中供水"]])
    assert services.import_ledger_rows(ledger, data, "w.xlsx", actor=users["county_admin"]).created == 1
    assert _entries(LedgerRow) == []
    record = LedgerImport.objects.get(kind="ledger")
    assert (record.ledger, record.ledger_name, record.created) == (ledger, "农户改水台账", 1)
    assert LedgerImport.objects.filter(kind="schools").count() == 2


def test_the_ledger_page_lists_imports_in_the_users_scope(client_for, county, households, users):  # type: ignore[no-untyped-def]
    services.import_toilets(toilet_book([toilet()]), "甲镇改厕.xlsx", county.county, actor=users["township_a"],
                            scope=county.town_a)  # fmt: skip
    services.import_toilets(toilet_book([toilet(户编号="B001")]), "乙乡改厕.xlsx", county.county,
                            actor=users["township_b"], scope=county.town_b)  # fmt: skip
    page = client_for(users["county_admin"]).get(reverse("ledgers:toilets")).content.decode()
    assert "导入记录" in page and "甲镇改厕.xlsx" in page and "乙乡改厕.xlsx" in page
    page = client_for(users["township_a"]).get(reverse("ledgers:toilets")).content.decode()
    assert "甲镇改厕.xlsx" in page and "乙乡改厕.xlsx" not in page  # another township's import is absent
    digest = LedgerImport.objects.get(filename="甲镇改厕.xlsx").sha256
    assert digest[:16] in page


def test_the_import_shows_in_the_audit_log(client_for, county, households, users):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    upload = SimpleUploadedFile("改厕.xlsx", toilet_book([toilet()]))
    assert client.post(reverse("ledgers:toilets_import"), {"file": upload}).status_code == 302
    page = client.get(reverse("audit:log")).content.decode()
    assert "台账导入" in page and "改厕.xlsx" in page
