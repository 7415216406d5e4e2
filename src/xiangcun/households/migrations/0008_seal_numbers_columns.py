# The 身份证号 and phone columns become sealed text with a keyed hash beside them (issue 15, encryption at rest).
# Three steps (columns, data, unique index), so PostgreSQL never builds an index in the transaction that
# rewrote the rows.

import xiangcun.core.crypto
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0007_column_mapping"),
    ]

    operations = [
        migrations.AlterField(
            model_name="household",
            name="phone",
            field=xiangcun.core.crypto.EncryptedCharField(blank=True, max_length=30, verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="member",
            name="id_number",
            field=xiangcun.core.crypto.EncryptedCharField(max_length=18, verbose_name="身份证号"),
        ),
        migrations.AddField(
            model_name="household",
            name="phone_hash",
            field=xiangcun.core.crypto.LookupHashField(blank=True, db_index=True, default="", editable=False, max_length=64, source="phone", verbose_name="联系电话（查询用）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="member",
            name="id_number_hash",
            field=xiangcun.core.crypto.LookupHashField(editable=False, max_length=64, null=True, source="id_number", verbose_name="身份证号（查询用）"),
        ),
    ]
