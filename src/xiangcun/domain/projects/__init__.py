"""Project library rules in plain Python: types, the status chain, amounts, fund rules.

The chain (see docs/projects.md): 储备 → 入库 → 实施中 → 已完工 → 已验收 → 已形成资产, and 已终止 (with a
reason) from any status before 已验收. Amounts are Decimal 万元 with at most four decimals, so every
subtotal in a 资金分配计划公告 adds up exactly.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# code name -> the label the county's documents and workbooks use
TYPES: dict[str, str] = {
    "industry": "产业发展",
    "employment": "就业增收",
    "construction": "乡村建设",
    "relocation": "易地搬迁后续扶持",
    "governance": "乡村治理",
    "other": "其他",
}
STATUSES: dict[str, str] = {
    "reserve": "储备",
    "admitted": "入库",
    "in_progress": "实施中",
    "completed": "已完工",
    "accepted": "已验收",
    "assets_formed": "已形成资产",
    "terminated": "已终止",
}
CHAIN = ("reserve", "admitted", "in_progress", "completed", "accepted", "assets_formed")
TERMINATED = "terminated"
# Statuses that only a county account may move a project into (入库 is the county's decision).
COUNTY_ONLY = frozenset({"admitted"})
TYPE_BY_LABEL = {label: code for code, label in TYPES.items()}
STATUS_BY_LABEL = {label: code for code, label in STATUSES.items()}

QUANTUM = Decimal("0.0001")  # 万元: four decimals, one yuan
MAX_AMOUNT = Decimal("100000000")  # 1 万亿元 for one project is a typing mistake

# The fund rules' defaults and where they come from (a county may set its own per year).
DEFAULT_INDUSTRY_FLOOR = Decimal("0.5500")
DEFAULT_INDUSTRY_SOURCE = (
    "国家要求（2022年起）：中央衔接资金用于产业发展的比重原则上达到55%以上；"
    "示范县方案：“中央和省级衔接资金用于产业的比重达到x%以上”"
)
DEFAULT_LABOUR_FLOOR = Decimal("0.1500")
DEFAULT_LABOUR_SOURCE = (
    "永和县“十四五”衔接规划第四章：“确保以工代赈投资落实到项目，劳务报酬发放比例不得低于财政资金的 15%”"
)


def next_statuses(status: str) -> list[str]:
    """Where a project in `status` may go next: the next step of the chain, or 已终止 before 已验收."""
    if status not in CHAIN:
        return []
    position = CHAIN.index(status)
    following = [CHAIN[position + 1]] if position + 1 < len(CHAIN) else []
    if position < CHAIN.index("accepted"):
        following.append(TERMINATED)
    return following


def crosses_admission(before: str | None, after: str) -> bool:
    """True when a project goes from nothing or 储备 to 入库 or beyond: the county's decision."""
    return (before in (None, "reserve")) and after not in ("reserve", TERMINATED)


def parse_amount(value: object) -> tuple[Decimal | None, str]:
    """A cell as an exact amount in 万元 and an error message ('' when fine).

    Numbers typed in Excel arrive as floats: their shortest repr is what the user typed (123.4567),
    so the Decimal is built from that text, never from the binary value. A blank cell is 0.
    """
    if type(value) is float and 0 <= value < 1e8:  # the common case: a number typed in Excel
        amount = Decimal(repr(value) if not value.is_integer() else int(value))
        if amount.as_tuple().exponent >= -4:  # type: ignore[operator]
            return amount.quantize(QUANTUM), ""
    if value is None or value == "":
        return Decimal(0), ""
    if isinstance(value, bool):
        return None, f"「{value}」不是数字"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "").replace("，", "")
    if not text:
        return Decimal(0), ""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None, f"「{value}」不是数字"
    if not amount.is_finite():
        return None, f"「{value}」不是数字"
    if amount < 0:
        return None, f"金额 {text} 不能为负数"
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4 and amount != amount.quantize(QUANTUM):
        return None, f"金额 {text} 超过 4 位小数（单位为万元，最小到 0.0001 万元即 1 元）"
    if amount > MAX_AMOUNT:
        return None, f"金额 {text} 万元不合理（单个项目上限 {MAX_AMOUNT:,} 万元）"
    return amount.quantize(QUANTUM), ""


def format_amount(amount: Decimal | int | None) -> str:
    """An amount as the 公告 prints it: 万元 with four decimals ('1234.5000')."""
    return str(Decimal(amount or 0).quantize(QUANTUM))
