"""回头看 of cleared households: recorded from the visit page (who, when, findings, stable or not), shown on the
case page, counted in the township scorecard's 风险消除户回头看 item; a risk found puts the household back under
monitoring. Another township's case is out of reach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiangcun.domain.households import cases as flow
from xiangcun.households import cases as case_services
from xiangcun.households.models import Case, CaseStep, Household, Visit
from xiangcun.tasks import selectors

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 8, 1)


def login(user):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


@pytest.fixture
def cleared(county):  # type: ignore[no-untyped-def]
    """A case in 甲一村 cleared on 1 Feb 2026, 回头看 due 1 July 2026; one in 乙一村 likewise."""

    def make(code: str, village: object) -> Case:
        household = Household.objects.create(code=code, village=village, head_name="户主", household_type="脱贫户",
                                             housing_grade="A")  # fmt: skip
        return Case.objects.create(household=household, channel="筛查规则", phase=flow.CLEARED,
                                   step_started=dt.date(2026, 2, 1), opened_at=dt.date(2025, 9, 1),
                                   cleared_at=dt.date(2026, 2, 1), recheck_on=dt.date(2026, 7, 1))  # fmt: skip

    return {"a": make("RA1", county.village_a1), "b": make("RB1", county.village_b1)}


@pytest.fixture(autouse=True)
def _today(monkeypatch):  # type: ignore[no-untyped-def]
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, *a: TODAY if value is None else real(value, *a)
    )


def visit(client, case: Case, **extra: str):  # type: ignore[no-untyped-def]
    data = {"case": case.pk, "kind": "回头看", "visited_at": "2026-07-20T10:00",
            "findings": "务工收入稳定，子女在校，住房饮水安全", **extra}  # fmt: skip
    return client.post(reverse("households:visit_new", args=[case.household.code]), data)


def township_line(county) -> dict:  # type: ignore[no-untyped-def]
    rows = {r["unit"]: r for r in selectors.scorecards(county.county, 2026, "township", today=TODAY)}
    return next(line for line in rows["甲镇"]["lines"] if line["code"] == "rechecks")


def test_a_stable_recheck_is_recorded_shown_and_scored(county, users, cleared):  # type: ignore[no-untyped-def]
    assert township_line(county)["score"] == 0.0  # due on 1 July, not done
    case = cleared["a"]
    page = login(users["village_a1"]).get(reverse("households:case", args=[case.pk])).content.decode()
    assert "回头看已到期（2026-07-01），尚未登记" in page
    response = visit(login(users["village_a1"]), case, recheck="stable")
    assert response.status_code == 302
    step = CaseStep.objects.get(case=case, name="回头看")
    assert (step.passed, step.actor, step.facts["date"], step.facts["result"]) == (
        True, users["village_a1"], "2026-07-20", "稳定，无返贫风险",
    )  # fmt: skip
    assert Visit.objects.get().step == step
    page = login(users["township_a"]).get(reverse("households:case", args=[case.pk])).content.decode()
    assert "已回头看 1 次，最近一次 2026-07-20：稳定，无返贫风险" in page
    assert "回头看：稳定，无返贫风险" in page and "务工收入稳定" in page
    line = township_line(county)
    assert line["score"] == 100.0 and "到期回头看 1 项，已完成 1 项" in line["explanation"]


def test_a_risk_found_puts_the_household_back_under_monitoring(county, users, cleared):  # type: ignore[no-untyped-def]
    case = cleared["a"]
    client = login(users["township_a"])
    missing = visit(client, case, recheck="risk")
    assert missing.status_code == 400 and "发现返贫风险时请写明是什么风险" in missing.content.decode()
    assert not Visit.objects.exists() and not CaseStep.objects.exists()
    assert visit(client, case, recheck="risk", risk="户主重病住院，医疗支出大").status_code == 302
    assert CaseStep.objects.get(case=case, name="回头看").passed is False
    reopened = Case.objects.get(household=case.household, phase=flow.IDENTIFYING)
    assert reopened.channel == "基层干部排查" and "户主重病住院" in reopened.note
    page = client.get(reverse("households:case", args=[case.pk])).content.decode()
    assert reverse("households:case", args=[reopened.pk]) in page and "发现返贫风险" in page
    assert township_line(county)["score"] == 100.0  # the recheck was done; what it found is another matter


def test_only_a_cleared_case_and_only_a_real_date(county, users, cleared):  # type: ignore[no-untyped-def]
    case = cleared["a"]
    client = login(users["village_a1"])
    early = visit(client, case, recheck="stable", visited_at="2026-01-15T10:00")
    assert early.status_code == 400 and "不能早于风险消除日期" in early.content.decode()
    Case.objects.filter(pk=case.pk).update(phase=flow.ASSISTING)
    case.refresh_from_db()
    with pytest.raises(flow.CaseError, match="只有风险已消除的农户才做回头看"):
        case_services.record_recheck(case, users["village_a1"], True, "稳定")
    with pytest.raises(flow.CaseError, match="回头看由村、乡镇或县级工作人员办理"):
        case_services.record_recheck(cleared["b"], users["leader"], True, "稳定")
    assert not CaseStep.objects.exists()


def test_another_townships_case_is_out_of_reach(county, users, cleared):  # type: ignore[no-untyped-def]
    other = cleared["b"]
    client = login(users["township_a"])
    assert visit(client, other, recheck="stable").status_code == 404
    assert client.get(reverse("households:case", args=[other.pk])).status_code == 404
    assert not CaseStep.objects.exists()
