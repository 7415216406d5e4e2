"""Ledger imports and exports, toilet progress and coverage, school utilisation, over the database.

Imports are all-or-nothing: every row is checked (cells by xiangcun.domain.ledgers.columns, rules by the
ledger's own module, people and places against what the importer's scope holds) before one transaction
writes them. Rows are matched on a key (户编号, or 村代码/户主姓名 …), so importing the export again
updates in place. An import writes one `LedgerImport` (who, when, file SHA-256, counts) instead of an
audit entry per created row; updated rows are audited field by field with `record_bulk`; single changes
on the pages by model signals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from xiangcun.audit.services import record_bulk
from xiangcun.core.permissions import is_county_admin
from xiangcun.domain.ledgers import schools, toilets
from xiangcun.domain.ledgers.columns import (
    MAX_ERRORS,
    UNIT_COLUMNS,
    YEAR_COLUMN,
    Column,
    ParsedRows,
    RowError,
    json_value,
    read_rows,
    with_overflow,
    write_workbook,
)
from xiangcun.domain.ledgers.places import PlaceIndex
from xiangcun.domain.tables import TableError, read_table
from xiangcun.households.models import Household
from xiangcun.indicators.models import Indicator, Observation
from xiangcun.regions.models import Region

from .models import (
    Ledger,
    LedgerImport,
    LedgerRow,
    SchoolRecord,
    SchoolSettings,
    ToiletRecord,
    ToiletSettings,
)

EDIT_ROLES = ("system_admin", "county_admin", "township_admin", "village_reporter")
COVERAGE_INDICATOR = "N09"  # 农村卫生厕所普及率
COVERAGE_NOTE = "由户厕台账计算"
CHUNK = 5000


def can_edit(user: Any) -> bool:
    """Who keeps ledger rows: county, township and village staff, each within their scope."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in EDIT_ROLES))


def is_county(user: Any) -> bool:
    """Defining ledgers, settings and publishing the coverage: the county role."""
    return is_county_admin(user)


def sees_people(user: Any) -> bool:
    """Household heads' names and 户编号 on ledger pages and in exports: the roles that see personal data on
    the households pages (`view_personal`: county, township and village staff). Department reporters and
    leaders get the same ledger with names masked and no export, as the registry gives them no export."""
    return bool(user.is_authenticated and user.can("view_personal"))


class LedgerError(ValueError):
    """A refused change; the message is for the user, in Chinese."""


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            count = sum(1 for e in self.errors if e.row) or len(self.errors)
            return f"导入失败：发现 {count} 处错误，没有写入任何数据。"
        return f"导入成功：新增 {self.created} 行，更新 {self.updated} 行，未变 {self.unchanged} 行。"


@dataclass(frozen=True)
class _Ref:
    """What the audit log needs of a written row (pk and text) without a model instance per row."""

    pk: int
    text: str

    def __str__(self) -> str:
        return self.text


def _failed(errors: list[RowError], parsed: ParsedRows) -> ImportReport:
    """The report of a file with row problems: cell problems and rule problems together, in row order."""
    unlisted = max(0, parsed.error_count - sum(1 for e in parsed.errors if e.row))
    kept = sorted(errors, key=lambda e: e.row)[:MAX_ERRORS]
    return ImportReport(errors=with_overflow(kept, len(errors) + unlisted))


def _table(data: bytes, filename: str) -> tuple[list[Any], list[list[Any]]] | RowError:
    try:
        table = read_table(data, filename)
    except TableError as exc:
        return RowError(0, "", str(exc))
    return table.header, table.records


def _villages(county: Region, scope: Region | None, depth: int = 5) -> PlaceIndex:
    regions = Region.objects.filter(depth=depth).within(county)
    if scope is not None:
        regions = regions.within(scope)
    return PlaceIndex(regions.values_list("code", "name", "id"), "村" if depth == 5 else "乡镇")


def _households(
    county: Region, scope: Region | None, codes: Iterable[str]
) -> dict[str, tuple[int, int, str]]:
    """code → (household id, village id, head's name) for the registered households the importer may see."""
    within = Household.objects.filter(village__path__startswith=(scope or county).path)
    found: dict[str, tuple[int, int, str]] = {}
    items = sorted(set(codes))
    for start in range(0, len(items), CHUNK):
        for code, pk, village_id, name in within.filter(code__in=items[start : start + CHUNK]).values_list(
            "code", "id", "village_id", "head_name"
        ):
            found[code] = (pk, village_id, name)
    return found


