"""Income of 经营性 assets and its distribution (收益分配).

永和's plan: 经营性资产收益 "严禁简单发钱发物". Each year's income of an 经营性 asset is split into four
uses — 管护运行, 巩固帮扶, 村级公益事业 and 其他. Money reaches a household only
- for work: a 公益性岗位 or 劳务 (what the work was must be written down), or
- as explicit 帮扶, with the reason written down,
and always linked to the household. Anything else paid to households is a plain hand-out and is refused.
Amounts are in 元, exact to the 分 (Decimal).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

USES = ("管护运行", "巩固帮扶", "村级公益事业", "其他")
WORK_BASES = ("公益性岗位", "劳务")
ASSISTANCE_BASIS = "帮扶"
BASES = (*WORK_BASES, ASSISTANCE_BASIS)
NO_HANDOUTS = "严禁简单发钱发物"
HANDOUT_MESSAGE = f"{NO_HANDOUTS}：收益分配到户须通过公益性岗位、劳务报酬，或写明原因的帮扶，并关联到具体农户"
CENTS = Decimal("0.01")
MAX_AMOUNT = Decimal("100000000")  # 1 亿元 a year from one asset: larger is a typing mistake


class DistributionError(ValueError):
    """A distribution that may not be recorded; `errors` maps a field name to its Chinese message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


def amount(text: Any, field: str = "amount") -> Decimal:
    """A positive amount in 元 with at most 2 decimals, or DistributionError."""
    if isinstance(text, Decimal):
        value = text
    else:
        try:
            value = Decimal(str(text).strip().replace(",", ""))
        except InvalidOperation:
            raise DistributionError({field: f"「{text}」不是金额"}) from None
    if not value.is_finite():
        raise DistributionError({field: f"「{text}」不是金额"})
    if value <= 0:
        raise DistributionError({field: "金额应大于 0"})
    if value != value.quantize(CENTS):
        raise DistributionError({field: "金额最多 2 位小数（精确到分）"})
    if value > MAX_AMOUNT:
        raise DistributionError({field: "金额不合理（单项上限 1 亿元），请确认单位是元"})
    return value.quantize(CENTS)


@dataclass(frozen=True)
class Share:
    """One distribution to check (English names; household is a 户编号 or "")."""

    use: str
    amount: Decimal
    household: str = ""
    basis: str = ""
    work: str = ""
    reason: str = ""


def check_share(share: Share) -> None:
    """Refuse a distribution the rules do not allow (DistributionError with a message per field)."""
    errors: dict[str, str] = {}
    if share.use not in USES:
        errors["use"] = f"用途应为 {'、'.join(USES)} 之一"
    if share.basis and share.basis not in BASES:
        errors["basis"] = f"发放方式应为 {'、'.join(BASES)} 之一"
    to_household = bool(share.household.strip())
    if share.basis and not to_household:
        errors["household"] = "按公益性岗位、劳务或帮扶发放的，须关联到具体农户"
    if to_household:
        if not share.basis:
            errors["basis"] = HANDOUT_MESSAGE
        elif share.basis in WORK_BASES and not share.work.strip():
            errors["work"] = f"{NO_HANDOUTS}：按{share.basis}发放须写明岗位或劳务内容"
        elif share.basis == ASSISTANCE_BASIS and not share.reason.strip():
            errors["reason"] = f"{NO_HANDOUTS}：帮扶发放须写明帮扶原因"
    if errors:
        raise DistributionError(errors)


def check_total(income: Decimal, already: Decimal, adding: Decimal) -> None:
    """The distributions of one year's income may not add up to more than the income."""
    if already + adding > income:
        rest = max(income - already, Decimal(0))
        raise DistributionError(
            {
                "amount": f"分配合计 {already + adding:,.2f} 元超过当年收益 {income:,.2f} 元（尚可分配 {rest:,.2f} 元）"
            }
        )


def totals_by_use(rows: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Sum of (use, amount) pairs per use, every use present, in USES order."""
    out = {use: Decimal("0.00") for use in USES}
    for use, value in rows:
        out[use] = out.get(use, Decimal("0.00")) + value
    return out
