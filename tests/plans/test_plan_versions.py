"""Targets belong to a plan version (issue 16, item 2): plans no longer overwrite each other.

A second plan that sets the same indicator and year asks the reviewer which one counts; re-uploading the
same file points at the existing plan; archived plans and older versions leave the default dashboard.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiangcun.indicators.models import Indicator, Target
from xiangcun.indicators.services import ensure_national
from xiangcun.plans import services
from xiangcun.plans.models import Plan, PlanItem, PlanVersion

from .test_review import EXTRACTION

pytestmark = pytest.mark.django_db

GRAIN = {"table": "主要指标", "category": "产业兴旺", "seq": 1, "name": "粮食综合生产能力", "unit": "万吨",
         "national": False, "attribute": "约束性",
         "values": [{"year": 2020, "kind": "baseline", "raw": "7.5", "value": 7.5, "op": "="},
                    {"year": 2025, "kind": "target", "raw": "8", "value": 8.0, "op": ">="}]}  # fmt: skip


def _extraction(title: str, grain: float) -> dict[str, Any]:
    result = copy.deepcopy(EXTRACTION)
    result["title"] = title
    row = copy.deepcopy(GRAIN)
    row["values"][1].update(raw=str(grain), value=grain)
    result["indicators"] = [row]
    result["targets"], result["tasks"], result["places"] = [], [], []
    return result


@pytest.fixture
def reader(monkeypatch):  # type: ignore[no-untyped-def]
    """The extractor replaced by results chosen per file content: b"first" → 8 万吨, b"second" → 5.1 万吨."""
    results = {
        b"first": _extraction("测试县乡村振兴规划（2021—2025年）", 8.0),
        b"second": _extraction("测试县巩固拓展脱贫攻坚成果同乡村振兴有效衔接规划", 5.1),
        b"first-v2": _extraction("测试县乡村振兴规划（2021—2025年）", 9.0),
    }

    def read_plan(data: bytes, filename: str) -> tuple[dict[str, Any], list[str]]:
        return copy.deepcopy(results[data]), ["粮食综合生产能力"]

    monkeypatch.setattr(services, "read_plan", read_plan)
    ensure_national()
    Indicator.objects.create(
        code="L-GRAIN", name="粮食综合生产能力", unit="万吨", dimension="产业兴旺", kind="quantity"
    )
    return results


def _import_and_review(data: bytes, user: Any, county: Any, plan: Plan | None = None) -> PlanVersion:
    version = services.import_plan(data, f"{data.decode()}.docx", user, county.county, plan=plan)
    version.items.update(status=PlanItem.Status.CONFIRMED)
    return version


def test_a_second_plan_does_not_overwrite_the_first_and_the_reviewer_chooses(users, county, reader):  # type: ignore[no-untyped-def]
    admin = users["county_admin"]
    first = _import_and_review(b"first", admin, county)
    services.confirm_version(first, admin)
    second = _import_and_review(b"second", admin, county)

    found = services.conflicts(second)
    assert [(c.indicator.name, c.year, c.existing.value, c.planned["value"]) for c in found] == [
        ("粮食综合生产能力", 2025, 8.0, 5.1)
    ]
    with pytest.raises(services.PlanImportError, match="重复"):
        services.confirm_version(second, admin)  # no choice made: nothing confirmed
    second.refresh_from_db()
    assert second.status == PlanVersion.Status.REVIEW

    services.confirm_version(second, admin, {found[0].key: "old"})
    grain = Target.objects.filter(indicator__name="粮食综合生产能力", year=2025)
    assert sorted(grain.values_list("value", flat=True)) == [5.1, 8.0]  # both kept, neither overwritten
    counted = Target.objects.current().get(indicator__name="粮食综合生产能力", year=2025)
    assert counted.value == 8.0 and counted.plan_version == first
    assert grain.get(value=5.1).superseded_by == counted


def test_choosing_the_new_plan_counts_it_instead(users, county, reader):  # type: ignore[no-untyped-def]
    admin = users["county_admin"]
    services.confirm_version(_import_and_review(b"first", admin, county), admin)
    second = _import_and_review(b"second", admin, county)
    key = services.conflicts(second)[0].key
    services.confirm_version(second, admin, {key: "new"})
    assert Target.objects.current().get(indicator__name="粮食综合生产能力").value == 5.1


def test_confirm_page_shows_the_conflict_and_stores_the_choice(client_for, users, county, reader):  # type: ignore[no-untyped-def]
    admin = users["county_admin"]
    services.confirm_version(_import_and_review(b"first", admin, county), admin)
    second = _import_and_review(b"second", admin, county)
    client = client_for(admin)
    url = reverse("plans:confirm", args=[second.plan_id, second.number])
    page = client.post(url).content.decode()
    assert "与已有目标重复" in page and "粮食综合生产能力" in page and "≥ 8" in page and "≥ 5.1" in page
    second.refresh_from_db()
    assert second.status == "review"
    key = services.conflicts(second)[0].key
    response = client.post(url, {"resolve": "1", key: "old"}, follow=True)
    second.refresh_from_db()
    assert second.status == "confirmed"
    assert Target.objects.current().get(indicator__name="粮食综合生产能力").value == 8.0
    page = response.content.decode()
    assert f"{reverse('indicators:dashboard')}?plan={second.pk}" in page  # after confirming: its dashboard


def test_a_new_version_of_the_same_plan_replaces_its_targets_without_a_conflict(users, county, reader):  # type: ignore[no-untyped-def]
    admin = users["county_admin"]
    first = _import_and_review(b"first", admin, county)
    services.confirm_version(first, admin)
    v2 = _import_and_review(b"first-v2", admin, county, plan=first.plan)
    assert services.conflicts(v2) == []
    services.confirm_version(v2, admin)
    assert list(Target.objects.current().values_list("value", flat=True)) == [9.0]
    assert Target.objects.filter(plan_version=first).get().value == 8.0  # the old version's target is kept


def test_the_same_file_again_points_at_the_existing_plan(client_for, users, county, reader):  # type: ignore[no-untyped-def]
    admin = users["county_admin"]
    first = services.import_plan(b"first", "a.docx", admin, county.county)
    with pytest.raises(services.DuplicateFileError) as caught:
        services.import_plan(b"first", "renamed.docx", admin, county.county)
    assert caught.value.existing == first
    client = client_for(admin)
    page = client.post(
        reverse("plans:upload"),
        {"file": SimpleUploadedFile("copy.docx", b"first"), "region": county.county.pk},
    ).content.decode()
    assert "完全相同" in page and reverse("plans:version", args=[first.plan_id, 1]) in page
    assert Plan.objects.count() == 1 and PlanVersion.objects.count() == 1


def test_archiving_takes_targets_off_the_default_set_audited(client_for, users, county, reader):  # type: ignore[no-untyped-def]
    admin = users["county_admin"]
    first = _import_and_review(b"first", admin, county)
    services.confirm_version(first, admin)
    client = client_for(admin)
    client.post(reverse("plans:archive", args=[first.plan_id]), {"archived": "1"})
    first.plan.refresh_from_db()
    assert first.plan.archived and first.plan.archived_by == admin
    assert not Target.objects.current().exists() and Target.objects.count() == 1
    assert LogEntry.objects.get_for_object(first.plan).filter(changes__icontains="archived_at").exists()
    page = client.get(reverse("plans:list")).content.decode()
    assert "已归档" in page and "取消归档" in page
    client.post(reverse("plans:archive", args=[first.plan_id]), {"archived": "0"})
    assert Target.objects.current().count() == 1


def test_plan_list_shows_each_versions_status(client_for, users, county, reader):  # type: ignore[no-untyped-def]
    admin = users["county_admin"]
    first = _import_and_review(b"first", admin, county)
    services.confirm_version(first, admin)
    v2 = _import_and_review(b"first-v2", admin, county, plan=first.plan)
    page = client_for(admin).get(reverse("plans:list")).content.decode()
    assert "第2版</a> 待审核" in page and "第1版</a> 已确认（现行）" in page
    services.confirm_version(v2, admin)
    page = client_for(admin).get(reverse("plans:list")).content.decode()
    assert "第2版</a> 已确认（现行）" in page and "第1版</a> 已确认（已被第2版取代）" in page


def test_a_hand_target_cannot_double_a_plan_target(client_for, users, county, reader):  # type: ignore[no-untyped-def]
    admin = users["county_admin"]
    first = _import_and_review(b"first", admin, county)
    services.confirm_version(first, admin)
    grain = Target.objects.get()
    page = client_for(admin).post(
        reverse("indicators:target_new"),
        {"indicator": grain.indicator_id, "region": county.county.pk, "year": 2025, "op": ">=", "value": 7,
         "attribute": "约束性"},
    ).content.decode()  # fmt: skip
    assert "已为该指标设定了2025年目标" in page
    assert Target.objects.count() == 1
    # A hand target for a year the plan does not set is fine, and belongs to no plan.
    client_for(admin).post(
        reverse("indicators:target_new"),
        {"indicator": grain.indicator_id, "region": county.county.pk, "year": 2023, "op": ">=", "value": 7.8,
         "attribute": "约束性"},
    )  # fmt: skip
    hand = Target.objects.get(year=2023)
    assert hand.plan_version is None and hand.source_label == "手工添加"


def test_conflict_and_archive_views_are_scoped(client_for, users, county, reader):  # type: ignore[no-untyped-def]
    from xiangcun.regions.models import Region

    other = Region(code="150000000000", name="别县", level="county")
    other.save()
    foreign = services.import_plan(b"first", "a.docx", None, other)
    county_admin = client_for(users["county_admin"])
    assert (
        county_admin.post(reverse("plans:archive", args=[foreign.plan_id]), {"archived": "1"}).status_code
        == 404
    )
    assert county_admin.get(reverse("plans:conflicts", args=[foreign.plan_id, 1])).status_code == 404
    assert county_admin.get(reverse("indicators:dashboard"), {"plan": foreign.pk}).status_code == 404
    own = services.import_plan(b"first", "a.docx", None, county.county)
    township = client_for(users["township_a"])
    assert township.get(reverse("plans:conflicts", args=[own.plan_id, 1])).status_code == 200
    assert township.post(reverse("plans:archive", args=[own.plan_id]), {"archived": "1"}).status_code == 403
    Plan.objects.filter(pk=foreign.plan_id).update(archived_at=None)
    assert not Plan.objects.get(pk=foreign.plan_id).archived
