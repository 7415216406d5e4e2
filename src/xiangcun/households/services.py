"""Registry import/export and screening over the database; the rules themselves live in the domain."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, FloatField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from xiangcun.audit.services import record_bulk
from xiangcun.core.crypto import hasher, lookup_hash
from xiangcun.core.queries import filter_in, refresh_statistics, values_in
from xiangcun.domain.formatting import format_number
from xiangcun.domain.households import cases as flow
from xiangcun.domain.households import screening
from xiangcun.domain.households.idcard import mask_phone
from xiangcun.domain.households.mapping import ColumnMapping as RegistryMapping
from xiangcun.domain.households.mapping import parse_mapping
from xiangcun.domain.households.workbook import (
    PROVINCE_MAX_FILE_BYTES,
    PROVINCE_ROW_LIMITS,
    SHEETS,
    CellError,
    Registry,
    read_registry,
    write_registry,
)
from xiangcun.regions.models import Region

from . import pipeline, stored
from .models import (
    ColumnMapping,
    Finance,
    Household,
    Measure,
    Member,
    MonitoringThreshold,
    RegistryImport,
    RuleSetting,
    village_counties,
)
from .sql_screening import run_screening_sql

HOUSEHOLD_FIELDS = {"户类型": "household_type", "易地搬迁": "relocated", "低保": "dibao", "特困": "tekun",
                    "住房安全等级": "housing_grade", "饮水安全": "water_safe", "自主申报": "self_applied"}  # fmt: skip
MEMBER_FIELDS = {"劳动能力": "labor", "健康状况": "health", "残疾等级": "disability_grade", "在校状况": "schooling",
                 "基本医保": "basic_medical", "养老保险": "pension"}  # fmt: skip
FINANCE_FIELDS = {"工资性收入": "wage_income", "生产经营性收入": "business_income", "生产经营性支出": "business_cost",
                  "财产性收入": "property_income", "转移性收入": "transfer_income",
                  "医疗自付支出": "medical_out_of_pocket", "教育支出": "education_cost"}  # fmt: skip
BOOLEAN = {"relocated", "dibao", "water_safe", "self_applied", "basic_medical", "pension"}


@dataclass
class ImportReport:
    errors: list[CellError] = field(default_factory=list)
    households: tuple[int, int] = (0, 0)  # created, updated
    members: tuple[int, int, int] = (0, 0, 0)  # created, updated, removed
    finances: tuple[int, int] = (0, 0)
    analysed: set[str] = field(default_factory=set)  # tables whose statistics the import refreshed itself

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"导入失败：发现 {len(self.errors)} 处错误，没有写入任何数据。"
        return (f"导入成功：农户新增 {self.households[0]}、更新 {self.households[1]}；成员新增 {self.members[0]}、"
                f"更新 {self.members[1]}、移除 {self.members[2]}；收支新增 {self.finances[0]}、更新 {self.finances[1]}。")  # fmt: skip


def _value(field_name: str, text: str) -> Any:
    return text == "是" if field_name in BOOLEAN else text


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}


def masked(diff: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """An import's audit diff with the phone masked: the log, like the database, never holds a full number."""
    if "phone" in diff:
        before, after = diff["phone"]
        diff = {**diff, "phone": (mask_phone(before or ""), mask_phone(after or ""))}
    return diff


def member_by_id_number(number: str) -> QuerySet[Member]:
    """Members with this 身份证号 (at most one), found through the keyed hash: the column itself is sealed."""
    return Member.objects.filter(id_number_hash=lookup_hash(number.strip().upper()))


RegistrySource = bytes | Path | Mapping[str, bytes | Path]


def import_households(
    data: RegistrySource,
    filename: str,
    actor: Any = None,
    scope: Region | None = None,
    mapping: RegistryMapping | None = None,
    province: bool = False,
) -> ImportReport:
    """`_import_households`, then the screening results in use are computed again (`stored.refresh`), so the
    first view of the 风险筛查 page after an import does not wait for a whole county's screening.

    A large import first refreshes the planner's statistics: planned on the counts of an empty registry,
    household and case pages made a lookup per household at county scale."""
    report = _import_households(data, filename, actor, scope, mapping, province)
    if report.ok:
        if sum(report.households) + sum(report.members) + sum(report.finances) > STATISTICS_AFTER:
            models = [m for m in (Household, Member, Finance) if m._meta.db_table not in report.analysed]
            if models:
                refresh_statistics(*models)
        stored.refresh()
    return report


