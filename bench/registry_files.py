"""Registry files for the household bench: a fast .xlsx writer (inline strings) and a CSV writer.

openpyxl's write-only mode writes about 10 000 rows a second, so a 1 000 000-household workbook took
over ten minutes to make before each run. The bench writes the sheet XML itself instead (inline strings,
one deflate stream per sheet), which any reader — calamine, openpyxl, Excel — opens like any workbook.
Files are cached under the given folder by size and seed, so repeated runs reuse them.

    .venv/bin/python bench/registry_files.py 1000000 /tmp/registry   # writes h1000000.xlsx and .csv files
"""

from __future__ import annotations

import csv
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _letters(count: int) -> list[str]:
    out = []
    for col in range(1, count + 1):
        name, n = "", col
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        out.append(name)
    return out


def _cell(ref: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def write_xlsx(path: Path, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> None:
    """Write sheets of (name, header, rows) as an .xlsx file, streaming each sheet into the zip."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="{_SHEET_TYPE}"/>'
            for k in range(1, len(sheets) + 1)
        )
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=overrides))
        archive.writestr("_rels/.rels", _RELS)
        entries = "".join(
            f'<sheet name="{escape(name)}" sheetId="{k}" r:id="rId{k}"/>'
            for k, (name, _, _) in enumerate(sheets, start=1)
        )
        archive.writestr(
            "xl/workbook.xml", f"<workbook {_NS} {_REL_NS}><sheets>{entries}</sheets></workbook>"
        )
        rels = "".join(
            f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{k}.xml"/>'
            for k in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        for k, (_, header, rows) in enumerate(sheets, start=1):
            letters = _letters(len(header))
            with archive.open(f"xl/worksheets/sheet{k}.xml", "w", force_zip64=True) as out:
                out.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode())
                buffer = [_row(1, letters, header)]
                for r, row in enumerate(rows, start=2):
                    buffer.append(_row(r, letters, row))
                    if len(buffer) >= 20_000:
                        out.write("".join(buffer).encode())
                        buffer.clear()
                out.write(("".join(buffer) + "</sheetData></worksheet>").encode())


def _row(number: int, letters: list[str], values: Sequence[Any]) -> str:
    cells = "".join(_cell(f"{col}{number}", v) for col, v in zip(letters, values, strict=False))
    return f'<row r="{number}">{cells}</row>'


def registry_sheets(
    households: list[dict[str, Any]], members: list[dict[str, Any]], finances: list[dict[str, Any]]
) -> list[tuple[str, tuple[str, ...], Iterator[list[Any]]]]:
    from xiangcun.domain.households.workbook import FINANCE_COLUMNS, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

    def rows(records: list[dict[str, Any]], columns: tuple[str, ...]) -> Iterator[list[Any]]:
        return ([r.get(c, "") for c in columns] for r in records)

    return [
        ("户", HOUSEHOLD_COLUMNS, rows(households, HOUSEHOLD_COLUMNS)),
        ("成员", MEMBER_COLUMNS, rows(members, MEMBER_COLUMNS)),
        ("收支", FINANCE_COLUMNS, rows(finances, FINANCE_COLUMNS)),
    ]


def write_csvs(
    folder: Path, stem: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
) -> None:
    for name, header, rows in sheets:
        with (folder / f"{stem}-{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)


def registry_rows(count: int, year: int = 2025, changed_percent: float = 0.0) -> tuple[list, list, list]:
    """The bench registry (demo generator over the 300-village bench county); optionally with a share
    of households changed (住房安全等级 and 工资性收入), for the re-import bench."""
    from xiangcun.domain.demo import county_rows, household_rows

    villages = [
        str(r[0]) for r in county_rows(300)[1:] if len(str(r[0])) == 12 and r[3] in ("行政村", "社区")
    ]
    households, members, finances = household_rows(villages, count, year)
    if changed_percent:
        step = round(100 / changed_percent)
        for k in range(0, len(households), step):
            households[k]["住房安全等级"] = "B" if households[k]["住房安全等级"] == "A" else "A"
        touched = {households[k]["户编号"] for k in range(0, len(households), step)}
        for row in finances:
            if row["户编号"] in touched and row["年度"] == year:
                row["工资性收入"] = float(row["工资性收入"] or 0) + 1000
    return households, members, finances


def main() -> None:
    import django

    django.setup()
    count, folder = int(sys.argv[1]), Path(sys.argv[2])
    changed = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"h{count}" + (f"-changed{changed:g}" if changed else "")
    rows = registry_rows(count, changed_percent=changed)
    write_xlsx(folder / f"{stem}.xlsx", registry_sheets(*rows))
    write_csvs(folder, stem, registry_sheets(*rows))
    print(folder / f"{stem}.xlsx")


if __name__ == "__main__":
    main()