def _identify_households(
    rows: list[dict[str, Any]],
    county: Region,
    scope: Region | None,
    code_field: str,
    name_field: str,
    village_field: str,
    errors: list[RowError],
    report_missing: bool = True,
) -> None:
    """Give each row `household_id`, `village_id`, `name` and `key`: by 户编号 when registered, else by
    户主姓名 and 所在村 (`key` = village code/name); problems go to `errors`."""
    villages = _villages(county, scope)
    code_of_village = {pk: code for code, pk in villages.by_code.items()}
    registered = _households(county, scope, (r[code_field] for r in rows if r.get(code_field)))
    seen: dict[str, int] = {}
    for r in rows:
        village_id = None
        if r.get(village_field):
            village_id, problem = villages.find(r[village_field])
            if problem:
                errors.append(RowError(r["row"], "所在村", problem))
                continue
        code = r.get(code_field)
        if code:
            found = registered.get(code)
            if found is None:
                errors.append(
                    RowError(r["row"], "户编号", f"农户登记中没有户编号「{code}」，或该户不在您的管辖范围内")
                )
                continue
            household_id, home, head = found
            if village_id is not None and village_id != home:
                errors.append(RowError(r["row"], "所在村", f"户编号「{code}」登记在另一个村"))
                continue
            r.update(household_id=household_id, village_id=home, key=code, name=r.get(name_field) or head)
        else:
            if not r.get(name_field) or village_id is None:
                if report_missing:  # else the ledger's own rules said so already
                    errors.append(RowError(r["row"], "户主姓名", "未填户编号时，户主姓名和所在村都要填写"))
                continue
            r.update(household_id=None, village_id=village_id, name=r[name_field],
                     key=f"{code_of_village[village_id]}/{r[name_field]}")  # fmt: skip
        if r["key"] in seen:
            errors.append(
                RowError(r["row"], "户编号" if code else "户主姓名", f"与第{seen[r['key']]}行是同一户")
            )
        else:
            seen[r["key"]] = r["row"]


def _upsert(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    match: dict[str, Any],
    fields: Sequence[str],
    describe: Callable[[dict[str, Any]], str],
    actor: Any,
    note: str,
    scope: Region | None,
    scope_path: str,
    report: ImportReport,
) -> None:
    """Create the rows whose `key` is new and update the changed ones; existing rows outside the scope
    are refused (set_rollback). `match` narrows the model to the rows the keys live among."""
    existing: dict[str, dict[str, Any]] = {}
    keys = [r["key"] for r in rows]
    names = ("id", "key", scope_path, *fields)
    for start in range(0, len(keys), CHUNK):
        for values in model.objects.filter(**match, key__in=keys[start : start + CHUNK]).values_list(*names):
            item = dict(zip(names, values, strict=True))
            existing[item["key"]] = item
    outside = [r for r in rows if r["key"] in existing and scope is not None
               and not existing[r["key"]][scope_path].startswith(scope.path)]  # fmt: skip
    if outside:
        report.errors = [
            RowError(r["row"], "", "这一户（行）已登记在您的管辖范围以外，不能修改") for r in outside[:1000]
        ]
        return
    new, changed, audit = [], [], []
    for r in rows:
        old = existing.get(r["key"])
        if old is None:
            new.append(r)
            continue
        diff = {f: (old[f], r[f]) for f in fields if old[f] != r[f]}
        if not diff:
            report.unchanged += 1
            continue
        changed.append(model(pk=old["id"], **{f: r[f] for f in fields}))
        audit.append((_Ref(old["id"], describe(r)), "update", diff))
    with transaction.atomic():
        _insert(model, match, fields, new)
        if changed:
            model.objects.bulk_update(changed, list(fields), batch_size=500)
            model.objects.filter(pk__in=[c.pk for c in changed]).update(updated_at=timezone.now())
        record_bulk(model, audit, actor, note=note)  # type: ignore[arg-type]
    report.created, report.updated = len(new), len(changed)