STATISTICS_AFTER = 5000  # rows written; a smaller import barely moves the counts the planner works from


def _import_households(
    data: RegistrySource,
    filename: str,
    actor: Any = None,
    scope: Region | None = None,
    mapping: RegistryMapping | None = None,
    province: bool = False,
) -> ImportReport:
    """Import the registry (an .xlsx, or one CSV per sheet); re-imported households are updated in place,
    all or nothing. One `RegistryImport` records who imported which file and the counts; updated and
    removed rows are audited field by field, created rows are counted there.

    On PostgreSQL the rows stream through COPY into staging tables and merge in SQL (`bulk`), so memory
    does not grow with the file; SQLite keeps the batched ORM path. `mapping` renames the county's own
    sheet and column names before any check (see domain/households/mapping.py).
    """
    village_ids = _village_ids(scope)
    if connection.vendor == "postgresql":
        limits = (
            {"row_limits": PROVINCE_ROW_LIMITS, "max_file_bytes": PROVINCE_MAX_FILE_BYTES} if province else {}
        )
        return _import_postgres(data, filename, actor, scope, village_ids, mapping, limits)
    if province:  # the batched ORM path holds every row in memory
        return ImportReport(
            errors=[CellError("", 0, "", "省级规模的导入需要 PostgreSQL 数据库（SQLite 请按县分批导入）")]
        )
    registry = read_registry(_source(data), filename, village_ids.keys(), mapping=mapping)
    report = ImportReport(errors=registry.errors)
    if not registry.ok:
        return report
    with transaction.atomic():
        codes = [r["code"] for r in registry.households]
        existing = {h.code: h for h in filter_in(Household.objects.all(), "code", codes)}
        allowed = set(village_ids.values())
        if errors := _outside_scope(registry, existing, allowed, scope):
            report.errors = errors
            transaction.set_rollback(True)
            return report
        audit: list[tuple[Any, str, dict[str, tuple[Any, Any]]]] = []
        new, changed = [], []
        for row in registry.households:
            values = {f: _value(f, row[k]) for k, f in HOUSEHOLD_FIELDS.items()}
            values.update(village_id=village_ids[row["village_code"]], natural_village=row["natural_village"],
                          head_name=row["head_name"], phone=row["phone"])  # fmt: skip
            obj = existing.get(row["code"])
            if obj is None:
                new.append(Household(code=row["code"], **values))
            elif diff := _changes(obj, values):
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.phone_hash = lookup_hash(obj.phone)  # bulk_update does not run the field's pre_save
                changed.append(obj)
                audit.append((obj, "update", masked(diff)))
        Household.objects.bulk_create(new, batch_size=2000)
        Household.objects.bulk_update(changed, [*HOUSEHOLD_FIELDS.values(), "village_id", "natural_village",
                                                "head_name", "phone", "phone_hash"], batch_size=2000)  # fmt: skip
        ids = dict(values_in(Household.objects.all(), "code", codes, "code", "id"))
        report.households = (len(new), len(changed))
        report.members = _import_members(registry.members, ids, audit)
        report.finances = _import_finances(registry.finances, ids, audit)
        record_bulk(Household, [a for a in audit if isinstance(a[0], Household)], actor, note="导入农户")
        record_bulk(Member, [a for a in audit if isinstance(a[0], Member)], actor, note="导入农户")
        record_bulk(Finance, [a for a in audit if isinstance(a[0], Finance)], actor, note="导入农户")
        _record_import(data, filename, actor, scope, report)
    return report


def _village_ids(scope: Region | None) -> dict[str, int]:
    """The villages a registry row may name: not one merged away (its households moved with the merge)."""
    villages = Region.objects.current().filter(depth=5)
    if scope is not None:
        villages = villages.within(scope)
    return dict(villages.values_list("code", "id"))


