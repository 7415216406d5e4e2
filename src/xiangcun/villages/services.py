"""Village classes from confirmed plans, merge proposals and their application, layout checks."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from openpyxl import Workbook

from xiangcun.audit.services import record_bulk
from xiangcun.domain.spreadsheets import append_row
from xiangcun.domain.villages import layout
from xiangcun.domain.villages.names import Place, VillageIndex, find_line, place_key
from xiangcun.plans.models import Plan, PlanItem, PlanVersion
from xiangcun.regions.models import Region

from .models import ClassMembership, ClassSync, LayoutRule, VillageMerge

# Records that stay with a merged-away village: what the plan said about it, what was measured there, and
# notices already published for it.
STAYS_WITH_OLD_VILLAGE = {"plans.planitem", "indicators.target", "indicators.observation", "assets.publicity"}
STAYS_WITH_OLD_APPS = {"villages", "reports", "regions"}


class MergeError(ValueError):
    """A merge that cannot be applied as asked; the message is for the user, in Chinese."""


def villages_of(county: Region) -> QuerySet[Region]:
    return Region.objects.within(county).filter(depth=5)


def merged_away(county: Region | None = None) -> dict[int, VillageMerge]:
    """The applied merge of each village merged away: {village id: merge}, for a merge's details (into which
    village, on which day). Whether a village still counts is `Region.retired_on` (`Region.objects.current()`)."""
    merges = VillageMerge.objects.filter(status=VillageMerge.Status.APPLIED).select_related("target")
    if county is not None:
        merges = merges.filter(county=county)
    found: dict[int, VillageMerge] = {}
    for merge in merges.prefetch_related("sources"):
        for source in merge.sources.all():
            if source.pk != merge.target_id:
                found[source.pk] = merge
    return found


def _index(county: Region) -> VillageIndex:
    rows = villages_of(county).values_list("id", "name", "parent__name")
    return VillageIndex(Place(pk, name, township or "") for pk, name, township in rows)


def current_versions(county: Region) -> list[PlanVersion]:
    versions = []
    for plan in Plan.objects.filter(region=county, archived_at__isnull=True):
        version = plan.current_version()
        if version is not None:
            versions.append(version)
    return versions


@transaction.atomic
def sync_classes(county: Region, actor: Any = None) -> tuple[int, int, list[dict[str, Any]]]:
    """Read the village lists of the county's plans in force into class memberships.

    Returns (added, removed, unmatched entries). Changes are written to the audit log; entries that match
    no village of the tree are kept for the list page to show.
    """
    index = _index(county)
    wanted: dict[tuple[int, str, int], dict[str, Any]] = {}
    unmatched: list[dict[str, Any]] = []
    for version in current_versions(county):
        items = version.items.filter(kind=PlanItem.Kind.PLACE_LIST, status=PlanItem.Status.CONFIRMED)
        for item in items.order_by("position"):
            data = item.effective
            name = str(data.get("list") or "").strip()
            township = data.get("township")
            villages = [str(v) for v in data.get("villages") or []]
            if not name or not villages:
                continue
            line = data.get("line") or find_line(version.source_lines, township, villages)
            for written in villages:
                village_id = index.find(township, written)
                if village_id is None:
                    unmatched.append(
                        {"list": name, "township": township or "", "village": written,
                         "plan": str(version), "line": line}
                    )  # fmt: skip
                    continue
                wanted[(village_id, name, item.pk)] = {
                    "plan_version": version, "line": line, "written_as": written[:100]
                }  # fmt: skip
    existing = {
        (m.village_id, m.name, m.plan_item_id): m
        for m in ClassMembership.objects.filter(village__in=villages_of(county)).select_related("village")
    }
    removed = [m for key, m in existing.items() if key not in wanted]
    added = [
        ClassMembership(village_id=key[0], name=key[1], plan_item_id=key[2], **fields)
        for key, fields in wanted.items()
        if key not in existing
    ]
    ClassMembership.objects.filter(pk__in=[m.pk for m in removed]).delete()
    ClassMembership.objects.bulk_create(added, batch_size=1000)
    created = (
        ClassMembership.objects.filter(village__in=villages_of(county))
        .with_sources()
        .select_related("village")
    )
    new_keys = {(m.village_id, m.name, m.plan_item_id) for m in added}
    record_bulk(
        ClassMembership,
        [(m, "create", {"name": (None, m.name), "source": (None, m.source)})
         for m in created if (m.village_id, m.name, m.plan_item_id) in new_keys]
        + [(m, "delete", {"name": (m.name, None)}) for m in removed],
        actor,
        note="按规划名单更新村庄类别",
    )  # fmt: skip
    ClassSync.objects.update_or_create(county=county, defaults={"unmatched": unmatched})
    return len(added), len(removed), unmatched


def propose_merges(version: PlanVersion) -> int:
    """Merge proposals for the merges a confirmed version records (once per plan line and result)."""
    county = version.plan.region
    merges = version.extraction.get("merges") or []
    if not merges:
        return 0
    index = _index(county)
    townships = {place_key(t.name): t for t in Region.objects.within(county).filter(depth=4)}
    created = 0
    for data in merges:
        into = str(data.get("into") or "")[:50]
        written = [str(v) for v in data.get("villages") or []]
        if not into or not written:
            continue
        township_text = str(data.get("township") or "")
        township = townships.get(place_key(township_text)) if township_text else None
        merge, made = VillageMerge.objects.get_or_create(
            plan_version=version,
            line=data.get("line"),
            written_into=into,
            defaults={
                "county": county,
                "region": township or county,
                "year": data.get("year"),
                "written_township": township_text[:50],
                "written_villages": written,
            },
        )
        if not made:
            continue
        created += 1
        found = {index.find(township_text or None, name) for name in [*written, into]} - {None}
        merge.sources.set(Region.objects.filter(pk__in=found))
        target = index.find(township_text or None, into)
        if target is not None:
            merge.target_id = target
            if township is None:
                merge.region_id = Region.objects.get(pk=target).parent_id
        missing = [name for name in written if index.find(township_text or None, name) is None]
        if missing:
            merge.note = "区划中没有找到：" + "、".join(missing) + "（可能已按此调整过区划）"
        merge.save()
    return created


def _pointers(region: Region) -> list[tuple[type[models.Model], str]]:
    """(model, field) of every foreign key to Region whose rows follow a village into a merge."""
    found = []
    for rel in Region._meta.get_fields(include_hidden=True):  # hidden: related_name="+" (assets, projects …)
        if not (rel.auto_created and not rel.concrete and rel.one_to_many):  # one-to-one: a county's settings
            continue
        model = rel.related_model
        label = model._meta.label_lower
        if label in STAYS_WITH_OLD_VILLAGE or model._meta.app_label in STAYS_WITH_OLD_APPS:
            continue
        found.append((model, rel.field.name))
    return found


@transaction.atomic
def apply_merge(
    merge: VillageMerge,
    actor: Any,
    target: Region,
    sources: Iterable[Region],
    effective_on: dt.date,
    population: int | None = None,
    households: int | None = None,
    note: str = "",
) -> dict[str, int]:
    """Apply a reviewed merge: natural villages, households and everything else pointing at the villages merged
    away move to `target`; those villages stay in the tree with their history, without population of their own.

    Returns how many records of each kind moved. Everything is audited; any problem changes nothing.
    """
    merge = VillageMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.status != VillageMerge.Status.PROPOSED:
        raise MergeError(f"这条合并的状态已是「{merge.get_status_display()}」，不能再应用")
    county = merge.county
    sources = list({s.pk: s for s in sources}.values())
    retired = dict(
        Region.objects.filter(
            pk__in=[target.pk, *(s.pk for s in sources)], retired_on__isnull=False
        ).values_list("pk", "retired_on")
    )  # read again inside the transaction: the instances may be stale
    if target.depth != 5 or not target.is_within(county):
        raise MergeError("合并后的村必须是本县的行政村或社区")
    if target.pk in retired:
        raise MergeError(f"「{target.name}」已并入其他村，不能作为合并后的村")
    others = [s for s in sources if s.pk != target.pk]
    if not others:
        raise MergeError("请至少选择一个并入的村（合并后的村以外）")
    for s in others:
        if s.depth != 5 or not s.is_within(county):
            raise MergeError(f"「{s.name}」不是本县的行政村或社区")
        if s.pk in retired:
            raise MergeError(f"「{s.name}」已于 {retired[s.pk]} 并入其他村")
        if s.parent_id != target.parent_id:
            raise MergeError(f"「{s.name}」与「{target.name}」不在同一乡镇，请先调整区划")
    before: dict[str, Any] = {}
    moved: dict[str, int] = {}
    for s in [target, *others]:
        before[s.code] = {
            "name": s.name,
            "population": s.population,
            "households": s.households,
            "natural_villages": list(s.children.values_list("code", flat=True)),
        }
    if population is None:
        population = sum(s.population or 0 for s in [target, *others]) or None
    if households is None:
        households = sum(s.households or 0 for s in [target, *others]) or None
    for s in others:
        for child in Region.objects.filter(parent=s):
            child.parent = target
            child.save()
            moved["自然村"] = moved.get("自然村", 0) + 1
        for model, field in _pointers(s):
            rows = list(model._base_manager.filter(**{field: s}))
            if not rows:
                continue
            model._base_manager.filter(pk__in=[r.pk for r in rows]).update(**{field: target})
            record_bulk(model, [(r, "update", {field: (s.pk, target.pk)}) for r in rows], actor,
                        note=f"村庄合并：{s.name} 并入 {target.name}")  # fmt: skip
            label = str(model._meta.verbose_name)
            moved[label] = moved.get(label, 0) + len(rows)
        s.population = None
        s.households = None
        s.retired_on = effective_on
        s.save()
    target.population = population
    target.households = households
    target.save()
    merge.target = target
    merge.status = VillageMerge.Status.APPLIED
    merge.effective_on = effective_on
    merge.population_after = population
    merge.households_after = households
    merge.before = before
    merge.moved = moved
    merge.note = note[:300]
    merge.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    merge.reviewed_at = timezone.now()
    merge.save()
    merge.sources.set([target, *others])
    return moved


@transaction.atomic
def reject_merge(merge: VillageMerge, actor: Any, note: str) -> None:
    merge = VillageMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.status != VillageMerge.Status.PROPOSED:
        raise MergeError(f"这条合并的状态已是「{merge.get_status_display()}」")
    if not note.strip():
        raise MergeError("请写明不采用的原因（如：区划已按此调整）")
    merge.status = VillageMerge.Status.REJECTED
    merge.note = note.strip()[:300]
    merge.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    merge.reviewed_at = timezone.now()
    merge.save()


# -- layout rules ---------------------------------------------------------------------------------------

DEFAULT_RULES = [
    {"name": "人口规模800人以上保留或扩大", "kind": "population", "threshold": 800,
     "source": "农村集中居住点保留或扩大原则：人口规模800人以上"},
    {"name": "每个中心村覆盖农村人口10000—12000人", "kind": "central", "class_name": "中心村",
     "low": 10000, "high": 12000, "source": "规划的中心村服务范围：每个中心村约服务1万至1.2万农村人口"},
    {"name": "先行示范村与重点帮扶村不应重叠", "kind": "exclusive", "class_name": "先行示范村",
     "other_class": "重点帮扶村"},
    {"name": "整体推进村与重点帮扶村不应重叠", "kind": "exclusive", "class_name": "整体推进村",
     "other_class": "重点帮扶村"},
]  # fmt: skip


def ensure_rules(county: Region) -> None:
    """The plan's usual rules, once per county; the county edits or switches them off afterwards."""
    if not LayoutRule.objects.filter(county=county).exists():
        LayoutRule.objects.bulk_create(LayoutRule(county=county, **r) for r in DEFAULT_RULES)