def _record_import(
    kind: str,
    name: str,
    data: bytes,
    filename: str,
    county: Region,
    actor: Any,
    scope: Region | None,
    report: ImportReport,
    ledger: Ledger | None = None,
) -> LedgerImport:
    """The one record of a successful import (created rows are counted here, not audited one by one)."""
    return LedgerImport.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        county=county, region=scope or county, kind=kind, ledger=ledger, ledger_name=name[:100],
        filename=filename[:200], sha256=hashlib.sha256(data).hexdigest(),
        created=report.created, updated=report.updated, unchanged=report.unchanged,
    )  # fmt: skip


def _insert(
    model: type[models.Model], match: dict[str, Any], fields: Sequence[str], rows: list[dict[str, Any]]
) -> None:
    """INSERT the rows with one executemany per chunk: a model instance per row and Django's per-value
    SQL compilation would cost more than reading and checking the whole file."""
    if not rows:
        return
    ops = connection.ops
    fixed = {f"{name}_id" if isinstance(value, models.Model) else name: getattr(value, "pk", value)
             for name, value in match.items()}  # fmt: skip
    now = ops.adapt_datetimefield_value(timezone.now())
    names = [*fixed, "key", *fields, "updated_at"]
    convert: dict[int, Callable[[Any], Any]] = {}  # column index → adapter, for the types that need one
    for index, name in enumerate(names):
        field = model._meta.get_field(name)
        if isinstance(field, models.DecimalField):
            convert[index] = lambda v, f=field: (
                None if v is None else ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
            )
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            convert[index] = ops.adapt_datefield_value
        elif isinstance(field, models.JSONField):
            convert[index] = lambda v, f=field: f.get_db_prep_save(v, connection)
    columns = ", ".join(ops.quote_name(model._meta.get_field(n).column) for n in names)
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
    head = list(fixed.values())
    values = [[*head, r["key"], *(r[f] for f in fields), now] for r in rows]
    for row in values:
        for index, fn in convert.items():
            row[index] = fn(row[index])
    with connection.cursor() as cursor:
        for start in range(0, len(values), CHUNK):
            cursor.executemany(sql, values[start : start + CHUNK])


# ---------------------------------------------------------------- the toilet ledger

TOILET_FIELDS = ("village_id", "household_id", "name", "year", "model", "cost", "subsidy", "contractor_date",
                 "contractor_by", "village_date", "village_by", "township_date", "township_by", "county_date",
                 "county_by", "use_status", "problems")  # fmt: skip


def import_toilets(
    data: bytes, filename: str, county: Region, actor: Any = None, scope: Region | None = None
) -> ImportReport:
    """Import the 户厕台账 of `county`; scope: the importer's region (None: the whole county)."""
    table = _table(data, filename)
    if isinstance(table, RowError):
        return ImportReport(errors=[table])
    parsed = read_rows(*table, toilets.COLUMNS, today=timezone.localdate())
    if parsed.unreadable:
        return ImportReport(errors=parsed.errors)
    errors: list[RowError] = [e for e in parsed.errors if e.row]
    this_year = timezone.localdate().year
    for r in parsed.rows:
        errors += toilets.check(r, this_year)
        for text in ("contractor_by", "village_by", "township_by", "county_by", "problems"):
            r[text] = r[text] or ""
        r["use_status"] = r["use_status"] or ""
    _identify_households(parsed.rows, county, scope, "household_code", "name", "village", errors, False)
    if errors:
        return _failed(errors, parsed)
    report = ImportReport()
    with transaction.atomic():
        _upsert(ToiletRecord, parsed.rows, {"county": county}, TOILET_FIELDS,
                lambda r: f"{r['name']} {r['year']}年改厕", actor, "导入户厕台账", scope, "village__path",
                report)  # fmt: skip
        if report.errors:
            transaction.set_rollback(True)
        else:
            _record_import("toilets", "户厕台账", data, filename, county, actor, scope, report)
    return report


def toilet_rows(records: QuerySet[ToiletRecord]) -> Iterable[list[Any]]:
    """Rows in the import format (callers scope the queryset and audit the export)."""
    names = ("household__code", "name", "village__code", *(c.name for c in toilets.COLUMNS[3:]))
    for values in records.order_by("village__path", "name").values_list(*names).iterator(chunk_size=5000):
        yield list(values)


