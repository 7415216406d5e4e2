"""Plan import and review: store what the extractor read, keep people's corrections across versions."""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xiangcun.departments.models import Department
from xiangcun.departments.services import resolve as resolve_department
from xiangcun.domain.catalog import normalise
from xiangcun.domain.extraction import DocumentError, extract_document
from xiangcun.indicators.models import Indicator
from xiangcun.indicators.services import ensure_national
from xiangcun.indicators.services import match as match_indicator
from xiangcun.regions.models import Region

from .models import Plan, PlanItem, PlanVersion

MAX_PLAN_BYTES = 50 * 1024 * 1024
SECTIONS = {
    "indicators": PlanItem.Kind.INDICATOR,
    "targets": PlanItem.Kind.TARGET,
    "projects": PlanItem.Kind.PROJECT,
    "tasks": PlanItem.Kind.TASK,
    "places": PlanItem.Kind.PLACE,
    "place_lists": PlanItem.Kind.PLACE_LIST,
}


class PlanImportError(ValueError):
    """The file could not be read as a plan; the message is for the user, in Chinese."""


def item_key(kind: str, data: dict[str, Any]) -> str:
    """What identifies the same item in two versions of a document."""

    def n(value: Any) -> str:
        return re.sub(r"\s+", "", str(value or ""))

    if kind == PlanItem.Kind.INDICATOR:
        key = f"{n(data.get('category'))}|{normalise(str(data.get('name', '')))}"
    elif kind == PlanItem.Kind.TARGET:
        key = n(data.get("quote"))
    elif kind == PlanItem.Kind.PROJECT:
        key = f"{n(data.get('box'))}|{n(data.get('name'))}"
    elif kind == PlanItem.Kind.TASK:
        key = f"{n(data.get('number'))}|{n(data.get('title'))}"
    elif kind == PlanItem.Kind.PLACE:
        key = f"{n(data.get('township'))}|{n(data.get('village'))}"
    else:
        key = f"{n(data.get('list'))}|{n(data.get('township'))}"
    return key[:300]


