from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.domain.households.screening import ThresholdError, check_threshold
from xiangcun.households.models import Household
from xiangcun.households.services import enabled_rules, run_screening, threshold_for
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
        threshold = options["threshold"] if options["threshold"] is not None else threshold_for(county, year)
        try:
            check_threshold(threshold, year)
        except ThresholdError as exc:
            raise CommandError(str(exc)) from exc
        rows = run_screening(Household.objects.all(), year, threshold, enabled_rules(county))
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        self.stdout.write(f"{year}年，监测标准 {threshold:g} 元，触发预警 {len(rows)} 户")
        for row in rows[:50]:
            self.stdout.write(
                f"  {row['household']}  {'、'.join(row['rules'])}  人均纯收入 {row['per_capita_income']}"
            )
