"""The registry import on PostgreSQL: checked chunks go by COPY into staging tables, then one set-based merge.

Nothing about a row lives in Python after its chunk is written: the reader keeps only the keys the
cross-sheet checks need, the staging tables hold the rows, and the merge runs as a few INSERT/UPDATE/DELETE
statements. Only rows that change are fetched back, to audit them field by field. Everything happens in one
transaction, so a file whose last row is wrong writes nothing (the staging tables are dropped with it).

A load that fills a table (the first import of a county or a province) takes the "bulk" way for it: the
table's secondary indexes, unique constraints and foreign keys are dropped before the INSERT and built again
after it, by name and definition as read from the catalogue. Built once over sorted keys they cost a fraction
of keeping random 64-digit hashes in a B-tree row by row, and a foreign key added afterwards is checked by
one join instead of one deferred query per row at COMMIT (at 100 000 households: members 28.6 s insert +
13.1 s COMMIT, against 3.0 s + 2 s to build and 1.2 s to check). The catch is the lock: dropping them takes
an ACCESS EXCLUSIVE lock on the table, and on 农户 for the foreign keys that point at it, until the import
commits, so nobody reads the registry meanwhile (the import writes all of it anyway). An import that
touches a small part of a large table (a re-import, a township) keeps the indexes and locks nothing more.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from xiangcun.core.crypto import hasher, sealer, unseal
from xiangcun.domain.households.idcard import mask_phone
from xiangcun.domain.households.workbook import CHOICES, CellError, money_texts

from . import triggers
from .models import Finance, Household, Member

# staging column → (SQL type, target column); the order is the COPY order
H_STAGE = [("code", "text"), ("village_id", "bigint"), ("county_id", "bigint"), ("natural_village", "text"), ("head_name", "text"),
           ("phone", "text"), ("phone_hash", "text"), ("household_type", "text"), ("relocated", "boolean"), ("dibao", "boolean"),
           ("tekun", "text"), ("housing_grade", "text"), ("water_safe", "boolean"), ("self_applied", "boolean"),
           ("row", "integer")]  # fmt: skip
M_STAGE = [("household_code", "text"), ("name", "text"), ("id_number", "text"), ("id_number_hash", "text"),
           ("relation", "text"),
           ("work_status", "text"), ("labor", "text"), ("health", "text"), ("disability_grade", "text"),
           ("schooling", "text"), ("basic_medical", "boolean"), ("pension", "boolean"), ("birth_date", "date"),
           ("sex", "text"), ("row", "integer")]  # fmt: skip
F_STAGE = [("household_code", "text"), ("year", "integer"), ("wage_income", "numeric(12,2)"),
           ("business_income", "numeric(12,2)"), ("business_cost", "numeric(12,2)"),
           ("property_income", "numeric(12,2)"), ("transfer_income", "numeric(12,2)"),
           ("medical_out_of_pocket", "numeric(12,2)"), ("education_cost", "numeric(12,2)"), ("row", "integer")]  # fmt: skip
STAGES = {"户": ("xc_stage_household", H_STAGE), "成员": ("xc_stage_member", M_STAGE),
          "收支": ("xc_stage_finance", F_STAGE)}  # fmt: skip

H_FIELDS = ["village_id", "county_id", "natural_village", "head_name", "phone", "household_type", "relocated", "dibao",
            "tekun", "housing_grade", "water_safe", "self_applied", "phone_hash"]  # fmt: skip
# the sealed phone differs on every write (random nonce): whether it changed is read from its hash
H_COMPARED = [f for f in H_FIELDS if f != "phone"]
M_FIELDS = ["labor", "health", "disability_grade", "schooling", "basic_medical", "pension", "household_id",
            "county_id", "name", "relation", "work_status", "sex", "birth_date"]  # fmt: skip
F_FIELDS = ["wage_income", "business_income", "business_cost", "property_income", "transfer_income",
            "medical_out_of_pocket", "education_cost"]  # fmt: skip
_MONEY = (
    "工资性收入",
    "生产经营性收入",
    "生产经营性支出",
    "财产性收入",
    "转移性收入",
    "医疗自付支出",
    "教育支出",
)


_DERIVED = ("xc_stage_member_ids", "xc_stage_finance_ids")
# a member's household and county, as the merge reads them from the household it joins
_FROM_HOUSEHOLD = {"household_id": "h.id", "county_id": "h.county_id"}


def drop_staging(cursor: Any) -> None:
    """Drop the staging tables now (ON COMMIT DROP waits for the outermost commit, which may be far away)."""
    tables = [table for table, _ in STAGES.values()] + list(_DERIVED)
    cursor.execute(f"DROP TABLE IF EXISTS {', '.join(tables)}")


def create_staging(cursor: Any) -> None:
    drop_staging(cursor)
    for table, columns in STAGES.values():
        spec = ", ".join(f"{name} {kind}" for name, kind in columns)
        cursor.execute(f"CREATE TEMP TABLE {table} ({spec}) ON COMMIT DROP")


def copy_statement(sheet: str) -> str:
    table, columns = STAGES[sheet]
    return f"COPY {table} ({', '.join(name for name, _ in columns)}) FROM STDIN"


class CopyText:
    """Turns the reader's checked chunks into COPY text for the staging tables (`pipeline` sends it).

    The COPY text format is written straight from the columns: each column becomes a list of texts in C
    loops (numpy conversions, `tolist`), and the rows are joined by `str.join` over `zip`, with no Python
    code per row or cell; only a column whose texts hold a backslash, tab or line break is escaped value by
    value (text format: an empty text stays an empty text, never NULL).
    """

    def __init__(self, village_ids: Mapping[str, int], counties: Mapping[int, int]) -> None:
        """`counties`: each village id's county (`models.village_counties`), the rows' partition."""
        codes = sorted(village_ids)
        self.village_codes = np.asarray(codes, dtype=str)
        self.village_values = np.asarray([village_ids[c] for c in codes], dtype=np.int64)
        self.county_values = np.asarray([counties[village_ids[c]] for c in codes], dtype=np.int64)

    def __call__(self, sheet: str, out: dict[str, np.ndarray]) -> bytes:
        lists = [self._column(sheet, name, out) for name, _ in STAGES[sheet][1]]
        if not lists[0]:
            return b""
        return ("\n".join(map("\t".join, zip(*lists, strict=True))) + "\n").encode()

    def _column(self, sheet: str, name: str, out: dict[str, np.ndarray]) -> list[str]:
        if name == "row":
            return out["_row"].astype(str).tolist()
        if name in ("village_id", "county_id"):
            at = np.searchsorted(self.village_codes, out["village_code"])
            values = self.village_values if name == "village_id" else self.county_values
            return values[np.clip(at, 0, len(values) - 1)].astype(str).tolist()
        if name == "household_code":
            return _escaped(_texts(out["household"]))
        if name in ("birth_date", "year"):
            return out[name].astype(str).tolist()
        # personal numbers are sealed and hashed here, before anything reaches the database
        if name in _SEALED:
            return sealer().seal_many(_texts(out[name]))
        if name in _HASHED:
            return hasher().many(_texts(out[_HASHED[name]]))
        if name in F_FIELDS:
            return money_texts(out[_MONEY[F_FIELDS.index(name)]])
        chinese = _CHINESE.get(name)
        if chinese is None:
            return _escaped(_texts(out[name]))
        codes = out[chinese]
        if name in _BOOLEAN:
            return np.where(codes == 0, "t", "f").tolist()  # 是 is the first choice
        return np.asarray(CHOICES[chinese], dtype=object)[codes].tolist()


def _texts(column: np.ndarray | list[str]) -> list[str]:
    """A text column as a list: the reader may hand a pass-through column over as the list it read."""
    return column if isinstance(column, list) else column.tolist()


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escaped(texts: list[str]) -> list[str]:
    """Texts for COPY's text format: a backslash, tab or line break written as its escape."""
    joined = "".join(texts)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        return [t.translate(_COPY_ESCAPES) for t in texts]
    return texts


