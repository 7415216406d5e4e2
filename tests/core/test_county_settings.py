"""The per-county settings base: one row per county, defaults before the first save, every change audited,
and the rename of `region` to `county` on the households settings keeps each county's row."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from xiangcun.assets.models import DisclosureSettings
from xiangcun.core.models import CountySettings
from xiangcun.households.models import CaseSettings, ColumnMapping
from xiangcun.ledgers.models import SchoolSettings, ToiletSettings
from xiangcun.tasks.models import TaskSettings

MODELS = [CaseSettings, ColumnMapping, DisclosureSettings, ToiletSettings, SchoolSettings, TaskSettings]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_county_settings_model_takes_the_base(model: type[CountySettings]) -> None:
    assert issubclass(model, CountySettings)
    field = model._meta.get_field("county")
    assert field.unique and field.related_model._meta.label == "regions.Region"


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_defaults_until_saved_then_one_row_per_county_audited(model: type[CountySettings], county) -> None:  # type: ignore[no-untyped-def]
    unsaved = model.for_county(county.county)
    assert unsaved.pk is None and unsaved.county == county.county
    unsaved.save()
    assert model.for_county(county.county).pk == unsaved.pk
    entries = LogEntry.objects.get_for_object(unsaved)
    assert entries.count() == 1 and "updated_at" not in (entries.get().changes or {})
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(county=county.county)


BEFORE = [("households", "0012_stored_screening")]


@pytest.mark.django_db(transaction=True)
def test_renaming_region_to_county_keeps_each_countys_row() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region = old.get_model("regions", "Region")
    county = Region.objects.create(code="140000000000", name="测试县", level="county", depth=3, path="x")
    old.get_model("households", "CaseSettings").objects.create(region=county, identification_days=12)
    old.get_model("households", "ColumnMapping").objects.create(
        region=county, mapping={"sheets": {"户": "家庭"}}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert CaseSettings.objects.get(county_id=county.pk).identification_days == 12
    assert ColumnMapping.objects.get(county_id=county.pk).mapping == {"sheets": {"户": "家庭"}}
