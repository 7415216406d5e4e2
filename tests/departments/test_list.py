from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_department_names_as_written_are_resolved(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    page = client.get(reverse("departments:list"), {"q": "县教科局"}).content.decode()
    assert "识别为 <strong>教育局</strong>" in page
    unknown = client.get(reverse("departments:list"), {"q": "宇宙局"}).content.decode()
    assert "不认识" in unknown


def test_departments_of_another_county_are_not_listed(client_for, users, county):  # type: ignore[no-untyped-def]
    from xiangcun.departments.models import Department
    from xiangcun.regions.models import Region

    other = Region(code="150000000000", name="别县", level="county")
    other.save()
    Department.objects.create(region=other, name="别县财政局")
    page = client_for(users["county_admin"]).get(reverse("departments:list")).content.decode()
    assert "教育局" in page and "别县财政局" not in page