def export_toilets(records: QuerySet[ToiletRecord]) -> bytes:
    return write_workbook(toilets.COLUMNS, toilet_rows(records), sheet="户厕台账")


def toilet_filter(records: QuerySet[ToiletRecord], stage_state: str) -> QuerySet[ToiletRecord]:
    """Rows in one acceptance state (待施工方验收 … 已验收)."""
    stages = [s for s, _ in toilets.STAGES]
    if stage_state not in toilets.STATES:
        return records
    index = toilets.STATES.index(stage_state)
    if index == len(stages):
        return records.filter(county_date__isnull=False)
    return records.filter(
        **{f"{s}_date__isnull": False for s in stages[:index]}, **{f"{stages[index]}_date__isnull": True}
    )


def toilet_states(records: QuerySet[ToiletRecord]) -> list[tuple[str, int]]:
    """How many rows are in each acceptance state (one query)."""
    counts = records.aggregate(
        total=Count("id"), contractor=Count("contractor_date"), village=Count("village_date"),
        township=Count("township_date"), county=Count("county_date"),
    )  # fmt: skip
    reached = [counts["total"], counts["contractor"], counts["village"], counts["township"], counts["county"]]
    out = [(name, reached[i] - reached[i + 1]) for i, name in enumerate(toilets.STATES[:-1])]
    return [*out, (toilets.STATES[-1], counts["county"])]


def toilet_settings(county: Region) -> ToiletSettings:
    return ToiletSettings.objects.get_or_create(county=county)[0]


def planned_years(county: Region) -> tuple[list[toilets.PlannedYear], int | None, str]:
    """The yearly conversion numbers: from the county's confirmed plans (current versions) when they state
    them, else the numbers entered in the settings. Returns (years, period total, where they come from)."""
    from xiangcun.indicators.models import current_versions
    from xiangcun.plans.models import PlanItem

    items = PlanItem.objects.filter(
        kind=PlanItem.Kind.TARGET, status=PlanItem.Status.CONFIRMED, version__in=current_versions(),
        version__plan__region=county,
    ).select_related("version__plan")  # fmt: skip
    targets = [i.effective for i in items if "厕" in str(i.effective.get("subject") or "")]
    years, total = toilets.plan_from_targets(targets)
    if years:
        plan = next(i.version.plan for i in items if "厕" in str(i.effective.get("subject") or ""))
        return years, total, f"规划《{plan.title}》"
    entered = toilet_settings(county).yearly_plan or {}
    manual = [
        toilets.PlannedYear(int(y), int(n), "手工填写")
        for y, n in sorted(entered.items())
        if n not in (None, "")
    ]
    return manual, (sum(p.planned for p in manual) or None), "改厕设置中手工填写的年度计划"


def toilet_progress(county: Region, records: QuerySet[ToiletRecord]) -> list[toilets.ProgressYear]:
    """Conversions and county acceptances per year of `records` against the yearly plan."""
    years, _, _ = planned_years(county)
    per_year = records.values_list("year").annotate(n=Count("id"), accepted=Count("county_date")).order_by()
    converted = {y: n for y, n, _ in per_year}
    accepted = {y: a for y, _, a in per_year}
    return toilets.progress({p.year: p.planned for p in years}, converted, accepted)


def by_village_and_year(records: QuerySet[ToiletRecord]) -> dict[int, dict[int, tuple[int, int]]]:
    """village id → year → (converted, county-accepted): one GROUP BY."""
    out: dict[int, dict[int, tuple[int, int]]] = {}
    rows = (
        records.values_list("village_id", "year").annotate(n=Count("id"), a=Count("county_date")).order_by()
    )
    for village_id, year, n, accepted in rows:
        out.setdefault(village_id, {})[year] = (n, accepted)
    return out