def layout_villages(county: Region, villages: QuerySet[Region]) -> list[layout.Village]:
    """The villages in `villages` as the layout rules see them (classes with their source, merges)."""
    away = merged_away(county)  # only for the text: into which village
    classes: dict[int, dict[str, str]] = {}
    memberships = ClassMembership.objects.filter(village__in=villages).with_sources()
    for m in memberships:
        classes.setdefault(m.village_id, {}).setdefault(m.name, m.source)
    result = []
    for v in villages.select_related("parent").order_by("path"):
        merge = away.get(v.pk)
        result.append(
            layout.Village(
                v.pk, v.code, v.name, v.parent.code if v.parent else "", v.parent.name if v.parent else "",
                v.population, v.level == "community", classes.get(v.pk, {}),
                merge.target.name if merge and merge.target else "", v.retired_on,
            )
        )  # fmt: skip
    return result


def as_rule(rule: LayoutRule) -> layout.Rule:
    return layout.Rule(
        rule.name,
        rule.kind,
        rule.threshold,
        rule.class_name,
        rule.other_class,
        rule.low,
        rule.high,
        rule.assignment,
    )


def run_rules(
    rules: Iterable[LayoutRule], villages: list[layout.Village]
) -> list[tuple[LayoutRule, list[layout.Finding], list[str]]]:
    return [(rule, *layout.check(as_rule(rule), villages)) for rule in rules]


