from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.households.services import import_households

MAX_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = "导入农户登记表（.xlsx，工作表 户、成员、收支）。全部通过检查才写入，已有农户按户编号更新。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError("文件过大，上限为 200 MB")
        report = import_households(path.read_bytes(), path.name)
        if not report.ok:
            for error in report.errors[:200]:
                self.stderr.write(str(error))
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