PREVIEW_ROWS = 10


def preview_households(
    data: RegistrySource, filename: str, scope: Region | None = None, mapping: RegistryMapping | None = None
) -> Registry:
    """Read and check the whole file as the import would, writing nothing: the errors, and each sheet's
    header and first rows as the checks read them (`Registry.preview`). The rows are not kept."""
    village_ids = _village_ids(scope)
    return read_registry(
        _source(data), filename, village_ids.keys(), mapping=mapping, preview_rows=PREVIEW_ROWS,
        sink=lambda sheet, chunk: None,
    )  # fmt: skip


def saved_mapping(county: Region | None) -> RegistryMapping | None:
    """The county's saved column mapping (None when it has none, or the stored one no longer parses)."""
    if county is None:
        return None
    stored = ColumnMapping.objects.filter(county=county).values_list("mapping", flat=True).first()
    if not stored:
        return None
    try:
        return parse_mapping(stored, SHEETS)
    except ValueError:
        return None


def save_mapping(county: Region, mapping: RegistryMapping) -> bool:
    """Keep the mapping for the county's next import (audited through the model); True when it changed."""
    value = mapping.to_json()
    current = ColumnMapping.objects.filter(county=county).first()
    if current is not None and current.mapping == value:
        return False
    if current is None:
        ColumnMapping.objects.create(county=county, mapping=value)
    else:
        current.mapping = value
        current.save()
    return True


def _source(data: RegistrySource) -> Any:
    if isinstance(data, Mapping):
        return {name: (v if isinstance(v, bytes) else Path(v)) for name, v in data.items()}
    return data


def file_hash(data: RegistrySource) -> str:
    """SHA-256 of the file (for CSV: of the three files' hashes in sheet order)."""
    if isinstance(data, Mapping):
        return hashlib.sha256("".join(file_hash(data[k]) for k in sorted(data)).encode()).hexdigest()
    if isinstance(data, bytes | bytearray | memoryview):
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    with Path(data).open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _record_import(
    data: RegistrySource, filename: str, actor: Any, scope: Region | None, report: ImportReport
) -> RegistryImport:
    counts = {"households": list(report.households), "members": list(report.members),
              "finances": list(report.finances)}  # fmt: skip
    record = RegistryImport.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        filename=filename[:200], sha256=file_hash(data), region=scope, counts=counts,
    )  # fmt: skip
    return record


def _import_postgres(
    data: RegistrySource,
    filename: str,
    actor: Any,
    scope: Region | None,
    village_ids: dict[str, int],
    mapping: RegistryMapping | None = None,
    limits: dict[str, Any] | None = None,
) -> ImportReport:
    def read(sink: Any) -> Any:
        return read_registry(
            _source(data), filename, village_ids.keys(), sink=sink, mapping=mapping, **(limits or {})
        )

    with transaction.atomic(), connection.cursor() as cursor:
        scope_ids = list(village_ids.values())
        counties = village_counties(scope_ids)
        outcome = pipeline.run(
            cursor, read, village_ids, scope_ids, scope is not None, NOT_IMPORTABLE, counties
        )
        report = ImportReport(errors=outcome.registry.errors or outcome.errors)
        if not report.ok:
            transaction.set_rollback(True)
            return report
        report.households = outcome.counts["households"]  # type: ignore[assignment]
        report.members = outcome.counts["members"]  # type: ignore[assignment]
        report.finances = outcome.counts["finances"]  # type: ignore[assignment]
        report.analysed = outcome.analysed
        for model in (Household, Member, Finance):
            record_bulk(model, [(obj, action, diff) for m, obj, action, diff in outcome.audit if m is model],
                        actor, note="导入农户")  # fmt: skip
        _record_import(data, filename, actor, scope, report)
    return report


NOT_IMPORTABLE = "该行不能导入，请核对后重新填写；如有疑问请联系上级管理员"


