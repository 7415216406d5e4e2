"""Collecting indicator values from departments, townships and villages: form, Excel template, review.

Every path in (form, template, API) goes through `validate_rows` and `save_rows`, so the checks are
the same everywhere and a file with one bad row writes nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from xiangcun.accounts.scopes import scope_of, scoped
from xiangcun.domain import catalog as catalog_domain
from xiangcun.domain.observations import jump_warning, parse_value
from xiangcun.domain.regions import RowError
from xiangcun.domain.spreadsheets import append_row
from xiangcun.domain.tables import TableError, read_table
from xiangcun.regions.models import Region

from .models import Indicator, Observation, Target

MIN_YEAR, MAX_YEAR = 2000, 2100
NOTE_LENGTH = Observation._meta.get_field("note").max_length or 500
TEMPLATE_COLUMNS = ("指标编码", "指标名称", "单位", "区域代码", "区域名称", "年度", "季度", "数值", "说明")


def assigned_indicators(user: Any) -> QuerySet[Indicator]:
    """The indicators this user reports: a department's own, or every tracked one for township staff."""
    visible = scoped(Indicator.objects.all(), user)
    if user.role == "department_reporter" and user.department_id:
        department = user.department
        owned_national = [i.code for i in catalog_domain.NATIONAL if i.owner == department.name]
        targeted = Target.objects.filter(department=department).values("indicator")
        return visible.filter(
            Q(owner=department) | Q(code__in=owned_national) | Q(pk__in=targeted)
        ).distinct()
    if scope_of(user).everything or user.can("report_indicators") or user.can("edit_plans"):
        return visible
    return visible.none()


def viewable_indicators(user: Any) -> QuerySet[Indicator]:
    """The indicators whose page and export (with the county's figures) `user` may open: a department sees
    the ones it reports, everyone else every indicator in scope."""
    if user.role == "department_reporter":
        return assigned_indicators(user)
    return scoped(Indicator.objects.all(), user)


def reporting_regions(user: Any) -> QuerySet[Region]:
    """Where the user reports for: department staff for the county, township and village staff for their own area."""
    regions = scoped(Region.objects.all(), user)
    if user.role == "village_reporter":
        return regions.filter(pk=user.region_id)
    return regions.filter(depth__lte=4)


@dataclass
class Row:
    indicator: Indicator
    region: Region
    year: int
    quarter: int
    value: float
    note: str
    row: int = 0


