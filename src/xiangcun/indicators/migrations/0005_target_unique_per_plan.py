# The unique constraints come in their own migration: on PostgreSQL an index cannot be created in the
# transaction that just inserted rows with deferred foreign-key checks (0004's data step).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_link_targets_to_plans"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                condition=models.Q(("plan_version__isnull", False)),
                fields=("plan_version", "indicator", "region", "year"),
                name="unique_plan_target_per_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                condition=models.Q(("plan_version__isnull", True)),
                fields=("indicator", "region", "year"),
                name="unique_manual_target_per_year",
            ),
        ),
    ]