_CHINESE = {"household_type": "户类型", "relocated": "易地搬迁", "dibao": "低保", "tekun": "特困",
            "housing_grade": "住房安全等级", "water_safe": "饮水安全", "self_applied": "自主申报",
            "labor": "劳动能力", "health": "健康状况", "disability_grade": "残疾等级", "schooling": "在校状况",
            "basic_medical": "基本医保", "pension": "养老保险"}  # fmt: skip
_BOOLEAN = {"relocated", "dibao", "water_safe", "self_applied", "basic_medical", "pension"}
_SEALED = {"phone", "id_number"}
_HASHED = {"phone_hash": "phone", "id_number_hash": "id_number"}


def households_outside(cursor: Any, allowed: list[int], message: str) -> list[CellError]:
    """Staged households whose 户编号 belongs to a household outside the importer's villages (see services)."""
    h = Household._meta.db_table
    cursor.execute(
        f"SELECT s.row FROM xc_stage_household s JOIN {h} h ON h.code = s.code "
        "WHERE NOT (h.village_id = ANY(%s)) ORDER BY s.row LIMIT 200",
        [allowed],
    )
    return [CellError("户", row, "户编号", message) for (row,) in cursor.fetchall()]


def members_outside(cursor: Any, allowed: list[int], message: str) -> list[CellError]:
    """Staged members whose 身份证号 is a person registered in a household outside the importer's villages."""
    h, m = Household._meta.db_table, Member._meta.db_table
    cursor.execute(
        f"SELECT s.row FROM xc_stage_member s JOIN {m} m ON m.id_number_hash = s.id_number_hash "
        f"JOIN {h} h ON h.id = m.household_id WHERE NOT (h.village_id = ANY(%s)) ORDER BY s.row LIMIT 200",
        [allowed],
    )
    return [CellError("成员", row, "身份证号", message) for (row,) in cursor.fetchall()]