@dataclass
class CollectionReport:
    errors: list[RowError] = field(default_factory=list)
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_rows(
    raw_rows: list[dict[str, Any]], user: Any, jump: float | None = None
) -> tuple[list[Row], list[RowError]]:
    """Check rows given as {列名: 值}; each carries its file row number under "_row"."""
    jump = settings.INDICATOR_JUMP_THRESHOLD if jump is None else jump
    indicators = {i.code: i for i in assigned_indicators(user)}
    regions = {r.code: r for r in reporting_regions(user)}
    errors: list[RowError] = []
    rows: list[Row] = []
    years = {y for r in raw_rows if (y := _int(r.get("年度"))) is not None and MIN_YEAR <= y <= MAX_YEAR}
    previous = _previous_values(indicators.values(), regions.values(), years)
    approved = _approved_keys(indicators.values(), regions.values(), years)
    seen: dict[tuple[str, str, int, int], int] = {}
    for raw in raw_rows:
        n = raw.get("_row", 0)
        code = str(raw.get("指标编码") or "").strip()
        region_code = str(raw.get("区域代码") or "").strip()
        before = len(errors)
        indicator = indicators.get(code)
        if indicator is None:
            errors.append(RowError(n, "指标编码", f"「{code}」不是您负责填报的指标"))
        region = regions.get(region_code)
        if region is None:
            errors.append(RowError(n, "区域代码", f"「{region_code}」不在您的填报范围内"))
        year = _int(raw.get("年度"))
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            errors.append(RowError(n, "年度", f"「{str(raw.get('年度'))[:20]}」不是有效年度"))
        quarter = _int(raw.get("季度") or 0)
        if quarter is None or not 0 <= quarter <= 4:
            errors.append(RowError(n, "季度", "季度应为 1–4，全年填 0 或留空"))
        note = str(raw.get("说明") or "").strip()
        if "\x00" in note:
            errors.append(RowError(n, "说明", "说明含有不可见的控制字符（NUL），请删除后重新填写"))
        elif len(note) > NOTE_LENGTH:
            errors.append(RowError(n, "说明", f"说明不能超过 {NOTE_LENGTH} 字（现有 {len(note)} 字）"))
        if len(errors) > before or indicator is None or region is None or year is None or quarter is None:
            continue
        parsed = parse_value(raw.get("数值"), indicator.kind)
        if parsed.error or parsed.value is None:
            errors.append(RowError(n, "数值", parsed.error or "数值不能为空"))
            continue
        key = (code, region_code, year, quarter)
        if key in seen:
            errors.append(RowError(n, "指标编码", f"与第{seen[key]}行重复（同一指标、区域和期间）"))
            continue
        seen[key] = n
        if (indicator.pk, region.pk, year, quarter) in approved:
            errors.append(RowError(n, "数值", "该数据已审核，不能再修改；如需更正请联系县级管理员退回"))
            continue
        last_year = previous.get((indicator.pk, region.pk, year - 1)) if quarter == 0 else None
        warning = jump_warning(last_year, parsed.value, jump)
        if warning and not note:
            errors.append(RowError(n, "说明", warning))
            continue
        rows.append(Row(indicator, region, year, quarter, parsed.value, note, n))
    return rows, errors


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(str(value).strip()[:30])
    except (TypeError, ValueError, OverflowError):
        return None
    return int(number) if number.is_integer() else None


def _previous_values(
    indicators: Any, regions: Any, years: set[int | None]
) -> dict[tuple[int, int, int], float]:
    wanted = [y - 1 for y in years if y]
    rows = Observation.objects.filter(
        indicator__in=list(indicators), region__in=list(regions), year__in=wanted, quarter=0
    ).values_list("indicator_id", "region_id", "year", "value")
    return {(i, r, y): v for i, r, y, v in rows}


def _approved_keys(indicators: Any, regions: Any, years: set[int | None]) -> set[tuple[int, int, int, int]]:
    rows = Observation.objects.filter(
        indicator__in=list(indicators),
        region__in=list(regions),
        year__in=[y for y in years if y],
        status=Observation.Status.APPROVED,
    ).values_list("indicator_id", "region_id", "year", "quarter")
    return set(rows)


@transaction.atomic
def save_rows(rows: list[Row], user: Any, submit: bool = False) -> int:
    status = Observation.Status.SUBMITTED if submit else Observation.Status.DRAFT
    department = user.department if user.role == "department_reporter" else None
    for r in rows:
        observation, _ = Observation.objects.get_or_create(
            indicator=r.indicator,
            region=r.region,
            year=r.year,
            quarter=r.quarter,
            defaults={"value": r.value, "department": department, "reported_by": user, "status": status},
        )
        observation.value = r.value
        observation.note = r.note
        observation.status = status
        observation.return_reason = ""
        observation.reported_by = user
        if department is not None:
            observation.department = department
        observation.save()
    return len(rows)


