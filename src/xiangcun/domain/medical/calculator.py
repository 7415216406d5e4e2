"""What each layer pays for a hospital bill, and what the household is left with.

Money is Decimal throughout and rounded to the fen (ROUND_HALF_UP) only at the end, so the steps a
cadre checks by hand add up exactly. Parameters come from the plan's 专栏2 where it gives them; the
rest are documented placeholders (docs/medical.md) that a county overrides per year.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CATEGORIES = ("特困", "低保", "返贫致贫", "易返贫致贫", "其他")
KINDS = ("住院", "门诊慢特病", "特药", "参保资助")
LEVELS = ("县级", "市级", "省级")
FAVOURED = ("特困", "低保", "返贫致贫")  # the categories the plan's tilted rules apply to
FEN = Decimal("0.01")


class MedicalInputError(ValueError):
    """A case that cannot be calculated; the message is one Chinese sentence."""


def _default_parameters() -> dict[str, Any]:
    return {
        # Placeholders: the plan gives none of these (see docs/medical.md).
        "basic_deductible": {"县级": 300, "市级": 600, "省级": 1000},
        "basic_ratio": {"县级": 0.75, "市级": 0.65, "省级": 0.55},  # 县级 0.75 from 专栏2
        "ci_deductible": 10000,
        "ci_ratio": 0.6,
        "ci_cap": 400000,
        # From 专栏2.
        "out_of_list_cap": {"县级": 0.15, "市级": 0.20, "省级": 0.30},
        "assistance_ratio": {"特困": 1.0, "低保": 0.7, "返贫致贫": 0.7},
        "dibao_annual_cap": 60000,
        "fanpin_topup": 0.9,
        "fanpin_out_of_list_relief": 0.85,
        "outpatient_ratio": {"特困": 0.6, "低保": 0.3, "返贫致贫": 0.3},
        "drug_ratio": {"特困": 0.2, "低保": 0.1, "返贫致贫": 0.1},
        "subsidy_floor": 280,
    }


DEFAULTS: dict[str, Any] = _default_parameters()
_PER_KEY = {"basic_deductible": LEVELS, "basic_ratio": LEVELS, "out_of_list_cap": LEVELS,
            "assistance_ratio": FAVOURED, "outpatient_ratio": FAVOURED, "drug_ratio": FAVOURED}  # fmt: skip


@dataclass
class Policy:
    """Effective parameters: the defaults, then a county's year settings, then the case's own `policy`."""

    values: dict[str, Any] = field(default_factory=_default_parameters)

    def merged(self, overrides: dict[str, Any] | None) -> Policy:
        values = deepcopy(self.values)
        for key, value in (overrides or {}).items():
            if key not in DEFAULTS:
                raise MedicalInputError(f"未知的参数「{key}」")
            if key in _PER_KEY:
                if not isinstance(value, dict):
                    raise MedicalInputError(
                        f"参数「{key}」应按{'级别' if _PER_KEY[key] is LEVELS else '类别'}分别给出"
                    )
                for sub, number in value.items():
                    if sub not in _PER_KEY[key]:
                        raise MedicalInputError(f"参数「{key}」中没有「{sub}」这一项")
                    values[key][sub] = _number(number, f"{key}.{sub}")
            elif key == "ci_cap" and value is None:
                values[key] = None
            else:
                values[key] = _number(value, key)
        return Policy(values)

    def get(self, key: str, sub: str | None = None) -> Decimal | None:
        value = self.values[key] if sub is None else self.values[key].get(sub, 0)
        return None if value is None else Decimal(str(value))


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MedicalInputError(f"参数「{name}」应为数字")
    if value < 0:
        raise MedicalInputError(f"参数「{name}」不能为负数")
    return float(value)


def _money(case: dict[str, Any], key: str, label: str, required: bool = True) -> Decimal:
    if key not in case or case[key] is None:
        if required:
            raise MedicalInputError(f"缺少「{label}」（{key}）")
        return Decimal(0)
    value = case[key]
    if isinstance(value, bool):
        raise MedicalInputError(f"「{label}」应为金额")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise MedicalInputError(f"「{label}」应为金额，收到「{value}」") from exc
    if not amount.is_finite():
        raise MedicalInputError(f"「{label}」应为金额，收到「{value}」")
    if amount < 0:
        raise MedicalInputError(f"「{label}」不能为负数")
    return amount


def _fen(amount: Decimal) -> float:
    return float(amount.quantize(FEN, rounding=ROUND_HALF_UP))


def _y(amount: Decimal) -> str:
    return f"{amount.quantize(FEN, rounding=ROUND_HALF_UP):,}元"


def calculate(case: dict[str, Any], policy: Policy | None = None) -> dict[str, Any]:
    """The breakdown of one case (the `xiangcun medical` contract)."""
    if not isinstance(case, dict):
        raise MedicalInputError("输入应为一个 JSON 对象")
    category = case.get("category")
    if category not in CATEGORIES:
        raise MedicalInputError(f"人员类别「{category}」无效，应为 {'、'.join(CATEGORIES)} 之一")
    kind = case.get("kind")
    if kind not in KINDS:
        raise MedicalInputError(f"费用类型「{kind}」无效，应为 {'、'.join(KINDS)} 之一")
    overrides = case.get("policy")
    if overrides is not None and not isinstance(overrides, dict):
        raise MedicalInputError("policy 应为参数对象")
    effective = (policy or Policy()).merged(overrides)
    if kind == "参保资助":
        result = _subsidy(category, _money(case, "contribution", "个人缴费"), effective)
    elif kind == "住院":
        result = _inpatient(case, category, effective)
    else:
        result = _outpatient(case, category, kind, effective)
    result["parameters"] = effective.values
    return result


def _inpatient(case: dict[str, Any], category: str, p: Policy) -> dict[str, Any]:
    level = case.get("hospital_level")
    if level not in LEVELS:
        raise MedicalInputError(f"医院级别「{level}」无效，应为 县级、市级 或 省级")
    in_province = case.get("in_province", True)
    if not isinstance(in_province, bool):
        raise MedicalInputError("「是否省内」（in_province）应为 true 或 false")
    total = _money(case, "total", "总费用")
    in_list = _money(case, "in_list", "目录内费用")
    used = _money(case, "assistance_used_this_year", "本年度已获医疗救助", required=False)
    if in_list > total:
        raise MedicalInputError("目录内费用不能大于总费用")
    favoured = category in FAVOURED
    steps: list[str] = []

    out = total - in_list
    if favoured:
        cap_ratio = p.get("out_of_list_cap", level) or Decimal(0)
        allowed_out = min(out, cap_ratio * total)
        hospital_borne = out - allowed_out
        steps.append(
            f"1. 目录外费用 = {_y(total)} − {_y(in_list)} = {_y(out)}；{category}在{level}医院目录外费用不得超过总费用的"
            f"{cap_ratio:.0%}（{_y(cap_ratio * total)}），个人承担 {_y(allowed_out)}，医院承担 {_y(hospital_borne)}"
        )
    else:
        allowed_out, hospital_borne = out, Decimal(0)
        steps.append(f"1. 目录外费用 = {_y(total)} − {_y(in_list)} = {_y(out)}，全部由个人承担")

    deductible = p.get("basic_deductible", level) or Decimal(0)
    ratio = p.get("basic_ratio", level) or Decimal(0)
    basic = max(Decimal(0), in_list - deductible) * ratio
    steps.append(f"2. 基本医保 = max(0, {_y(in_list)} − 起付线 {_y(deductible)}) × {ratio:.0%} = {_y(basic)}")

    ci_deductible = p.get("ci_deductible") or Decimal(0)
    ci_ratio = p.get("ci_ratio") or Decimal(0)
    ci_cap = p.get("ci_cap")
    if favoured:
        ci_deductible, ci_ratio, ci_cap = ci_deductible / 2, ci_ratio + Decimal("0.05"), None
        tilt = "（倾斜支付：起付线减半、比例提高5个百分点、不设封顶）"
    else:
        tilt = ""
    critical = max(Decimal(0), in_list - basic - ci_deductible) * ci_ratio
    capped = ci_cap is not None and critical > ci_cap
    if capped:
        critical = ci_cap  # type: ignore[assignment]
    steps.append(
        f"3. 大病保险 = max(0, {_y(in_list)} − {_y(basic)} − 起付线 {_y(ci_deductible)}) × {ci_ratio:.0%}"
        + (f"，封顶 {_y(ci_cap)}" if capped and ci_cap is not None else "")
        + f" = {_y(critical)}{tilt}"
    )

    remaining = in_list - basic - critical
    assistance = Decimal(0)
    if category == "特困":
        assistance = remaining * (p.get("assistance_ratio", "特困") or Decimal(0))
        steps.append(f"4. 医疗救助：特困人员目录内自付 {_y(remaining)} 由医疗救助保障，救助 {_y(assistance)}")
    elif category == "低保":
        ratio = p.get("assistance_ratio", "低保") or Decimal(0)
        room = max(Decimal(0), (p.get("dibao_annual_cap") or Decimal(0)) - used)
        assistance = min(remaining * ratio, room)
        steps.append(
            f"4. 医疗救助 = min({_y(remaining)} × {ratio:.0%}, 年度限额余额 {_y(room)}) = {_y(assistance)}"
        )
    elif category == "返贫致贫":
        ratio = p.get("assistance_ratio", "返贫致贫") or Decimal(0)
        assistance = remaining * ratio
        text = f"4. 医疗救助 = {_y(remaining)} × {ratio:.0%} = {_y(assistance)}"
        if in_province:
            topup = p.get("fanpin_topup") or Decimal(0)
            needed = topup * in_list - basic - critical
            if needed > assistance:
                assistance = min(needed, remaining)
                text += f"；省内住院综合支付比例不足{topup:.0%}，救助到 {_y(topup * in_list)}，救助 {_y(assistance)}"
        steps.append(text)
    else:
        steps.append(f"4. {category}人员不享受医疗救助，目录内自付 {_y(remaining)}")

    relief = Decimal(0)
    if category == "返贫致贫" and in_province:
        share = p.get("fanpin_out_of_list_relief") or Decimal(0)
        relief = allowed_out * share
        steps.append(f"   目录外费用救助 = {_y(allowed_out)} × {share:.0%} = {_y(relief)}")
    self_pay = in_list - basic - critical - assistance + allowed_out - relief
    steps.append(
        f"5. 个人自付 = {_y(in_list)} − {_y(basic)} − {_y(critical)} − {_y(assistance)} + {_y(allowed_out)} − {_y(relief)}"
        f" = {_y(self_pay)}"
    )
    return {
        "basic": _fen(basic),
        "critical": _fen(critical),
        "assistance": _fen(assistance),
        "out_of_list_relief": _fen(relief),
        "hospital_borne": _fen(hospital_borne),
        "self_pay": _fen(self_pay),
        "steps": steps,
    }


def _outpatient(case: dict[str, Any], category: str, kind: str, p: Policy) -> dict[str, Any]:
    total = _money(case, "total", "总费用")
    in_list = _money(case, "in_list", "目录内费用")
    basic_paid = _money(case, "basic_paid", "基本医保已支付")
    critical_paid = _money(case, "critical_paid", "大病保险已支付")
    if in_list > total:
        raise MedicalInputError("目录内费用不能大于总费用")
    if basic_paid + critical_paid > in_list:
        raise MedicalInputError("基本医保和大病保险已支付的合计不能大于目录内费用")
    key = "outpatient_ratio" if kind == "门诊慢特病" else "drug_ratio"
    ratio = p.get(key, category) if category in FAVOURED else Decimal(0)
    ratio = ratio or Decimal(0)
    remaining = in_list - basic_paid - critical_paid
    assistance = remaining * ratio
    self_pay = total - basic_paid - critical_paid - assistance
    steps = [
        f"1. 目录内剩余 = {_y(in_list)} − 基本医保 {_y(basic_paid)} − 大病保险 {_y(critical_paid)} = {_y(remaining)}",
        f"2. {kind}救助 = {_y(remaining)} × {ratio:.0%} = {_y(assistance)}"
        + ("" if category in FAVOURED else f"（{category}人员不享受）"),
        f"3. 个人自付 = {_y(total)} − {_y(basic_paid)} − {_y(critical_paid)} − {_y(assistance)} = {_y(self_pay)}",
    ]
    return {
        "basic": _fen(basic_paid),
        "critical": _fen(critical_paid),
        "assistance": _fen(assistance),
        "out_of_list_relief": 0.0,
        "hospital_borne": 0.0,
        "self_pay": _fen(self_pay),
        "steps": steps,
    }


def _subsidy(category: str, contribution: Decimal, p: Policy) -> dict[str, Any]:
    floor = p.get("subsidy_floor") or Decimal(0)
    if category == "特困":
        subsidy, rule = contribution, "特困人员全额资助"
    elif category == "低保":
        subsidy = min(max(contribution * Decimal("0.8"), floor), contribution)
        rule = f"低保对象按 80% 资助且不低于 {_y(floor)}、不超过个人缴费"
    elif category == "返贫致贫":
        subsidy, rule = contribution * Decimal("0.9"), "返贫致贫人口按 90% 资助"
    elif category == "易返贫致贫":
        subsidy, rule = min(floor, contribution), f"易返贫致贫人口定额资助 {_y(floor)}（不超过个人缴费）"
    else:
        subsidy, rule = Decimal(0), f"{category}人员不享受资助参保"
    return {
        "subsidy": _fen(subsidy),
        "self_pay": _fen(contribution - subsidy),
        "steps": [
            f"1. {rule}：个人缴费 {_y(contribution)}，资助 {_y(subsidy)}，个人实缴 {_y(contribution - subsidy)}"
        ],
    }
