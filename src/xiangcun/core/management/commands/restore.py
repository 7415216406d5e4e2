"""`xiangcun restore FILE`: restore a backup into an empty database and an empty data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 xiangcun backup 生成的文件恢复到空数据库和空的上传文件目录；先核对校验值，恢复后核对各表行数。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件（.tar）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(Path(options["file"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已恢复：{result.tables} 张表 {result.rows} 行（与备份清单一致），上传文件 {result.files} 个"
        )
