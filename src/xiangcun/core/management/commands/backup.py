"""`xiangcun backup --out FILE`: a consistent snapshot of the database and the uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份或 pg_dump）和上传文件到一个 .tar 文件，附带校验清单。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="备份文件路径，如 /backups/xiangcun-2026-12-01.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        try:
            manifest = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        files = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(f"已备份到 {out}：{len(manifest['tables'])} 张表 {rows} 行，上传文件 {files} 个")
