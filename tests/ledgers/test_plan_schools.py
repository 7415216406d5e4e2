"""Schools from the plan's table: read from a real .docx, reviewed on the plan page, then offered to the schools
ledger and written only when a county administrator applies them (audited, one import record)."""

from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.models import LogEntry

from tests.domain.extraction.test_schools import SEEDS, school_plan_docx
from xiangcun.ledgers.models import LedgerImport, SchoolRecord
from xiangcun.plans import services as plans
from xiangcun.plans.models import PlanItem, PlanVersion
from xiangcun.regions.models import Region


def _confirmed(path: Path, county, actor) -> PlanVersion:  # type: ignore[no-untyped-def]
    version = plans.import_plan(path.read_bytes(), path.name, actor, county)
    version.items.update(status=PlanItem.Status.CONFIRMED)
    plans.confirm_version(version, actor)
    return version


@pytest.fixture
def plan_with_schools(tmp_path, county, users):  # type: ignore[no-untyped-def]
    path = school_plan_docx(tmp_path / "plan.docx", east="甲镇", west="乙乡")
    version = plans.import_plan(path.read_bytes(), path.name, users["county_admin"], county.county)
    return version


def test_the_review_page_lists_school_rows_and_a_reviewer_corrects_one(
    client_for, users, county, plan_with_schools
) -> None:  # type: ignore[no-untyped-def]
    version = plan_with_schools
    client = client_for(users["county_admin"])
    page = client.get(f"/plans/{version.plan_id}/v1/", {"kind": "school"}).content.decode()
    assert "学校 <span" in page and "东岭镇中心小学" in page and "东岭镇九年一贯制学校" in page
    item = version.items.get(kind=PlanItem.Kind.SCHOOL, data__name="西坪乡初级中学")
    form = client.get(f"/plans/items/{item.pk}/").content.decode()
    assert "在校人数" in form and "规模" in form
    response = client.post(
        f"/plans/items/{item.pk}/",
        {"township": "乙乡", "name": "西坪乡初级中学", "level": "完全中学", "students": "300", "teachers": "31",
         "schools": "", "area": "", "area_unit": "", "year": "2020"},
    )  # fmt: skip
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.corrections == {"level": "完全中学"}


def test_nothing_is_written_on_confirmation_then_the_county_applies_the_rows(
    client_for, users, county, plan_with_schools
) -> None:  # type: ignore[no-untyped-def]
    version = plan_with_schools
    version.items.update(status=PlanItem.Status.CONFIRMED)
    plans.confirm_version(version, users["county_admin"])
    assert not SchoolRecord.objects.exists()  # never silent
    client = client_for(users["county_admin"])
    schools_page = client.get("/ledgers/schools/").content.decode()
    assert "3 所学校尚未写入台账" in schools_page
    page = client.get("/ledgers/schools/from-plan/")
    text = page.content.decode()
    assert "东岭镇中心小学" in text and "乡镇汇总" in text and "不能作为学校台账的一行" in text
    assert "折合 18 亩" in text  # 12 000 m² of land
    offers = page.context["offers"]
    ok = [str(o.item.pk) for o in offers if o.ok]
    assert len(ok) == 3
    township_row = next(o for o in offers if not o.row.name)
    response = client.post(
        "/ledgers/schools/from-plan/", {"year": "2020", "item": [*ok, str(township_row.item.pk)]}
    )
    assert response.status_code == 400 and not SchoolRecord.objects.exists()  # all or nothing
    response = client.post("/ledgers/schools/from-plan/", {"year": "2020", "item": ok})
    assert response.status_code == 302
    rows = {s.name: s for s in SchoolRecord.objects.select_related("township")}
    assert (
        rows["东岭镇九年一贯制学校"].level == "小初一体"
        and rows["东岭镇九年一贯制学校"].township == county.town_a
    )
    assert rows["东岭镇中心小学"].area == 18 and rows["西坪乡初级中学"].area is None
    assert {s.year for s in rows.values()} == {2020}
    record = LedgerImport.objects.get()
    assert record.sha256 == version.sha256 and record.created == 3 and "第1版" in record.filename
    assert (
        LogEntry.objects.get_for_object(rows["东岭镇中心小学"]).filter(action=LogEntry.Action.CREATE).exists()
    )
    assert LogEntry.objects.get_for_object(record).exists()
    again = client.post("/ledgers/schools/from-plan/", {"year": "2020", "item": ok})
    assert again.status_code == 302 and SchoolRecord.objects.count() == 3
    assert LedgerImport.objects.latest("pk").unchanged == 3
    assert "尚未写入台账" not in client.get("/ledgers/schools/").content.decode()


def test_only_county_administrators_and_only_their_county(
    client_for, users, county, plan_with_schools
) -> None:  # type: ignore[no-untyped-def]
    plan_with_schools.items.update(status=PlanItem.Status.CONFIRMED)
    plans.confirm_version(plan_with_schools, users["county_admin"])
    assert client_for(users["township_a"]).get("/ledgers/schools/from-plan/").status_code == 403
    assert (
        client_for(users["leader"]).post("/ledgers/schools/from-plan/", {"year": "2020"}).status_code == 403
    )
    other = Region(code="150000000000", name="外县", level="county", parent=None)
    other.save()
    from xiangcun.accounts.models import Role, User

    foreign = User.objects.create(username="other", role=Role.COUNTY_ADMIN, region=other)
    page = client_for(foreign).get("/ledgers/schools/from-plan/")
    assert page.status_code == 200 and "东岭镇中心小学" not in page.content.decode()


def test_jiaocheng_school_table_offers_its_schools(users, county) -> None:  # type: ignore[no-untyped-def]
    path = next(SEEDS.glob("002_*.txt"), None)
    if path is None:
        pytest.skip("交城 seed plan (002_*.txt) is not in ../shared/seeds")
    from xiangcun.ledgers.services import plan_schools

    for code, name in (("140000003000", "西营镇"), ("140000004000", "洪相乡")):
        Region(code=code, name=name, level="township", parent=county.county).save()
    _confirmed(path, county.county, users["county_admin"])
    offers = plan_schools(county.county)
    assert len(offers) == 19
    ready = [o for o in offers if o.ok]
    assert {o.row.township for o in ready} == {"西营", "洪相"}  # the townships this test county has
    assert len(ready) == 9 and all(o.row.area_mu is not None for o in ready)
