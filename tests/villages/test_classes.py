"""Classes come from confirmed plans with their source line, follow the plan's life, and say what did not match."""

from __future__ import annotations

from xiangcun.plans.models import PlanItem
from xiangcun.villages.models import ClassMembership, ClassSync
from xiangcun.villages.services import sync_classes


def classes(village) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    return {m.name: m.line for m in ClassMembership.objects.filter(village=village)}


def test_confirming_a_plan_gives_villages_their_classes_with_plan_and_line(county, plan) -> None:  # type: ignore[no-untyped-def]
    assert classes(county.village_a1) == {"先行示范村": 5, "重点帮扶村": 7}
    assert classes(county.village_a2) == {"中心村": 3}
    assert classes(county.village_b1) == {"中心村": 4, "先行示范村": 5}  # "乙一" as the plan writes it
    membership = ClassMembership.objects.filter(village=county.village_a2).get()
    assert membership.plan_version == plan and "第3行" in membership.source
    unmatched = ClassSync.objects.get(county=county.county).unmatched
    assert [(u["list"], u["village"], u["line"]) for u in unmatched] == [("重点帮扶村", "丙村", 7)]


def test_rejected_list_and_archived_plan_remove_classes(county, plan) -> None:  # type: ignore[no-untyped-def]
    item = plan.items.get(data__list="中心村", data__township="甲镇")
    item.status = PlanItem.Status.REJECTED
    item.save()
    assert sync_classes(county.county)[:2] == (0, 1)
    assert "中心村" not in classes(county.village_a2)
    plan.plan.archived_at = plan.confirmed_at or __import__("django.utils.timezone").utils.timezone.now()
    plan.plan.save()  # an archived plan's lists no longer count
    assert ClassMembership.objects.count() == 0


def test_sync_is_audited(county, plan) -> None:  # type: ignore[no-untyped-def]
    from auditlog.models import LogEntry

    assert (
        LogEntry.objects.filter(content_type__model="classmembership").count()
        == ClassMembership.objects.count()
    )
