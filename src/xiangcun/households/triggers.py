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

The change log (`households_registrylog`, issue 11): the same triggers note which households a write touched,
so a stored result older than the stamp is patched by screening only those households (`stored.py`).

- SQLite: each row trigger logs (stamp after the bump, household id) — both ids when a member moves household,
  and the 户编号 (old and new) for household rows, so a deleted or renumbered household's stored row is found.
  Once the log holds `LOG_LIMIT` rows (an import) a write is not logged but its stamp is kept as `overflow`:
  results older than that are computed in full. The stamp row counts the log (`logged`), so the check is free.
- PostgreSQL: one statement trigger per event with transition tables logs the distinct household ids under
  the writing transaction's id; a statement of more than `LOG_LIMIT` rows (an import) logs one "everything"
  row instead. A stored result keeps the snapshot its stamp was read in: the changes since are the rows of
  transactions not visible in it, plus the rows its own transaction logged after it.
- A region path change, a TRUNCATE, or anything not tied to a household logs "everything" (no id, no code).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

TABLES = ("households_household", "households_member", "households_finance")
STAMP_TABLE = "households_registrystamp"
CHANGE_TABLE = "households_registrychange"
LOG_TABLE = "households_registrylog"
COUNTY_TRIGGER = "households_household_county"  # SQLite only
EVENTS = ("insert", "update", "delete")
LOG_LIMIT = (
    10_000  # PostgreSQL: a statement writing more rows logs "everything" (an import recomputes anyway)
)


def _sqlite_rows(table: str, event: str) -> list[str]:
    """The inserts that log a written row's household (id, code), the old one only when it differs; none once
    the log holds `LOG_LIMIT` rows (the bump then marked this stamp as not logged)."""
    if table == "households_household":
        new, old = ("NEW.id", "NEW.code"), ("OLD.id", "OLD.code")
        differs = "OLD.id IS NOT NEW.id OR OLD.code IS NOT NEW.code"
    else:
        new, old = ("NEW.household_id", "NULL"), ("OLD.household_id", "NULL")
        differs = "OLD.household_id IS NOT NEW.household_id"
    insert = f"INSERT INTO {LOG_TABLE} (stamp, household_id, code) SELECT version"
    logging = f"FROM {STAMP_TABLE} WHERE id = 1 AND overflow <> version"
    if event == "insert":
        return [f"{insert}, {new[0]}, {new[1]} {logging}"]
    if event == "delete":
        return [f"{insert}, {old[0]}, {old[1]} {logging}"]
    return [
        f"{insert}, {new[0]}, {new[1]} {logging}",
        f"{insert}, {old[0]}, {old[1]} {logging} AND ({differs})",
    ]


def _sqlite(cursor: Any) -> None:
    # one UPDATE of the stamp row: the version, the log's size, and the version as `overflow` when it is full
    bump = (
        f"UPDATE {STAMP_TABLE} SET version = version + 1, logged = logged + (logged < {LOG_LIMIT}), "
        f"overflow = CASE WHEN logged < {LOG_LIMIT} THEN overflow ELSE version + 1 END WHERE id = 1;"
    )
    for table in TABLES:
        for event in EVENTS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_stamp_{event}")
            logged = " ".join(f"{sql};" for sql in _sqlite_rows(table, event))
            cursor.execute(
                f"CREATE TRIGGER {table}_stamp_{event} AFTER {event.upper()} ON {table} "
                f"FOR EACH ROW BEGIN {bump} {logged} END"
            )
    # a household moved to another county takes its members and finances along (PostgreSQL: ON UPDATE CASCADE)
    cursor.execute(f"DROP TRIGGER IF EXISTS {COUNTY_TRIGGER}")
    cursor.execute(f"SELECT 1 FROM pragma_table_info('{TABLES[0]}') WHERE name = 'county_id'")
    if cursor.fetchone() is not None:  # from migration 0019
        cursor.execute(
            f"CREATE TRIGGER {COUNTY_TRIGGER} AFTER UPDATE OF county_id ON {TABLES[0]} FOR EACH ROW "
            "WHEN OLD.county_id IS NOT NEW.county_id BEGIN "
            + " ".join(
                f"UPDATE {t} SET county_id = NEW.county_id WHERE household_id = NEW.id;" for t in TABLES[1:]
            )
            + " END"
        )
    # a region's path decides which households a township's scope holds: everything is screened again
    cursor.execute("DROP TRIGGER IF EXISTS regions_region_stamp_path")
    cursor.execute(
        "CREATE TRIGGER regions_region_stamp_path AFTER UPDATE OF path ON regions_region "
        f"FOR EACH ROW WHEN OLD.path IS NOT NEW.path BEGIN UPDATE {STAMP_TABLE} SET version = version + 1, "
        "overflow = version + 1 WHERE id = 1; END"
    )


XID = "pg_current_xact_id()::text::bigint"


