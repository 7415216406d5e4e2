"""Project library rules in plain Python: statuses, the workbook, fund summaries and warnings."""

from __future__ import annotations

from decimal import Decimal

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