def layout_xlsx(results: list[tuple[LayoutRule, list[layout.Finding], list[str]]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "村庄布局检查"
    append_row(sheet, layout.COLUMNS)
    for rule, findings, problems in results:
        for problem in problems:
            append_row(sheet, [rule.name, "", "", "", "规则设置有误", None, problem])
        for row in layout.rows(findings):
            append_row(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def villages_xlsx(rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "村庄"
    append_row(
        sheet, ["乡镇", "村（社区）", "代码", "户籍人口", "户数", "自然村数", "类别", "类别依据", "状态"]
    )
    for r in rows:
        v = r["village"]
        append_row(
            sheet,
            [v.parent.name if v.parent else "", v.name, v.code, v.population, v.households, r["natural"],
             "、".join(r["classes"]), "；".join(f"{m.name}：{m.source}" for m in r["memberships"]), r["status"]],
        )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def class_cards(villages: QuerySet[Region]) -> list[dict[str, Any]]:
    """Villages and monitored households per plan class, and for the villages in no list (four grouped queries):
    the dashboard's "示范村 vs others" at a glance."""
    from xiangcun.households.models import Case

    villages = villages.current()  # a village merged away is part of another one now
    monitored_phases = ("帮扶", "消除")
    per_class = dict(
        ClassMembership.objects.filter(village__in=villages)
        .values_list("name")
        .annotate(n=Count("village", distinct=True))
        .values_list("name", "n")
    )
    if not per_class:
        return []
    cases = Case.objects.filter(household__village__in=villages, phase__in=monitored_phases)
    monitored = dict(
        cases.filter(household__village__class_memberships__isnull=False)
        .values_list("household__village__class_memberships__name")
        .annotate(n=Count("household", distinct=True))
        .values_list("household__village__class_memberships__name", "n")
    )
    population: dict[str, int] = {}
    for name, _, people in set(
        ClassMembership.objects.filter(village__in=villages).values_list(
            "name", "village_id", "village__population"
        )
    ):  # a village listed twice in one class (two plans) counts once
        population[name] = population.get(name, 0) + (people or 0)
    unlisted = villages.filter(class_memberships__isnull=True)
    cards = [
        {
            "name": name,
            "villages": n,
            "monitored": monitored.get(name, 0),
            "population": population.get(name, 0),
        }
        for name, n in sorted(per_class.items())
    ]
    cards.append(
        {
            "name": "",
            "villages": unlisted.count(),
            "monitored": cases.filter(household__village__in=unlisted).values("household").distinct().count(),
            "population": unlisted.aggregate(s=Sum("population"))["s"] or 0,
        }
    )
    for card in cards:  # a rate, so that 8 示范村 compare with 90 other villages
        card["per_1000"] = (
            round(1000 * card["monitored"] / card["population"], 2) if card["population"] else None
        )
    return cards
