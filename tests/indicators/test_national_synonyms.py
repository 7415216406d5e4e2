"""The national catalog's synonyms reach databases made before they changed, and prose subjects use them."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from xiangcun.indicators.models import Indicator
from xiangcun.indicators.services import ensure_national
from xiangcun.plans.services import match_target

pytestmark = pytest.mark.django_db

migration = importlib.import_module("xiangcun.indicators.migrations.0007_national_synonyms")


def test_an_older_catalog_gets_the_new_synonyms_and_loses_the_wrong_one() -> None:
    ensure_national()
    water = Indicator.objects.get(code="N21")
    water.synonyms = ["农村集中供水率", "村里的水"]  # as created before, plus one a person added
    water.save()
    migration.forwards(apps, None)
    water.refresh_from_db()
    assert water.synonyms == ["村里的水", "自来水普及率"]
    assert "粮食总产" in Indicator.objects.get(code="N01").synonyms


def test_a_prose_subject_reaches_the_national_indicator_when_the_units_agree() -> None:
    ensure_national()
    catalog = list(Indicator.objects.filter(region__isnull=True))
    water = match_target({"subject": "自来水普及率", "unit": "%"}, catalog)
    assert water is not None and water.code == "N21"
    grain = match_target({"subject": "粮食总产", "unit": "万吨"}, catalog)
    assert grain is not None and grain.code == "N01"
    assert match_target({"subject": "粮食总产", "unit": "万亩"}, catalog) is None  # units disagree
    assert match_target({"subject": "农村集中供水率", "unit": "%"}, catalog) is None
