"""`require_county`: one rule for every county-only page — 403 for a user who is not county-level and for a
county-level account without a county; the county admin gets the page for their own county."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiangcun.accounts.models import Role, User

# County-only pages that answer GET (the POST-only ones share the same guard).
PAGES = [
    "ledgers:toilet_settings",
    "ledgers:school_settings",
    "ledgers:schools_from_plan",
    "ledgers:new",
    "tasks:upload",
    "tasks:settings",
    "assets:settings",
    "projects:plan_projects",
]
POST_ONLY = ["ledgers:publish_coverage", "tasks:from_plan"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_county_admin_gets_the_page(users, client_for, name: str) -> None:  # type: ignore[no-untyped-def]
    assert client_for(users["county_admin"]).get(reverse(name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES + POST_ONLY)
@pytest.mark.parametrize("who", ["township_a", "village_a1", "department_reporter", "leader"])
def test_other_roles_are_refused_with_403(users, client_for, name: str, who: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users[who])
    response = client.post(reverse(name)) if name in POST_ONLY else client.get(reverse(name))
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES + POST_ONLY)
def test_county_admin_without_a_county_is_refused_with_403(county, client_for, name: str) -> None:  # type: ignore[no-untyped-def]
    """A misconfigured account (county role, no region) is refused, not shown a 404 as if the page were missing."""
    orphan = User.objects.create(username="orphan", role=Role.COUNTY_ADMIN, region=None)
    client = client_for(orphan)
    response = client.post(reverse(name)) if name in POST_ONLY else client.get(reverse(name))
    assert response.status_code == 403
    assert "没有所属的县" in response.content.decode()
