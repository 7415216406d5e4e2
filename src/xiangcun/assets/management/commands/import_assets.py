from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.assets.services import import_assets
from xiangcun.domain.assets.workbook import COLUMNS, MAX_FILE_BYTES


class Command(BaseCommand):
    help = (
        "导入扶贫项目资产台账（.xlsx，工作表「资产」，列依次为 " + "、".join(COLUMNS) + "）。"
        "全部通过检查才写入，已有资产按资产编号更新。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"文件过大，上限为 {MAX_FILE_BYTES // 1024 // 1024} MB")
        report = import_assets(path.read_bytes(), path.name)
        if not report.ok:
            for error in report.errors[:200]:
                self.stderr.write(str(error))
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
