from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from xiangcun.projects.commands import county_option
from xiangcun.tasks.services import tasks_from_plan


class Command(BaseCommand):
    help = "从现行规划已确认的任务分工生成某一年度的任务（牵头、配合部门按规划；已生成的不重复）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="年度（默认今年）")
        parser.add_argument("--county", help="县的12位统计代码（系统中只有一个县时可省略）")

    def handle(self, *args: Any, **options: Any) -> None:
        county = county_option(options.get("county"))
        year = options["year"] or timezone.localdate().year
        self.stdout.write(f"已生成 {tasks_from_plan(county, year)} 项 {year} 年任务。")
