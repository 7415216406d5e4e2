from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.plans.feedback import collect
from xiangcun.plans.models import PlanItem
from xiangcun.regions.models import Region, subtree_q


class Command(BaseCommand):
    help = (
        "导出审核人对规划抽取的反馈：审核人补充的漏读目标、剔除的目标、更正的字段；"
        "--json 输出机器可读结果（格式见 docs/extraction.md）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--county", help="只导出这个县（12位统计代码）的规划")

    def handle(self, *args: Any, **options: Any) -> None:
        items = PlanItem.objects.all()
        if options.get("county"):
            county = Region.objects.filter(code=options["county"]).first()
            if county is None:
                raise CommandError(f"没有统计代码为 {options['county']} 的区域")
            items = items.filter(subtree_q(county.path, "version__plan__region__path"))
        feedback = collect(items)
        if options["json"]:
            self.stdout.write(json.dumps(feedback, ensure_ascii=False, indent=1))
            return
        counts = feedback["counts"]
        self.stdout.write(
            f"审核人补充的漏读目标 {counts['missed']} 条；剔除的抽取目标 {counts['rejected']} 条；"
            f"更正过的抽取目标 {counts['corrected']} 条。加 --json 输出明细。"
        )
        for entry in feedback["missed"]:
            target = entry["target"]
            self.stdout.write(
                f"  漏读 · {entry['plan']}（第{entry['plan_version']}版）第{entry['line'] or '?'}行："
                f"{entry['quote']} → {target['subject']} {target['value']}{target['unit'] or ''}"
            )
