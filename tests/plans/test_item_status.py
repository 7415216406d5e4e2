"""A plan item's status is one of its three values: anything else is refused with a Chinese message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiangcun.plans import services
from xiangcun.plans.models import PlanItem

from .test_review import fake_reader  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("fake_reader")
@pytest.mark.parametrize("status", ["approved-by-me", "", "甲" * 1000, "CONFIRMED"])
def test_an_arbitrary_status_is_refused_and_not_stored(client_for, users, county, status) -> None:  # type: ignore[no-untyped-def]
    item = services.import_plan(b"doc", "plan.docx", None, county.county).items.first()
    response = client_for(users["county_admin"]).post(
        reverse("plans:item_status", args=[item.pk]), {"status": status}, follow=True
    )
    assert response.status_code == 200 and "条目状态只能是" in response.content.decode()
    item.refresh_from_db()
    assert item.status == PlanItem.Status.PENDING


@pytest.mark.usefixtures("fake_reader")
def test_a_listed_status_is_stored(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    item = services.import_plan(b"doc", "plan.docx", None, county.county).items.first()
    client_for(users["county_admin"]).post(
        reverse("plans:item_status", args=[item.pk]), {"status": "rejected"}
    )
    item.refresh_from_db()
    assert item.status == PlanItem.Status.REJECTED
