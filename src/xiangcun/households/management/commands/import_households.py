from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.domain.households.workbook import MAX_FILE_BYTES
from xiangcun.households.services import import_households

# which sheet a CSV holds, by its file name (成员 and 收支 first: "农户-成员.csv" also contains 户)
CSV_SHEETS = ("成员", "收支", "户")


class Command(BaseCommand):
    help = (
        "导入农户登记表：一个 .xlsx（工作表 户、成员、收支），或三个 .csv（文件名分别含 户、成员、收支；UTF-8 或 GB18030）。"
        "全部通过检查才写入，已有农户按户编号更新。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(f) for f in options["files"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"找不到文件：{path}")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"文件过大：{path.name}，上限为 {MAX_FILE_BYTES // 1024 // 1024} MB")
        source: Any
        if all(p.suffix.lower() == ".csv" for p in paths):
            source = {}
            for path in paths:
                sheet = next((s for s in CSV_SHEETS if s in path.stem), None)
                if sheet is None or sheet in source:
                    raise CommandError(
                        f"无法从文件名判断「{path.name}」是哪张表：文件名应分别含 户、成员、收支"
                    )
                source[sheet] = path
        elif len(paths) == 1:
            source = paths[0]
        else:
            raise CommandError("请给出一个 .xlsx 文件，或 户、成员、收支 三个 .csv 文件")
        report = import_households(source, paths[0].name)
        if not report.ok:
            for error in report.errors[:200]:
                self.stderr.write(str(error))
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
