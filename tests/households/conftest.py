"""Fixtures for the household pages: a three-household registry in two townships."""

from __future__ import annotations

import pytest

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.households.services import import_households


@pytest.fixture
def registry(county):  # type: ignore[no-untyped-def]
    data = workbook(
        [household("A001"), household("A002", 户主姓名="孤老"), household("B001", village="140000002201")],
        [
            member("A001", id_number("19800101", 1)),
            member("A002", id_number("19400101", 2), 劳动能力="丧失劳动力"),
            member("B001", id_number("19700101", 3)),
        ],  # fmt: skip
        [
            finance("A001", 2025),
            finance("A002", 2025, 工资性收入=0, 生产经营性收入=0, 生产经营性支出=0, 转移性收入=9000),
            finance("B001", 2025),
        ],  # fmt: skip
    )
    assert import_households(data, "r.xlsx").ok
