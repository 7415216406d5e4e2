from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.projects.commands import county_option
from xiangcun.tasks.services import import_tasks


class Command(BaseCommand):
    help = "导入任务分解表（.xlsx，工作表 任务）。全部通过检查才写入，同一年度的任务编号已存在时更新。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--county", help="县的12位统计代码（系统中只有一个县时可省略）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        county = county_option(options.get("county"))
        report = import_tasks(path, path.name, county)
        if not report.ok:
            for error in report.errors[:200]:
                self.stderr.write(str(error))
            if report.error_count > 200:
                self.stderr.write(f"……另有 {report.error_count - 200} 处错误未列出")
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
