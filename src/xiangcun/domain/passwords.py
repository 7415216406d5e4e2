"""Password rules a county sets (等保 2.0 三级: 口令复杂度 and 定期更换), as plain functions.

The Django validators in `xiangcun.accounts.passwords` call these with the county's policy; keeping the rules
here lets them be tested without a database and read in one place.
"""

from __future__ import annotations

import datetime as dt
import string

# The four character classes a password can draw on, in the order they are named to the user.
CLASSES: tuple[tuple[str, str], ...] = (
    ("upper", "大写字母"),
    ("lower", "小写字母"),
    ("digit", "数字"),
    ("symbol", "符号"),
)

# Bounds for the county's settings: a county may be stricter than the defaults, never absurd or lax.
MIN_LENGTH_BOUNDS = (8, 64)
CLASS_BOUNDS = (2, 4)
EXPIRY_DAYS_BOUNDS = (0, 365)  # 0: passwords do not expire
IDLE_MINUTES_BOUNDS = (5, 480)


def classes_of(password: str) -> set[str]:
    """Which character classes `password` uses (letters outside ASCII, such as 汉字, count as symbols)."""
    found = set()
    for char in password:
        if char in string.ascii_uppercase:
            found.add("upper")
        elif char in string.ascii_lowercase:
            found.add("lower")
        elif char.isdigit():
            found.add("digit")
        elif not char.isspace():
            found.add("symbol")
    return found


def class_problem(password: str, required: int) -> str | None:
    """A Chinese message when `password` uses fewer than `required` of the four classes, else None."""
    used = classes_of(password)
    if len(used) >= required:
        return None
    missing = "、".join(label for key, label in CLASSES if key not in used)
    return f"密码须包含大写字母、小写字母、数字、符号中的至少 {required} 类（现在 {len(used)} 类，可加入{missing}）。"


def class_help(required: int) -> str:
    return f"包含大写字母、小写字母、数字、符号中的至少 {required} 类"


def expires_on(changed_at: dt.datetime | None, days: int) -> dt.datetime | None:
    """When a password set at `changed_at` must be changed; None when it never expires."""
    if days <= 0 or changed_at is None:
        return None
    return changed_at + dt.timedelta(days=days)


def is_expired(changed_at: dt.datetime | None, days: int, now: dt.datetime) -> bool:
    due = expires_on(changed_at, days)
    return due is not None and now >= due


def idle_too_long(last_seen: float | None, now: float, minutes: int) -> bool:
    """True when more than `minutes` passed since `last_seen` (seconds since the epoch)."""
    return last_seen is not None and now - last_seen > minutes * 60