def _outside_scope(
    registry: Any, existing: dict[str, Household], allowed: set[int], scope: Region | None
) -> list[CellError]:
    """Rows that would touch a household or a person outside the importer's scope.

    An import may only create or change households and people inside the scope. The message names nothing
    from outside (not even that the code or the 身份证号 exists there), only the row of the importer's own file.
    """
    rows = registry.household_rows
    errors = [
        CellError("户", int(rows[i]) if i < len(rows) else 0, "户编号", NOT_IMPORTABLE)
        for i, row in enumerate(registry.households)
        if (h := existing.get(row["code"])) is not None and h.village_id not in allowed
    ]
    if scope is not None and len(registry.members):
        hashes = np.asarray(hasher().many(registry.members.column("id_number").tolist()), dtype=object)
        foreign = {
            digest
            for (digest,) in values_in(
                Member.objects.exclude(household__village_id__in=allowed),
                "id_number_hash",
                hashes.tolist(),
                "id_number_hash",
            )
        }
        if foreign:
            rows = registry.member_rows
            errors += [
                CellError("成员", int(rows[i]) if i < len(rows) else 0, "身份证号", NOT_IMPORTABLE)
                for i in np.flatnonzero(np.isin(hashes, list(foreign)))
            ]
    return errors[:200]


def _import_members(rows: list[dict[str, Any]], ids: dict[str, int], audit: list) -> tuple[int, int, int]:  # type: ignore[type-arg]
    household_ids = set(ids.values())
    # matched by the keyed hash; the sealed number is not even read (nothing here needs it in clear)
    members = Member.objects.defer("id_number")
    existing = {m.id_number_hash: m for m in filter_in(members, "household_id", household_ids)}
    hashes = hasher().many([r["id_number"] for r in rows])
    existing.update({m.id_number_hash: m for m in filter_in(members, "id_number_hash", hashes)})
    new, changed, seen = [], [], set()
    for row, digest in zip(rows, hashes, strict=True):
        values = {f: _value(f, row[k]) for k, f in MEMBER_FIELDS.items()}
        values.update(household_id=ids[row["household"]], name=row["name"], relation=row["relation"],
                      work_status=row["work_status"], sex=row["sex"], birth_date=row["birth_date"])  # fmt: skip
        seen.add(digest)
        obj = existing.get(digest)
        if obj is None:
            new.append(Member(id_number=row["id_number"], **values))
        elif diff := _changes(obj, values):
            for k, v in values.items():
                setattr(obj, k, v)
            changed.append(obj)
            audit.append((obj, "update", diff))
    removed = [m for number, m in existing.items() if number not in seen and m.household_id in household_ids]
    for m in removed:
        audit.append((m, "delete", {"name": (m.name, None), "household": (m.household_id, None)}))
    removed_ids = [m.pk for m in removed]
    for start in range(0, len(removed_ids), 10_000):
        Member.objects.filter(pk__in=removed_ids[start : start + 10_000]).delete()
    Member.objects.bulk_create(new, batch_size=5000)
    Member.objects.bulk_update(changed, [*MEMBER_FIELDS.values(), "household_id", "name", "relation", "work_status",
                                         "sex", "birth_date"], batch_size=5000)  # fmt: skip
    return len(new), len(changed), len(removed)


def _import_finances(rows: list[dict[str, Any]], ids: dict[str, int], audit: list) -> tuple[int, int]:  # type: ignore[type-arg]
    existing = {
        (f.household_id, f.year): f for f in filter_in(Finance.objects.all(), "household_id", ids.values())
    }
    new, changed = [], []
    for row in rows:
        values = {f: Decimal(str(row[k])).quantize(Decimal("0.01")) for k, f in FINANCE_FIELDS.items()}
        key = (ids[row["household"]], row["year"])
        obj = existing.get(key)
        if obj is None:
            new.append(Finance(household_id=key[0], year=key[1], **values))
        elif diff := _changes(obj, values):
            for k, v in values.items():
                setattr(obj, k, v)
            changed.append(obj)
            audit.append((obj, "update", diff))
    Finance.objects.bulk_create(new, batch_size=5000)
    Finance.objects.bulk_update(changed, list(FINANCE_FIELDS.values()), batch_size=5000)
    return len(new), len(changed)


