"""docs/projects.md: the worked 公告 adds up, and the export and `xiangcun funds` give what it shows."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.core.management import call_command

from tests.domain.projects.test_workbook import row, workbook
from xiangcun.projects.models import Project
from xiangcun.projects.services import export_projects, import_projects

DOC = (Path(__file__).resolve().parents[2] / "docs" / "projects.md").read_text(encoding="utf-8")


def _table(after: str) -> list[list[str]]:
    section = DOC[DOC.index(after) :]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    start = section.splitlines().index(lines[0])
    rows = []
    for line in section.splitlines()[start:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return [r for r in rows[2:]]


def test_worked_notice_adds_up_and_matches_the_export_and_the_command(county) -> None:  # type: ignore[no-untyped-def]
    library = _table("The 2025 library holds five projects")
    notice = _table("The `公告` sheet of the export")
    places = {"甲一村": "140000001201", "乙一村": "140000002201", "甲镇": "140000001000"}
    rows = []
    for code, name, kind, relief, link, central, provincial, local, labour in library:
        assert Decimal(link) == Decimal(central) + Decimal(provincial) + Decimal(local)
        place = next(v for k, v in places.items() if name.startswith(k))
        rows.append(row(项目编号=code, 项目名称=name, 项目类型=kind, 以工代赈=relief, 建设地点代码=place,
                        **{"总投资（万元）": link, "衔接资金（万元）": link, "其中中央（万元）": central,
                           "其中省级（万元）": provincial, "其中市县（万元）": local, "其他资金（万元）": 0,
                           "劳务报酬（万元）": labour}))  # fmt: skip
    assert import_projects(workbook(*rows), "p.xlsx", county.county).ok

    sheet = openpyxl.load_workbook(io.BytesIO(export_projects(Project.objects.all())))["公告"]
    exported = [[c for c in r] for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert [r[1] for r in exported] == [r[1] for r in notice]
    for ours, theirs in zip(exported, notice, strict=True):
        assert [Decimal(str(v)).quantize(Decimal("0.0001")) for v in ours[5:9]] == [
            Decimal(v) for v in theirs[2:6]
        ]
    # down: each subtotal is the sum of its projects, 合计 the sum of the subtotals
    subtotals = [r for r in notice if r[1].endswith("（小计）")]
    total = next(r for r in notice if r[1] == "合计")
    for column in range(2, 6):
        assert sum(Decimal(r[column]) for r in subtotals) == Decimal(total[column])
        assert Decimal(total[column]) == sum(Decimal(r[column]) for r in notice if r[0].isdigit())

    out = io.StringIO()
    call_command("funds", "--year", "2025", "--json", stdout=out)
    shown = re.search(r"```json\n(.*?)\n```", DOC, re.S)
    assert shown is not None
    assert json.loads(out.getvalue()) == json.loads(shown.group(1))
