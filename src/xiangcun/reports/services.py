"""Build the yearly evaluation report: collect live data, assemble the sections, draw, write the .docx."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile

from xiangcun.domain import report as domain
from xiangcun.regions.models import Region

from . import charts, render
from .collect import collect
from .models import Report


def template_path() -> Path | None:
    """The county's template: setting/env REPORT_TEMPLATE, else report-template.docx in the data folder."""
    configured = getattr(settings, "REPORT_TEMPLATE", None) or os.environ.get("REPORT_TEMPLATE")
    path = Path(configured) if configured else Path(settings.DATA_DIR) / "report-template.docx"
    return path if path.is_file() else None


def font_choice() -> str:
    return getattr(settings, "REPORT_FONTS", None) or os.environ.get("REPORT_FONTS", "auto")


@dataclass
class Built:
    data: bytes
    seconds: dict[str, float]
    charts: int


def build(region: Region, year: int, template: Path | None = None) -> Built:
    """The report of `region` (a county or a township) for `year`, as .docx bytes with the time of each part."""
    started = time.perf_counter()
    data = collect(region, year)
    collected = time.perf_counter()
    sections = domain.build(data)
    drawn = 0

    def draw(chart: domain.Chart) -> bytes:
        nonlocal drawn
        drawn += 1
        return charts.render(chart)

    content = render.render(data, sections, draw, template or template_path(), font_choice())
    done = time.perf_counter()
    return Built(content, {"collect": collected - started, "render": done - collected, "total": done - started},
                 drawn)  # fmt: skip


def build_and_keep(region: Region, year: int, user: Any = None) -> Report:
    """Build the report and keep it (the 报告 page lists it for download)."""
    built = build(region, year)
    report = Report(region=region, year=year, created_by=user, size=len(built.data),
                    seconds=round(built.seconds["total"], 2))  # fmt: skip
    report.file.save(
        f"{region.code}-{year}-{time.strftime('%Y%m%d%H%M%S')}.docx", ContentFile(built.data), save=False
    )
    report.save()
    return report