def _distinct(alias: str, fields: list[str], source: str, mapping: dict[str, str] | None = None) -> str:
    mapping = mapping or {}
    left = ", ".join(f"{alias}.{f}" for f in fields)
    right = ", ".join(mapping.get(f, f"{source}.{f}") for f in fields)
    return f"({left}) IS DISTINCT FROM ({right})"


# a table takes the bulk way when it gets at least this many staged rows and holds fewer rows than that
BULK_ROWS = 50_000


def _new(cursor: Any, table: str) -> int:
    """Rows of an id table (`_matched`) that have no target row yet: what the INSERT will write."""
    cursor.execute(f"SELECT count(*) FROM {table} WHERE xc_id IS NULL")
    return int(cursor.fetchone()[0])


def _new_households(cursor: Any) -> int:
    """Staged households not in the registry yet; counted only when there could be enough for a bulk load."""
    staged = _staged(cursor, "xc_stage_household")
    if staged < BULK_ROWS:
        return staged
    h = Household._meta.db_table
    cursor.execute(
        f"SELECT count(*) FROM xc_stage_household s WHERE NOT EXISTS (SELECT 1 FROM {h} h WHERE h.code = s.code)"
    )
    return int(cursor.fetchone()[0])


def _staged(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")
    return int(cursor.fetchone()[0])


def _empty(cursor: Any, table: str) -> bool:
    cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")
    return bool(cursor.fetchone()[0])


def _holds_fewer(cursor: Any, table: str, rows: int) -> bool:
    """Whether `table` holds fewer than `rows` rows (the planner's estimate; counted when never analysed)."""
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
    estimate = float(cursor.fetchone()[0])
    if estimate < 0:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) t", [rows])
        estimate = float(cursor.fetchone()[0])
    return estimate < rows