def _pg_function(name: str, rows: str | None) -> str:
    """A statement trigger's function: one change row (the stamp), then the households `rows` selects, or one
    "everything" row when there is no such select or the statement wrote more than LOG_LIMIT rows."""
    everything = f"INSERT INTO {LOG_TABLE} (xid) VALUES ({XID});"
    if rows is None:
        log = everything
    else:
        written = "new_rows" if "new_rows" in rows else "old_rows"  # an update's rows once, not twice
        log = (
            f"SELECT COUNT(*) INTO n FROM (SELECT 1 FROM {written} LIMIT {LOG_LIMIT + 1}) t; "
            f"IF n > {LOG_LIMIT} THEN {everything} ELSE "
            f"INSERT INTO {LOG_TABLE} (xid, household_id, code) SELECT DISTINCT {XID}, h, c FROM ({rows}) r; "
            "END IF;"
        )
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE n bigint; "
        f"BEGIN INSERT INTO {CHANGE_TABLE} (weight) VALUES (1); {log} RETURN NULL; END $$"
    )


def _postgres(cursor: Any) -> None:
    for table in (*TABLES, "regions_region"):
        cursor.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")  # before issue 11: one for all
    cursor.execute("DROP FUNCTION IF EXISTS households_registry_changed()")
    for table in TABLES:
        id_code = "id AS h, code AS c" if table == "households_household" else "household_id AS h, NULL AS c"
        for event in EVENTS:
            name = f"{table}_changed_{event}"
            tables = {"insert": ["new_rows"], "update": ["old_rows", "new_rows"], "delete": ["old_rows"]}[
                event
            ]
            rows = " UNION ".join(f"SELECT {id_code} FROM {t}" for t in tables)
            cursor.execute(_pg_function(name, rows))
            referencing = " ".join(f"{t.split('_')[0].upper()} TABLE AS {t}" for t in tables)
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
        cursor.execute(_pg_function("households_registry_everything", None))
        cursor.execute(f"DROP TRIGGER IF EXISTS {table}_changed_truncate ON {table}")
        cursor.execute(
            f"CREATE TRIGGER {table}_changed_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION households_registry_everything()"
        )
    cursor.execute("DROP TRIGGER IF EXISTS regions_region_changed_path ON regions_region")
    cursor.execute(
        "CREATE TRIGGER regions_region_changed_path AFTER UPDATE OF path ON regions_region "
        "FOR EACH STATEMENT EXECUTE FUNCTION households_registry_everything()"
    )


def install(connection: Any) -> None:
    """Create the triggers (again: their bodies may have changed); other database vendors get none, and `stored`
    then never keeps a result. Stored results are forgotten, since writes made while a trigger was missing are
    in no log and no stamp."""
    with connection.cursor() as cursor:
        if LOG_TABLE not in connection.introspection.table_names(cursor) or "overflow" not in {
            c.name for c in connection.introspection.get_table_description(cursor, STAMP_TABLE)
        }:
            return  # an older migration (0012, 0014, 0015) on a new database: 0016 installs them
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT 1 FROM {STAMP_TABLE} WHERE id = 1")
            if cursor.fetchone() is None:  # new, or emptied (flush)
                cursor.execute(
                    f"INSERT INTO {STAMP_TABLE} (id, version, logged, overflow) VALUES (1, 0, 0, 0)"
                )
            _sqlite(cursor)
        elif connection.vendor == "postgresql":
            _postgres(cursor)
        else:
            return
        cursor.execute("DELETE FROM households_storedscreening")
        cursor.execute(f"DELETE FROM {LOG_TABLE}")
        if connection.vendor == "sqlite":
            cursor.execute(f"UPDATE {STAMP_TABLE} SET logged = 0 WHERE id = 1")


def install_in_migration(apps: Any, schema_editor: Any) -> None:
    """`install` as a migration's RunPython (0012, 0015, 0016, 0017, 0019)."""
    install(schema_editor.connection)


def drop_in_migration(apps: Any, schema_editor: Any) -> None:
    """`drop` as a migration's RunPython: SQLite cannot rebuild a table while triggers name it."""
    drop(schema_editor.connection)