def export_households(households: QuerySet[Household]) -> bytes:
    """The registry in the import format (unmasked: callers must check the role and audit the export)."""
    reverse_h = {v: k for k, v in HOUSEHOLD_FIELDS.items()}
    reverse_m = {v: k for k, v in MEMBER_FIELDS.items()}

    def text(field_name: str, value: Any) -> Any:
        return ("是" if value else "否") if field_name in BOOLEAN else value

    rows_h = [{"户编号": h.code, "村代码": h.village.code, "自然村": h.natural_village, "户主姓名": h.head_name,
               "联系电话": h.phone, **{reverse_h[f]: text(f, getattr(h, f)) for f in HOUSEHOLD_FIELDS.values()}}
              for h in households.select_related("village")]  # fmt: skip
    members = Member.objects.filter(household__in=households).select_related("household")
    rows_m = [{"户编号": m.household.code, "姓名": m.name, "身份证号": m.id_number, "与户主关系": m.relation,
               "务工状况": m.work_status, **{reverse_m[f]: text(f, getattr(m, f)) for f in MEMBER_FIELDS.values()}}
              for m in members]  # fmt: skip
    finances = Finance.objects.filter(household__in=households).select_related("household")
    rows_f = [{"户编号": f.household.code, "年度": f.year, **{k: float(getattr(f, v)) for k, v in FINANCE_FIELDS.items()}}
              for f in finances]  # fmt: skip
    return write_registry(rows_h, rows_m, rows_f)


@dataclass(frozen=True)
class ThresholdUsed:
    """Which monitoring threshold a screening used, and where it comes from."""

    year: int
    value: float
    stored: bool  # set by the county for that year; otherwise the national default
    basis: str = ""

    def __str__(self) -> str:
        amount = f"{format_number(self.value, '元')} 元/人·年"
        if self.stored:
            return f"采用本县 {self.year} 年监测标准 {amount}" + (
                f"（依据：{self.basis}）" if self.basis else ""
            )
        line = screening.poverty_line(self.year)
        return (f"本县未录入 {self.year} 年监测标准，按国家扶贫标准 {format_number(line, '元')} 元的 1.5 倍暂按 {amount}筛查"
                "（监测标准由省里按年度确定，请在“监测标准与规则”中录入）")  # fmt: skip


def stored_thresholds(county: Region | None, year: int | None = None) -> list[dict[str, Any]]:
    """The county's stored thresholds (newest year first) read as floats, each marked `valid`.

    Read through a cast, not the DecimalField: a figure stored out of range (before the bounds existed, or by
    hand) would make Django's decimal conversion raise on every page that reads it. Invalid ones are ignored.
    """
    rows = MonitoringThreshold.objects.filter(region=county)
    if year is not None:
        rows = rows.filter(year=year)
    out = []
    for row in (
        rows.annotate(amount=Cast("value", FloatField()))
        .order_by("-year")
        .values("year", "amount", "basis", "updated_at")
    ):
        try:
            screening.check_threshold(row["amount"], row["year"])
            row["valid"] = True
        except (screening.ThresholdError, OverflowError, ValueError):
            row["valid"] = False
        row["value"] = row.pop("amount")
        out.append(row)
    return out


def save_threshold(county: Region, year: int, value: Decimal, basis: str, actor: Any) -> None:
    """Store a checked threshold; a broken stored figure (out of range) is overwritten without reading it."""
    broken = [t for t in stored_thresholds(county, year) if not t["valid"]]
    if broken:
        pk = MonitoringThreshold.objects.filter(region=county, year=year).values_list("pk", flat=True).get()
        MonitoringThreshold.objects.filter(pk=pk).update(value=value, basis=basis, updated_at=timezone.now())
        fixed = MonitoringThreshold(pk=pk, region=county, year=year, value=value, basis=basis)
        record_bulk(MonitoringThreshold, [(fixed, "update", {"value": (broken[0]["value"], value)})], actor)
        return
    MonitoringThreshold.objects.update_or_create(
        region=county, year=year, defaults={"value": value, "basis": basis}
    )


