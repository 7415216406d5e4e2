"""A visit form sent twice (a double tap, a retry after a lost response) saves one visit: its one-time token
(`Visit.submission`) makes the resend land on the visit already saved, for a plain visit, 入户核实 completed
from a visit and a 回头看. Also: the case page carries the 防返贫监测 tab bar."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.households.test_visits import jpeg, login, photo, visit_data
from xiangcun.households import visits
from xiangcun.households.models import Case, CaseStep, Household, Visit, VisitPhoto

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def token_of(page: str) -> str:
    found = re.search(r'name="submission" value="([0-9a-f-]{36})"', page)
    assert found, "the visit form carries no submission token"
    return found.group(1)


def test_each_form_gets_its_own_token_and_a_page_with_errors_keeps_it(users, registry) -> None:  # type: ignore[no-untyped-def]
    client = login(users["village_a1"])
    url = reverse("households:visit_new", args=["A001"])
    first, second = token_of(client.get(url).content.decode()), token_of(client.get(url).content.decode())
    assert first != second
    refused = client.post(url, visit_data(findings="", submission=first))
    assert refused.status_code == 400 and token_of(refused.content.decode()) == first
    assert client.post(url, visit_data(submission=first)).status_code == 302  # the corrected form saves
    assert Visit.objects.get().submission == uuid.UUID(first)


def test_a_plain_visit_sent_again_is_saved_once_with_its_photos(users, registry) -> None:  # type: ignore[no-untyped-def]
    client = login(users["village_a1"])
    url = reverse("households:visit_new", args=["A001"])
    token = token_of(client.get(url).content.decode())
    first = client.post(
        url, {**visit_data(submission=token), "photos": [photo(), photo("二.jpg", jpeg(80, 60))]}
    )
    again = client.post(
        url, {**visit_data(submission=token), "photos": [photo(), photo("二.jpg", jpeg(80, 60))]}
    )
    visit = Visit.objects.get()
    assert first["Location"] == again["Location"] == reverse("households:visit", args=[visit.pk])
    assert VisitPhoto.objects.count() == 2
    shown = client.get(again["Location"]).content.decode()
    assert "重复提交的内容没有再次保存" in shown and "务工收入下降" in shown


def test_verification_from_a_visit_sent_again_records_one_visit_and_one_step(users, registry) -> None:  # type: ignore[no-untyped-def]
    client = login(users["village_a1"])
    client.post(reverse("households:case_open", args=["A001"]), {"channel": "基层干部排查", "note": "患病"})
    case = Case.objects.get()
    url = reverse("households:visit_new", args=["A001"]) + f"?case={case.pk}"
    token = token_of(client.get(url).content.decode())
    sent = {**visit_data(), "case": case.pk, "complete": "1", "reason": "筛查预警", "passed": "1",
            "step_key": "识别:0", "submission": token}  # fmt: skip
    first = client.post(url, {**sent, "photos": [photo()]})
    again = client.post(url, {**sent, "photos": [photo()]})
    visit = Visit.objects.get()
    assert first["Location"] == again["Location"] == reverse("households:visit", args=[visit.pk])
    assert case.steps.count() == 1 and visit.step is not None and VisitPhoto.objects.count() == 1
    assert "重复提交的内容没有再次保存" in client.get(again["Location"]).content.decode()


def test_a_recheck_sent_again_records_one_visit_one_recheck_and_one_new_case(users, registry) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    cleared = Case.objects.create(household=Household.objects.get(code="A001"), channel="筛查规则", phase="已消除",
                                  opened_at=today - 400 * DAY, step_started=today - 200 * DAY,
                                  cleared_at=today - 200 * DAY, recheck_on=today - 20 * DAY)  # fmt: skip
    client = login(users["village_a1"])
    url = reverse("households:visit_new", args=["A001"]) + f"?case={cleared.pk}"
    token = token_of(client.get(url).content.decode())
    sent = {**visit_data(kind="回头看", visited_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M")),
            "case": cleared.pk, "recheck": "risk", "risk": "家人重病，医疗支出大", "submission": token}  # fmt: skip
    first = client.post(url, sent)
    again = client.post(url, sent)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Visit.objects.count() == 1
    assert CaseStep.objects.filter(case=cleared, name="回头看").count() == 1
    assert Case.objects.filter(household__code="A001").exclude(pk=cleared.pk).count() == 1  # one new case


def test_two_sends_racing_past_the_first_lookup_meet_at_the_unique_token(
    users, registry, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The second send checked before the first had committed: the unique column stops it, and it lands
    on the first's visit, leaving no photo file behind."""
    household, user, token = Household.objects.get(code="A001"), users["village_a1"], uuid.uuid4()

    def send() -> Visit:
        return visits.record_visit(household, user, kind="入户核实", checked=[], findings="患病住院",
                                   visited_at=timezone.now(), uploads=[visits.Upload("a.jpg", jpeg(50, 50))],
                                   submission=token)  # fmt: skip

    saved = send()
    real = visits._earlier
    calls = {"n": 0}

    def blind_first(*args: object) -> Visit | None:  # the first lookup does not see the other send yet
        calls["n"] += 1
        return None if calls["n"] == 1 else real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(visits, "_earlier", blind_first)
    with pytest.raises(visits.AlreadySaved) as raised:
        send()
    assert raised.value.visit == saved
    assert Visit.objects.count() == 1 and VisitPhoto.objects.count() == 1


def test_a_token_from_another_households_visit_saves_nothing(users, registry) -> None:  # type: ignore[no-untyped-def]
    client = login(users["village_a1"])
    token = token_of(client.get(reverse("households:visit_new", args=["A001"])).content.decode())
    client.post(reverse("households:visit_new", args=["A001"]), visit_data(submission=token))
    other = client.post(reverse("households:visit_new", args=["A002"]), visit_data(submission=token))
    page = other.content.decode()
    assert other.status_code == 400 and "表单的标识无效" in page and "data-draft-fresh" in page
    assert token_of(page) != token  # a new token, so the corrected form can be saved
    assert list(Visit.objects.values_list("household__code", flat=True)) == ["A001"]


def test_the_case_page_has_the_monitoring_tab_bar(users, registry) -> None:  # type: ignore[no-untyped-def]
    client = login(users["village_a1"])
    client.post(reverse("households:case_open", args=["A001"]), {"channel": "基层干部排查", "note": "患病"})
    page = client.get(reverse("households:case", args=[Case.objects.get().pk])).content.decode()
    tabs = page[page.index('<nav class="tabs" aria-label="防返贫监测">') :]
    tabs = tabs[: tabs.index("</nav>")]
    for name in ("农户登记", "风险筛查", "统计"):
        assert name in tabs
    assert re.search(r'aria-current="page"\s*>监测对象', tabs)