def read_plan(data: bytes, filename: str) -> tuple[dict[str, Any], list[str]]:
    """Run the extractor on an uploaded file; return the JSON contract and the document's text lines."""
    if not data:
        raise PlanImportError("文件是空的")
    if len(data) > MAX_PLAN_BYTES:
        raise PlanImportError(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 50 MB")
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"plan{suffix}"
        path.write_bytes(data)
        try:
            result, lines = extract_document(path)
        except DocumentError as exc:
            raise PlanImportError(str(exc)) from exc
    result["source"] = filename
    return result, lines


@transaction.atomic
def import_plan(
    data: bytes, filename: str, actor: Any, region: Region, plan: Plan | None = None
) -> PlanVersion:
    """Create a plan (or a new version of `plan`) with every extracted item pending review."""
    extraction, lines = read_plan(data, filename)
    if plan is None:
        period = extraction.get("period") or [None, None]
        plan = Plan.objects.create(
            region=region,
            title=(extraction.get("title") or Path(filename).stem)[:300],
            period_start=period[0],
            period_end=period[1],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    previous = plan.latest_version()
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion(
        plan=plan,
        number=number,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        extraction=extraction,
        source_lines=lines,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    version.file.save(f"{plan.pk}-{number}{Path(filename).suffix.lower()}", ContentFile(data), save=False)
    version.save()
    _create_items(version, extraction, region)
    if previous is not None:
        carry_over(previous, version)
    return version


def _create_items(version: PlanVersion, extraction: dict[str, Any], county: Region) -> None:
    ensure_national()
    indicators = list(Indicator.objects.filter(region__isnull=True) | Indicator.objects.filter(region=county))
    departments = Department.objects.filter(region=county)
    places = _place_index(county)
    items: list[PlanItem] = []
    for section, kind in SECTIONS.items():
        for position, data in enumerate(extraction.get(section) or []):
            item = PlanItem(
                version=version, kind=kind, position=position, key=item_key(kind, data), data=data
            )
            if kind == PlanItem.Kind.INDICATOR:
                item.indicator, _ = match_indicator(str(data.get("name", "")), indicators)
            elif kind == PlanItem.Kind.TARGET:
                item.indicator, _ = match_indicator(str(data.get("subject", "")), indicators)
            elif kind == PlanItem.Kind.TASK:
                item.departments, unknown = _resolve_departments(data, departments)
                if unknown:
                    item.note = "未识别的部门：" + "、".join(unknown)
            elif kind == PlanItem.Kind.PLACE:
                item.region_id = places.get(
                    (_place_name(data.get("township")), _place_name(data.get("village")))
                )
                if item.region_id is None:
                    item.note = "区划中没有找到这个村"
            items.append(item)
    PlanItem.objects.bulk_create(items, batch_size=1000)


def _resolve_departments(data: dict[str, Any], departments: Any) -> tuple[dict[str, list[int]], list[str]]:
    resolved: dict[str, list[int]] = {"lead": [], "cooperating": []}
    unknown: list[str] = []
    for role in ("lead", "cooperating"):
        for name in data.get(role) or []:
            department = resolve_department(str(name), departments)
            if department is None:
                unknown.append(str(name))
            elif department.pk not in resolved[role]:
                resolved[role].append(department.pk)
    return resolved, unknown


_PLACE_SUFFIX = re.compile(r"(村民委员会|村委会|居民委员会|居委会|社区|村|镇|乡|街道|办事处)$")


def _place_name(name: Any) -> str:
    return _PLACE_SUFFIX.sub("", re.sub(r"\s+", "", str(name or "")))


def _place_index(county: Region) -> dict[tuple[str, str], int]:
    index: dict[tuple[str, str], int] = {}
    for pk, name, parent_name in (
        Region.objects.within(county).filter(depth=5).values_list("id", "name", "parent__name")
    ):
        index[(_place_name(parent_name), _place_name(name))] = pk
    return index


def carry_over(previous: PlanVersion, version: PlanVersion) -> int:
    """Bring reviewers' decisions and corrections from `previous` to the same items in `version`.

    A correction is kept when the document still says what it said before; when the document changed
    the corrected field, the correction is kept but the item goes back to review with a note, so no
    decision is ever lost or applied silently to new text.
    """
    old = {(i.kind, i.key): i for i in previous.items.all()}
    changed: list[PlanItem] = []
    for item in version.items.all():
        before = old.get((item.kind, item.key))
        if before is None:
            item.note = (item.note + "；" if item.note else "") + "新版本新增"
            changed.append(item)
            continue
        item.corrections = dict(before.corrections)
        conflicts = [f for f in before.corrections if before.data.get(f) != item.data.get(f)]
        if conflicts:
            item.status = PlanItem.Status.PENDING
            item.note = "原文已变化，请核对人工更正：" + "、".join(conflicts)
        elif before.data == item.data:
            item.status = before.status
        else:
            item.note = "原文有变化，请重新审核"
        if before.indicator_id and before.corrections.get("_indicator"):
            item.indicator_id = before.indicator_id
        changed.append(item)
    PlanItem.objects.bulk_update(changed, ["corrections", "status", "note", "indicator"], batch_size=1000)
    return len(changed)


def correct(item: PlanItem, changes: dict[str, Any]) -> None:
    """Record a reviewer's corrections (fields whose value differs from what was extracted)."""
    corrections = dict(item.corrections)
    for field, value in changes.items():
        if item.data.get(field) == value:
            corrections.pop(field, None)
        else:
            corrections[field] = value
    item.corrections = corrections
    item.save()


@transaction.atomic
def confirm_version(version: PlanVersion, actor: Any) -> int:
    """Confirm a version once nothing is pending; its confirmed indicators become targets (returns how many)."""
    if version.items.filter(status=PlanItem.Status.PENDING).exists():
        raise PlanImportError("还有待审核的条目，请逐条确认或剔除后再确认整个版本")
    version.status = PlanVersion.Status.CONFIRMED
    version.confirmed_by = actor
    version.confirmed_at = timezone.now()
    version.save()
    return create_targets(version)


def _local_indicator(item: PlanItem, county: Region) -> Indicator:
    """A county's own catalog entry for a plan indicator that matches nothing national."""
    data = item.effective
    name = str(data.get("name") or "")
    existing = Indicator.objects.filter(region=county, name=name).first()
    if existing is not None:
        return existing
    unit = str(data.get("unit") or "")
    kind = "percentage" if unit in ("%", "％") else "quantity"
    if any(v.get("op") == "text" for v in data.get("values") or []):
        kind = "zero"
    number = Indicator.objects.filter(region=county).count() + 1
    return Indicator.objects.create(
        code=f"L{county.code[:6]}-{number:03d}",
        name=name,
        unit=unit,
        dimension=str(data.get("category") or "其他"),
        kind=kind,
        national=bool(data.get("national")),
        region=county,
    )


def create_targets(version: PlanVersion) -> int:
    """Turn the confirmed indicator rows of a confirmed version into tracked targets for the plan's region."""
    from xiangcun.domain.catalog import NATIONAL
    from xiangcun.indicators.models import Target

    county = version.plan.region
    departments = {d.name: d for d in Department.objects.filter(region=county)}
    owners = {i.code: i.owner for i in NATIONAL}
    count = 0
    items = version.items.filter(kind=PlanItem.Kind.INDICATOR, status=PlanItem.Status.CONFIRMED)
    for item in items.select_related("indicator"):
        data = item.effective
        indicator = item.indicator or _local_indicator(item, county)
        values = data.get("values") or []
        baseline = next(
            (v for v in values if v.get("kind") == "baseline" and v.get("value") is not None), None
        )
        attribute = data.get("attribute") or "预期性"
        for value in values:
            if value.get("kind") != "target" or not value.get("year"):
                continue
            op = value.get("op") or "="
            Target.objects.update_or_create(
                indicator=indicator,
                region=county,
                year=int(value["year"]),
                defaults={
                    "value": value.get("value"),
                    "op": op if op in Target.Op.values else "=",
                    "text": str(value.get("raw") or "")[:100] if op == "text" else "",
                    "attribute": attribute if attribute in Target.Attribute.values else "预期性",
                    "baseline_year": baseline.get("year") if baseline else None,
                    "baseline_value": baseline.get("value") if baseline else None,
                    "department": departments.get(owners.get(indicator.code) or ""),
                    "source": f"{version.plan.title}（第{version.number}版）"[:300],
                },
            )
            count += 1
    return count
