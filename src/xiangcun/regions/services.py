"""Import and export of the administrative tree. Imports are all-or-nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.db import transaction

from xiangcun.audit.services import record_bulk
from xiangcun.core.queries import refresh_statistics
from xiangcun.domain import regions as domain
from xiangcun.domain.spreadsheets import append_row, csv_bytes
from xiangcun.domain.tables import TableError, read_table

from .models import Region, RegionQuerySet
from .signals import regions_moved

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TRACKED = ("name", "level", "parent_code", "population", "households")


@dataclass
class ImportReport:
    errors: list[domain.RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"导入失败：发现 {len(self.errors)} 处错误，没有写入任何数据。"
        return f"导入成功：新增 {self.created} 个，更新 {self.updated} 个，未变 {self.unchanged} 个。"


def _stored_rows() -> tuple[dict[str, domain.RegionRow], dict[str, tuple[int, str]]]:
    rows: dict[str, domain.RegionRow] = {}
    ids: dict[str, tuple[int, str]] = {}
    for pk, code, name, parent_code, level, population, households, path in Region.objects.values_list(
        "id", "code", "name", "parent__code", "level", "population", "households", "path"
    ):
        rows[code] = domain.RegionRow(code, name, parent_code, level, population, households, 0)
        ids[code] = (pk, path)
    return rows, ids


def import_regions(
    data: bytes, filename: str, actor: Any = None, scope: Region | None = None
) -> ImportReport:
    """Validate the whole file against the stored tree, then write it in one transaction or not at all.

    `scope`: when given, every row must lie inside that region's subtree (a county admin's own county).
    """
    report = ImportReport()
    try:
        table = read_table(data, filename)
    except TableError as exc:
        report.errors.append(domain.RowError(0, "", str(exc)))
        return report
    parsed = domain.parse_rows(table.header, table.records)
    report.errors.extend(parsed.errors)
    if report.errors:
        return report

    with transaction.atomic():
        existing, stored = _stored_rows()
        report.errors.extend(domain.validate_tree(parsed.rows, existing))
        if report.errors:
            return report
        merged = dict(existing)
        merged.update({r.code: r for r in parsed.rows})
        paths = domain.tree_paths(merged)
        if scope is not None:
            for r in parsed.rows:
                if not paths[r.code].startswith(scope.path):
                    report.errors.append(
                        domain.RowError(r.row, "代码", f"「{r.code}」不在您的管辖范围（{scope.name}）内")
                    )
            if report.errors:
                return report
        _write(parsed.rows, existing, stored, merged, paths, report, actor)
    if report.created + report.updated > 1000:
        refresh_statistics(Region)
    return report


def _write(
    rows: list[domain.RegionRow],
    existing: dict[str, domain.RegionRow],
    stored: dict[str, tuple[int, str]],
    merged: dict[str, domain.RegionRow],
    paths: dict[str, str],
    report: ImportReport,
    actor: Any,
) -> None:
    ids = {code: pk for code, (pk, _) in stored.items()}
    new_rows = sorted((r for r in rows if r.code not in existing), key=lambda r: domain.LEVEL_DEPTH[r.level])
    created: list[Region] = []
    for depth in sorted({domain.LEVEL_DEPTH[r.level] for r in new_rows}):
        batch = [
            Region(
                code=r.code,
                name=r.name,
                level=r.level,
                depth=depth,
                parent_id=ids.get(r.parent_code) if r.parent_code else None,
                path=paths[r.code],
                population=r.population,
                households=r.households,
            )
            for r in new_rows
            if domain.LEVEL_DEPTH[r.level] == depth
        ]
        Region.objects.bulk_create(batch, batch_size=2000)
        if any(obj.pk is None for obj in batch):  # backends without RETURNING
            ids.update(
                dict(Region.objects.filter(code__in=[o.code for o in batch]).values_list("code", "id"))
            )
            for obj in batch:
                obj.pk = ids[obj.code]
        ids.update({obj.code: obj.pk for obj in batch})
        created.extend(batch)
    report.created = len(created)

    changed: list[tuple[Region, dict[str, tuple[Any, Any]]]] = []
    for r in rows:
        old = existing.get(r.code)
        if old is None:
            continue
        diff = {f: (getattr(old, f), getattr(r, f)) for f in TRACKED if getattr(old, f) != getattr(r, f)}
        if diff:
            changed.append((_instance(r, ids, paths), diff))
        else:
            report.unchanged += 1
    # Stored regions below a moved one get a new path even though the file does not mention them.
    mentioned = {r.code for r in rows}
    moved = [
        _instance(merged[code], ids, paths)
        for code, (_, old_path) in stored.items()
        if code not in mentioned and paths[code] != old_path
    ]
    update_fields = ["name", "level", "depth", "parent", "path", "population", "households"]
    Region.objects.bulk_update([obj for obj, _ in changed] + moved, update_fields, batch_size=2000)
    report.updated = len(changed)
    relocated = [obj.pk for obj, diff in changed if {"parent_code", "level"} & diff.keys()] + [
        o.pk for o in moved
    ]
    if relocated:
        regions_moved.send(sender=Region, pks=relocated)

    entries = [
        (obj, "create", {f: (None, getattr(obj, f)) for f in ("code", "name", "level", "population")})
        for obj in created
    ]
    entries += [(obj, "update", {_field_name(f): d for f, d in diff.items()}) for obj, diff in changed]
    record_bulk(Region, entries, actor, note="导入行政区划")


def _field_name(field_key: str) -> str:
    return "parent" if field_key == "parent_code" else field_key


def _instance(r: domain.RegionRow, ids: dict[str, int], paths: dict[str, str]) -> Region:
    return Region(
        pk=ids[r.code],
        code=r.code,
        name=r.name,
        level=r.level,
        depth=domain.LEVEL_DEPTH[r.level],
        parent_id=ids.get(r.parent_code) if r.parent_code else None,
        path=paths[r.code],
        population=r.population,
        households=r.households,
    )


def export_rows(regions: RegionQuerySet) -> list[list[Any]]:
    header: list[Any] = [*domain.COLUMNS, *domain.OPTIONAL_COLUMNS]
    rows = [header]
    for code, name, parent_code, level, population, households in regions.order_by("path").values_list(
        "code", "name", "parent__code", "level", "population", "households"
    ):
        rows.append([code, name, parent_code or "", domain.LEVEL_LABELS[level], population, households])
    return rows


def export_csv(regions: RegionQuerySet) -> bytes:
    return csv_bytes(export_rows(regions))  # BOM so Excel opens it as UTF-8; formulas neutralised


def export_xlsx(regions: RegionQuerySet) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("行政区划")
    for row in export_rows(regions):
        append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