def threshold_used(county: Region | None, year: int) -> ThresholdUsed:
    if year not in screening.YEARS:
        year = timezone.localdate().year - 1
    stored = [t for t in stored_thresholds(county, year) if t["valid"]] if county is not None else []
    if stored:
        return ThresholdUsed(year, float(stored[0]["value"]), True, stored[0]["basis"])
    return ThresholdUsed(year, screening.MINIMUM_FACTOR * screening.poverty_line(year), False)


def per_capita_income(household: Household, year: int) -> float | None:
    """人均纯收入 of one household for `year` (None without a finance row or members), as screening computes it."""
    row = household.finances.filter(year=year).first()
    members = household.members.count()
    if row is None or not members:
        return None
    net = (
        row.wage_income + row.business_income - row.business_cost + row.property_income + row.transfer_income
    )
    return round(float(net) / members, 2)


# Case counts shown on the home page and the 监测对象 inbox: one definition, one label, one link.
# 监测对象 are the households admitted and not yet cleared: those receiving assistance (帮扶) and those
# whose risk elimination is being reviewed (消除) — both are still monitored.
CASE_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "监测对象": ("监测对象（帮扶中和消除审核中）", ("帮扶", "消除")),
    "待审核": ("待办审核（识别中和消除审核中）", ("识别", "消除")),
}
PHASE_LABELS = {
    "识别": "识别中",
    "帮扶": "帮扶中",
    "消除": "消除审核中",
    "已消除": "已消除",
    "未纳入": "未纳入",
}


def case_figures(cases: QuerySet[Any]) -> list[dict[str, Any]]:
    """The case cards: the two groups, then each phase; `key` is the inbox's ?phase= value."""
    by_phase = dict(cases.values_list("phase").annotate(n=Count("id")).values_list("phase", "n"))
    cards = [{"key": key, "label": label, "count": sum(by_phase.get(p, 0) for p in phases), "group": True}
             for key, (label, phases) in CASE_GROUPS.items()]  # fmt: skip
    cards += [{"key": p, "label": label, "count": by_phase.get(p, 0), "group": False}
              for p, label in PHASE_LABELS.items()]  # fmt: skip
    return cards


def threshold_for(county: Region | None, year: int) -> float:
    return threshold_used(county, year).value


def enabled_rules(county: Region | None) -> tuple[str, ...]:
    off = set(RuleSetting.objects.filter(region=county, enabled=False).values_list("code", flat=True))
    return tuple(code for code in screening.RULE_CODES if code not in off)


