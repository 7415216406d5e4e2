"""The monitoring case workflow through the pages: open, four steps, measures, elimination refused or allowed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xiangcun.households.models import Case, Household

pytestmark = pytest.mark.django_db


DAY = dt.timedelta(days=1)


def facts(step: str, today: dt.date) -> dict[str, str]:
    """What each step needs to pass, for a case opened ten days before `today`."""
    return {
        "入户核实": {"reason": "筛查预警：收入低于监测标准", "note": "入户看过，务工收入下降"},
        "村内评议": {"meeting_date": str(today - 9 * DAY), "attendance": "21", "presider": "王支书"},
        "村内公示": {"start": str(today - 8 * DAY), "end": str(today - 4 * DAY), "objections": ""},
        "乡镇审核": {"note": "同意"},
        "县级审定": {"note": "同意纳入", "category": "边缘易致贫户", "causes": ["因病"]},
    }[step]


def post_step(client, case: Case, step: str, passed: bool = True, **extra: object):  # type: ignore[no-untyped-def]
    data = {"action": "step", "passed": "1" if passed else "0", **facts(step, dt.date.today()), **extra}
    return client.post(reverse("households:case", args=[case.pk]), data)


def login(user):  # type: ignore[no-untyped-def]
    from django.test import Client

    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def ten_days_old(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(opened_at=dt.date.today() - 10 * DAY)
    case.refresh_from_db()


def test_identification_to_assistance(client_for, users, county, registry):  # type: ignore[no-untyped-def]
    village, township, county_admin = (login(users[k]) for k in ("village_a1", "township_a", "county_admin"))
    response = township.post(
        reverse("households:case_open", args=["A001"]), {"channel": "基层干部排查", "note": "患病"}
    )
    case = Case.objects.get()
    assert response.url == reverse("households:case", args=[case.pk])
    ten_days_old(case)
    url = reverse("households:case", args=[case.pk])
    # 核实 by the village, 评议 by someone else (the county's default), 公示, then the township.
    for client, step in (
        (village, "入户核实"),
        (township, "村内评议"),
        (village, "村内公示"),
        (township, "乡镇审核"),
    ):
        assert post_step(client, case, step).status_code == 302, step
    # A township admin cannot take the county's decision.
    post_step(township, case, "县级审定")
    case.refresh_from_db()
    assert case.phase == "识别" and case.step == 4
    assert post_step(county_admin, case, "县级审定", category="").status_code == 400  # no category: refused
    case.refresh_from_db()
    assert case.step == 4
    post_step(county_admin, case, "县级审定")
    case.refresh_from_db()
    assert (case.phase, case.category, case.causes) == ("帮扶", "边缘易致贫户", ["因病"])
    assert [s.name for s in case.steps.all()] == ["入户核实", "村内评议", "村内公示", "乡镇审核", "县级审定"]
    township.post(url, {"action": "measure", "name": "产业帮扶"})
    assert (
        case.measures.get().department == county.agriculture
    )  # the catalog's usual department, in this county
    page = township.get(url).content.decode()
    assert "帮扶措施实施不足 180 天" in page  # too early to clear
    case.measures.update(started=dt.date(2024, 1, 1))
    township.post(url, {"action": "eliminate"})
    case.refresh_from_db()
    assert case.phase == "消除" and case.publicity_start is None
    for client, step in ((village, "入户核实"), (township, "村内评议"), (village, "村内公示"), (township, "乡镇审核"),
                         (county_admin, "县级审定")):  # fmt: skip
        assert post_step(client, case, step).status_code == 302, step
    case.refresh_from_db()
    assert case.phase == "已消除" and case.recheck_on is not None


def test_a_household_without_labour_is_never_cleared(client_for, users, registry):  # type: ignore[no-untyped-def]
    hh = Household.objects.get(code="A002")
    case = Case.objects.create(household=hh, channel="筛查规则", phase="帮扶", step_started=dt.date(2024, 1, 1),
                               opened_at=dt.date(2024, 1, 1))  # fmt: skip
    case.measures.create(name="特困供养", started=dt.date(2024, 1, 1))
    url = reverse("households:case", args=[case.pk])
    assert client_for(users["leader"]).post(url, {"action": "eliminate"}).status_code == 403  # read-only role
    client = client_for(users["township_a"])
    assert "整户无劳动力" in client.get(url).content.decode()
    client.post(url, {"action": "eliminate"})
    case.refresh_from_db()
    assert case.phase == "帮扶"


def test_cases_of_another_township_are_404(client_for, users, registry):  # type: ignore[no-untyped-def]
    other = Case.objects.create(household=Household.objects.get(code="B001"), channel="筛查规则",
                                step_started=dt.date(2026, 1, 1), opened_at=dt.date(2026, 1, 1))  # fmt: skip
    client = client_for(users["township_a"])
    assert client.get(reverse("households:case", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("households:case_open", args=["B001"]), {"channel": "筛查规则"}).status_code
        == 404
    )
    assert "B001" not in client.get(reverse("households:cases")).content.decode()


def test_overdue_steps_are_listed_first(client_for, users, registry):  # type: ignore[no-untyped-def]
    Case.objects.create(household=Household.objects.get(code="A001"), channel="农户自主申报",
                        step_started=dt.date(2020, 1, 1), opened_at=dt.date(2020, 1, 1))  # fmt: skip
    page = client_for(users["township_a"]).get(reverse("households:cases")).content.decode()
    assert "超期" in page and "入户核实" in page


def test_statistics_monthly_report_and_settings(client_for, users, registry):  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    from xiangcun.households.models import MonitoringThreshold, RuleSetting

    Case.objects.create(household=Household.objects.get(code="A001"), channel="筛查规则", phase="帮扶", category="边缘易致贫户",
                        causes=["因病"], step_started=dt.date(2026, 1, 1), opened_at=dt.date(2026, 1, 1))  # fmt: skip
    Case.objects.create(household=Household.objects.get(code="B001"), channel="筛查规则", phase="帮扶",
                        step_started=dt.date(2026, 1, 1), opened_at=dt.date(2026, 1, 1))  # fmt: skip
    township = client_for(users["township_a"])
    page = township.get(reverse("households:statistics")).content.decode()
    assert "甲镇" in page and "乙乡" not in page and "因病：1" in page
    report = openpyxl.load_workbook(io.BytesIO(township.get(reverse("households:monthly_report")).content))
    assert [c.value for c in report["分乡镇统计"][2]][:3] == ["甲镇", 0, 1]
    assert township.get(reverse("households:settings")).status_code == 403
    county = client_for(users["county_admin"])
    county.post(reverse("households:settings"), {"year": 2025, "threshold": "5000", "rules": ["HOUSING"]})
    assert not MonitoringThreshold.objects.exists()  # below 1.5 × the poverty line: refused
    county.post(reverse("households:settings"), {"year": 2025, "threshold": "6500", "rules": ["HOUSING"]})
    assert float(MonitoringThreshold.objects.get().value) == 6500
    assert (
        RuleSetting.objects.get(code="WATER").enabled is False
        and RuleSetting.objects.get(code="HOUSING").enabled
    )


def test_a_measure_department_must_be_of_the_households_county(client_for, users, county, registry):  # type: ignore[no-untyped-def]
    from xiangcun.departments.models import Department
    from xiangcun.regions.models import Region

    elsewhere = Region.objects.create(code="150000000000", name="外县", level="county", parent=None)
    foreign = Department.objects.create(region=elsewhere, name="外县农业农村局")
    case = Case.objects.create(household=Household.objects.get(code="A001"), channel="筛查规则", phase="帮扶",
                               step_started=dt.date(2024, 1, 1), opened_at=dt.date(2024, 1, 1))  # fmt: skip
    url = reverse("households:case", args=[case.pk])
    client = client_for(users["township_a"])
    page = client.get(url).content.decode()
    assert county.education.name in page and "外县农业农村局" not in page  # only this county's are offered
    refused = client.post(url, {"action": "measure", "name": "产业帮扶", "department": foreign.pk})
    assert refused.status_code == 400 and "不是本县的部门" in refused.content.decode()
    assert not case.measures.exists()
    client.post(url, {"action": "measure", "name": "教育资助", "department": county.education.pk})
    assert case.measures.get().department == county.education
