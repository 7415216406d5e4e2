"""资产 workbooks made up for the tests."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from xiangcun.domain.assets.workbook import COLUMNS


def asset(code: str = "ZC001", region: str = "140000001201", **overrides: Any) -> dict[str, Any]:
    row = {"资产编号": code, "资产名称": "光伏电站", "来源项目编号": "", "资产类别": "经营性", "所在区划代码": region,
           "原值（万元）": 120.5, "形成年份": 2022, "产权主体": "甲一村股份经济合作社", "管护主体": "甲一村村委会",
           "管护责任人": "王五", "经营方式": "租赁", "状态": "正常运营"}  # fmt: skip
    row.update(overrides)
    return row


def workbook(rows: list[dict[str, Any]], header: tuple[str, ...] = COLUMNS, sheet: str = "资产") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append([row.get(c, "") for c in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
