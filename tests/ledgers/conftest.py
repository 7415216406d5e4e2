"""Fixtures for the ledgers: two registered households (甲一村 A001, 乙一村 B001) and workbook builders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.domain.households.factory import finance, household, id_number, member
from tests.domain.households.factory import workbook as registry_workbook
from xiangcun.domain.ledgers import toilets
from xiangcun.domain.ledgers.columns import write_workbook
from xiangcun.households.services import import_households


@pytest.fixture
def households(county):  # type: ignore[no-untyped-def]
    data = registry_workbook(
        [household("A001", 户主姓名="王大"), household("B001", village="140000002201", 户主姓名="李四")],
        [
            member("A001", id_number("19800101", 7), 姓名="王大"),
            member("B001", id_number("19700101", 2), 姓名="李四"),
        ],
        [finance("A001", 2025), finance("B001", 2025)],
    )
    assert import_households(data, "r.xlsx").ok


def toilet(**values: Any) -> dict[str, Any]:
    """A toilet ledger row by column label; accepted by the contractor and the village unless overridden."""
    row = {"户编号": "A001", "户主姓名": "", "所在村": "", "改造年份": 2023, "改厕模式": "三格式", "改造费用（元）": 3200,
           "补助金额（元）": 1000, "施工方验收日期": dt.date(2023, 5, 1), "施工方验收人": "某建筑队",
           "村验收日期": dt.date(2023, 5, 6), "村验收人": "村主任", "使用状态": "正常使用"}  # fmt: skip
    return row | values


def toilet_book(rows: list[dict[str, Any]]) -> bytes:
    headers = [c.header for c in toilets.COLUMNS]
    return write_workbook(toilets.COLUMNS, [[r.get(h, "") for h in headers] for r in rows])
