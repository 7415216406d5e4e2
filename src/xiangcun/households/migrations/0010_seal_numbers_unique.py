# One person per 身份证号, now enforced on the keyed hash (the sealed column differs for equal numbers).

import xiangcun.core.crypto
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0009_seal_numbers_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="member",
            name="id_number_hash",
            field=xiangcun.core.crypto.LookupHashField(editable=False, max_length=64, source="id_number", unique=True, verbose_name="身份证号（查询用）"),
        ),
    ]