def run_screening(
    households: QuerySet[Household], year: int, threshold: float, enabled: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Screen every household of `households` for `year`; the rows that fire at least one rule, by 户编号.

    The rules run as one SQL query (`sql_screening`) on PostgreSQL and on SQLite: on SQLite too it is 3–4 times
    less CPU than fetching the columns into numpy (bench/screening.py), and the results are tested equal.
    The 风险筛查 page keeps its result between registry changes (`stored.py`).
    """
    return run_screening_sql(households, year, threshold, enabled)


def run_screening_numpy(
    households: QuerySet[Household], year: int, threshold: float, enabled: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The rules over columns fetched into numpy (SQLite, and the reference the SQL is tested against)."""
    rows = list(households.order_by("id").values_list(
        "id", "code", "household_type", "dibao", "tekun", "housing_grade", "water_safe", "self_applied"))  # fmt: skip
    if not rows:
        return []
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    columns = list(zip(*rows, strict=True))
    h = {"household_type": np.array(columns[2]), "dibao": np.array(columns[3], dtype=bool),
         "tekun": np.array(columns[4]), "housing_grade": np.array(columns[5]),
         "water_safe": np.array(columns[6], dtype=bool), "self_applied": np.array(columns[7], dtype=bool)}  # fmt: skip
    member_rows = Member.objects.filter(household__in=households).values_list(
        "household_id", "birth_date__year", "schooling", "disability_grade", "health", "basic_medical"
    )
    m_cols = list(zip(*member_rows, strict=True)) or [[] for _ in range(6)]
    m = {"household": np.searchsorted(ids, np.array(m_cols[0], dtype=np.int64)),
         "birth_year": np.array(m_cols[1], dtype=np.int64), "schooling": np.array(m_cols[2]),
         "disability_grade": np.array(m_cols[3]), "health": np.array(m_cols[4]),
         "basic_medical": np.array(m_cols[5], dtype=bool)}  # fmt: skip

    def frame(y: int) -> dict[str, np.ndarray]:
        fields = ["household_id", *FINANCE_FIELDS.values()]
        # Read the amounts as floats in SQL: Django's per-value Decimal conversion was most of the page's time.
        as_float = {f"{f}_float": Cast(f, FloatField()) for f in FINANCE_FIELDS.values()}
        values = list(
            Finance.objects.filter(household__in=households, year=y)
            .annotate(**as_float)
            .values_list("household_id", *as_float)
        )
        cols = list(zip(*values, strict=True)) or [[] for _ in fields]
        out = {"household": np.searchsorted(ids, np.array(cols[0], dtype=np.int64))}
        out.update({f: np.array(cols[i + 1], dtype=float) for i, f in enumerate(FINANCE_FIELDS.values())})
        return out

    results = screening.screen(h, m, frame(year), frame(year - 1), year, threshold, enabled)
    flagged = np.zeros(len(ids), dtype=bool)
    for code in enabled:
        flagged |= results[code]
    out = []
    for index in np.flatnonzero(flagged):
        income = results["per_capita_income"][index]
        out.append({"household": columns[1][index], "rules": screening.fired(results, int(index)),
                     "per_capita_income": None if np.isnan(income) else round(float(income), 2)})  # fmt: skip
    out.sort(key=lambda r: r["household"])
    return out


def case_statistics(cases: QuerySet[Any], today: Any = None) -> dict[str, Any]:
    """Counts of monitored households by township, category, cause and measure, and late cases.

    Two kinds of late, kept apart because they are different questions: 识别超期 — an identification still
    open past its county's limit (15 days from discovery by default), and 步骤超期 — a case whose pending
    step is past that step's deadline (`overdue`, kept for the reports). Used by the statistics page, the
    monthly report and the yearly evaluation report; `today` is the day both are counted on (default: today).
    """
    from .cases import identification_limits  # cases imports this module

    today = today or timezone.localdate()
    deadlines = settings.MONITORING["step_deadlines"]
    by_township: dict[str, dict[str, int]] = {}
    by_category: dict[str, int] = {}
    by_cause: dict[str, int] = {}
    overdue_total = identification_total = 0
    listed = list(cases.select_related("household__village__parent"))
    limits = identification_limits(list({c.household.village.path for c in listed}))
    for case in listed:
        township = case.household.village.parent.name if case.household.village.parent else "—"
        row = by_township.setdefault(
            township,
            {"识别": 0, "帮扶": 0, "消除": 0, "已消除": 0, "未纳入": 0, "识别超期": 0, "步骤超期": 0},
        )
        row[case.phase] = row.get(case.phase, 0) + 1
        step = flow.STEPS[case.step] if case.phase in ("识别", "消除") else None
        if flow.overdue(step, case.step_started, today, deadlines):
            row["步骤超期"] += 1
            overdue_total += 1
        if (
            case.phase == flow.IDENTIFYING
            and flow.identification_clock(case.opened_at, today, limits[case.household.village.path]).overdue
        ):
            row["识别超期"] += 1
            identification_total += 1
        if case.category and case.phase in ("帮扶", "消除"):
            by_category[case.category] = by_category.get(case.category, 0) + 1
            for cause in case.causes:
                by_cause[cause] = by_cause.get(cause, 0) + 1
    measures = dict(
        Measure.objects.filter(case__in=cases)
        .values_list("name")
        .annotate(n=Count("id"))
        .values_list("name", "n")
    )
    days = set(limits.values()) or {flow.DEFAULT_IDENTIFICATION_DAYS}
    label = f"识别超过{min(days)}天的案件" if len(days) == 1 else "识别超过时限的案件"
    return {"by_township": dict(sorted(by_township.items())), "by_category": by_category, "by_cause": by_cause,
            "by_measure": measures, "overdue": overdue_total, "identification_overdue": identification_total,
            "identification_label": label}  # fmt: skip