def template(user: Any, year: int) -> bytes:
    """An .xlsx with one row per indicator × reporting region, prefilled with what is already reported."""
    indicators = list(assigned_indicators(user).order_by("code"))
    regions = list(reporting_regions(user).order_by("path"))
    existing = {
        (o.indicator_id, o.region_id): o
        for o in Observation.objects.filter(
            indicator__in=indicators, region__in=regions, year=year, quarter=0
        )
    }
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = f"{year}年填报"
    append_row(sheet, TEMPLATE_COLUMNS)
    for indicator in indicators:
        for region in regions:
            o = existing.get((indicator.pk, region.pk))
            append_row(
                sheet,
                [indicator.code, indicator.name, indicator.unit, region.code, region.name, year, 0,
                 o.value if o else None, o.note if o else ""]
            )  # fmt: skip
    for column, width in zip("ABCDEFGHI", (10, 36, 10, 15, 14, 8, 6, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_template(data: bytes, filename: str, user: Any, submit: bool = False) -> CollectionReport:
    """All-or-nothing import of a filled template; rows with an empty 数值 are skipped (not reported yet)."""
    report = CollectionReport()
    try:
        table = read_table(data, filename)
    except TableError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return report
    header = [str(h or "").strip() for h in table.header]
    missing = [c for c in ("指标编码", "区域代码", "年度", "数值") if c not in header]
    if missing:
        report.errors.append(RowError(1, "", f"缺少列：{'、'.join(missing)}；请使用系统下载的填报模板"))
        return report
    raw_rows = []
    for offset, record in enumerate(table.records):
        cells = {name: (record[i] if i < len(record) else None) for i, name in enumerate(header) if name}
        if cells.get("数值") in (None, "") and not any(
            str(v or "").strip() for k, v in cells.items() if k == "说明"
        ):
            continue
        cells["_row"] = offset + 2
        raw_rows.append(cells)
    if not raw_rows:
        report.errors.append(RowError(0, "", "模板中没有填写任何数值"))
        return report
    rows, errors = validate_rows(raw_rows, user)
    report.errors = errors
    if not errors:
        report.saved = save_rows(rows, user, submit=submit)
    return report


@transaction.atomic
def review(observation: Observation, user: Any, approve: bool, reason: str = "") -> None:
    if not approve and not reason.strip():
        raise ValueError("退回时请写明原因")
    # Locked and re-read: of two reviewers (or a pass and a return) at the same moment, the second waits,
    # then finds the value no longer submitted and is told so; the log shows one change.
    locked = Observation.objects.select_for_update().filter(pk=observation.pk).first()
    if locked is None or locked.status != Observation.Status.SUBMITTED:
        raise ValueError("这条数据已被他人审核（或已不是待审核状态），请刷新页面查看")
    observation.refresh_from_db()
    observation.status = Observation.Status.APPROVED if approve else Observation.Status.RETURNED
    observation.return_reason = "" if approve else reason.strip()
    observation.reviewed_by = user
    observation.reviewed_at = timezone.now()
    observation.save()


# --- The reporting form: what was typed survives an error, and each row shows last year and the target ---


@dataclass
class FormRow:
    """One indicator × region line of the reporting form."""

    indicator: Indicator
    region: Region
    observation: Observation | None
    value: str = ""
    note: str = ""
    last_year: Observation | None = None
    target: Target | None = None
    errors: list[str] = field(default_factory=list)
    first_error: bool = False

    @property
    def key(self) -> str:
        return f"{self.indicator.pk}-{self.region.pk}"

    @property
    def anchor(self) -> str:
        return f"row-{self.key}"

    @property
    def editable(self) -> bool:
        return self.observation is None or self.observation.status not in (
            Observation.Status.APPROVED,
            Observation.Status.SUBMITTED,
        )


def read_form(
    post: Any, indicators: list[Indicator], regions: list[Region], year: int
) -> tuple[list[dict[str, Any]], dict[int, tuple[int, int]]]:
    """The rows typed into the form (as `validate_rows` takes them) and, per row number, its (indicator, region)."""
    raw_rows: list[dict[str, Any]] = []
    keys: dict[int, tuple[int, int]] = {}
    for i in indicators:
        for r in regions:
            value = str(post.get(f"v-{i.pk}-{r.pk}", "")).strip()
            note = str(post.get(f"n-{i.pk}-{r.pk}", "")).strip()
            if value or note:
                number = len(raw_rows) + 1
                keys[number] = (i.pk, r.pk)
                raw_rows.append(
                    {"指标编码": i.code, "区域代码": r.code, "年度": year, "季度": 0, "数值": value,
                     "说明": note, "_row": number}
                )  # fmt: skip
    return raw_rows, keys


def last_year_values(indicators: Any, regions: Any, year: int) -> dict[tuple[int, int], Observation]:
    """Each (indicator, region)'s whole-year value of the year before `year`."""
    return {
        (o.indicator_id, o.region_id): o
        for o in Observation.objects.filter(
            indicator__in=list(indicators), region__in=list(regions), year=year - 1, quarter=0
        )
    }


def reference_targets(indicators: Any, regions: Any, year: int) -> dict[tuple[int, int], Target]:
    """The target to show next to each (indicator, region) for `year`: the first target year from `year`
    on, else the latest one before it. Only targets in force count when plans version their targets."""
    targets = Target.objects.filter(indicator__in=list(indicators), region__in=list(regions))
    current = getattr(targets, "current", None)
    if callable(current):
        targets = current()
    chosen: dict[tuple[int, int], Target] = {}
    for t in targets.select_related("indicator").order_by("year", "pk"):
        key = (t.indicator_id, t.region_id)
        best = chosen.get(key)
        if best is None or (best.year < year and t.year > best.year):
            chosen[key] = t
    return chosen


def form_rows(
    indicators: list[Indicator],
    regions: list[Region],
    year: int,
    post: Any = None,
    errors: dict[tuple[int, int], list[str]] | None = None,
) -> list[FormRow]:
    """The form's rows: saved values, or after a failed submit exactly what was typed, with the errors."""
    existing = {
        (o.indicator_id, o.region_id): o
        for o in Observation.objects.filter(
            indicator__in=indicators, region__in=regions, year=year, quarter=0
        )
    }
    previous = last_year_values(indicators, regions, year)
    targets = reference_targets(indicators, regions, year)
    errors = errors or {}
    rows: list[FormRow] = []
    for i in indicators:
        for r in regions:
            key = (i.pk, r.pk)
            observation = existing.get(key)
            row = FormRow(i, r, observation, last_year=previous.get(key), target=targets.get(key))
            if post is not None and row.editable:
                row.value = str(post.get(f"v-{row.key}", "")).strip()
                row.note = str(post.get(f"n-{row.key}", "")).strip()
            elif observation is not None:
                row.value = _plain(observation.value)
                row.note = observation.note
            row.errors = errors.get(key, [])
            rows.append(row)
    first = next((row for row in rows if row.errors), None)
    if first is not None:
        first.first_error = True
    return rows


def _plain(value: float | None) -> str:
    """A stored value as it goes back into an input: 86.0 → "86", 85.48 → "85.48"."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def review_context(
    observations: list[Observation],
) -> list[tuple[Observation, Observation | None, Target | None]]:
    """Each pending observation with last year's value and the target for its year."""
    indicators = {o.indicator_id for o in observations}
    regions = {o.region_id for o in observations}
    previous: dict[tuple[int, int, int], Observation] = {
        (o.indicator_id, o.region_id, o.year): o
        for o in Observation.objects.filter(
            indicator__in=indicators,
            region__in=regions,
            year__in={o.year - 1 for o in observations},
            quarter=0,
        )
    }
    by_year: dict[int, dict[tuple[int, int], Target]] = {}
    for year in {o.year for o in observations}:
        by_year[year] = reference_targets(indicators, regions, year)
    return [
        (
            o,
            previous.get((o.indicator_id, o.region_id, o.year - 1)),
            by_year[o.year].get((o.indicator_id, o.region_id)),
        )
        for o in observations
    ]


@transaction.atomic
def approve_many(observations: list[Observation], user: Any) -> int:
    """Approve every submitted observation given; anything not submitted is left alone. Returns how many."""
    approved = 0
    pks = [o.pk for o in observations]
    for observation in Observation.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
        if observation.status == Observation.Status.SUBMITTED:
            review(observation, user, approve=True)
            approved += 1
    return approved
