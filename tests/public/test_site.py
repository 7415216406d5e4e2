"""The public site: no login, aggregates only, never personal data; `publish` writes the same pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.assets.conftest import MEMBER_ID, MEMBER_NAME
from xiangcun.assets.models import AssetIncome, Distribution
from xiangcun.households.models import Household
from xiangcun.indicators.models import Indicator, Observation, Target
from xiangcun.indicators.services import ensure_national

pytestmark = pytest.mark.django_db

PAGES = ("index.html", "funds.html", "progress.html", "assets.html", "income.html", "targets.html")


@pytest.fixture
def site(county, households, assets):  # type: ignore[no-untyped-def]
    """A county with everything the site shows, and personal data planted where a leak would come from."""
    income = AssetIncome.objects.create(asset=assets["a"], year=2024, amount=Decimal("10000.00"))
    Distribution.objects.create(income=income, use="巩固帮扶", amount=Decimal("600.00"), basis="公益性岗位",
                                work=f"{MEMBER_NAME}任保洁员", household=Household.objects.get(code="A001"))  # fmt: skip
    Distribution.objects.create(income=income, use="管护运行", amount=Decimal("2000.00"))
    assets["a"].custodian_person = MEMBER_NAME
    assets["a"].save()
    ensure_national()
    toilets = Indicator.objects.get(code="N09")
    Target.objects.create(indicator=toilets, region=county.county, year=2025, value=85, op=">=", attribute="约束性",
                          baseline_year=2020, baseline_value=65)  # fmt: skip
    Observation.objects.create(
        indicator=toilets, region=county.county, year=2023, value=68.0, status="approved"
    )
    return county


def toilets_name() -> str:
    return Indicator.objects.get(code="N09").name


def pages_of(client, code: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    out = {}
    for name in PAGES:
        response = client.get(f"/public/{code}/{name}")
        assert response.status_code == 200, name
        out[name] = response.content.decode()
    return out


def test_public_pages_need_no_login_and_show_the_aggregates(client, site):  # type: ignore[no-untyped-def]
    assert client.get(reverse("public:index")).status_code == 200
    pages = pages_of(client, "140000000000")
    assert (
        "XM2024-001" in pages["funds.html"]
        and "产业发展小计" in pages["funds.html"]
        and "合计" in pages["funds.html"]
    )
    assert "100.0000" in pages["funds.html"]
    assert "甲一村" in pages["assets.html"] and "甲镇小计" in pages["assets.html"]
    assert "10,000.00" in pages["income.html"] and "600.00" in pages["income.html"]
    assert "已验收" in pages["progress.html"]
    assert "规划主要指标进度" in pages["targets.html"] and toilets_name() in pages["targets.html"]
    assert "≥ 85" in pages["targets.html"]
    assert client.get("/public/999999999999/index.html").status_code == 404


def test_no_personal_data_on_any_public_page(client, site):  # type: ignore[no-untyped-def]
    for name, html in pages_of(client, "140000000000").items():
        for secret in (MEMBER_NAME, MEMBER_ID, MEMBER_ID[-6:], "A001", "B001", "李四", "王五", "保洁员"):
            assert secret not in html, (name, secret)


def test_publish_writes_the_same_pages_as_static_files(site, tmp_path, client):  # type: ignore[no-untyped-def]
    out = tmp_path / "site"
    call_command("publish", "--out", str(out))
    folder = out / "140000000000"
    assert (out / "index.html").is_file()
    for name in (*PAGES, "funds-2024.html", "income-2024.html"):
        html = (folder / name).read_text(encoding="utf-8")
        assert MEMBER_NAME not in html and MEMBER_ID not in html and "A001" not in html
    live = client.get("/public/140000000000/assets.html").content.decode()
    assert (folder / "assets.html").read_text(encoding="utf-8") == live
    assert 'href="funds.html"' in (folder / "index.html").read_text(encoding="utf-8")
