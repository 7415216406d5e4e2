from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from xiangcun.accounts.models import Role, User
from xiangcun.departments.models import Department
from xiangcun.domain.demo import COUNTY_CODE, county_rows
from xiangcun.households.models import Case, Household, RegistryImport
from xiangcun.regions.models import Region

pytestmark = pytest.mark.django_db(transaction=True)


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_builds_the_county_with_logins_and_is_idempotent():
    output = run_demo("--households", "60")
    county = Region.objects.get(code=COUNTY_CODE)
    assert county.name == "示范县"
    below = Region.objects.within(county)
    assert below.filter(depth=4).count() == 8
    assert below.filter(depth=5).count() == 100
    assert below.filter(level="natural_village").count() > 100
    assert Department.objects.filter(region=county, name="教育局").exists()
    assert {u.role for u in User.objects.all()} == set(Role.values)
    for username in ("admin", "county", "nongye", "township", "village", "leader"):
        assert username in output
    assert "xiangcun-demo" in output

    snapshot = list(Region.objects.values_list("code", "name", "population", "path"))
    assert Household.objects.count() == 60
    second = run_demo("--households", "60")
    assert "新增 0 个，更新 0 个" in second
    assert "农户新增 0、更新 0；成员新增 0、更新 0、移除 0" in second
    assert list(Region.objects.values_list("code", "name", "population", "path")) == snapshot
    assert User.objects.count() == 6


def test_a_large_demo_registry_is_imported_as_csv(monkeypatch):
    # 300 000 households as an .xlsx took openpyxl minutes; above CSV_ABOVE the demo writes the three CSV files
    monkeypatch.setattr("xiangcun.demo.management.commands.demo.CSV_ABOVE", 50)
    output = run_demo("--villages", "30", "--households", "60", "--quiet")
    assert "农户新增 60" in output
    assert Household.objects.count() == 60
    assert RegistryImport.objects.get().filename == "演示农户登记表-户.csv"
    assert Case.objects.exists()  # screening and the demo cases run on the CSV-imported registry too


def test_demo_reset_rebuilds_and_size_flag_grows_the_county():
    run_demo("--villages", "30", "--households", "0", "--quiet")
    assert Region.objects.filter(depth=5).count() == 30
    run_demo("--reset", "--villages", "250", "--households", "0", "--quiet")
    assert Region.objects.filter(depth=5).count() == 250
    assert User.objects.filter(username="township").get().region.depth == 4


def test_demo_rows_are_deterministic():
    assert county_rows(40) == county_rows(40)


def test_a_county_of_thousands_of_villages_gets_distinct_names():
    # two-character names run out near 950 per suffix: a 5 000-village county used to draw names forever
    rows = county_rows(5000)
    villages = [r for r in rows[1:] if r[3] in ("行政村", "社区")]
    assert len(villages) == 5000
    names = [r[1] for r in rows[1:] if r[3] != "自然村"]
    assert len(names) == len(set(names))
