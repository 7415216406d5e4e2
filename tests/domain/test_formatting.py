"""One way to write numbers and operators on every page (issue 16, item 6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from xiangcun.domain.formatting import format_number, format_op


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (6000.0, "元", "6,000.00"),
        (Decimal("1234567.891"), "万元", "1,234,567.89"),
        (0.125, "元", "0.13"),  # half up, as people round
        (85.48, "%", "85.48"),
        (75, "%", "75.00"),
        (0.75, "比例", "0.75"),
        (60, "分", "60.0"),
        (12000.0, "人", "12,000"),
        (1500, "户", "1,500"),
        (8.0, "万吨", "8"),
        (5.1, "万吨", "5.1"),
        (6000.0, None, "6,000"),
        (0.125, "", "0.13"),
        (-0.001, "元", "0.00"),
        (-1234.5, "元", "-1,234.50"),
        ("3000", "元", "3,000.00"),
        (2.345, 1, "2.3"),
        (2.355, "1", "2.4"),
        (None, "元", "—"),
        ("", "元", "—"),
        ("约三成", "%", "约三成"),
        (True, "元", "True"),
        (float("nan"), "元", "nan"),
    ],
)
def test_format_number(value, unit, shown):  # type: ignore[no-untyped-def]
    assert format_number(value, unit) == shown


def test_no_trailing_point_zero_without_a_unit() -> None:
    assert format_number(6000.0) == "6,000"


@pytest.mark.parametrize(
    ("op", "shown"),
    [
        (">=", "≥"),
        ("<=", "≤"),
        (">", ">"),
        ("=", "="),
        ("text", "文字"),
        ("收入 >= 6000", "收入 ≥ 6000"),
        (None, ""),
    ],
)
def test_format_op(op, shown):  # type: ignore[no-untyped-def]
    assert format_op(op) == shown


def test_template_filters() -> None:
    template = Template(
        '{% load core %}{{ a|num:"元" }}|{{ b|num:unit }}|{{ c|num }}|{{ o|op }}|{{ d|num:0 }}'
    )
    html = template.render(Context({"a": 6000.0, "b": 85.456, "unit": "%", "c": 6000.0, "o": "<=", "d": 2.5}))
    assert html == "6,000.00|85.46|6,000|≤|3"
