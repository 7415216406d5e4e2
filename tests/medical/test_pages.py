from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from xiangcun.medical.models import MedicalPolicy
from xiangcun.regions.models import Region

pytestmark = pytest.mark.django_db
CASE = {
    "category": "特困",
    "kind": "住院",
    "hospital_level": "县级",
    "in_province": "on",
    "total": "20000",
    "in_list": "18000",
}


def test_calculator_shows_each_layer_and_the_steps(client_for, users, county):  # type: ignore[no-untyped-def]
    page = client_for(users["township_a"]).post(reverse("medical:calculator"), CASE).content.decode()
    assert (
        "13,275.00" in page and "13275.0" not in page
    )  # basic insurance, hand-computed in tests/domain/medical
    assert "基本医保 = max(0, 18,000.00元 − 起付线 300.00元) × 75%" in page


def test_bad_input_gets_one_chinese_message(client_for, users, county):  # type: ignore[no-untyped-def]
    page = (
        client_for(users["village_a1"])
        .post(reverse("medical:calculator"), {**CASE, "in_list": "30000"})
        .content.decode()
    )
    assert "目录内费用不能大于总费用" in page


def test_the_countys_own_parameters_apply_to_its_staff_only(client_for, users, county):  # type: ignore[no-untyped-def]
    year = timezone.localdate().year
    MedicalPolicy.objects.create(
        region=county.county, year=year, parameters={"basic_deductible": {"县级": 1000}}
    )
    other = Region(code="150000000000", name="别县", level="county")
    other.save()
    MedicalPolicy.objects.create(region=other, year=year, parameters={"basic_deductible": {"县级": 5000}})
    page = client_for(users["township_a"]).post(reverse("medical:calculator"), CASE).content.decode()
    assert "起付线 1,000.00元" in page  # (18000 − 1000) × 0.75


def test_township_staff_cannot_edit_parameters(client_for, users, county):  # type: ignore[no-untyped-def]
    assert client_for(users["township_b"]).get(reverse("medical:policy")).status_code == 403
