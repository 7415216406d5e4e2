"""History and audit views mask personal fields exactly as the pages do; birth dates show the year only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.households.services import import_households

pytestmark = pytest.mark.django_db

OLD_PHONE, NEW_PHONE = "13800001234", "13911112222"
OLD_ID, NEW_ID = id_number("19800315", 1), id_number("19811107", 2)


@pytest.fixture
def changed(county, users):  # type: ignore[no-untyped-def]
    for phone, number in ((OLD_PHONE, OLD_ID), (NEW_PHONE, NEW_ID)):
        data = workbook(
            [household("A001", 联系电话=phone)], [member("A001", number)], [finance("A001", 2025)]
        )
        assert import_households(data, "r.xlsx", actor=users["county_admin"]).ok


@pytest.mark.parametrize("role", ["leader", "county_admin", "township_a", "village_a1"])
def test_household_history_masks_phone_and_id(client_for, users, changed, role) -> None:  # type: ignore[no-untyped-def]
    response = client_for(users[role]).get(reverse("households:detail", args=["A001"]))
    if response.status_code == 404:
        return
    page = response.content.decode()
    for secret in (OLD_PHONE, NEW_PHONE, OLD_ID, NEW_ID, "1981-11", "1981年11"):
        assert secret not in page, (role, secret)
    assert "1981年" in page  # the birth year only, next to the masked number


@pytest.mark.parametrize("role", ["county_admin", "system_admin"])
def test_audit_log_masks_phone_id_and_birth_date(client_for, users, changed, role) -> None:  # type: ignore[no-untyped-def]
    page = client_for(users[role]).get(reverse("audit:log")).content.decode()
    for secret in (OLD_PHONE, NEW_PHONE, OLD_ID, NEW_ID, "1980-03-15", "1981-11-07"):
        assert secret not in page, (role, secret)
