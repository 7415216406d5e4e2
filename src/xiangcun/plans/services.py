"""Plan import and review: store what the extractor read, keep people's corrections across versions."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xiangcun.departments.models import Department
from xiangcun.departments.services import resolve as resolve_department
from xiangcun.domain import plan_targets, uploads
from xiangcun.domain.catalog import NATIONAL, normalise
from xiangcun.domain.extraction import DocumentError, extract_document
from xiangcun.domain.extraction.targets import scope_kind
from xiangcun.indicators.models import Indicator
from xiangcun.indicators.services import ensure_national
from xiangcun.indicators.services import match as match_indicator
from xiangcun.regions.models import Region

from .models import Plan, PlanItem, PlanVersion

MAX_PLAN_BYTES = 50 * 1024 * 1024
PLAN_KINDS = {"docx", "pdf", "ole", "text"}  # .docx, .pdf, .doc/.wps (converted by LibreOffice), .txt
SECTIONS = {
    "indicators": PlanItem.Kind.INDICATOR,
    "targets": PlanItem.Kind.TARGET,
    "projects": PlanItem.Kind.PROJECT,
    "tasks": PlanItem.Kind.TASK,
    "places": PlanItem.Kind.PLACE,
    "place_lists": PlanItem.Kind.PLACE_LIST,
    "schools": PlanItem.Kind.SCHOOL,
}


class PlanImportError(ValueError):
    """The file could not be read as a plan; the message is for the user, in Chinese."""


class DuplicateFileError(PlanImportError):
    """The very same file (same SHA-256) was imported before in this county."""

    def __init__(self, existing: PlanVersion) -> None:
        self.existing = existing
        when = timezone.localtime(existing.uploaded_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            f"这个文件与已导入的「{existing}」完全相同（{when} 导入，{existing.get_status_display()}），"
            "没有重复导入。如需修改，请打开该版本核对；文件有改动时再导入新版本。"
        )


def find_same_file(data: bytes, region: Region) -> PlanVersion | None:
    """A version of a plan of `region` whose file has exactly these bytes."""
    digest = hashlib.sha256(data).hexdigest()
    return (
        PlanVersion.objects.filter(sha256=digest, plan__region=region)
        .select_related("plan")
        .order_by("-uploaded_at")
        .first()
    )


def item_key(kind: str, data: dict[str, Any]) -> str:
    """What identifies the same item in two versions of a document."""

    def n(value: Any) -> str:
        return re.sub(r"\s+", "", str(value or ""))

    if kind == PlanItem.Kind.INDICATOR:
        key = f"{n(data.get('category'))}|{normalise(str(data.get('name', '')))}"
    elif kind == PlanItem.Kind.TARGET:
        # One clause can hold several targets (两项指标、分别…): subject and unit tell them apart; the value
        # stays out so that a changed figure is reported as a change, not as a new item.
        key = f"{n(data.get('subject'))}|{n(data.get('unit'))}|{n(data.get('quote'))}"
    elif kind == PlanItem.Kind.PROJECT:
        key = f"{n(data.get('box'))}|{n(data.get('name'))}"
    elif kind == PlanItem.Kind.TASK:
        key = f"{n(data.get('number'))}|{n(data.get('title'))}"
    elif kind == PlanItem.Kind.PLACE:
        key = f"{n(data.get('township'))}|{n(data.get('village'))}"
    elif kind == PlanItem.Kind.SCHOOL:
        key = f"{n(data.get('township'))}|{n(data.get('name'))}"
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
    if not (suffix == ".docx" and data.startswith(uploads.OLE)):  # old Word named .docx: converted below
        try:  # by content, not name: HTML or SVG named .txt, a zip or picture named .docx are refused here
            uploads.check(filename, data, PLAN_KINDS, MAX_PLAN_BYTES)
        except uploads.UploadError as exc:
            raise PlanImportError(str(exc)) from exc
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
    """Create a plan (or a new version of `plan`) with every extracted item pending review.

    The same file imported again (same SHA-256, in the same county) is refused with a pointer to the
    version that already holds it, instead of becoming a second plan with the same targets.
    """
    existing = find_same_file(data, plan.region if plan else region)
    if existing is not None:
        raise DuplicateFileError(existing)
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
    indicators = list(
        (
            Indicator.objects.filter(region__isnull=True) | Indicator.objects.filter(region=county)
        ).select_related("owner")
    )
    departments = list(Department.objects.filter(region=county))
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
                item.indicator = match_target(data, indicators)
                item.departments = propose_department(data, item.indicator, departments)
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


def match_target(data: dict[str, Any], indicators: list[Indicator]) -> Indicator | None:
    """The catalog entry (national or the county's own) a prose target reports against, if any.

    A name match whose unit cannot hold the target's value (`万亩` against a `%` indicator) is no match:
    the target then gets a local indicator of its own when it is confirmed.
    """
    found, _ = match_indicator(str(data.get("subject", "")), indicators)
    if found is not None and not plan_targets.units_agree(data.get("unit"), found.unit):
        return None
    return found


_NATIONAL_OWNERS = {i.code: i.owner for i in NATIONAL}


def propose_department(
    data: dict[str, Any], indicator: Indicator | None, departments: Any
) -> dict[str, list[int]]:
    """The responsible department proposed for a prose target, as {"lead": [pk]} (empty when unsure).

    The catalog's owner of its indicator first, else the department the target's subject (or sentence)
    points to; the reviewer can change it on the 更正 page.
    """
    by_name = {d.name: d.pk for d in departments}
    owner = None
    if indicator is not None:
        owner = indicator.owner.name if indicator.owner_id else _NATIONAL_OWNERS.get(indicator.code)
    name = plan_targets.propose_department(
        str(data.get("subject") or ""), str(data.get("quote") or ""), owner, by_name
    )
    return {"lead": [by_name[name]]} if name else {}


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
    matched: set[tuple[str, str]] = set()
    for item in version.items.all():
        before = old.get((item.kind, item.key))
        matched.add((item.kind, item.key))
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
        if "_departments" in before.corrections:
            item.departments = before.corrections["_departments"]
        changed.append(item)
    PlanItem.objects.bulk_update(
        changed, ["corrections", "status", "note", "indicator", "departments"], batch_size=1000
    )
    return len(changed) + _carry_reviewer_targets(previous, version, matched)


def _carry_reviewer_targets(
    previous: PlanVersion, version: PlanVersion, matched: set[tuple[str, str]]
) -> int:
    """Targets reviewers added to `previous` that the reader still misses come along to `version`:
    as they were when their quote is still in the document, back to review when it is not."""
    from xiangcun.domain.extraction.review import locate_quote

    position = version.items.filter(kind=PlanItem.Kind.TARGET).aggregate(n=Max("position"))["n"] or 0
    added = []
    for before in previous.items.filter(kind=PlanItem.Kind.TARGET).order_by("position"):
        if not before.data.get("added_by_reviewer") or (before.kind, before.key) in matched:
            continue
        data = dict(before.data)
        spans = locate_quote(version.source_lines, str(data.get("quote") or ""), data.get("line"))
        position += 1
        if spans:
            data["line"] = max(spans)
            status, note = before.status, before.note
        else:
            status, note = PlanItem.Status.PENDING, "审核人添加的目标，新版本原文中已没有这段文字，请核对"
        added.append(
            PlanItem(
                version=version, kind=before.kind, position=position, key=before.key, data=data,
                corrections=dict(before.corrections), status=status, note=note,
                indicator_id=before.indicator_id, departments=before.departments,
            )
        )  # fmt: skip
    for item in added:
        item.save()
    return len(added)


@transaction.atomic
def add_reviewer_target(version: PlanVersion, data: dict[str, Any], department_id: int | None) -> PlanItem:
    """A prose target the reader missed, added by a reviewer: confirmed, matched to the catalog like the
    reader's own, and marked (`added_by_reviewer`) so `xiangcun ingest-feedback` can report it."""
    if version.status != PlanVersion.Status.REVIEW:
        raise PlanImportError("该版本已经确认，不能再添加目标")
    county = version.plan.region
    indicators = list(
        (
            Indicator.objects.filter(region__isnull=True) | Indicator.objects.filter(region=county)
        ).select_related("owner")
    )
    position = (version.items.filter(kind=PlanItem.Kind.TARGET).aggregate(n=Max("position"))["n"] or 0) + 1
    item = PlanItem(
        version=version,
        kind=PlanItem.Kind.TARGET,
        position=position,
        key=item_key(PlanItem.Kind.TARGET, data),
        data=data,
        status=PlanItem.Status.CONFIRMED,
        note="审核人添加（抽取漏读）",
    )
    item.indicator = match_target(data, indicators)
    if department_id is not None:
        item.departments = {"lead": [department_id]}
    else:
        item.departments = propose_department(data, item.indicator, Department.objects.filter(region=county))
    item.save()
    return item


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


@dataclass
class Conflict:
    """A target this version sets that a target in force (another plan's, or a hand target) also sets."""

    indicator: Indicator
    year: int
    existing: Any  # indicators.Target in force
    planned: dict[str, Any]  # what this version sets (value, op, text …)
    previous_choice: str = ""  # "new" / "old" when an earlier version of this plan was chosen over / under it
    region: Region | None = None  # where both apply (the county, or a township for a township's target)

    @property
    def key(self) -> str:
        return f"c-{self.existing.pk}"

    @property
    def planned_label(self) -> str:
        return _target_text(self.planned.get("op"), self.planned.get("value"), self.planned.get("text"))

    @property
    def existing_label(self) -> str:
        e = self.existing
        return _target_text(e.op, e.value, e.text)


def _target_text(op: Any, value: Any, text: Any) -> str:
    if op == "text":
        return str(text or "")
    symbol = {">=": "≥", "<=": "≤"}.get(str(op), str(op or "="))
    number = "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
    return f"{symbol} {number}"


def conflicts(version: PlanVersion) -> list[Conflict]:
    """What confirming `version` would set twice: same indicator, region and year as a target in force
    that does not come from this plan (another plan's current version, or a hand target)."""
    from xiangcun.indicators.models import Target

    planned = list(_planned_targets(version, create_local=False))
    if not planned:
        return []
    in_force = (
        Target.objects.in_force()
        .filter(region__in={p.region for p in planned}, indicator__in={p.indicator for p in planned})
        .exclude(plan_version__plan=version.plan)
        .select_related("indicator", "plan_version__plan", "superseded_by")
    )
    in_force_list = list(in_force)
    in_force_ids = {t.pk for t in in_force_list}
    existing: dict[tuple[int, int, int], list[Any]] = {}
    for t in in_force_list:
        if t.superseded_by_id is None or t.superseded_by_id not in in_force_ids:
            existing.setdefault((t.indicator_id, t.region_id, t.year), []).append(t)
    own_old = set(
        Target.objects.filter(plan_version__plan=version.plan)
        .exclude(plan_version=version)
        .values_list("pk", flat=True)
    )
    found: list[Conflict] = []
    for p in planned:
        for other in existing.get((p.indicator.pk, p.region.pk, p.year), []):
            previous = ""
            if other.superseded_by_id in own_old:
                previous = "new"
            elif Target.objects.filter(pk__in=own_old, superseded_by=other).exists():
                previous = "old"
            found.append(Conflict(p.indicator, p.year, other, p.defaults, previous, p.region))
    return found


def resolve(chosen: Any, other: Any) -> None:
    """Count `chosen` and not `other` for their indicator, region and year (both stay on record)."""
    other.superseded_by = chosen
    other.save()
    if chosen.superseded_by_id is not None:
        chosen.superseded_by = None
        chosen.save()


@transaction.atomic
def confirm_version(version: PlanVersion, actor: Any, choices: dict[str, str] | None = None) -> int:
    """Confirm a version once nothing is pending; its confirmed indicators become targets (returns how many).

    When another plan in force (or a hand target) sets the same indicator and year, `choices` says per
    conflict ("c-<target id>") whether this version's target ("new") or the existing one ("old") counts;
    without a choice for every conflict nothing is confirmed.
    """
    from xiangcun.indicators.models import Target

    if version.status != PlanVersion.Status.REVIEW:
        raise PlanImportError("该版本已经确认过了")
    if version.items.filter(status=PlanItem.Status.PENDING).exists():
        raise PlanImportError("还有待审核的条目，请逐条确认或剔除后再确认整个版本")
    found = conflicts(version)
    choices = choices or {}
    missing = [c for c in found if choices.get(c.key) not in ("new", "old")]
    if missing:
        raise PlanImportError(f"有 {len(missing)} 个目标与其他规划（或手工目标）重复，请逐个选择以哪个为准")
    version.status = PlanVersion.Status.CONFIRMED
    version.confirmed_by = actor
    version.confirmed_at = timezone.now()
    version.save()
    count = create_targets(version)
    for conflict in found:
        new = Target.objects.get(
            plan_version=version,
            indicator=conflict.indicator,
            region=conflict.region or version.plan.region,
            year=conflict.year,
        )
        if choices[conflict.key] == "new":
            resolve(new, conflict.existing)
        else:
            resolve(conflict.existing, new)
    return count


def duplicates_in_force(targets: Any) -> list[list[Any]]:
    """Groups of targets in force (from `targets`) that set the same indicator, region and year and where
    no reviewer choice says which one counts."""
    groups: dict[tuple[int, int, int], list[Any]] = {}
    for t in targets:
        groups.setdefault((t.indicator_id, t.region_id, t.year), []).append(t)
    result = []
    for group in groups.values():
        ids = {t.pk for t in group}
        counted = [t for t in group if t.superseded_by_id not in ids]
        if len(counted) > 1:
            result.append(counted)
    return result


@transaction.atomic
def set_archived(plan: Plan, actor: Any, archived: bool) -> None:
    """Archive a plan (its targets leave the dashboards; nothing is deleted) or bring it back."""
    plan.archived_at = timezone.now() if archived else None
    plan.archived_by = actor if archived and getattr(actor, "is_authenticated", False) else None
    plan.save()


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
    return Indicator.objects.create(
        code=_local_code(county),
        name=name,
        unit=unit,
        dimension=str(data.get("category") or "其他"),
        kind=kind,
        national=bool(data.get("national")),
        region=county,
    )


@dataclass
class Planned:
    """One yearly target a confirmed item of a version sets (before it is written as a Target)."""

    indicator: Indicator
    region: Region
    year: int
    defaults: dict[str, Any]
    item: PlanItem


def _planned_targets(
    version: PlanVersion, create_local: bool = True, skipped: list[tuple[PlanItem, str]] | None = None
) -> Iterator[Planned]:
    """Every yearly target the version's confirmed indicator rows and prose targets set.

    Table rows come first; a prose target that lands on an indicator, region and year the version already
    sets is not a second target (it is listed in `skipped` with the reason, as is one without a year).
    With `create_local=False` nothing is written: items that match no catalog entry and no existing local
    indicator are left out (they cannot collide with anything yet).
    """
    seen: set[tuple[int, int, int]] = set()
    for planned in _table_targets(version, create_local):
        seen.add((planned.indicator.pk, planned.region.pk, planned.year))
        yield planned
    for planned in _prose_targets(version, create_local, skipped):
        key = (planned.indicator.pk, planned.region.pk, planned.year)
        if key in seen:
            if skipped is not None:
                skipped.append(
                    (
                        planned.item,
                        f"与本版本的另一目标同为{planned.indicator.name}{planned.year}年，未另建目标",
                    )
                )
            continue
        seen.add(key)
        yield planned


def _departments(county: Region) -> tuple[dict[str, Department], dict[int, Department]]:
    departments = list(Department.objects.filter(region=county))
    return {d.name: d for d in departments}, {d.pk: d for d in departments}


def _table_targets(version: PlanVersion, create_local: bool) -> Iterator[Planned]:
    from xiangcun.indicators.models import Target

    county = version.plan.region
    by_name, by_pk = _departments(county)
    items = version.items.filter(kind=PlanItem.Kind.INDICATOR, status=PlanItem.Status.CONFIRMED)
    for item in items.select_related("indicator").order_by("position"):
        data = item.effective
        indicator = item.indicator
        if indicator is None:
            if create_local:
                indicator = _local_indicator(item, county)
            else:
                indicator = Indicator.objects.filter(region=county, name=str(data.get("name") or "")).first()
                if indicator is None:
                    continue
        values = data.get("values") or []
        baseline = next(
            (v for v in values if v.get("kind") == "baseline" and v.get("value") is not None), None
        )
        attribute = data.get("attribute") or "预期性"
        department = by_pk.get(data.get("department")) if data.get("department") else None
        if department is None:
            department = by_name.get(_NATIONAL_OWNERS.get(indicator.code) or "")
        for value in values:
            if value.get("kind") != "target" or not value.get("year"):
                continue
            op = value.get("op") or "="
            defaults = {
                "value": value.get("value"),
                "op": op if op in Target.Op.values else "=",
                "text": str(value.get("raw") or "")[:100] if op == "text" else "",
                "attribute": attribute if attribute in Target.Attribute.values else "预期性",
                "baseline_year": baseline.get("year") if baseline else None,
                "baseline_value": baseline.get("value") if baseline else None,
                "department": department,
                "source": str(version)[:300],
                "origin": Target.Origin.TABLE,
                "plan_item": item,
            }
            yield Planned(indicator, county, int(value["year"]), defaults, item)


def target_kind(item: PlanItem) -> str | None:
    """What the scope of a prose target covers (`domain.extraction.targets.SCOPE_KINDS`).

    The reader's own reading when the scope is as it read it; a scope a reviewer corrected or typed, or an
    item stored before the reader gave kinds, is read by the same rule from its words.
    """
    if "scope_kind" in item.data and "scope" not in item.corrections:
        return item.data["scope_kind"]
    return scope_kind(item.effective.get("scope"))


def target_regions(kind: str | None, scope: Any, county: Region) -> list[Region]:
    """The regions a prose target is set for: every township for "每个乡镇建成1个…" (each is assessed on its
    own values), else the one region `target_region` names. Per-village scopes stay with the county."""
    if kind == "every_township":
        townships = list(Region.objects.filter(parent=county, depth=county.depth + 1).order_by("code"))
        if townships:
            return townships
    return [target_region(scope, county)]


def target_region(scope: Any, county: Region) -> Region:
    """Where a prose target applies: the township its scope names (甲镇), else the whole county."""
    name = _place_name(scope)
    if name:
        for township in Region.objects.filter(parent=county, depth=county.depth + 1):
            if _place_name(township.name) == name:
                return township
    return county


def _prose_targets(
    version: PlanVersion, create_local: bool, skipped: list[tuple[PlanItem, str]] | None
) -> Iterator[Planned]:
    """The confirmed prose targets of a version, one per year they are due (每年 targets: every plan year)."""
    from xiangcun.indicators.models import Target

    plan = version.plan
    county = plan.region
    by_name, by_pk = _departments(county)
    outline = version.extraction.get("outline") or []
    items = list(
        version.items.filter(kind=PlanItem.Kind.TARGET, status=PlanItem.Status.CONFIRMED)
        .select_related("indicator__owner")
        .order_by("position")
    )
    # A year the plan states beats one filled in (粮食总产 "稳定在4.9万吨以上" and "到“十四五”末稳定在5.1万吨以上"
    # both land on 2025: the second says so), so targets with their own year are placed first.
    items.sort(key=lambda i: 0 if i.effective.get("year") and not i.effective.get("per_year") else 1)
    for item in items:
        data = item.effective
        if data.get("value") is None:
            if skipped is not None:
                skipped.append((item, "没有目标值，未生成目标"))
            continue
        years = plan_targets.target_years(data, (plan.period_start, plan.period_end))
        if not years:
            if skipped is not None:
                skipped.append((item, "没有目标年，规划也没有规划期，未生成目标：请在“更正”中填写目标年"))
            continue
        indicator = item.indicator or _prose_indicator(item, county, outline, create_local)
        if indicator is None:
            continue
        chosen = (item.departments or {}).get("lead") or []
        department = by_pk.get(chosen[0]) if chosen else None
        if department is None and not item.departments:
            owner = indicator.owner.name if indicator.owner_id else _NATIONAL_OWNERS.get(indicator.code)
            department = by_name.get(owner or "")
        regions = target_regions(target_kind(item), data.get("scope"), county)
        op = data.get("op") or "="
        for region, year in ((r, y) for r in regions for y in years):
            defaults = {
                "value": data.get("value"),
                "op": op if op in Target.Op.values and op != "text" else "=",
                "text": "",
                "attribute": Target.Attribute.EXPECTED,
                "baseline_year": None,
                "baseline_value": None,
                "department": department,
                "source": str(version)[:300],
                "origin": Target.Origin.PROSE,
                "plan_item": item,
            }
            yield Planned(indicator, region, year, defaults, item)


def _prose_indicator(
    item: PlanItem, county: Region, outline: list[dict[str, Any]], create: bool
) -> Indicator | None:
    """An earlier local indicator of the county with the target's name (and a unit that fits), or a new one."""
    data = item.effective
    name = plan_targets.indicator_name(str(data.get("subject") or ""))
    if not name:
        return None
    unit = str(data.get("unit") or "")
    for existing in Indicator.objects.filter(region=county, name=name):
        if plan_targets.units_agree(unit, existing.unit):
            return existing
    if not create:
        return None
    heading = plan_targets.heading_before(outline, data.get("line"))
    return Indicator.objects.create(
        code=_local_code(county),
        name=name,
        unit=unit,
        dimension=plan_targets.dimension_of(name, heading),
        kind=plan_targets.indicator_kind(unit),
        national=False,
        region=county,
        definition=f"由规划文中目标生成：{str(data.get('quote') or '')[:200]}",
    )


def _local_code(county: Region) -> str:
    number = Indicator.objects.filter(region=county).count() + 1
    while Indicator.objects.filter(code=f"L{county.code[:6]}-{number:03d}").exists():
        number += 1
    return f"L{county.code[:6]}-{number:03d}"


def create_targets(version: PlanVersion) -> int:
    """Turn the confirmed indicator rows and prose targets of a confirmed version into its targets.

    Targets belong to the version: another plan (or another version of this plan) never overwrites them.
    A prose target that cannot become one (no value, no year, or the same indicator and year as a table
    row) gets a note saying why, on the review page.
    """
    from xiangcun.indicators.models import Target

    count = 0
    skipped: list[tuple[PlanItem, str]] = []
    for planned in _planned_targets(version, skipped=skipped):
        Target.objects.update_or_create(
            plan_version=version,
            indicator=planned.indicator,
            region=planned.region,
            year=planned.year,
            defaults=planned.defaults,
        )
        count += 1
    for item, reason in skipped:
        item.note = reason[:300]
        item.save(update_fields=["note", "updated_at"])
    return count


def needs_year(item: PlanItem) -> bool:
    """Whether `item` is a confirmed prose target of a confirmed version that became no target for want
    of a year (the plan states none and has no plan period): the reviewer can still give it one."""
    from xiangcun.indicators.models import Target

    version = item.version
    return (
        item.kind == PlanItem.Kind.TARGET
        and item.status == PlanItem.Status.CONFIRMED
        and version.status == PlanVersion.Status.CONFIRMED
        and item.effective.get("value") is not None
        and not plan_targets.target_years(
            item.effective, (version.plan.period_start, version.plan.period_end)
        )
        and not Target.objects.filter(plan_item=item).exists()
    )


@transaction.atomic
def give_year(item: PlanItem, year: int) -> int:
    """Give a year to a confirmed prose target that was skipped for having none, after its version was
    confirmed: the year is recorded as a correction and the item's targets are created as confirming would
    have (returns how many). A target that would then set the same indicator, region and year as one in
    force is refused, since confirming would have asked which one counts."""
    from xiangcun.indicators.models import Target

    if not needs_year(item):
        raise PlanImportError("只有确认时因没有目标年而未生成目标的文中目标可以补填年份")
    version = item.version
    correct(item, {"year": year})
    skipped: list[tuple[PlanItem, str]] = []
    planned = [p for p in _planned_targets(version, skipped=skipped) if p.item.pk == item.pk]
    reasons = [reason for other, reason in skipped if other.pk == item.pk]
    if not planned:
        raise PlanImportError(reasons[0] if reasons else "补填年份后仍不能生成目标")
    for p in planned:
        taken = (
            Target.objects.in_force()
            .filter(indicator=p.indicator, region=p.region, year=p.year)
            .select_related("plan_version__plan")
            .first()
        )
        if taken is not None:
            raise PlanImportError(
                f"{p.year}年的{p.indicator.name}已有目标（{taken.source or '手工目标'}），没有补填"
            )
        Target.objects.create(
            plan_version=version, indicator=p.indicator, region=p.region, year=p.year, **p.defaults
        )
    item.note = f"确认后补填目标年 {year}"
    item.save()
    return len(planned)
