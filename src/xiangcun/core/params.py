"""Reading numbers typed into forms and query strings that views read by hand (not through a Django form).

`int("9" * 5000)` raises an unexpected ValueError, `int("9" * 20)` passes and then overflows the database,
and `int("２０２４")` accepts full-width digits: these helpers accept ASCII digits within bounds and
answer None for anything else, so the view shows its own Chinese message.
"""

from __future__ import annotations

import re

_INT = re.compile(r"[+-]?[0-9]{1,18}")
MAX_ID = 2**31 - 1  # the smallest primary key range of the supported databases
MIN_YEAR, MAX_YEAR = 1900, 2199


def parse_int(text: object, low: int | None = None, high: int | None = None) -> int | None:
    """The integer `text` spells (ASCII digits, at most 18), if within [low, high]; else None."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        return None
    text = str(text).strip()
    if not _INT.fullmatch(text):
        return None
    number = int(text)
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def parse_id(text: object) -> int | None:
    """A primary key from a form or query value, or None (never a value the database cannot compare)."""
    return parse_int(text, 1, MAX_ID)


def parse_year(text: object, low: int = MIN_YEAR, high: int = MAX_YEAR) -> int | None:
    return parse_int(text, low, high)