def village_table(
    records: QuerySet[ToiletRecord], villages: QuerySet[Region]
) -> tuple[list[int], list[dict[str, Any]]]:
    """Per village (grouped by township): conversions per year, total, accepted, share of households."""
    grouped = by_village_and_year(records)
    years = sorted({y for per in grouped.values() for y in per})
    townships = dict(Region.objects.filter(depth=4).values_list("path", "name"))
    out = []
    for pk, name, path, households in (
        villages.current().order_by("path").values_list("id", "name", "path", "households")
    ):
        per = grouped.get(pk, {})
        total = sum(n for n, _ in per.values())
        accepted = sum(a for _, a in per.values())
        out.append({"name": name, "township": townships.get(path[:48], ""), "years": [per.get(y, (0, 0))[0] for y in years],
                    "total": total, "accepted": accepted, "households": households,
                    "share": round(100 * total / households, 1) if households else None})  # fmt: skip
    return years, out


def rural_households(county: Region) -> int:
    settings = toilet_settings(county)
    if settings.rural_households:
        return settings.rural_households
    total = Region.objects.filter(depth=5).within(county).current().aggregate(s=Sum("households"))["s"]
    return int(total or 0)


def coverage(county: Region, year: int) -> dict[str, Any]:
    """农村卫生厕所普及率 at the end of `year`: households with a sanitary toilet before the ledger plus
    conversions up to `year` that the county accepted by then and that are in normal use."""
    settings = toilet_settings(county)
    counted = ToiletRecord.objects.filter(
        county=county, year__lte=year, county_date__lte=dt.date(year, 12, 31), use_status=toilets.COUNTED_USE
    ).count()
    households = rural_households(county)
    return {
        "year": year, "baseline": settings.baseline_sanitary, "counted": counted, "households": households,
        "value": toilets.coverage(settings.baseline_sanitary, counted, households),
    }  # fmt: skip


def publish_coverage(county: Region, year: int, actor: Any) -> Observation:
    """Write the coverage of `year` as the county's approved 农村卫生厕所普及率, which the target
    assessment reads. A value a department reported (not computed here) is never overwritten."""
    figures = coverage(county, year)
    if figures["value"] is None:
        raise LedgerError("不知道农村户数：请在行政区划中填写各村户数，或在改厕设置中填写农村户数")
    indicator = Indicator.objects.filter(code=COVERAGE_INDICATOR).first()
    if indicator is None:
        from xiangcun.indicators.services import ensure_national

        ensure_national()
        indicator = Indicator.objects.get(code=COVERAGE_INDICATOR)
    note = (f"{COVERAGE_NOTE}：台账前已有卫生厕所 {figures['baseline']} 户 + 县级验收且正常使用 "
            f"{figures['counted']} 户，农村户数 {figures['households']} 户")  # fmt: skip
    with transaction.atomic():
        current = (
            Observation.objects.select_for_update()
            .filter(indicator=indicator, region=county, year=year, quarter=0)
            .first()
        )
        if current is not None and not current.note.startswith(COVERAGE_NOTE):
            raise LedgerError(
                f"{year}年的{indicator.name}已由部门填报（{current.value:g}%，{current.get_status_display()}），"
                "台账计算值没有覆盖它；如需以台账为准，请先在指标填报中删除或退回该数值"
            )
        observation = current or Observation(indicator=indicator, region=county, year=year, quarter=0)
        observation.value = figures["value"]
        observation.note = note[:500]
        observation.status = Observation.Status.APPROVED
        observation.reported_by = observation.reviewed_by = (
            actor if getattr(actor, "is_authenticated", False) else None
        )
        observation.reviewed_at = timezone.now()
        observation.department = indicator.owner if indicator.owner_id else observation.department
        observation.save()
    return observation


# ---------------------------------------------------------------- the schools ledger

SCHOOL_FIELDS = ("township_id", "name", "level", "year", "students", "teachers", "area")


