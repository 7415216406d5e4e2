from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.domain.households.mapping import ColumnMapping, MappingError, parse_mapping
from xiangcun.domain.households.workbook import MAX_FILE_BYTES, PROVINCE_MAX_FILE_BYTES, SHEETS
from xiangcun.households.services import import_households, save_mapping, saved_mapping
from xiangcun.regions.models import Region

# which sheet a CSV holds, by its file name (成员 and 收支 first: "农户-成员.csv" also contains 户)
CSV_SHEETS = ("成员", "收支", "户")


class Command(BaseCommand):
    help = (
        "导入农户登记表：一个 .xlsx（工作表 户、成员、收支），或三个 .csv（文件名分别含 户、成员、收支；UTF-8 或 GB18030）。"
        "全部通过检查才写入，已有农户按户编号更新。列名与登记表不同时用 --mapping 列对应.json"
        "（格式见 docs/households.md），不给时使用该县在网页导入时保存的列对应。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+")
        parser.add_argument(
            "--mapping",
            help='列对应 JSON 文件：{"sheets": {"成员": "家庭成员"}, "columns": {"成员": {"证件号码": "身份证号"}}}',
        )
        parser.add_argument(
            "--county", help="县的代码：使用（或以 --save-mapping 保存）该县的列对应；只有一个县时可省略"
        )
        parser.add_argument(
            "--save-mapping", action="store_true", help="把 --mapping 给出的列对应保存为该县的列对应"
        )
        parser.add_argument(
            "--no-mapping", action="store_true", help="不使用已保存的列对应（表头须与登记表完全一致）"
        )
        parser.add_argument(
            "--province",
            action="store_true",
            help="省级规模：放宽单次导入的行数与文件大小上限（农户 1000 万、成员 4000 万、收支 5000 万行，"
            "单个文件 16 GB；仅限 PostgreSQL）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(f) for f in options["files"]]
        limit = PROVINCE_MAX_FILE_BYTES if options["province"] else MAX_FILE_BYTES
        for path in paths:
            if not path.is_file():
                raise CommandError(f"找不到文件：{path}")
            if path.stat().st_size > limit:
                more = "" if options["province"] else "；省级数据请加 --province"
                raise CommandError(f"文件过大：{path.name}，上限为 {limit // 1024 // 1024} MB{more}")
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
        mapping = self._mapping(options)
        report = import_households(source, paths[0].name, mapping=mapping, province=options["province"])
        if not report.ok:
            for error in report.errors[:200]:
                self.stderr.write(str(error))
            if any(e.sheet and e.row <= 1 for e in report.errors):
                self.stderr.write(
                    "文件的表名或列名与登记表不同时，用 --mapping 列对应.json 指定（格式见 docs/households.md）"
                )
            raise CommandError(report.summary())
        self.stdout.write(report.summary())

    def _mapping(self, options: dict[str, Any]) -> ColumnMapping | None:
        county = self._county(options.get("county"), required=bool(options["save_mapping"]))
        if options.get("mapping"):
            path = Path(options["mapping"])
            if not path.is_file():
                raise CommandError(f"找不到列对应文件：{path}")
            if path.stat().st_size > 1024 * 1024:
                raise CommandError("列对应文件过大（上限 1 MB）")
            try:
                mapping = parse_mapping(path.read_bytes(), SHEETS)
            except MappingError as exc:
                raise CommandError(str(exc)) from exc
            if options["save_mapping"] and county is not None:
                changed = save_mapping(county, mapping)
                self.stdout.write(f"已保存{county.name}的列对应" if changed else f"{county.name}的列对应未变")
            return mapping
        if options["save_mapping"]:
            raise CommandError("--save-mapping 须与 --mapping 一起使用")
        if options["no_mapping"]:
            return None
        mapping = saved_mapping(county)
        if mapping is not None and county is not None:
            self.stdout.write(f"使用{county.name}保存的列对应")
        return mapping

    def _county(self, code: str | None, required: bool) -> Region | None:
        if code:
            county = Region.objects.filter(code=code, depth=3).first()
            if county is None:
                raise CommandError(f"找不到代码为 {code} 的县")
            return county
        counties = list(Region.objects.filter(depth=3)[:2])
        if len(counties) == 1:
            return counties[0]
        if required:
            raise CommandError("系统中有多个县，请用 --county 指定县的代码")
        return None
