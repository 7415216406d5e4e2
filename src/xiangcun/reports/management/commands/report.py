from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.regions.models import Region
from xiangcun.reports import charts, render
from xiangcun.reports.services import build, font_choice


class Command(BaseCommand):
    help = "生成年度乡村振兴规划实施评估报告（.docx）：xiangcun report --year 2025 [--region 代码] --out 报告.docx"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="报告年度")
        parser.add_argument("--region", help="县或乡镇的12位统计代码（系统中只有一个县时可省略）")
        parser.add_argument("--out", help="输出的 .docx 文件")
        parser.add_argument("--template", help="样式模板 .docx（默认为数据目录下的 report-template.docx）")
        parser.add_argument("--write-template", metavar="FILE", help="写出默认样式模板，供修改后使用")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("write_template"):
            Path(options["write_template"]).write_bytes(render.default_template(font_choice()))
            self.stdout.write(f"已写出样式模板：{options['write_template']}")
            return
        if not options.get("year") or not options.get("out"):
            raise CommandError("请指定 --year 和 --out")
        region = self._region(options.get("region"))
        template = Path(options["template"]) if options.get("template") else None
        if template is not None and not template.is_file():
            raise CommandError(f"找不到模板文件：{template}")
        built = build(region, options["year"], template)
        Path(options["out"]).write_bytes(built.data)
        name, path = charts.font()
        self.stdout.write(
            f"已生成 {region.name}{options['year']}年度评估报告：{options['out']}（{len(built.data) // 1024} KB，"
            f"图 {built.charts} 幅，用时 {built.seconds['total']:.2f} 秒；图表字体 {name}）"
        )

    def _region(self, code: str | None) -> Region:
        if code:
            region = Region.objects.filter(code=code, depth__in=(3, 4)).first()
            if region is None:
                raise CommandError(f"没有代码为 {code} 的县或乡镇")
            return region
        counties = list(Region.objects.filter(depth=3)[:2])
        if len(counties) != 1:
            raise CommandError("系统中有多个县（或没有县），请用 --region 指定")
        return counties[0]
