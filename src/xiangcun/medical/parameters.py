"""The medical parameters as a cadre sees them: a Chinese name, a unit and where each default comes from.

The calculator (``xiangcun.domain.medical.calculator``) keeps ratios as fractions (0.75) under English keys;
the form shows each as one input in 元 or % with the default's source, and stores back only the values
that differ from the defaults, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xiangcun.domain.medical.calculator import DEFAULTS

PLAN = "规划专栏2"
PRESET = "系统预设值（规划未给出具体数值），请按本县医保政策核对"


@dataclass(frozen=True)
class Parameter:
    key: str  # the calculator's key
    sub: str | None  # 县级/市级/省级 or 特困/低保/返贫致贫 for per-level and per-category values
    label: str
    unit: str  # 元 or %
    group: str
    source: str
    optional: bool = False  # may be left empty (ci_cap: no cap)

    @property
    def name(self) -> str:
        """The form field's name."""
        return self.key if self.sub is None else f"{self.key}__{SUBS.index(self.sub)}"

    @property
    def percent(self) -> bool:
        return self.unit == "%"

    def default(self) -> Any:
        value = DEFAULTS[self.key]
        return value if self.sub is None else value[self.sub]

    def shown(self, stored: Any) -> Decimal | None:
        """A stored value (a fraction for percentages) as the number the cadre types."""
        if stored is None:
            return None
        number = Decimal(str(stored)) * (100 if self.percent else 1)
        return Decimal(format(number.normalize(), "f"))  # 60, not 6E+1 or 60.0

    def stored(self, shown: Decimal | None) -> float | None:
        """What the calculator takes for the number the cadre typed."""
        if shown is None:
            return None
        return float(shown / 100) if self.percent else float(shown)


SUBS = ("县级", "市级", "省级", "特困", "低保", "返贫致贫")


def _p(key: str, sub: str | None, label: str, unit: str, group: str, source: str, **kw: Any) -> Parameter:
    return Parameter(key, sub, label, unit, group, source, **kw)


PARAMETERS: tuple[Parameter, ...] = (
    _p("basic_deductible", "县级", "住院起付线（县级医院）", "元", "基本医保", PRESET),
    _p("basic_deductible", "市级", "住院起付线（市级医院）", "元", "基本医保", PRESET),
    _p("basic_deductible", "省级", "住院起付线（省级医院）", "元", "基本医保", PRESET),
    _p("basic_ratio", "县级", "政策范围内住院费用支付比例（县级医院）", "%", "基本医保",
       f"{PLAN}：县域内政策范围内住院费用支付比例总体稳定在75%"),
    _p("basic_ratio", "市级", "政策范围内住院费用支付比例（市级医院）", "%", "基本医保", PRESET),
    _p("basic_ratio", "省级", "政策范围内住院费用支付比例（省级医院）", "%", "基本医保", PRESET),
    _p("ci_deductible", None, "起付线", "元", "大病保险", f"{PRESET}（由各省规定）"),
    _p("ci_ratio", None, "支付比例", "%", "大病保险", f"{PRESET}（由各省规定）"),
    _p("ci_cap", None, "年度封顶线（不填表示不封顶）", "元", "大病保险", f"{PRESET}（由各省规定）",
       optional=True),
    _p("assistance_ratio", "特困", "住院救助比例（特困人员）", "%", "医疗救助", f"{PLAN}：医疗救助托底保障政策"),
    _p("assistance_ratio", "低保", "住院救助比例（低保对象）", "%", "医疗救助", f"{PLAN}：医疗救助托底保障政策"),
    _p("assistance_ratio", "返贫致贫", "住院救助比例（返贫致贫人口）", "%", "医疗救助",
       f"{PLAN}：医疗救助托底保障政策"),
    _p("dibao_annual_cap", None, "低保对象年度救助限额", "元", "医疗救助",
       f"{PLAN}：低保对象年度最高救助限额6万元"),
    _p("fanpin_topup", None, "返贫致贫人口省内住院综合保障比例（不足的救助到此比例）", "%", "医疗救助",
       f"{PLAN}：省内住院综合支付比例达不到90%的救助到90%"),
    _p("fanpin_out_of_list_relief", None, "返贫致贫人口省内住院目录外费用救助比例", "%", "医疗救助",
       f"{PLAN}：返贫致贫人口省内住院目录外费用救助比例"),
    _p("out_of_list_cap", "县级", "倾斜对象目录外费用占总费用上限（县级医院）", "%", "医院控费",
       f"{PLAN}：目录外费用分别不得超过总费用的15%、20%、30%"),
    _p("out_of_list_cap", "市级", "倾斜对象目录外费用占总费用上限（市级医院）", "%", "医院控费",
       f"{PLAN}：目录外费用分别不得超过总费用的15%、20%、30%"),
    _p("out_of_list_cap", "省级", "倾斜对象目录外费用占总费用上限（省级医院）", "%", "医院控费",
       f"{PLAN}：目录外费用分别不得超过总费用的15%、20%、30%"),
    _p("outpatient_ratio", "特困", "门诊慢特病救助比例（特困人员）", "%", "门诊和特药", f"{PLAN}：门诊医疗保障政策"),
    _p("outpatient_ratio", "低保", "门诊慢特病救助比例（低保对象）", "%", "门诊和特药", f"{PLAN}：门诊医疗保障政策"),
    _p("outpatient_ratio", "返贫致贫", "门诊慢特病救助比例（返贫致贫人口）", "%", "门诊和特药",
       f"{PLAN}：门诊医疗保障政策"),
    _p("drug_ratio", "特困", "特药救助比例（特困人员）", "%", "门诊和特药", PRESET),
    _p("drug_ratio", "低保", "特药救助比例（低保对象）", "%", "门诊和特药", PRESET),
    _p("drug_ratio", "返贫致贫", "特药救助比例（返贫致贫人口）", "%", "门诊和特药", PRESET),
    _p("subsidy_floor", None, "参保资助定额（每人每年）", "元", "参保资助", f"{PLAN}：每人每年280元定额资助"),
)  # fmt: skip

# For the audit log: the stored JSON's keys in Chinese.
KEY_LABELS = {
    "basic_deductible": "基本医保住院起付线（元）",
    "basic_ratio": "基本医保住院支付比例",
    "ci_deductible": "大病保险起付线（元）",
    "ci_ratio": "大病保险支付比例",
    "ci_cap": "大病保险年度封顶线（元）",
    "out_of_list_cap": "目录外费用占总费用上限",
    "assistance_ratio": "住院救助比例",
    "dibao_annual_cap": "低保对象年度救助限额（元）",
    "fanpin_topup": "返贫致贫人口综合保障比例",
    "fanpin_out_of_list_relief": "返贫致贫人口目录外费用救助比例",
    "outpatient_ratio": "门诊慢特病救助比例",
    "drug_ratio": "特药救助比例",
    "subsidy_floor": "参保资助定额（元）",
}


def differences(values: dict[Parameter, float | None]) -> dict[str, Any]:
    """The values that differ from the defaults, in the calculator's shape ({"basic_ratio": {"县级": 0.8}})."""
    result: dict[str, Any] = {}
    for parameter, value in values.items():
        default = parameter.default()
        same = (
            value is None and default is None
            or value is not None and default is not None and Decimal(str(value)) == Decimal(str(default))
        )  # fmt: skip
        if same:
            continue
        if parameter.sub is None:
            result[parameter.key] = value
        else:
            result.setdefault(parameter.key, {})[parameter.sub] = value
    return result