def drop(connection: Any) -> None:
    """Remove every registry trigger (and, on PostgreSQL, its functions), of this version and earlier ones.

    For migrations: SQLite cannot rebuild a registry table while triggers refer to it (`install` or the
    post_migrate hook puts them back), and migrating back before 0012 or 0015 leaves none. Without its triggers
    `position` is None, so no stored result is trusted meanwhile."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in (*_names(), COUNTY_TRIGGER):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for name in _pg_names():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {name.rsplit('_changed_', 1)[0]}")
            for table in (*TABLES, "regions_region"):  # before issue 11: one trigger per table
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
            functions = [f"{t}_changed_{e}" for t in TABLES for e in EVENTS]
            for name in (*functions, "households_registry_everything", "households_registry_changed"):
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def _names() -> list[str]:
    return [f"{t}_stamp_{e}" for t in TABLES for e in EVENTS] + ["regions_region_stamp_path"]


def _pg_names() -> list[str]:
    return [f"{t}_changed_{e}" for t in TABLES for e in (*EVENTS, "truncate")] + [
        "regions_region_changed_path"
    ]


def position(connection: Any) -> tuple[int, str] | None:
    """The registry's current stamp and where the change log stands (PostgreSQL: the snapshot, this
    transaction's id and the last log row it sees; SQLite: nothing more than the stamp), or None when a trigger
    is missing (then no stored result is trusted or kept). One query."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            names = _names()
            cursor.execute(
                f"SELECT (SELECT version FROM {STAMP_TABLE} WHERE id = 1), (SELECT COUNT(*) FROM sqlite_master "
                f"WHERE type = 'trigger' AND name IN ({', '.join(['%s'] * len(names))}))",
                names,
            )
            version, count = cursor.fetchone()
            return None if version is None or count != len(names) else (int(version), "")
        if connection.vendor == "postgresql":
            names = _pg_names()
            cursor.execute(
                f"SELECT (SELECT COALESCE(SUM(weight), 0) FROM {CHANGE_TABLE}), "
                "(SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s)), "
                "pg_current_snapshot()::text, COALESCE(pg_current_xact_id_if_assigned()::text, ''), "
                f"(SELECT COALESCE(MAX(id), 0) FROM {LOG_TABLE})",
                [names],
            )
            version, count, snapshot, xid, last = cursor.fetchone()
            return None if count != len(names) else (int(version), f"{snapshot} {xid} {last}")
    return None


def stamp(connection: Any) -> int | None:
    """The registry's current stamp, or None when a trigger is missing."""
    at = position(connection)
    return None if at is None else at[0]


def changes(connection: Any, since: int, marker: str, limit: int) -> tuple[set[int], set[str]] | None:
    """The households written since a stored result's stamp (`since`, `marker` from `position`): their ids and
    the 户编号 their household rows had; None when everything must be screened again (an "everything" row, or
    more than `limit` households)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT overflow FROM {STAMP_TABLE} WHERE id = 1")
            if cursor.fetchone()[0] > since:  # a write since was not logged
                return None
            where, params = "stamp > %s", [since]
        else:
            snapshot, xid, last = marker.split(" ")
            # another transaction's rows: those not visible in the snapshot; this transaction's: those after it
            where = (
                "((xid IS DISTINCT FROM %s AND NOT pg_visible_in_snapshot(xid::text::xid8, %s::pg_snapshot))"
                " OR (xid = %s AND id > %s))"
            )
            own = int(xid) if xid else None
            params = [own, snapshot, own, int(last)]
        cursor.execute(
            f"SELECT DISTINCT household_id, code FROM {LOG_TABLE} WHERE {where} LIMIT {2 * limit + 2}", params
        )
        rows = cursor.fetchall()
    if len(rows) > 2 * limit or any(h is None and c is None for h, c in rows):
        return None
    ids = {h for h, _ in rows if h is not None}
    if len(ids) > limit:
        return None
    return ids, {c for _, c in rows if c is not None}


def prune(connection: Any) -> None:
    """Drop the log rows every stored result already includes (below the oldest stored stamp or snapshot)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # rows up to the last unlogged write are of no use either: results older than it are computed again
            cursor.execute(
                f"DELETE FROM {LOG_TABLE} WHERE stamp <= MAX((SELECT overflow FROM {STAMP_TABLE} WHERE id = 1), "
                "COALESCE((SELECT MIN(stamp) FROM households_storedscreening), "
                f"(SELECT version FROM {STAMP_TABLE} WHERE id = 1)))"
            )
            cursor.execute(
                f"UPDATE {STAMP_TABLE} SET logged = (SELECT COUNT(*) FROM {LOG_TABLE}) WHERE id = 1"
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                f"DELETE FROM {LOG_TABLE} WHERE xid < COALESCE((SELECT MIN(pg_snapshot_xmin(split_part(snapshot, ' ', 1)"
                "::pg_snapshot)::text::bigint) FROM households_storedscreening), "
                "pg_snapshot_xmin(pg_current_snapshot())::text::bigint)"
            )


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


@contextmanager
def inserts_noted_once(cursor: Any, table: str) -> Iterator[None]:
    """PostgreSQL, for a bulk load that holds `table`'s exclusive lock: its insert trigger is off while the rows go
    in and the load is noted afterwards as the trigger notes a statement of more than `LOG_LIMIT` rows (one change,
    "everything"). The trigger would copy every row into a transition table only to count past the limit: about
    3.6 s for 3.4 M members. Disabling is part of the transaction, so nobody else ever sees the trigger off."""
    name = f"{table}_changed_insert"
    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
    yield
    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
    cursor.execute(f"INSERT INTO {CHANGE_TABLE} (weight) VALUES (1)")
    cursor.execute(f"INSERT INTO {LOG_TABLE} (xid) VALUES ({XID})")
