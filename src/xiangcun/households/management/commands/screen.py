from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.domain.formatting import format_number
from xiangcun.domain.households.screening import RULES_BY_CODE, ThresholdError, check_threshold
from xiangcun.households.models import Household
from xiangcun.households.services import enabled_rules, run_screening, threshold_used
from xiangcun.regions.models import Region


class Command(BaseCommand):
    help = "按年度筛查全部农户，列出触发了预警规则的农户。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--threshold", type=float, help="监测标准（元/人·年），默认取本县该年设置")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        county = Region.objects.filter(depth=3).order_by("path").first()
        if options["threshold"] is not None:
            threshold = options["threshold"]
            statement = f"采用命令行指定的监测标准 {format_number(threshold, '元')} 元/人·年（{year} 年筛查）"
        else:
            used = threshold_used(county, year)
            threshold, statement = used.value, str(used)
        try:
            check_threshold(threshold, year)
        except ThresholdError as exc:
            raise CommandError(str(exc)) from exc
        rows = run_screening(Household.objects.all(), year, threshold, enabled_rules(county))
        if options["json"]:  # the JSON on stdout is a contract; the threshold used goes to stderr
            self.stderr.write(statement)
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        self.stdout.write(f"{year}年筛查：{statement}；触发预警 {len(rows)} 户")
        for row in rows[:50]:
            names = "、".join(RULES_BY_CODE[c].name for c in row["rules"])
            income = row["per_capita_income"]
            income_text = "无收支" if income is None else f"{format_number(income, '元')} 元"
            self.stdout.write(f"  {row['household']}  {names}  人均纯收入 {income_text}")
