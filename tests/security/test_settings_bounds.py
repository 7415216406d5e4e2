"""One absurd setting can neither be saved nor, if stored anyway, break a page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from xiangcun.domain.households.screening import ThresholdError, check_threshold
from xiangcun.households.models import MonitoringThreshold

pytestmark = pytest.mark.django_db

PAGES = ("households:settings", "households:screening", "households:registry", "households:statistics")


@pytest.mark.parametrize("value", [100000000, 1e12, 100001])
def test_a_threshold_far_above_the_line_is_refused(value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ThresholdError, match="倍"):
        check_threshold(value, 2025)


def test_two_times_dibao_is_accepted() -> None:
    check_threshold(2 * 7800, 2025)  # 2 × a province's 农村低保标准 is well above 1.5 × the line


@pytest.mark.parametrize("year", [0, 1899, 99999999999999999999])
def test_a_threshold_for_an_absurd_year_is_refused(year) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ThresholdError, match="年度"):
        check_threshold(7000, year)


def test_saving_100_million_is_a_form_error_and_pages_keep_working(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    response = client.post(reverse("households:settings"), {"year": "2025", "threshold": "100000000"})
    assert response.status_code == 400 and "超过国家扶贫标准" in response.content.decode()
    assert not MonitoringThreshold.objects.exists()
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_an_absurd_stored_value_breaks_no_page_and_can_be_corrected(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    MonitoringThreshold.objects.create(region=county.county, year=2025, value=7000)
    table = MonitoringThreshold._meta.db_table
    with connection.cursor() as cursor:  # what an old version or a hand edit may have left behind
        if connection.vendor == "sqlite":
            cursor.execute(f"UPDATE {table} SET value = 100000000")
        else:
            cursor.execute(f"UPDATE {table} SET value = 99999999.99")
    client = client_for(users["county_admin"])
    for name in PAGES:
        for query in ("", "?year=2025"):
            response = client.get(reverse(name) + query)
            assert response.status_code == 200, (name, query)
    assert "无效" in client.get(reverse("households:settings") + "?year=2025").content.decode()
    response = client.post(
        reverse("households:settings"), {"year": "2025", "threshold": "9000", "basis": "省定"}
    )
    assert response.status_code == 302
    assert float(MonitoringThreshold.objects.get().value) == 9000
