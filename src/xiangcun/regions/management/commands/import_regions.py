from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.regions.services import MAX_UPLOAD_BYTES, import_regions


class Command(BaseCommand):
    help = "导入行政区划表（.xlsx 或 .csv，列：代码、名称、上级代码、级别、户籍人口）。全部通过检查才写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="区划表文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError("文件过大，上限为 50 MB")
        report = import_regions(path.read_bytes(), path.name)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
