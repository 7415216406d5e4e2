"""Lost updates and double actions: of two requests sent at the same moment, one succeeds and the other is told
in Chinese; nothing is applied twice. The concurrent tests run the two requests in threads on PostgreSQL (SQLite
serialises every write, so it cannot show the race); the sequential versions run on both databases."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.households.models import Case, CaseStep
from xiangcun.households.services import import_households
from xiangcun.indicators.models import Indicator, Observation
from xiangcun.indicators.services import ensure_national
from xiangcun.regions.models import Region

pytestmark = pytest.mark.django_db(transaction=True)
concurrent = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite serialises writes: two requests cannot overlap there; the race is shown on PostgreSQL",
)


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each thread has its own database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 — reported to the test
            results[i] = exc
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def region_post(c: Client, region: Region, name: str, version: str) -> Any:
    return c.post(
        reverse("regions:edit", args=[region.code]),
        {"name": name, "population": region.population or "", "households": "", "version": version},
    )


def region_edits(county, users, run) -> None:  # type: ignore[no-untyped-def]
    region = county.village_a1
    version = Region.objects.get(pk=region.pk).updated_at.isoformat()
    a, b = client(users["county_admin"]), client(users["county_admin"])
    responses = run(
        lambda: region_post(a, region, "甲一村（改A）", version),
        lambda: region_post(b, region, "甲一村（改B）", version),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes in ([200, 302], [302, 409]), codes  # refused by the form's check, or by the lock at save
    refused = next(r for r in responses if r.status_code != 302)
    assert "已被他人修改" in refused.content.decode()
    assert Region.objects.get(pk=region.pk).name in ("甲一村（改A）", "甲一村（改B）")
    updates = LogEntry.objects.filter(object_pk=str(region.pk), action=LogEntry.Action.UPDATE)
    assert updates.filter(content_type__model="region").count() == 1


def sequential(*calls: Callable[[], Any]) -> list[Any]:
    return [call() for call in calls]


def test_two_edits_of_a_region_one_after_the_other(county, users) -> None:  # type: ignore[no-untyped-def]
    region_edits(county, users, sequential)


@concurrent
def test_two_simultaneous_edits_of_a_region(county, users) -> None:  # type: ignore[no-untyped-def]
    region_edits(county, users, at_once)


def reviews(county, users, run, actions: tuple[dict[str, str], dict[str, str]]) -> None:  # type: ignore[no-untyped-def]
    ensure_national()
    indicator = Indicator.objects.order_by("code").first()
    obs = Observation.objects.create(
        indicator=indicator, region=county.town_a, year=2024, value=70, status="submitted"
    )
    a, b = client(users["county_admin"]), client(users["county_admin"])
    url = reverse("indicators:review_one", args=[obs.pk])
    run(lambda: a.post(url, actions[0], follow=True), lambda: b.post(url, actions[1], follow=True))
    obs.refresh_from_db()
    assert obs.status in ("approved", "returned")
    changes = LogEntry.objects.filter(content_type__model="observation", object_pk=str(obs.pk), action=1)
    assert changes.count() == 1
    pages = [a.get(reverse("indicators:review")), b.get(reverse("indicators:review"))]
    assert pages[0].status_code == pages[1].status_code == 200


APPROVE, RETURN = {"action": "approve"}, {"action": "return", "reason": "请附佐证"}


def test_a_second_review_is_refused(county, users) -> None:  # type: ignore[no-untyped-def]
    reviews(county, users, sequential, (APPROVE, APPROVE))


@concurrent
@pytest.mark.parametrize(
    "actions", [(APPROVE, APPROVE), (APPROVE, RETURN)], ids=["two-approvals", "approve-and-return"]
)
def test_simultaneous_reviews_apply_once(county, users, actions) -> None:  # type: ignore[no-untyped-def]
    reviews(county, users, at_once, actions)


def open_case(county, users) -> Case:  # type: ignore[no-untyped-def]
    data = workbook([household("A001")], [member("A001", id_number("19800101", 1))], [finance("A001", 2025)])
    assert import_households(data, "r.xlsx").ok
    client(users["township_a"]).post(
        reverse("households:case_open", args=["A001"]), {"channel": "基层干部排查", "note": "患病"}
    )
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(opened_at=dt.date.today() - dt.timedelta(days=10))
    return case


def step_posts(case: Case, users, run, passed: tuple[str, str]) -> list[Any]:  # type: ignore[no-untyped-def]
    fresh = Case.objects.get(pk=case.pk)
    key = f"{fresh.phase}:{fresh.step}"
    url = reverse("households:case", args=[case.pk])
    a, b = client(users["village_a1"]), client(users["village_a1"])

    def post(c: Client, ok: str) -> Any:
        return c.post(url, {"action": "step", "step_key": key, "passed": ok, "reason": "筛查预警：收入低于监测标准",
                            "note": "入户看过，务工收入下降"})  # fmt: skip

    return run(lambda: post(a, passed[0]), lambda: post(b, passed[1]))


def test_a_double_click_records_the_step_once_not_the_next_one_too(county, users) -> None:  # type: ignore[no-untyped-def]
    case = open_case(county, users)
    responses = step_posts(case, users, sequential, ("1", "1"))
    assert responses[0].status_code == 302 and responses[1].status_code in (200, 400, 409)
    assert "已经办理" in responses[1].content.decode()
    assert CaseStep.objects.filter(case=case).count() == 1


@concurrent
@pytest.mark.parametrize("passed", [("1", "1"), ("1", "0")], ids=["double-click", "pass-and-decline"])
def test_simultaneous_steps_record_once(county, users, passed) -> None:  # type: ignore[no-untyped-def]
    case = open_case(county, users)
    responses = step_posts(case, users, at_once, passed)
    refused = [r for r in responses if r.status_code != 302]
    assert len(refused) == 1 and refused[0].status_code in (200, 400, 409)
    assert "已经办理" in refused[0].content.decode()
    assert CaseStep.objects.filter(case=case).count() == 1
