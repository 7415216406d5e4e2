# The lookup hashes compare bytes on PostgreSQL (collation "C", see LookupHashField.db_parameters): new databases
# get it from the field; this brings existing ones in line. The column keeps its type, so PostgreSQL rewrites no
# rows; it rebuilds the column's indexes (about 5 s for 3.4 M members).

from django.db import migrations

COLUMNS = (("households_member", "id_number_hash"), ("households_household", "phone_hash"))


def collate(name: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in COLUMNS:
            schema_editor.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar(64) COLLATE "{name}"')

    return run


class Migration(migrations.Migration):
    dependencies = [("households", "0017_registry_keys_without_like_indexes")]

    operations = [migrations.RunPython(collate("C"), collate("default"))]
