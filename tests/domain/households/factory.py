"""Valid 身份证号 and registry workbooks made up for the tests."""

from __future__ import annotations

from typing import Any

from xiangcun.domain.households.idcard import check_digit
from xiangcun.domain.households.workbook import write_registry


def id_number(birth: str, sequence: int = 1, female: bool = False, region: str = "141122") -> str:
    """birth as YYYYMMDD; the 17th digit is odd for men, even for women."""
    order = f"{sequence % 100:02d}{(2 if female else 1)}"
    first17 = region + birth + order
    return first17 + check_digit(first17)


def household(code: str = "H001", village: str = "140000001201", **overrides: Any) -> dict[str, Any]:
    row = {"户编号": code, "村代码": village, "自然村": "", "户主姓名": "张三", "联系电话": "13800001234",
           "户类型": "一般农户", "易地搬迁": "否", "低保": "否", "特困": "否", "住房安全等级": "A", "饮水安全": "是",
           "自主申报": "否"}  # fmt: skip
    row.update(overrides)
    return row


def member(code: str = "H001", number: str | None = None, **overrides: Any) -> dict[str, Any]:
    row = {"户编号": code, "姓名": "张三", "身份证号": number or id_number("19800101"), "与户主关系": "户主",
           "劳动能力": "普通劳动力", "健康状况": "健康", "残疾等级": "", "在校状况": "非在校", "基本医保": "是",
           "养老保险": "是", "务工状况": "县内务工"}  # fmt: skip
    row.update(overrides)
    return row


def finance(code: str = "H001", year: int = 2024, **overrides: Any) -> dict[str, Any]:
    row = {"户编号": code, "年度": year, "工资性收入": 20000, "生产经营性收入": 5000, "生产经营性支出": 1000,
           "财产性收入": 0, "转移性收入": 1000, "医疗自付支出": 0, "教育支出": 0}  # fmt: skip
    row.update(overrides)
    return row


def workbook(households: list[dict], members: list[dict], finances: list[dict]) -> bytes:
    return write_registry(households, members, finances)
