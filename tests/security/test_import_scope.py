"""An import touches only households and people inside the importer's scope, and says nothing about outside."""

from __future__ import annotations

import pytest

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.households.models import Household
from xiangcun.households.services import import_households, member_by_id_number

pytestmark = pytest.mark.django_db

OUTSIDER = id_number("19700101", 3)


@pytest.fixture
def registered(county):  # type: ignore[no-untyped-def]
    data = workbook(
        [household("A001"), household("B001", village="140000002201", 户主姓名="乙户主")],
        [member("A001", id_number("19800101", 1)), member("B001", OUTSIDER, 姓名="乙户主")],
        [finance("A001", 2025), finance("B001", 2025)],
    )
    assert import_households(data, "r.xlsx").ok


def test_a_village_cannot_pull_a_person_from_another_township(registered, county) -> None:  # type: ignore[no-untyped-def]
    data = workbook(
        [household("A001")],
        [member("A001", id_number("19800101", 1)), member("A001", OUTSIDER, 姓名="冒名", 与户主关系="其他")],
        [finance("A001", 2025)],
    )
    report = import_households(data, "r.xlsx", scope=county.village_a1)
    assert not report.ok
    [error] = report.errors
    assert error.sheet == "成员" and error.row == 3 and error.column == "身份证号"
    text = str(error)
    for secret in ("乙户主", "B001", "乙乡", "乙一村", "140000002201", "以外", "已登记", OUTSIDER):
        assert secret not in text
    assert member_by_id_number(OUTSIDER).get().household.code == "B001"
    assert member_by_id_number(OUTSIDER).get().name == "乙户主"


def test_a_household_code_outside_the_scope_is_only_not_importable(registered, county) -> None:  # type: ignore[no-untyped-def]
    data = workbook([household("B001")], [member("B001", id_number("19900101", 7))], [])
    report = import_households(data, "r.xlsx", scope=county.village_a1)
    assert not report.ok
    text = " ".join(str(e) for e in report.errors)
    assert "不能导入" in text and "以外" not in text and "已登记" not in text and "乙" not in text
    assert Household.objects.get(code="B001").village == county.village_b1


def test_the_county_can_still_move_a_person_between_townships(registered, county) -> None:  # type: ignore[no-untyped-def]
    data = workbook(
        [household("A001")],
        [member("A001", id_number("19800101", 1)), member("A001", OUTSIDER, 与户主关系="其他")],
        [finance("A001", 2025)],
    )
    assert import_households(data, "r.xlsx").ok
    assert member_by_id_number(OUTSIDER).get().household.code == "A001"
