"""The registry partitioned by county on PostgreSQL (issue 12, item 3; figures in docs/scale.md).

Households, members and finances are `PARTITION BY LIST (county_id)`: one partition per county, named
`<table>_<county id>`, and a `<table>_default` partition for rows whose village lies under no county (a tree
imported from the township down: `county` is then the top of the tree). A county's pages, screening and
re-import then read that county's partitions only (pruning, when the query names the county: `scoped` does),
and a county can be archived or reloaded as a whole (`DETACH PARTITION`, `TRUNCATE` of one partition).

What partitioning asks of the schema, and how it is met:
- Every unique key holds the partition key: the primary keys are `(id, county_id)` (id first, so a lookup by id
  alone is one index probe per partition), 户编号 and the 身份证号 hash are unique per county. The import still
  matches both across counties, so the registry never holds the same household or person twice.
- Django keeps `id` as the model's primary key: ids come from one identity sequence, so they stay unique.
- A foreign key to households must name the whole key. Members and finances carry their household's county
  and point at `(id, county_id)`. The other tables that point at a household (cases, visits, toilet and other
  ledgers, income distribution) get a column `household_county` that Django never sees: a trigger fills it
  from the household, and the foreign key `(household_id, household_county)` keeps what Django's single-column
  key kept. All of them are `ON UPDATE CASCADE`: a household whose village moves to another county moves
  its members and finances to that county's partitions, and the pointers follow.
- A county created (the region import, the demo, an admin) gets its partitions from a trigger on the regions
  table, whatever wrote it.

A new foreign key to Household in a later migration must be added the same way (`point_at_households`):
Django would make it reference `households_household(id)`, which PostgreSQL refuses on a partitioned table.
SQLite keeps plain tables; the county column is there too, kept the same way (a trigger stands in for the
cascade, see `triggers`).
"""

from __future__ import annotations

from typing import Any

TABLES = ("households_household", "households_member", "households_finance")
HOUSEHOLDS = TABLES[0]
HIDDEN = "household_county"  # the column the non-partitioned tables keep their household's county in


# No partial (parallel-aware) scans of a partition: PostgreSQL plans one for any partition however small (it skips
# the size thresholds for partitions), and the screening's parallel plan needs each of its household-id ranges
# to be one process's work (a range with a partial scan in it is joined by idle processes, each aggregating the
# range's members again). Its ranges each name one county, so they read one partition per table and no Append
# over partitions is left to parallelise (sql_screening.py). Parallel plans still run: the ranges are the unit.
PARTITION_OPTIONS = "WITH (parallel_workers = 0)"


def _partition_sql(table: str, county: int | None) -> str:
    if county is None:
        return f"CREATE TABLE IF NOT EXISTS {table}_default PARTITION OF {table} DEFAULT {PARTITION_OPTIONS}"
    return (
        f"CREATE TABLE IF NOT EXISTS {table}_{county} PARTITION OF {table} FOR VALUES IN ({county}) "
        + PARTITION_OPTIONS
    )


# a county's partitions are made when the county is; deferred foreign-key checks still queued on the registry
# would forbid it ("pending trigger events"), so they run first, and are deferred again afterwards
REGION_TRIGGER = f"""
CREATE OR REPLACE FUNCTION households_county_partitions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY{list(TABLES)!r} LOOP
    IF to_regclass(t || '_' || NEW.id) IS NULL THEN
      SET CONSTRAINTS ALL IMMEDIATE;
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%s) {PARTITION_OPTIONS}', t || '_' || NEW.id, t, NEW.id);
      SET CONSTRAINTS ALL DEFERRED;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS regions_region_partitions ON regions_region;
CREATE TRIGGER regions_region_partitions AFTER INSERT OR UPDATE OF depth ON regions_region
  FOR EACH ROW WHEN (NEW.depth = 3) EXECUTE FUNCTION households_county_partitions();
"""

HIDDEN_FUNCTION = f"""
CREATE OR REPLACE FUNCTION households_reference_county() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.{HIDDEN} := (SELECT county_id FROM {HOUSEHOLDS} WHERE id = NEW.household_id);
  RETURN NEW;
END $$;
"""


def _referencing(cursor: Any) -> list[tuple[str, str, str]]:
    """(table, constraint, column) of every foreign key that points at households."""
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, a.attname FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "WHERE c.contype = 'f' AND c.conparentid = 0 AND c.confrelid = %s::regclass ORDER BY 1, 2",
        [HOUSEHOLDS],
    )
    return cursor.fetchall()


