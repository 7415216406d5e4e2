"""Query counts of the main pages on a small demo county, so a page that starts querying per row shows up.

The limits are the counts measured when these were written plus a little room; a page over its limit
has started to query per row (or per village, per target …) and should be fixed, not the limit raised.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from xiangcun.accounts.models import User
from xiangcun.domain.demo import COUNTY_CODE
from xiangcun.households.models import Case, Household

pytestmark = pytest.mark.django_db

# (role, url, most queries allowed)
PAGES = [
    ("county", "/", 30),
    ("county", "/indicators/", 20),
    ("county", "/indicators/dashboard/", 30),
    ("county", "/indicators/index/", 40),
    ("county", "/indicators/review/", 25),
    ("nongye", "/indicators/report/", 30),
    ("county", "/plans/", 20),
    ("county", "/households/", 20),
    # the first view computes and keeps the result: the screening statement's settings (PostgreSQL) and the
    # stored result's stamp bookkeeping are a fixed dozen queries, whatever the county's size
    ("county", "/households/screening/", 30),
    ("county", "/households/cases/", 25),
    ("county", "/households/statistics/", 25),
    ("village", "/households/", 20),
    ("county", "/medical/", 20),
    ("county", "/projects/", 25),
    ("county", "/assets/", 25),
    ("county", "/tasks/", 25),
    ("county", "/tasks/supervision/", 40),
    ("county", "/tasks/scorecards/", 25),
    ("county", "/tasks/scorecards/?kind=township", 30),
    ("county", "/tasks/scorecards/?kind=township&w_targets=10", 30),
    ("county", "/ledgers/toilets/progress/", 45),
    ("leader", "/", 30),
]


@pytest.fixture
def demo(db) -> None:  # type: ignore[no-untyped-def]
    call_command("demo", "--villages", "12", "--households", "150", "--quiet", stdout=io.StringIO())


def test_main_pages_stay_within_their_query_counts(demo, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.order_by("code").first()
    case = Case.objects.order_by("pk").first()
    own = (
        Household.objects.filter(village=User.objects.get(username="village").region).order_by("code").first()
    )
    pages = [
        *PAGES,
        ("county", f"/households/{household.code}/", 30),
        ("county", f"/households/cases/{case.pk}/", 35),
        ("village", f"/households/{own.code}/visit/", 25),
        ("county", f"/regions/{COUNTY_CODE}/", 20),
    ]
    clients: dict[str, Client] = {}
    for role, url, limit in pages:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(
                User.objects.get(username=role), backend="django.contrib.auth.backends.ModelBackend"
            )
        with django_assert_max_num_queries(limit, info=f"{role} {url}"):
            response = clients[role].get(url)
        assert response.status_code == 200, (role, url, response.status_code)