def import_schools(
    data: bytes, filename: str, county: Region, actor: Any = None, scope: Region | None = None
) -> ImportReport:
    """Import school rows (one per school and year); 所在乡镇 by name or code within the scope."""
    table = _table(data, filename)
    if isinstance(table, RowError):
        return ImportReport(errors=[table])
    parsed = read_rows(*table, schools.COLUMNS, today=timezone.localdate())
    if parsed.unreadable:
        return ImportReport(errors=parsed.errors)
    index = _villages(county, scope, depth=4)  # a village account keeps no township's schools
    errors: list[RowError] = [e for e in parsed.errors if e.row]
    this_year = timezone.localdate().year
    seen: dict[str, int] = {}
    for r in parsed.rows:
        if r["year"] > this_year:
            errors.append(RowError(r["row"], "年度", f"{r['year']} 晚于今年"))
        r["township_id"], problem = index.find(r["township"])
        if problem:
            errors.append(RowError(r["row"], "所在乡镇", problem))
        r["key"] = f"{r['name']}@{r['year']}"
        if r["key"] in seen:
            errors.append(RowError(r["row"], "学校名称", f"与第{seen[r['key']]}行是同一学校同一年度"))
        seen.setdefault(r["key"], r["row"])
    if errors:
        return _failed(errors, parsed)
    report = ImportReport()
    with transaction.atomic():
        _upsert_schools(parsed.rows, county, actor, scope, report)
        if report.errors:
            transaction.set_rollback(True)
        else:
            _record_import("schools", "学校台账", data, filename, county, actor, scope, report)
    return report


def _upsert_schools(rows: list[dict[str, Any]], county: Region, actor: Any, scope: Region | None,
                    report: ImportReport) -> None:  # fmt: skip
    existing = {
        (name, year): (pk, path, dict(zip(SCHOOL_FIELDS, values, strict=True)))
        for pk, name, year, path, *values in SchoolRecord.objects.filter(county=county).values_list(
            "id", "name", "year", "township__path", *SCHOOL_FIELDS
        )
    }
    audit, new = [], []
    for r in rows:
        values = {f: r[f] for f in SCHOOL_FIELDS}
        old = existing.get((r["name"], r["year"]))
        if old is None:  # counted in the import record, not audited one by one (bulk_create sends no signal)
            new.append(SchoolRecord(county=county, **values))
            report.created += 1
            continue
        pk, path, before = old
        if scope is not None and not path.startswith(scope.path):
            report.errors.append(RowError(r["row"], "学校名称", "该学校登记在您的管辖范围以外，不能修改"))
            continue
        diff = {f: (before[f], values[f]) for f in SCHOOL_FIELDS if before[f] != values[f]}
        if not diff:
            report.unchanged += 1
            continue
        SchoolRecord.objects.filter(pk=pk).update(**values, updated_at=timezone.now())
        audit.append((_Ref(pk, f"{r['name']} {r['year']}年"), "update", diff))
        report.updated += 1
    if not report.errors:
        SchoolRecord.objects.bulk_create(new, batch_size=500)
        record_bulk(SchoolRecord, audit, actor, note="导入学校台账")  # type: ignore[arg-type]


def school_rows(records: QuerySet[SchoolRecord]) -> Iterable[list[Any]]:
    for name, township, level, year, students, teachers, area in records.order_by(
        "township__path", "name", "year"
    ).values_list("name", "township__name", "level", "year", "students", "teachers", "area"):
        yield [name, township, level, year, students, teachers, area]


def export_schools(records: QuerySet[SchoolRecord]) -> bytes:
    return write_workbook(schools.COLUMNS, school_rows(records), sheet="学校台账")


def school_standards(county: Region) -> tuple[dict[str, dict[str, float]], int]:
    saved = SchoolSettings.objects.filter(county=county).first()
    if saved is None:
        return schools.standards_with_defaults(None), schools.DEFAULT_MIN_STUDENTS
    return schools.standards_with_defaults(saved.standards), saved.min_students


def school_table(records: QuerySet[SchoolRecord], county: Region) -> list[dict[str, Any]]:
    """Each school row with its utilisation against the county's standards."""
    standards, min_students = school_standards(county)
    out = []
    for s in records.select_related("township").order_by("township__path", "name", "-year"):
        use = schools.utilisation(s.level, s.students, s.teachers, s.area, standards, min_students)
        out.append({"school": s, "use": use})
    return out


# ---------------------------------------------------------------- a county's own ledgers


def ledger_columns(ledger: Ledger) -> list[Column]:
    """The import columns of a county's ledger: who or what the row is about, the year, then its own."""
    unit = [Column(label, required=label in ("设施名称", "所在区划") or (ledger.unit == "village"), max_length=100)
            for label in UNIT_COLUMNS[ledger.unit]]  # fmt: skip
    year = [Column(YEAR_COLUMN, "integer", required=True)] if ledger.yearly else []
    return [*unit, *year, *ledger.column_list]