@contextmanager
def bulk_load(
    cursor: Any, table: str, staged: int, referenced: str | None = None, analysed: set[str] | None = None
) -> Iterator[bool]:
    """Drop `table`'s secondary indexes, unique constraints and its foreign keys to `referenced` while rows
    go in, and build them again afterwards under the same names (see the module docstring). Only when the
    `staged` rows (those the INSERT will write) are many and the table holds fewer; yields whether it did. The table is then analysed
    and added to `analysed`."""
    if staged < BULK_ROWS or not _holds_fewer(cursor, table, staged):
        yield False
        return
    # deferred checks already queued on these tables would forbid ALTER TABLE: run them now (as Django's
    # check_constraints does); the statements below check theirs at once, and COMMIT has nothing left to do
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND conparentid = 0 AND (contype = 'u' OR (contype = 'f' AND confrelid = %s::regclass)) ORDER BY contype DESC, conname",
        [table, referenced or table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) "
        "ORDER BY c.relname",
        [table],
    )
    # a partitioned table's index is defined "ON ONLY" the parent; built again, it must reach the partitions
    indexes = [(name, definition.replace(" ON ONLY ", " ON ")) for name, definition in cursor.fetchall()]
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    # the INSERT's NOT EXISTS reads the table it writes: without the index a nested loop would scan the
    # growing table once per row (the planner sees an empty table); a hash anti-join reads it once
    cursor.execute("SET LOCAL enable_nestloop = off")
    with triggers.inserts_noted_once(cursor, table):
        yield True
    cursor.execute("SET LOCAL enable_nestloop = on")
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in constraints:  # unique ones first, then the foreign keys
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(f"ANALYZE {table}")  # the planner saw an empty table; the next steps join against it
    if analysed is not None:
        analysed.add(table)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _update_changed(
    cursor: Any, table: str, stage: str, head: list[str], on: str, fields: list[str], changed: str
) -> list[tuple[Any, ...]]:
    """Update the rows joined `on` for which `changed` holds, and return (id, *head, *old values, *new values)
    of each for the audit: one join of the staging table with the target instead of one to read and one to
    write."""
    alias = on.split(".", 1)[0]
    old = ", ".join(f"{alias}.{c}" for c in fields)
    new = ", ".join(f"s.{c} AS xc_new_{c}" for c in fields)
    sets = ", ".join(f"{c} = c.xc_new_{c}" for c in fields)
    cursor.execute(
        f"WITH changed AS (SELECT {', '.join([f'{alias}.id AS xc_id', *head])}, {old}, {new} "
        f"FROM {stage} s JOIN {table} {alias} ON {on} WHERE {changed}), "
        f"updated AS (UPDATE {table} {alias} SET {sets}, updated_at = now() FROM changed c "
        f"WHERE {alias}.id = c.xc_id) "
        "SELECT * FROM changed"
    )
    return cursor.fetchall()


def _matched(cursor: Any, name: str, select: str, joins: str, alias: str, compared: str) -> None:
    """The staged rows with their target row's id (`xc_id`, NULL for a new row) and whether it differs
    (`xc_changed`), found by one join: the update, the insert and the removal then read this table instead of
    each joining the staged rows with the whole target again (1M re-import, 1 % changed, under load: the
    members took 36 s, now 24 s)."""
    cursor.execute(
        f"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT s.*, {select}, {alias}.id AS xc_id, "
        f"({alias}.id IS NOT NULL AND {compared}) AS xc_changed {joins}"
    )
    cursor.execute(f"ANALYZE {name}")


Audit = list[tuple[type, Any, str, dict[str, tuple[Any, Any]]]]


def start_merge(cursor: Any) -> None:
    """Settings for the merge statements, local to the import's transaction: hash joins and sorts of millions
    of staged rows, and the index builds of a bulk load, in memory."""
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")


