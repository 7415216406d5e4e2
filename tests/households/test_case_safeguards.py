"""Issue 16 items 7, 8 and 10 for cases: each step's facts, separation of duties, 村内公示, the
identification clock, names in the record, the facts behind the county's decision, and one count of
监测对象 on the home page and the inbox."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from tests.domain.households.factory import id_number
from tests.households.test_cases import DAY, login, post_step
from xiangcun.households.models import Case, CaseSettings, Household

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def new_case(code: str = "A001", **fields: object) -> Case:
    defaults: dict[str, object] = {"channel": "筛查规则", "rule_codes": ["INCOME_BELOW"],
                                   "step_started": TODAY, "opened_at": TODAY - 10 * DAY}  # fmt: skip
    return Case.objects.create(household=Household.objects.get(code=code), **{**defaults, **fields})


def test_verification_needs_reason_and_findings_and_keeps_what_was_typed(users, registry):  # type: ignore[no-untyped-def]
    case = new_case()
    village = login(users["village_a1"])
    url = reverse("households:case", args=[case.pk])
    response = village.post(url, {"action": "step", "passed": "1", "reason": "", "note": "家里老人住院"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请写明核实事由" in page and "家里老人住院</textarea>" in page  # error in Chinese, value kept
    case.refresh_from_db()
    assert case.step == 0 and not case.steps.exists()
    response = village.post(url, {"action": "step", "passed": "1", "reason": "农户申报", "note": ""})
    assert (
        "请写明入户核实的情况" in response.content.decode()
        and 'value="农户申报"' in response.content.decode()
    )
    assert post_step(village, case, "入户核实").status_code == 302
    case.refresh_from_db()
    step = case.steps.get()
    assert case.step == 1 and step.facts == {"reason": "筛查预警：收入低于监测标准"} and step.note


def test_village_meeting_needs_date_attendance_and_chair(users, registry):  # type: ignore[no-untyped-def]
    case = new_case(step=1)
    township = login(users["township_a"])
    response = post_step(township, case, "村内评议", attendance="", presider="", meeting_date="2030-01-01")
    page = response.content.decode()
    assert response.status_code == 400
    assert "评议日期不能晚于今天" in page and "请填写参会人数" in page and "请填写会议主持人" in page
    assert 'value="2030-01-01"' in page
    assert post_step(township, case, "村内评议").status_code == 302
    assert case.steps.get().facts == {
        "meeting_date": str(TODAY - 9 * DAY),
        "attendance": 21,
        "presider": "王支书",
    }


def test_one_account_cannot_verify_and_review_unless_the_county_allows_it(users, county, registry):  # type: ignore[no-untyped-def]
    """The defect: one account completed 入户核实 and 村内评议 a second apart."""
    case = new_case()
    village = login(users["village_a1"])
    post_step(village, case, "入户核实")
    response = post_step(village, case, "村内评议")
    assert response.status_code == 400 and "须由不同人员办理" in response.content.decode()
    case.refresh_from_db()
    assert case.step == 1
    # The county switches the rule off on the settings page; the change is audited.
    admin = login(users["county_admin"])
    form = {
        "year": 2025,
        "threshold": "",
        "publicity_days": "5",
        "identification_days": "15",
        "rules": ["HOUSING"],
    }
    assert admin.post(reverse("households:settings"), form).status_code == 302
    setting = CaseSettings.objects.get(county=county.county)
    assert not setting.separate_review and LogEntry.objects.get_for_object(setting).exists()
    assert post_step(village, case, "村内评议").status_code == 302


def test_county_may_require_different_people_for_every_step(users, county, registry):  # type: ignore[no-untyped-def]
    CaseSettings.objects.create(county=county.county, separate_all=True)
    case = new_case(step=2, publicity_start=TODAY - 8 * DAY, publicity_end=TODAY - 4 * DAY)
    township = login(users["township_a"])
    post_step(township, case, "村内公示")
    assert "须由不同人员办理" in post_step(township, case, "乡镇审核").content.decode()


def test_notice_lasts_five_days_records_objections_and_holds_the_case(users, registry):  # type: ignore[no-untyped-def]
    case = new_case(step=2)
    village = login(users["village_a1"])
    url = reverse("households:case", args=[case.pk])
    short = village.post(url, {"action": "notice", "start": str(TODAY), "end": str(TODAY + 3 * DAY)})
    assert short.status_code == 400 and "公示期不少于 5 天" in short.content.decode()
    assert (
        village.post(url, {"action": "notice", "start": str(TODAY), "end": str(TODAY + 4 * DAY)}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.publicity_end == TODAY + 4 * DAY
    page = village.get(url).content.decode()
    assert "公示中" in page
    early = village.post(
        url, {"action": "step", "passed": "1", "start": str(TODAY), "end": str(TODAY + 4 * DAY)}
    )
    assert early.status_code == 400 and "公示结束后才能办理下一步" in early.content.decode()
    # After the notice: an objection must say how it was handled, and both are recorded.
    Case.objects.filter(pk=case.pk).update(publicity_start=TODAY - 6 * DAY, publicity_end=TODAY - 2 * DAY)
    data = {"action": "step", "passed": "1", "start": str(TODAY - 6 * DAY), "end": str(TODAY - 2 * DAY),
            "objections": "邻居反映其家有小轿车"}  # fmt: skip
    missing = village.post(url, data)
    assert (
        "有异议时请写明核查和处理情况" in missing.content.decode()
        and "邻居反映其家有小轿车</textarea>" in missing.content.decode()
    )
    assert village.post(url, {**data, "handling": "核实为亲属车辆，异议不成立"}).status_code == 302
    case.refresh_from_db()
    assert case.step == 3
    page = village.get(url).content.decode()
    assert "异议情况：邻居反映其家有小轿车" in page and "异议处理情况：核实为亲属车辆，异议不成立" in page


def test_the_record_names_people_not_ids(users, registry):  # type: ignore[no-untyped-def]
    users["village_a1"].first_name = "李村干"
    users["village_a1"].save()
    case = new_case()
    post_step(login(users["village_a1"]), case, "入户核实")
    page = login(users["township_a"]).get(reverse("households:case", args=[case.pk])).content.decode()
    assert "办理人 李村干" in page and "核实事由：筛查预警" in page
    assert not re.search(r"办理人 \d", page)
    case = new_case("A002")
    post_step(login(users["township_a"]), case, "入户核实")
    assert (
        "办理人 town_a"
        in login(users["township_a"]).get(reverse("households:case", args=[case.pk])).content.decode()
    )


def test_the_county_decision_shows_the_household_facts(users, registry):  # type: ignore[no-untyped-def]
    case = new_case(step=4)
    page = login(users["county_admin"]).get(reverse("households:case", args=[case.pk])).content.decode()
    number = id_number("19800101", 1)
    assert "审定依据" in page and number not in page and number[:4] + "**********" + number[-4:] in page
    # A001's 2025 income (factory default) per member, formatted; the threshold year stated; rules in Chinese
    assert re.search(r"2025 年人均纯收入 <strong[^>]*>[\d,]+\.\d\d 元", page)
    assert "2025 年监测标准" in page and "INCOME_BELOW" not in page


def test_identification_clock_on_the_case_and_in_the_inbox(users, county, registry):  # type: ignore[no-untyped-def]
    on_time = new_case()
    late = new_case("A002", opened_at=TODAY - 20 * DAY)
    township = login(users["township_a"])
    page = township.get(reverse("households:case", args=[on_time.pk])).content.decode()
    assert "已用 10 天，剩余 5 天（时限 15 天）" in page
    page = township.get(reverse("households:case", args=[late.pk])).content.decode()
    assert 'class="text-bad">已用 20 天，超期 5 天' in page
    inbox = township.get(reverse("households:cases")).content.decode()
    assert '<span class="light bad">已用 20 天，超期 5 天' in inbox and "已用 10 天，剩余 5 天" in inbox
    assert inbox.index("A002") < inbox.index("A001")  # the late one first
    CaseSettings.objects.create(county=county.county, identification_days=30)
    assert (
        "剩余 10 天（时限 30 天）"
        in township.get(reverse("households:case", args=[late.pk])).content.decode()
    )
    assert (
        "已用 20 天，剩余 10 天（时限 30 天）" in township.get(reverse("households:cases")).content.decode()
    )


def test_home_and_inbox_count_monitored_households_alike(users, registry):  # type: ignore[no-untyped-def]
    """The defect: 12 监测帮扶中 on the home page, 8 on 监测对象 (the home counted 帮扶 + 消除)."""
    new_case("A001", phase="帮扶")
    new_case("A002", phase="消除", step=1)
    client = login(users["county_admin"])
    home = client.get(reverse("home")).content.decode()
    inbox = client.get(reverse("households:cases")).content.decode()
    card = '<div class="figure">2</div><div class="label">监测对象（帮扶中和消除审核中）</div>'
    assert card in home and card in inbox
    listed = client.get(reverse("households:cases"), {"phase": "监测对象"}).content.decode()
    assert "A001" in listed and "A002" in listed


def test_another_township_gets_404_for_steps_and_notices(users, registry):  # type: ignore[no-untyped-def]
    case = new_case("B001", step=2)
    other = login(users["township_a"])
    url = reverse("households:case", args=[case.pk])
    assert (
        other.post(url, {"action": "notice", "start": str(TODAY), "end": str(TODAY + 4 * DAY)}).status_code
        == 404
    )
    assert post_step(other, case, "村内公示").status_code == 404
    assert other.get(reverse("households:cases"), {"phase": "识别"}).content.decode().count("B001") == 0
    case.refresh_from_db()
    assert case.publicity_end is None and case.step == 2


def test_settings_keep_thresholds_by_year_and_validate_the_procedure(users, county, registry):  # type: ignore[no-untyped-def]
    admin = login(users["county_admin"])
    url = reverse("households:settings")
    page = admin.get(url).content.decode()
    assert "省级按年度确定" in page and "低保标准的 2 倍" in page and "（INCOME_BELOW）" not in page
    form = {"publicity_days": "5", "identification_days": "15", "rules": ["HOUSING"]}
    admin.post(url, {**form, "year": 2024, "threshold": "8,400", "basis": "省通知：低保标准 4200 元的 2 倍"})
    admin.post(url, {**form, "year": 2025, "threshold": "9000"})
    page = admin.get(url, {"year": 2024}).content.decode()
    assert "8,400.00" in page and "9,000.00" in page and "省通知：低保标准 4200 元的 2 倍" in page
    bad = admin.post(url, {**form, "year": 2025, "threshold": "9500", "publicity_days": "3"})
    assert bad.status_code == 400 and "公示期不得少于 5 天" in bad.content.decode()
    assert 'value="9500"' in bad.content.decode()  # kept
    screening = admin.get(reverse("households:screening"), {"year": 2024}).content.decode()
    assert "采用本县 2024 年监测标准 8,400.00 元/人·年（依据：省通知：低保标准 4200 元的 2 倍）" in screening
    assert login(users["township_a"]).get(url).status_code == 403


def test_demo_cases_follow_the_procedure(db):  # type: ignore[no-untyped-def]
    import io

    from django.core.management import call_command

    from xiangcun.domain.households import cases as flow

    call_command("demo", "--villages", "12", "--households", "400", "--quiet", stdout=io.StringIO())
    cases = Case.objects.prefetch_related("steps")
    assert {c.phase for c in cases} == {"识别", "帮扶", "消除", "已消除", "未纳入"}
    for case in cases:
        by_name = {s.name: s for s in case.steps.all()}
        for s in case.steps.all():
            if s.name == flow.RECHECK:  # the 回头看 of a household cleared long ago: after its clearing
                assert (
                    case.phase == "已消除" and s.passed and case.cleared_at < TODAY - dt.timedelta(days=180)
                )
                continue
            flow.check_step(s.name, s.passed, s.note, s.facts, TODAY, opened=case.opened_at)
        if "村内评议" in by_name:
            assert by_name["村内评议"].actor_id != by_name["入户核实"].actor_id
        if case.phase == "识别" and case.step > 2:
            assert flow.parse_date(by_name["村内公示"].facts["end"]) < TODAY
    assert cases.filter(
        steps__name=flow.RECHECK
    ).exists()  # the scorecard's 回头看 item has something to count
