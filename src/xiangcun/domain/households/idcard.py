"""身份证号 (GB 11643-1999 公民身份号码): validation, derived sex and birth date, masking.

An 18-character number is 6 digits of the place of first registration, 8 digits of the date of birth
(YYYYMMDD), 3 digits of sequence (odd for men, even for women) and a check character computed over the
first 17 digits with ISO 7064 MOD 11-2 (the value 10 is written ``X``). A lower-case ``x`` is accepted and
normalised. The region prefix is checked for plausibility only (a real province-level code, a
prefecture part other than ``00``): the full list of county codes changes every year and is not needed
to catch typing mistakes, which the check digit does.

`parse` checks one number and raises `IdCardError` with a Chinese message naming what is wrong;
`check_many` does the same checks over a whole numpy column at once (the registry import has millions
of members) and returns masks, so only the few bad numbers go through `parse` for their message.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_YEAR = 1900
_FORMAT = re.compile(r"^\d{17}[\dX]$")
# Province-level codes of GB/T 2260 (71 台湾, 81 香港, 82 澳门 included: their residents get 18-digit numbers).
PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                       50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83})  # fmt: skip


class IdCardError(ValueError):
    """A 身份证号 that cannot be right; the message is for the clerk, in Chinese."""


@dataclass(frozen=True)
class IdCard:
    number: str  # normalised: upper-case X
    birth_date: dt.date
    sex: str  # 男 / 女


def check_digit(first17: str) -> str:
    """The 18th character for 17 digits (ISO 7064 MOD 11-2)."""
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse(number: object, today: dt.date | None = None) -> IdCard:
    """Check one number; the error names the first problem a clerk should look at."""
    text = str(number if number is not None else "").strip().upper()
    if not text:
        raise IdCardError("身份证号不能为空")
    if len(text) != 18:
        raise IdCardError(f"「{text}」有 {len(text)} 位，身份证号应为18位")
    if not _FORMAT.match(text):
        raise IdCardError(f"「{text}」格式不对：前17位应为数字，最后一位为数字或X")
    if int(text[:2]) not in PROVINCES:
        raise IdCardError(f"「{text}」的前两位「{text[:2]}」不是有效的省级行政区划代码")
    if text[2:4] == "00":
        raise IdCardError(f"「{text}」的第3–4位「00」不是有效的地市级行政区划代码")
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError as exc:
        raise IdCardError(f"「{text}」中的出生日期 {text[6:14]} 不存在") from exc
    if birth.year < EARLIEST_BIRTH_YEAR:
        raise IdCardError(f"「{text}」中的出生日期 {birth.isoformat()} 早于 {EARLIEST_BIRTH_YEAR} 年，不合理")
    if birth > (today or dt.date.today()):
        raise IdCardError(f"「{text}」中的出生日期 {birth.isoformat()} 晚于今天，不合理")
    expected = check_digit(text[:17])
    if text[17] != expected:
        raise IdCardError(f"「{text}」的校验位应为 {expected}，可能有数字录错")
    return IdCard(text, birth, "男" if int(text[16]) % 2 else "女")


def error_message(number: object, today: dt.date | None = None) -> str | None:
    """The Chinese message for a bad number, or None when it is valid."""
    try:
        parse(number, today)
    except IdCardError as exc:
        return str(exc)
    return None


def age_at_end_of_year(birth: dt.date | int, year: int) -> int:
    """Age on 31 December of `year`, i.e. year − year of birth (the screening rules' definition)."""
    return year - (birth if isinstance(birth, int) else birth.year)


def check_many(
    numbers: np.ndarray, today: dt.date | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate a column of already upper-cased, stripped numbers (numpy unicode array) without a loop.

    Returns (valid, birth_date as datetime64[D] — NaT where invalid, male). The checks are those of
    `parse`; call `parse` on the invalid ones for their message.
    """
    numbers = np.asarray(numbers, dtype=str)
    count = len(numbers)
    if count == 0:
        return np.zeros(0, bool), np.zeros(0, "datetime64[D]"), np.zeros(0, bool)
    # characters as small unsigned numbers: below "0" wraps round to large, so one comparison tells digits
    chars = numbers.astype("U18").view(np.uint32).reshape(count, 18)
    digits = chars - np.uint32(48)
    is_digit = digits <= 9
    valid = (np.strings.str_len(numbers) == 18) & is_digit[:, :17].all(axis=1)
    valid &= is_digit[:, 17] | (chars[:, 17] == ord("X"))
    d = np.where(is_digit, digits, 0).astype(np.int32)
    valid &= _PROVINCE[d[:, 0] * 10 + d[:, 1]] & ((d[:, 2] * 10 + d[:, 3]) != 0)
    year = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
    month = d[:, 10] * 10 + d[:, 11]
    day = d[:, 12] * 10 + d[:, 13]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_days = _MONTH_DAYS[np.minimum(month, 12)] + ((month == 2) & leap)
    valid &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    today = today or dt.date.today()
    yyyymmdd = year * 10000 + month * 100 + day
    valid &= (year >= EARLIEST_BIRTH_YEAR) & (yyyymmdd <= today.year * 10000 + today.month * 100 + today.day)
    remainder = (d[:, :17] @ _WEIGHTS) % 11
    valid &= chars[:, 17] == _CHECK_CODES[remainder]
    birth = np.full(count, np.datetime64("NaT"), dtype="datetime64[D]")
    if valid.any():
        # days since 1970-01-01 from year/month/day, via month starts (no per-row date objects)
        y, m, dd = year[valid], month[valid], day[valid]
        starts = (y - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (m - 1)
        birth[valid] = starts.astype("datetime64[D]") + (dd - 1)
    male = (d[:, 16] % 2 == 1) & valid
    return valid, birth, male


_WEIGHTS = np.array(WEIGHTS, dtype=np.int32)
_CHECK_CODES = np.array([ord(c) for c in CHECK_CHARACTERS], dtype=np.uint32)
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_PROVINCE = np.isin(np.arange(100), sorted(PROVINCES))


def mask_id(number: str) -> str:
    """Keep the first 4 and last 4 characters: 1411**********1234 (enough to tell people apart on a page)."""
    number = (number or "").strip()
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile number: 138****1234; shorter numbers keep the last 2."""
    text = (phone or "").strip()
    if len(text) >= 11:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if len(text) > 4:
        return "*" * (len(text) - 2) + text[-2:]
    return "*" * len(text)


def mask_name(name: str) -> str:
    """Keep the surname's first character: 王*, 欧阳** (pages for roles that see no personal data)."""
    text = (name or "").strip()
    return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else "*" * len(text)
