"""Household heads' names and 户编号 on ledger pages go to the roles that see personal data on the households
pages (county, township, village staff); a department reporter or a leader reads the same ledger masked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.ledgers.conftest import toilet, toilet_book
from xiangcun.domain.ledgers.columns import write_workbook
from xiangcun.ledgers import services
from xiangcun.ledgers.models import Ledger, ToiletRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def toilets(county, households):  # type: ignore[no-untyped-def]
    rows = [toilet(), toilet(户编号="B001"), toilet(户编号="", 户主姓名="赵六", 所在村="甲二村")]
    assert services.import_toilets(toilet_book(rows), "t.xlsx", county.county).ok


@pytest.mark.parametrize("role", ["department_reporter", "leader"])
def test_roles_without_personal_data_see_masked_names_and_cannot_export(client_for, users, toilets, role):  # type: ignore[no-untyped-def]
    client = client_for(users[role])
    page = client.get(reverse("ledgers:toilets")).content.decode()
    assert "王*" in page and "李*" in page and "赵*" in page  # the whole county's rows, masked
    for secret in ("王大", "李四", "赵六", "A001", "B001"):
        assert secret not in page
    assert "导出（.xlsx" not in page
    assert client.get(reverse("ledgers:toilets_export")).status_code == 403
    searched = client.get(reverse("ledgers:toilets"), {"q": "王大"}).content.decode()
    assert "李*" in searched  # a name search is ignored: it would reveal who is in the ledger
    detail = client.get(reverse("ledgers:toilet", args=[ToiletRecord.objects.get(name="王大").pk]))
    text = detail.content.decode()
    assert detail.status_code == 200 and "户厕：王*" in text and "王大" not in text and "A001" not in text


@pytest.mark.parametrize("role", ["county_admin", "township_a", "village_a1"])
def test_staff_who_keep_the_ledger_see_names_and_codes(client_for, users, toilets, role):  # type: ignore[no-untyped-def]
    client = client_for(users[role])
    page = client.get(reverse("ledgers:toilets")).content.decode()
    assert "王大</a>" in page and "A001" in page and "导出（.xlsx" in page
    assert client.get(reverse("ledgers:toilets_export")).status_code == 200


def test_a_county_household_ledger_is_masked_for_departments(client_for, county, households, users):  # type: ignore[no-untyped-def]
    ledger = Ledger.objects.create(county=county.county, name="农户改水台账", unit="household",
                                   columns=[{"label": "改水方式", "type": "text"}])  # fmt: skip
    data = write_workbook(services.ledger_columns(ledger), [["A001", "", "", "集中供水"]])
    assert services.import_ledger_rows(ledger, data, "w.xlsx").ok
    department = client_for(users["department_reporter"])
    page = department.get(reverse("ledgers:ledger", args=[ledger.pk])).content.decode()
    assert "王*" in page and "集中供水" in page and "王大" not in page and "A001" not in page
    assert department.get(reverse("ledgers:ledger_export", args=[ledger.pk])).status_code == 403
    county_page = client_for(users["county_admin"]).get(reverse("ledgers:ledger", args=[ledger.pk]))
    assert "王大（A001）" in county_page.content.decode()
