from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string

from xiangcun.public import pages
from xiangcun.regions.models import Region


class Command(BaseCommand):
    help = (
        "把公开网站（/public/）写成静态 HTML 文件，可放到政府网站或村务公开屏上。只含汇总数据，不含个人信息。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="输出目录（不存在则新建）")
        parser.add_argument("--county", default="", help="只发布这个县（12 位代码）；默认全部县")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"「{out}」已存在且不是目录")
        counties = pages.counties()
        if options["county"]:
            counties = [c for c in counties if c.code == options["county"]]
            if not counties:
                raise CommandError(f"没有代码为「{options['county']}」的县")
        if not counties:
            raise CommandError("系统中还没有县，请先导入行政区划或运行 xiangcun demo")
        out.mkdir(parents=True, exist_ok=True)
        written = 0
        (out / "index.html").write_text(
            render_to_string("public/index.html", {"counties": counties}), encoding="utf-8"
        )
        written += 1
        for county in counties:
            written += write_county(county, out / county.code)
        self.stdout.write(
            f"已写出 {written} 个页面到 {out}（{len(counties)} 个县），首页：{out / 'index.html'}"
        )


def write_county(county: Region, folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, template, context in pages.all_pages(county):
        (folder / name).write_text(render_to_string(template, context), encoding="utf-8")
        count += 1
    return count
