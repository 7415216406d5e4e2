from __future__ import annotations

import pytest
from django.urls import reverse

from xiangcun.indicators.models import Indicator

pytestmark = pytest.mark.django_db


def test_catalog_lists_national_indicators_by_dimension(client_for, users):  # type: ignore[no-untyped-def]
    client = client_for(users["leader"])
    page = client.get(reverse("indicators:catalog")).content.decode()
    assert "村庄绿化覆盖率" in page and "城乡居民收入比" in page
    ecology = client.get(reverse("indicators:catalog"), {"dimension": "生态宜居"}).content.decode()
    assert "村庄绿化覆盖率" in ecology and "城乡居民收入比" not in ecology


def test_local_indicators_of_another_county_are_not_shown(client_for, users, county):  # type: ignore[no-untyped-def]
    from xiangcun.regions.models import Region

    other = Region(code="150000000000", name="别县", level="county", parent=None)
    other.save()
    Indicator.objects.create(code="L-OTHER", name="别县特色指标", dimension="产业兴旺", region=other)
    Indicator.objects.create(code="L-OWN", name="本县特色指标", dimension="产业兴旺", region=county.county)
    page = client_for(users["township_a"]).get(reverse("indicators:catalog")).content.decode()
    assert "本县特色指标" in page
    assert "别县特色指标" not in page
