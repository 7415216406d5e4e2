"""Village classes as a disaggregation: per class against the villages in no list, the figures that exist per
village (monitored households per 1 000 people, the toilet ledger's share of households, project money per
village); the index page says in one line why it is not split by class."""

from __future__ import annotations

from decimal import Decimal

from xiangcun.households.models import Case, Household
from xiangcun.ledgers.models import ToiletRecord
from xiangcun.projects.models import Project
from xiangcun.regions.models import Region


def test_summary_compares_each_class_with_villages_in_no_list(client_for, users, county, plan) -> None:  # type: ignore[no-untyped-def]
    unlisted = Region(
        code="140000002202", name="乙二村", level="village", parent=county.town_b, population=500
    )
    unlisted.save()
    Region.objects.filter(depth=5).update(households=100)
    h = Household.objects.create(
        code="H1", village=county.village_a1, head_name="张三", household_type="一般农户", housing_grade="A"
    )
    Case.objects.create(household=h, channel="农户自主申报", phase="帮扶", step_started="2025-01-01",
                        opened_at="2025-01-01")  # fmt: skip
    for name, use, accepted in (
        ("甲", "正常使用", "2024-06-01"),
        ("乙", "正常使用", None),
        ("丙", "闲置", "2024-06-01"),
    ):
        ToiletRecord.objects.create(county=county.county, village=county.village_a1, name=name, key=name, year=2024,
                                    model="三格式", use_status=use, county_date=accepted)  # fmt: skip
    ToiletRecord.objects.create(county=county.county, village=unlisted, name="丁", key="丁", year=2024,
                                model="三格式", use_status="正常使用", county_date="2024-06-01")  # fmt: skip
    for code, village, amount, status in (("P1", county.village_a1, "120", "in_progress"),
                                          ("P2", county.village_b1, "60", "accepted"),
                                          ("P3", county.village_a1, "999", "reserve")):  # fmt: skip
        Project.objects.create(county=county.county, code=code, name=code, project_type="industry", region=village,
                               year=2024, total_investment=Decimal(amount), status=status)  # fmt: skip

    page = client_for(users["county_admin"]).get("/villages/")
    summary = {s["name"]: s for s in page.context["summary"]}
    demo = summary["先行示范村"]  # 甲一村 (1 500 people) and 乙一村 (1 300)
    assert demo["villages"] == 2 and demo["monitored_per_1000"] == round(1000 / 2800, 2)
    assert (
        demo["toilet_share"] == 0.5
    )  # one accepted and in use of 200 households: 乙 is not accepted, 丙 idle
    assert demo["investment_per_village"] == Decimal("90.00")  # (120 + 60) / 2; the 储备 project left out
    other = summary["（不在任何名单）"]
    assert (other["villages"], other["monitored_per_1000"], other["toilet_share"]) == (1, 0.0, 1.0)
    assert other["investment_per_village"] == Decimal("0.00")
    text = page.content.decode()
    assert "每千人监测对象户" in text and "村均项目投资" in text and "0.36" in text
    home = client_for(users["county_admin"]).get("/").content.decode()
    assert (
        "先行示范村 · 监测对象 1 户 · 每千人 0.36 户" in home
        and "不在任何名单的村 · 监测对象 0 户 · 每千人 0.0 户" in home
    )
    township_b = client_for(users["township_b"]).get("/villages/").context["summary"]
    assert {s["name"]: s["villages"] for s in township_b}["先行示范村"] == 1  # its own villages only


def test_the_index_page_says_why_it_is_not_split_by_class(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get("/indicators/index/").content.decode()
    assert "不按村庄类别" in page and "没有村级数值" in page
