# 户编号, the 身份证号 hash and the phone hash: uniqueness and the index move from the fields to Meta, so
# PostgreSQL keeps one index each instead of two (a field's unique/db_index also builds a varchar_pattern_ops
# "_like" index for LIKE 'x%', which no query uses; a bulk import rebuilds every index).

import xiangcun.core.crypto
from django.db import migrations, models

from xiangcun.households import triggers


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0016_registry_log_limit'),
    ]

    operations = [
        # SQLite rebuilds both tables (fields and constraints), which fails while triggers refer to them
        migrations.RunPython(triggers.drop_in_migration, triggers.install_in_migration),
        migrations.AlterField(
            model_name='household',
            name='code',
            field=models.CharField(max_length=40, verbose_name='户编号'),
        ),
        migrations.AlterField(
            model_name='household',
            name='phone_hash',
            field=xiangcun.core.crypto.LookupHashField(blank=True, editable=False, max_length=64, source='phone', verbose_name='联系电话（查询用）'),
        ),
        migrations.AlterField(
            model_name='member',
            name='id_number_hash',
            field=xiangcun.core.crypto.LookupHashField(editable=False, max_length=64, source='id_number', verbose_name='身份证号（查询用）'),
        ),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(fields=['phone_hash'], name='household_phone_hash'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.UniqueConstraint(fields=('code',), name='unique_household_code'),
        ),
        migrations.AddConstraint(
            model_name='member',
            constraint=models.UniqueConstraint(fields=('id_number_hash',), name='unique_member_id_number'),
        ),
        migrations.RunPython(triggers.install_in_migration, triggers.drop_in_migration),
    ]
