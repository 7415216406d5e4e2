# Seal the numbers already stored and fill their lookup hashes, 5 000 rows at a time (raw SQL: the field
# would seal a value again on the way back; reversing writes the plain numbers back).

from django.db import migrations

BATCH = 5000


def _rewrite(schema_editor, table, column, hash_column, forward):
    from xiangcun.core.crypto import hasher, sealer

    seal, hash_ = sealer(), hasher()
    connection = schema_editor.connection
    table, column = connection.ops.quote_name(table), connection.ops.quote_name(column)
    hash_column = connection.ops.quote_name(hash_column)
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT id, {column} FROM {table} WHERE id > %s ORDER BY id LIMIT {BATCH}", [last])
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            plain = [seal.open(value) for _, value in rows]
            if forward:
                values = list(zip(seal.seal_many(plain), hash_.many(plain), [pk for pk, _ in rows]))
                cursor.executemany(f"UPDATE {table} SET {column} = %s, {hash_column} = %s WHERE id = %s", values)
            else:
                values = list(zip(plain, [pk for pk, _ in rows]))
                cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE id = %s", values)


def seal(apps, schema_editor):
    _rewrite(schema_editor, "households_household", "phone", "phone_hash", True)
    _rewrite(schema_editor, "households_member", "id_number", "id_number_hash", True)


def unseal(apps, schema_editor):
    _rewrite(schema_editor, "households_household", "phone", "phone_hash", False)
    _rewrite(schema_editor, "households_member", "id_number", "id_number_hash", False)


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0008_seal_numbers_columns"),
    ]

    operations = [migrations.RunPython(seal, unseal)]
