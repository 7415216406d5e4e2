from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiangcun.domain.projects.funds import warning_text
from xiangcun.projects.commands import county_option
from xiangcun.projects.models import Project
from xiangcun.projects.selectors import fund_summary


class Command(BaseCommand):
    help = "某年度衔接资金汇总（按项目类型）与资金规则预警；--json 输出机器可读结果。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="计划年度")
        parser.add_argument("--county", help="县的12位统计代码（系统中只有一个县时可省略）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        county = county_option(options.get("county"))
        summary = fund_summary(Project.objects.filter(county=county), options["year"], county)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(f"{county.name} {summary['year']} 年衔接资金合计 {summary['total']} 万元")
        for label, amount in summary["by_type"].items():
            self.stdout.write(f"  {label}：{amount} 万元")
        self.stdout.write(f"产业发展占比 {summary['industry_share']:.2%}")
        for warning in summary["warnings"]:
            who = f"项目 {warning['project']}：" if warning["project"] else ""
            self.stdout.write(f"预警 {who}{warning_text(warning)}")