def merge_households(cursor: Any, audit: Audit, analysed: set[str]) -> tuple[int, int]:
    """Update the staged households that changed (read back for the audit), insert the new ones."""
    h = Household._meta.db_table
    cursor.execute("ANALYZE xc_stage_household")
    new = ", ".join(f"s.{c}" for c in H_FIELDS)
    changed = _update_changed(
        cursor,
        h,
        "xc_stage_household",
        ["h.code"],
        "h.code = s.code",
        H_FIELDS,
        _distinct("h", H_COMPARED, "s"),
    )
    for row in changed:
        pk, code, before, after = row[0], row[1], row[2 : 2 + len(H_FIELDS)], row[2 + len(H_FIELDS) :]
        diff = {
            k: (b, a)
            for k, b, a in zip(H_FIELDS, before, after, strict=True)
            if b != a and "phone" not in k and k != "county_id"  # the county follows the village
        }
        if before[-1] != after[-1]:  # the phone changed: the log gets it masked, never in full
            phone = H_FIELDS.index("phone")
            diff["phone"] = (mask_phone(unseal(before[phone])), mask_phone(unseal(after[phone])))
        head = after[H_FIELDS.index("head_name")]
        audit.append((Household, Household(pk=pk, code=code, head_name=head), "update", diff))
    with bulk_load(cursor, h, _new_households(cursor), analysed=analysed):
        cursor.execute(
            f"INSERT INTO {h} (code, {', '.join(H_FIELDS)}, updated_at) "
            f"SELECT s.code, {new}, now() FROM xc_stage_household s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {h} h WHERE h.code = s.code)"
        )
        created = cursor.rowcount
    return created, len(changed)


def merge_members(cursor: Any, audit: Audit, analysed: set[str]) -> tuple[int, int, int]:
    """Members are matched by 身份证号 (a person may move to another household of the file); those of a staged
    household missing from the file are removed. Needs the households merged."""
    h, m = Household._meta.db_table, Member._meta.db_table
    cursor.execute("ANALYZE xc_stage_member")
    if _empty(cursor, m):  # a first load: nothing to match, update or remove, so no id table to keep
        fields = ", ".join(_FROM_HOUSEHOLD.get(c, f"s.{c}") for c in M_FIELDS)
        with bulk_load(cursor, m, _staged(cursor, "xc_stage_member"), referenced=h, analysed=analysed):
            cursor.execute(
                f"INSERT INTO {m} (id_number, id_number_hash, {', '.join(M_FIELDS)}, updated_at) "
                f"SELECT s.id_number, s.id_number_hash, {fields}, now() FROM xc_stage_member s "
                f"JOIN {h} h ON h.code = s.household_code"
            )
            return cursor.rowcount, 0, 0
    _matched(
        cursor, "xc_stage_member_ids", "h.id AS household_id, h.county_id",
        f"FROM xc_stage_member s JOIN {h} h ON h.code = s.household_code "
        f"LEFT JOIN {m} m ON m.id_number_hash = s.id_number_hash",
        "m", _distinct("m", M_FIELDS, "s", _FROM_HOUSEHOLD),
    )  # fmt: skip
    cursor.execute(
        f"DELETE FROM {m} m USING {h} h, xc_stage_household s "
        "WHERE m.household_id = h.id AND h.code = s.code "
        "AND NOT EXISTS (SELECT 1 FROM xc_stage_member_ids n WHERE n.xc_id = m.id) "
        "RETURNING m.id, m.name, m.household_id"
    )
    removed = cursor.fetchall()
    for pk, name, household_id in removed:
        audit.append(
            (
                Member,
                Member(pk=pk, name=name),
                "delete",
                {"name": (name, None), "household": (household_id, None)},
            )
        )
    new_m = ", ".join(f"s.{c}" for c in M_FIELDS)
    changed = _update_changed(
        cursor, m, "xc_stage_member_ids", [], "m.id = s.xc_id", M_FIELDS, "s.xc_changed"
    )
    for row in changed:
        pk, before, after = row[0], row[1 : 1 + len(M_FIELDS)], row[1 + len(M_FIELDS) :]
        diff = {
            k: (b, a) for k, b, a in zip(M_FIELDS, before, after, strict=True) if b != a and k != "county_id"
        }
        audit.append((Member, Member(pk=pk, name=after[M_FIELDS.index("name")]), "update", diff))
    with bulk_load(cursor, m, _new(cursor, "xc_stage_member_ids"), referenced=h, analysed=analysed):
        cursor.execute(
            f"INSERT INTO {m} (id_number, id_number_hash, {', '.join(M_FIELDS)}, updated_at) "
            f"SELECT s.id_number, s.id_number_hash, {new_m}, now() FROM xc_stage_member_ids s WHERE s.xc_id IS NULL"
        )
        created = cursor.rowcount
    return created, len(changed), len(removed)


