"""CaseSettings and ColumnMapping take the per-county settings base (core.CountySettings): their county field
is named `county`, as on the other settings models. A rename, so every county's row is kept."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("households", "0012_stored_screening"),
    ]

    operations = [
        migrations.RenameField(model_name="casesettings", old_name="region", new_name="county"),
        migrations.AlterField(
            model_name="casesettings",
            name="county",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="县",
            ),
        ),
        migrations.RenameField(model_name="columnmapping", old_name="region", new_name="county"),
        migrations.AlterField(
            model_name="columnmapping",
            name="county",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="县",
            ),
        ),
    ]
