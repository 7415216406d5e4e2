"""身份证号 (GB 11643-1999): check digit, date of birth, sex, and masking for display."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FORMAT = re.compile(r"^\d{17}[\dX]$")
# The first two digits are a province-level code.
_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
              53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}  # fmt: skip


class IdCardError(ValueError):
    pass


@dataclass(frozen=True)
class IdCard:
    number: str
    birth_date: dt.date
    sex: str  # 男 / 女


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse(number: object, today: dt.date | None = None) -> IdCard:
    text = str(number or "").strip().upper()
    if not text:
        raise IdCardError("身份证号不能为空")
    if not _FORMAT.match(text):
        raise IdCardError(f"「{text}」不是18位身份证号（前17位为数字，最后一位为数字或X）")
    if int(text[:2]) not in _PROVINCES:
        raise IdCardError(f"「{text}」的前两位不是有效的省级行政区划代码")
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError as exc:
        raise IdCardError(f"「{text}」中的出生日期 {text[6:14]} 不存在") from exc
    if birth.year < 1900 or birth > (today or dt.date.today()):
        raise IdCardError(f"「{text}」中的出生日期 {birth.isoformat()} 不合理")
    expected = check_digit(text[:17])
    if text[17] != expected:
        raise IdCardError(f"「{text}」的校验位应为 {expected}，可能有数字录错")
    return IdCard(text, birth, "男" if int(text[16]) % 2 else "女")


def mask_id(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 11 else ("*" * len(digits) if digits else "")
