"""Export injection: text imported by a user comes back out of every export as text, never as a formula."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.domain.spreadsheets import append_row, csv_cell
from xiangcun.households.services import import_households
from xiangcun.regions.services import import_regions

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example/","点我")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def formulas(data: bytes) -> list[str]:
    """Every formula in an .xlsx, read from the XML (what Excel would run)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode()
                found += [part.split("</f>")[0] for part in xml.split("<f>")[1:]]
                assert "<f " not in xml, name
    return found


def texts(data: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {
        c.value for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)
    }


def test_append_row_keeps_text_as_text_in_both_workbook_modes() -> None:
    for write_only in (True, False):
        book = openpyxl.Workbook(write_only=write_only)
        sheet = book.create_sheet("x") if write_only else book.active
        append_row(sheet, [*HOSTILE, -3, 2.5, None])
        buffer = io.BytesIO()
        book.save(buffer)
        assert formulas(buffer.getvalue()) == []
        assert set(HOSTILE) <= texts(buffer.getvalue())


def test_csv_cells_get_a_leading_apostrophe_numbers_stay_numbers() -> None:
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("@A1") == "'@A1" and csv_cell("\t=1") == "'\t=1"
    assert csv_cell("甲镇") == "甲镇" and csv_cell(-5) == -5 and csv_cell(None) == ""


def test_hostile_region_names_export_as_text(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    rows = "代码,名称,上级代码,级别,户籍人口\n" + "".join(
        f'140000001{n + 210},"{name.replace(chr(34), chr(34) * 2)}",140000001000,行政村,100\n'
        for n, name in enumerate(HOSTILE[:4])
    )
    assert import_regions(rows.encode(), "r.csv").ok
    client = client_for(users["county_admin"])
    xlsx = client.get(reverse("regions:export", args=["xlsx"])).content
    assert formulas(xlsx) == [] and set(HOSTILE[:4]) <= texts(xlsx)
    body = client.get(reverse("regions:export", args=["csv"])).content.decode("utf-8-sig")
    names = [row[1] for row in csv.reader(io.StringIO(body))]
    assert all(not n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in names)
    assert "'" + HOSTILE[0] in names


def test_hostile_household_text_exports_as_text(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    data = workbook(
        [household(f"A00{n}", 户主姓名=name, 自然村=name) for n, name in enumerate(HOSTILE[:4])],
        [member(f"A00{n}", id_number("19800101", n + 1), 姓名=name) for n, name in enumerate(HOSTILE[:4])],
        [finance(f"A00{n}", 2025, 工资性收入=0, 生产经营性收入=0, 转移性收入=100) for n in range(4)],
    )
    assert formulas(data) == []
    report = import_households(data, "r.xlsx")
    assert report.ok, report.errors
    client = client_for(users["county_admin"])
    for url in (
        reverse("households:export"),
        reverse("households:screening_export") + "?year=2025",
        reverse("households:monthly_report"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert formulas(response.content) == [], url
    exported = texts(client.get(reverse("households:export")).content)
    assert set(HOSTILE[:4]) <= exported
    screening = texts(client.get(reverse("households:screening_export") + "?year=2025").content)
    assert HOSTILE[0] in screening