def merge_finances(cursor: Any, audit: Audit, analysed: set[str]) -> tuple[int, int]:
    """One row per household and year. Needs the households merged."""
    h, f = Household._meta.db_table, Finance._meta.db_table
    cursor.execute("ANALYZE xc_stage_finance")
    if _empty(cursor, f):  # a first load (see merge_members)
        fields = ", ".join(f"s.{c}" for c in F_FIELDS)
        with bulk_load(cursor, f, _staged(cursor, "xc_stage_finance"), referenced=h, analysed=analysed):
            cursor.execute(
                f"INSERT INTO {f} (household_id, county_id, year, {', '.join(F_FIELDS)}, updated_at) "
                f"SELECT h.id, h.county_id, s.year, {fields}, now() FROM xc_stage_finance s "
                f"JOIN {h} h ON h.code = s.household_code"
            )
            return cursor.rowcount, 0
    _matched(
        cursor, "xc_stage_finance_ids", "h.id AS household_id, h.county_id",
        f"FROM xc_stage_finance s JOIN {h} h ON h.code = s.household_code "
        f"LEFT JOIN {f} f ON f.household_id = h.id AND f.year = s.year",
        "f", _distinct("f", F_FIELDS, "s"),
    )  # fmt: skip
    new_f = ", ".join(f"s.{c}" for c in F_FIELDS)
    changed = _update_changed(
        cursor,
        f,
        "xc_stage_finance_ids",
        ["f.household_id", "f.year"],
        "f.id = s.xc_id",
        F_FIELDS,
        "s.xc_changed",
    )
    codes: dict[int, str] = {}
    if changed:
        cursor.execute(f"SELECT id, code FROM {h} WHERE id = ANY(%s)", [list({r[1] for r in changed})])
        codes = dict(cursor.fetchall())
    for row in changed:
        pk, household_id, year = row[0], row[1], row[2]
        before, after = row[3 : 3 + len(F_FIELDS)], row[3 + len(F_FIELDS) :]
        diff = {k: (b, a) for k, b, a in zip(F_FIELDS, before, after, strict=True) if b != a}
        finance = Finance(pk=pk, household_id=household_id, year=year)
        finance._state.fields_cache["household"] = Household(
            pk=household_id, code=codes.get(household_id, "")
        )
        audit.append((Finance, finance, "update", diff))
    with bulk_load(cursor, f, _new(cursor, "xc_stage_finance_ids"), referenced=h, analysed=analysed):
        cursor.execute(
            f"INSERT INTO {f} (household_id, county_id, year, {', '.join(F_FIELDS)}, updated_at) "
            f"SELECT s.household_id, s.county_id, s.year, {new_f}, now() FROM xc_stage_finance_ids s "
            "WHERE s.xc_id IS NULL"
        )
        created = cursor.rowcount
    return created, len(changed)