def import_ledger_rows(
    ledger: Ledger, data: bytes, filename: str, actor: Any = None, scope: Region | None = None
) -> ImportReport:
    """Import rows of a county's ledger; a row is matched on its unit (and year) so re-imports update."""
    table = _table(data, filename)
    if isinstance(table, RowError):
        return ImportReport(errors=[table])
    columns = ledger_columns(ledger)
    parsed = read_rows(*table, columns, today=timezone.localdate())
    if parsed.unreadable:
        return ImportReport(errors=parsed.errors)
    county = ledger.county
    errors: list[RowError] = [e for e in parsed.errors if e.row]
    rows = parsed.rows
    if ledger.unit == "household":
        _identify_households(rows, county, scope, "户编号", "户主姓名", "所在村", errors)
        for r in rows:
            r["region_id"], r["label"] = r.get("village_id"), r.get("name")
    else:
        depth = 5 if ledger.unit == "village" else None
        regions = Region.objects.within(scope or county)
        regions = regions.filter(depth=depth) if depth else regions.filter(depth__gte=4)
        index = PlaceIndex(regions.values_list("code", "name", "id"), "村" if depth else "区划")
        column = "所在村" if depth else "所在区划"
        code_of = {pk: code for code, pk in index.by_code.items()}
        name_of = {v: k for k, v in index.by_name.items()}
        for r in rows:
            r["region_id"], problem = index.find(r[column])
            if problem:
                errors.append(RowError(r["row"], column, problem))
                continue
            facility = r.get("设施名称") or ""
            r["label"] = facility or name_of.get(r["region_id"], r[column])
            r["key"] = code_of[r["region_id"]] + (f"/{facility}" if facility else "")
    seen: dict[str, int] = {}
    for r in rows:
        if "key" not in r:
            continue
        r["year"] = r.get(YEAR_COLUMN) if ledger.yearly else None
        if r["year"] is not None:
            r["key"] += f"@{r['year']}"
        if r["key"] in seen and ledger.unit != "household":
            errors.append(
                RowError(
                    r["row"], "", f"与第{seen[r['key']]}行是同一对象" + ("同一年度" if ledger.yearly else "")
                )
            )
        seen.setdefault(r["key"], r["row"])
        r["household_id"] = r.get("household_id")
        r["values"] = {c.label: json_value(r[c.label]) for c in ledger.column_list}
    if errors:
        return _failed(errors, parsed)
    report = ImportReport()
    with transaction.atomic():
        _upsert(LedgerRow, rows, {"ledger": ledger}, ("region_id", "household_id", "label", "year", "values"),
                lambda r: f"{ledger.name}：{r['label']}", actor, f"导入台账「{ledger.name}」", scope, "region__path",
                report)  # fmt: skip
        if report.errors:
            transaction.set_rollback(True)
        else:
            _record_import("ledger", ledger.name, data, filename, county, actor, scope, report, ledger)
    return report


def export_ledger(ledger: Ledger, rows: QuerySet[LedgerRow]) -> bytes:
    columns = ledger_columns(ledger)
    own = ledger.column_list

    def values() -> Iterable[list[Any]]:
        for r in rows.select_related("region", "household").order_by("region__path", "label", "year"):
            if ledger.unit == "household":
                unit = [r.household.code if r.household else "", r.label, r.region.code]
            elif ledger.unit == "village":
                unit = [r.region.code]
            else:
                unit = [r.label, r.region.code]
            year = [r.year] if ledger.yearly else []
            yield [*unit, *year, *(r.values.get(c.label) for c in own)]

    return write_workbook(columns, values(), sheet=ledger.name[:31])


def ledger_counts(ledgers: Iterable[Ledger], user_rows: QuerySet[LedgerRow]) -> dict[int, int]:
    return dict(
        user_rows.filter(ledger__in=list(ledgers)).values_list("ledger").annotate(n=Count("id")).order_by()
    )


# ---------------------------------------------------------------- schools from the plan's table


