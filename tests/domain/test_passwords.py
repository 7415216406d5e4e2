"""The county's password rules as plain functions: character classes, expiry, idle time."""

from __future__ import annotations

import datetime as dt

from xiangcun.domain import passwords


def test_character_classes_are_counted_and_missing_ones_named_in_chinese() -> None:
    assert passwords.classes_of("Abc-123") == {"upper", "lower", "symbol", "digit"}
    assert passwords.classes_of("乡村振兴abc") == {"symbol", "lower"}  # 汉字 count as symbols
    assert passwords.class_problem("Qingshan-2025", 3) is None
    message = passwords.class_problem("qingshanlu", 3)
    assert message is not None and "至少 3 类" in message and "现在 1 类" in message
    assert "大写字母" in message and "数字" in message and "小写字母" not in message.split("可加入")[1]


def test_expiry_counts_days_from_the_last_change_and_zero_means_never() -> None:
    changed = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
    assert passwords.expires_on(changed, 90) == dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)
    assert not passwords.is_expired(changed, 90, changed + dt.timedelta(days=89))
    assert passwords.is_expired(changed, 90, changed + dt.timedelta(days=90))
    assert not passwords.is_expired(changed, 0, changed + dt.timedelta(days=3650))
    assert not passwords.is_expired(None, 90, changed)


def test_idle_time_is_measured_in_minutes() -> None:
    assert not passwords.idle_too_long(1000.0, 1000.0 + 30 * 60, 30)
    assert passwords.idle_too_long(1000.0, 1000.0 + 30 * 60 + 1, 30)
    assert not passwords.idle_too_long(None, 10**9, 30)
