"""The registry stamp: database triggers note every write to households, members, finances (and region paths).

The stored screening results (`stored.py`) are keyed by this stamp, so a result computed before any write is
never shown after it. Triggers, not Django signals, because every writer must be caught: forms, imports,
`bulk_update`, `QuerySet.update`, COPY, raw SQL, a DBA's psql session.

- SQLite: a single-row table `households_registrystamp`; a FOR EACH ROW trigger adds one to `version` (SQLite
  has no statement triggers; the whole database is locked by a writer anyway, so the one row adds no waiting).
- PostgreSQL: FOR EACH STATEMENT triggers insert a row into `households_registrychange` (weight 1). Inserts
  never wait on another transaction, so concurrent writers do not queue behind one stamp row (an import
  holding it for minutes) and cannot deadlock on it. The stamp is the sum of the weights: it grows when any
  writing statement commits, even one of a transaction that started before a reader and commits after it,
  and a transaction that writes, screens and writes again still moves it (one row per transaction would
  not: its later statements would add nothing). `compact` folds the committed rows into one of the same sum.

Installed by migration 0012 and again after every `migrate` (post_migrate): on SQLite, Django rebuilds a table
for many schema changes and the rebuild drops its triggers.
"""

from __future__ import annotations

from typing import Any

TABLES = ("households_household", "households_member", "households_finance")
STAMP_TABLE = "households_registrystamp"
CHANGE_TABLE = "households_registrychange"


def _sqlite(cursor: Any) -> None:
    bump = f"UPDATE {STAMP_TABLE} SET version = version + 1 WHERE id = 1;"
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_stamp_{event.lower()} AFTER {event} ON {table} "
                f"FOR EACH ROW BEGIN {bump} END"
            )
    # a region's path decides which households a township's scope holds
    cursor.execute(
        "CREATE TRIGGER IF NOT EXISTS regions_region_stamp_path AFTER UPDATE OF path ON regions_region "
        f"FOR EACH ROW WHEN OLD.path IS NOT NEW.path BEGIN {bump} END"
    )


def _postgres(cursor: Any) -> None:
    cursor.execute(
        "CREATE OR REPLACE FUNCTION households_registry_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN INSERT INTO {CHANGE_TABLE} (weight) VALUES (1); "
        "RETURN NULL; END $$"
    )
    for table in TABLES:
        cursor.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
        cursor.execute(
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION households_registry_changed()"
        )
    cursor.execute("DROP TRIGGER IF EXISTS regions_region_changed ON regions_region")
    cursor.execute(
        "CREATE TRIGGER regions_region_changed AFTER UPDATE OF path ON regions_region "
        "FOR EACH STATEMENT EXECUTE FUNCTION households_registry_changed()"
    )


def install(connection: Any) -> None:
    """Create the triggers (idempotent); other database vendors get none, and `stored` then never keeps a result."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT 1 FROM {STAMP_TABLE} WHERE id = 1")
            if cursor.fetchone() is None:  # new, or emptied (flush): no stored result may outlive its stamp
                cursor.execute("DELETE FROM households_storedscreening")
                cursor.execute(f"INSERT INTO {STAMP_TABLE} (id, version) VALUES (1, 0)")
            _sqlite(cursor)
        elif connection.vendor == "postgresql":
            _postgres(cursor)


def _names() -> list[str]:
    return [f"{t}_stamp_{e}" for t in TABLES for e in ("insert", "update", "delete")] + [
        "regions_region_stamp_path"
    ]


def stamp(connection: Any) -> int | None:
    """The registry's current stamp, or None when a trigger is missing (then no stored result is trusted or kept).

    One query: the stamp and the count of installed triggers together.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            names = _names()
            cursor.execute(
                f"SELECT (SELECT version FROM {STAMP_TABLE} WHERE id = 1), (SELECT COUNT(*) FROM sqlite_master "
                f"WHERE type = 'trigger' AND name IN ({', '.join(['%s'] * len(names))}))",
                names,
            )
            version, count = cursor.fetchone()
            return None if version is None or count != len(names) else int(version)
        if connection.vendor == "postgresql":
            names = [f"{t}_changed" for t in (*TABLES, "regions_region")]
            cursor.execute(
                f"SELECT (SELECT COALESCE(SUM(weight), 0) FROM {CHANGE_TABLE}), "
                "(SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s))",
                [names],
            )
            version, count = cursor.fetchone()
            return None if count != len(names) else int(version)
    return None


def compact(connection: Any) -> None:
    """PostgreSQL: fold the change rows this transaction can see into one row of the same total weight, so the
    table stays small; the stamp (the sum) does not move, and rows of transactions still open are untouched."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH gone AS (DELETE FROM {CHANGE_TABLE} RETURNING weight) "
            f"INSERT INTO {CHANGE_TABLE} (weight) SELECT COALESCE(SUM(weight), 0) FROM gone"
        )
