# RegistryChange: one row per writing statement (weight 1; the stamp is the sum of weights) instead of one per
# transaction, which missed a transaction's writes after it had screened (see households/triggers.py).

from django.db import migrations, models


def forget_stored(apps, schema_editor):
    # The PostgreSQL stamp starts again from 0: no stored result may be matched against the new count.
    apps.get_model("households", "StoredScreening").objects.all().delete()


def install_triggers(apps, schema_editor):
    from xiangcun.households import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0013_county_settings"),
    ]

    operations = [
        migrations.RunPython(forget_stored, migrations.RunPython.noop),
        migrations.DeleteModel(name="RegistryChange"),
        migrations.CreateModel(
            name="RegistryChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("weight", models.BigIntegerField(default=1)),
            ],
        ),
        migrations.RunPython(install_triggers, migrations.RunPython.noop),
    ]