def _definitions(cursor: Any, table: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The table's constraints but the primary key (name, definition) and its other indexes (CREATE INDEX),
    read before the table is rebuilt so they are built again under the same names."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND conparentid = 0 AND contype IN ('u', 'f', 'c') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) "
        "ORDER BY i.indexrelid",
        [table],
    )
    indexes = [d.replace(" ON ONLY ", " ON ") for (d,) in cursor.fetchall()]
    return constraints, indexes


def _rebuild(cursor: Any, table: str, counties: list[int] | None) -> None:
    """Copy `table` into a new one of the same columns, partitioned by county when `counties` is given (one
    partition each and a default one), plain otherwise, with its keys and indexes built again after the rows."""
    constraints, indexes = _definitions(cursor, table)
    cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_old")
    partitioned = " PARTITION BY LIST (county_id)" if counties is not None else ""
    cursor.execute(
        f"CREATE TABLE {table} (LIKE {table}_old INCLUDING DEFAULTS INCLUDING IDENTITY){partitioned}"
    )
    for county in [*(counties or []), None] if counties is not None else []:
        cursor.execute(_partition_sql(table, county))
    cursor.execute(f"INSERT INTO {table} SELECT * FROM {table}_old")
    cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    (sequence,) = cursor.fetchone()
    cursor.execute(f"SELECT setval('{sequence}', COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")
    cursor.execute(f"DROP TABLE {table}_old CASCADE")  # its partitions, when it had some
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {table}_id_seq")
    key = "id, county_id" if counties is not None else "id"
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({key})")
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for definition in indexes:
        cursor.execute(definition)


def point_at_households(cursor: Any, table: str) -> None:
    """A foreign key from `table.household_id` to a partitioned households table: through the county column the
    registry tables have, through the hidden `household_county` one (filled by a trigger) elsewhere."""
    if table in TABLES:
        county = "county_id"
    else:
        county = HIDDEN
        cursor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {HIDDEN} bigint")
        cursor.execute(
            f"UPDATE {table} x SET {HIDDEN} = h.county_id FROM {HOUSEHOLDS} h WHERE h.id = x.household_id"
        )
        cursor.execute(HIDDEN_FUNCTION)
        cursor.execute(
            f"CREATE TRIGGER {table}_household_county BEFORE INSERT OR UPDATE OF household_id ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION households_reference_county()"
        )
    cursor.execute(
        f"ALTER TABLE {table} ADD CONSTRAINT {table}_household_fk FOREIGN KEY (household_id, {county}) "
        f"REFERENCES {HOUSEHOLDS} (id, county_id) MATCH FULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED"
    )


def partition(cursor: Any) -> None:
    """Partition the registry by county (from the plain tables Django created), keeping every row and key."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    pointers = _referencing(cursor)
    for table, name, _ in pointers:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute("SELECT id FROM regions_region WHERE depth = 3 ORDER BY id")
    counties = [county for (county,) in cursor.fetchall()]
    for table in TABLES:
        _rebuild(cursor, table, counties)
    for table in sorted({table for table, _, _ in pointers}):
        point_at_households(cursor, table)
    cursor.execute(REGION_TRIGGER)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares its keys


def unpartition(cursor: Any, foreign_keys: list[str]) -> None:
    """Back to plain tables (migrating back): `foreign_keys` are the single-column keys to households that
    Django would make, as `schema_editor` writes them."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("DROP TRIGGER IF EXISTS regions_region_partitions ON regions_region")
    cursor.execute("DROP FUNCTION IF EXISTS households_county_partitions()")
    for table, name, _ in _referencing(cursor):
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        if table not in TABLES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_household_county ON {table}")
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {HIDDEN}")
    cursor.execute("DROP FUNCTION IF EXISTS households_reference_county()")
    for table in TABLES:
        _rebuild(cursor, table, None)
    for sql in foreign_keys:
        cursor.execute(sql)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def is_partitioned(cursor: Any) -> bool:
    cursor.execute("SELECT relkind = 'p' FROM pg_class WHERE oid = %s::regclass", [HOUSEHOLDS])
    row = cursor.fetchone()
    return bool(row and row[0])
