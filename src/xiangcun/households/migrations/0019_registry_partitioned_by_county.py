# The registry tables get their county (issue 12, item 3) and, on PostgreSQL, are partitioned by it
# (households/partitions.py says how and why). The county is filled from each village's place in the region tree
# before the column becomes required; the unique keys take the county in, as a partitioned table needs.

import django.db.models.deletion
from django.db import migrations, models

from xiangcun.households import partitions, triggers


def fill_counties(apps, schema_editor):
    from xiangcun.households.models import village_counties

    Household = apps.get_model("households", "Household")
    villages = set(Household.objects.values_list("village_id", flat=True).distinct())
    by_county: dict[int, list[int]] = {}
    for village, county in village_counties(villages).items():
        by_county.setdefault(county, []).append(village)
    for county, ids in by_county.items():
        Household.objects.filter(village_id__in=ids).update(county_id=county)
    with schema_editor.connection.cursor() as cursor:
        for table in ("households_member", "households_finance"):
            cursor.execute(
                f"UPDATE {table} SET county_id = (SELECT h.county_id FROM households_household h "
                f"WHERE h.id = {table}.household_id)"
            )


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:  # the triggers are off (the first operation)
        partitions.partition(cursor)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    household = apps.get_model("households", "Household")
    keys = [
        schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
        for model in apps.get_models()
        for field in model._meta.local_fields
        if field.is_relation and field.related_model is household and field.db_constraint
    ]
    with schema_editor.connection.cursor() as cursor:
        partitions.unpartition(cursor, [str(sql) for sql in keys])


def county(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_constraint=False, db_index=False, editable=False, null=null, on_delete=django.db.models.deletion.PROTECT, related_name="+",
        to="regions.region", verbose_name="县",
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0018_lookup_hashes_collate_c"),
        ("regions", "0002_region_retired_on"),
        # every table that points at a household exists before the households table is partitioned
        ("ledgers", "0002_ledger_import"),
        ("assets", "0003_distribution_totals"),
    ]

    operations = [
        # SQLite cannot rebuild a table that triggers name: off while the tables change, either way
        migrations.RunPython(triggers.drop_in_migration, triggers.install_in_migration),
        *(migrations.AddField(name, "county", county(True)) for name in ("household", "member", "finance")),
        migrations.RunPython(fill_counties, migrations.RunPython.noop),
        *(migrations.AlterField(name, "county", county(False)) for name in ("household", "member", "finance")),
        migrations.RemoveConstraint("household", "unique_household_code"),
        migrations.AddConstraint(
            "household", models.UniqueConstraint(fields=("code", "county"), name="unique_household_code")
        ),
        migrations.RemoveConstraint("member", "unique_member_id_number"),
        migrations.AddConstraint(
            "member", models.UniqueConstraint(fields=("id_number_hash", "county"), name="unique_member_id_number")
        ),
        migrations.RemoveConstraint("finance", "unique_finance_year"),
        migrations.AddConstraint(
            "finance", models.UniqueConstraint(fields=("household", "year", "county"), name="unique_finance_year")
        ),
        migrations.RunPython(partition, unpartition),
        migrations.RunPython(triggers.install_in_migration, triggers.drop_in_migration),
    ]
