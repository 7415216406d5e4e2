import pytest

from xiangcun.domain.observations import jump_warning, parse_value


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [("85.5", "percentage", 85.5), ("85%", "percentage", 85.0), (100, "percentage", 100.0),
     ("2.38:1", "ratio", 2.38), ("2.38：1", "ratio", 2.38), ("2.4", "ratio", 2.4),
     ("12", "count", 12.0), ("1,234.5", "quantity", 1234.5), ("0", "zero", 0.0)],
)  # fmt: skip
def test_good_values(raw, kind, value):  # type: ignore[no-untyped-def]
    assert parse_value(raw, kind).value == value


@pytest.mark.parametrize(
    ("raw", "kind", "message"),
    [("101", "percentage", "0–100"), ("-1", "percentage", "0–100"), ("abc", "quantity", "不是数值"),
     ("2.38:2", "ratio", "不是比值"), ("1.5", "count", "非负整数"), ("-3", "count", "非负整数"),
     ("", "quantity", "不能为空"), ("nan", "quantity", "不是有效数值"), ("-5", "quantity", "不能为负数")],
)  # fmt: skip
def test_bad_values_get_chinese_messages(raw, kind, message):  # type: ignore[no-untyped-def]
    parsed = parse_value(raw, kind)
    assert parsed.value is None
    assert message in parsed.error


def test_jumps_over_the_threshold_ask_for_a_note():
    assert jump_warning(80, 85) is None
    assert "+100%" in jump_warning(10, 20)
    assert jump_warning(10, 20, threshold=1.5) is None
    assert "上年为 0" in jump_warning(0, 3)
    assert jump_warning(None, 3) is None


def test_aggregation_rules():
    from xiangcun.domain.observations import aggregate

    assert aggregate("count", [3, 4], [None, None]) == (7.0, "2 个下级区域合计")
    value, how = aggregate("percentage", [80.0, 60.0], [3000, 1000])
    assert value == 75.0 and "加权" in how  # (80 × 3000 + 60 × 1000) / 4000
    assert aggregate("percentage", [80.0, 60.0], [3000, None])[0] is None
    assert aggregate("ratio", [2.4, 2.6], [1, 1])[0] is None
    assert aggregate("count", [], [])[0] is None