@dataclass
class PlanSchool:
    """One confirmed school row of a plan in force, as the ledger would take it."""

    item: Any  # plans.PlanItem
    version: Any  # plans.PlanVersion
    row: schools.PlanRow
    township_id: int | None
    year: int | None
    existing: SchoolRecord | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def plan_schools(county: Region, scope: Region | None = None) -> list[PlanSchool]:
    """The confirmed school rows of the county's plans in force (latest confirmed version of each plan not
    archived), matched to townships within `scope`, with what the ledger already holds for them."""
    from xiangcun.domain.villages.names import place_key
    from xiangcun.plans.models import Plan, PlanItem

    townships = Region.objects.filter(depth=4).within(scope or county).current()
    by_key: dict[str, list[int]] = {}
    for pk, name in townships.values_list("id", "name"):
        by_key.setdefault(place_key(name), []).append(pk)
    found: list[PlanSchool] = []
    for plan in Plan.objects.filter(region=county, archived_at__isnull=True).order_by("pk"):
        version = plan.current_version()
        if version is None:
            continue
        items = version.items.filter(kind=PlanItem.Kind.SCHOOL, status=PlanItem.Status.CONFIRMED)
        for item in items.order_by("position"):
            data = item.effective
            row = schools.plan_row(data)
            matches = by_key.get(place_key(row.township), []) if row.township else []
            offer = PlanSchool(
                item, version, row, matches[0] if len(matches) == 1 else None, data.get("year")
            )
            offer.problems = list(row.problems)
            if row.township and not matches:
                offer.problems.append(f"「{row.township}」不是本县的乡镇，或不在您的管辖范围内")
            elif len(matches) > 1:
                offer.problems.append(f"有多个名为「{row.township}」的乡镇")
            found.append(offer)
    existing = {(s.name, s.year): s for s in SchoolRecord.objects.filter(county=county)}
    for offer in found:
        offer.existing = existing.get((offer.row.name, offer.year)) if offer.year else None
    return found


def apply_plan_schools(
    county: Region, offers: list[PlanSchool], year: int, actor: Any, scope: Region | None = None
) -> ImportReport:
    """Write the chosen plan rows into the schools ledger as the rows of `year` (a row whose plan states
    its own year keeps it): all or nothing, one import record naming the plan version, each new row
    audited, changed rows audited field by field."""
    report = ImportReport()
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, int], int] = {}
    for offer in offers:
        line = offer.item.effective.get("line") or 0
        if offer.problems:
            report.errors.extend(
                RowError(line, offer.row.name or offer.row.township, p) for p in offer.problems
            )
            continue
        row_year = offer.year or year
        key = (offer.row.name, row_year)
        if key in seen:
            report.errors.append(RowError(line, offer.row.name, f"与原文第{seen[key]}行是同一学校同一年度"))
            continue
        seen[key] = line
        rows.append({"row": line, "township_id": offer.township_id, "name": offer.row.name,
                     "level": offer.row.level, "year": row_year, "students": offer.row.students,
                     "teachers": offer.row.teachers, "area": offer.row.area_mu})  # fmt: skip
    if report.errors:
        return report
    if not rows:
        report.errors.append(RowError(0, "", "没有选择要写入的学校"))
        return report
    versions = {o.version.pk: o.version for o in offers}
    with transaction.atomic():
        before = set(SchoolRecord.objects.filter(county=county).values_list("pk", flat=True))
        _upsert_schools(rows, county, actor, scope, report)
        if report.errors:
            transaction.set_rollback(True)
            return report
        created = SchoolRecord.objects.filter(county=county).exclude(pk__in=before).select_related("township")
        record_bulk(SchoolRecord, [(s, "create", {f: (None, str(getattr(s, f))) for f in
                                                  ("name", "township", "level", "year", "students", "teachers", "area")})
                                   for s in created], actor, note="规划学校统计表写入学校台账")  # fmt: skip
        for version in versions.values():
            LedgerImport.objects.create(
                actor=actor if getattr(actor, "is_authenticated", False) else None, county=county,
                region=scope or county, kind="schools", ledger_name="学校台账",
                filename=f"规划：{version}"[:200], sha256=version.sha256, created=report.created,
                updated=report.updated, unchanged=report.unchanged,
            )  # fmt: skip
    return report
