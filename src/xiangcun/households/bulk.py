"""The registry import on PostgreSQL: checked chunks go by COPY into staging tables, then one set-based merge.

Nothing about a row lives in Python after its chunk is written: the reader keeps only the keys the
cross-sheet checks need, the staging tables hold the rows, and the merge runs as a few INSERT/UPDATE/DELETE
statements. Only rows that change are fetched back, to audit them field by field. Everything happens in one
transaction, so a file whose last row is wrong writes nothing (the staging tables are dropped with it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

import numpy as np

from xiangcun.core.crypto import hasher, sealer, unseal
from xiangcun.domain.households.idcard import mask_phone
from xiangcun.domain.households.workbook import CHOICES, CellError, Registry, Sink

from .models import Finance, Household, Member

# staging column → (SQL type, target column); the order is the COPY order
H_STAGE = [("code", "text"), ("village_id", "bigint"), ("natural_village", "text"), ("head_name", "text"),
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

H_FIELDS = ["village_id", "natural_village", "head_name", "phone", "household_type", "relocated", "dibao",
            "tekun", "housing_grade", "water_safe", "self_applied", "phone_hash"]  # fmt: skip
# the sealed phone differs on every write (random nonce): whether it changed is read from its hash
H_COMPARED = [f for f in H_FIELDS if f != "phone"]
M_FIELDS = ["labor", "health", "disability_grade", "schooling", "basic_medical", "pension", "household_id",
            "name", "relation", "work_status", "sex", "birth_date"]  # fmt: skip
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


def drop_staging(cursor: Any) -> None:
    """Drop the staging tables now (ON COMMIT DROP waits for the outermost commit, which may be far away)."""
    tables = [table for table, _ in STAGES.values()] + list(_DERIVED)
    cursor.execute(f"DROP TABLE IF EXISTS {', '.join(tables)}")


def create_staging(cursor: Any) -> None:
    drop_staging(cursor)
    for table, columns in STAGES.values():
        spec = ", ".join(f"{name} {kind}" for name, kind in columns)
        cursor.execute(f"CREATE TEMP TABLE {table} ({spec}) ON COMMIT DROP")


class CopySink:
    """Receives the reader's checked chunks and COPYs them into the staging tables (CSV format)."""

    def __init__(self, cursor: Any, village_ids: Mapping[str, int]) -> None:
        self.cursor = cursor
        codes = sorted(village_ids)
        self.village_codes = np.asarray(codes, dtype=str)
        self.village_values = np.asarray([village_ids[c] for c in codes], dtype=np.int64)

    def __call__(self, sheet: str, out: dict[str, np.ndarray]) -> None:
        table, columns = STAGES[sheet]
        lists = [self._column(sheet, name, out) for name, _ in columns]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(zip(*lists, strict=True))
        names = ", ".join(name for name, _ in columns)
        texts = ", ".join(name for name, kind in columns if kind == "text")
        sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({texts}))"
        with self.cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())

    def _column(self, sheet: str, name: str, out: dict[str, np.ndarray]) -> list[Any]:
        if name == "row":
            return out["_row"].tolist()
        if name == "village_id":
            at = np.searchsorted(self.village_codes, out["village_code"])
            return self.village_values[np.clip(at, 0, len(self.village_values) - 1)].tolist()
        if name == "household_code":
            return out["household"].tolist()
        if name == "birth_date":
            return out["birth_date"].astype(str).tolist()
        if name == "year":
            return out["year"].tolist()
        # personal numbers are sealed and hashed here, before anything reaches the database
        if name in _SEALED:
            return sealer().seal_many(out[name].tolist())
        if name in _HASHED:
            return hasher().many(out[_HASHED[name]].tolist())
        if name in F_FIELDS:
            return [f"{v:.2f}" for v in out[_MONEY[F_FIELDS.index(name)]].tolist()]
        chinese = _CHINESE.get(name)
        if chinese is None:
            return out[name].tolist()
        codes = out[chinese]
        if name in _BOOLEAN:
            return np.where(codes == 0, "t", "f").tolist()  # 是 is the first choice
        return np.asarray(CHOICES[chinese], dtype=object)[codes].tolist()


_CHINESE = {"household_type": "户类型", "relocated": "易地搬迁", "dibao": "低保", "tekun": "特困",
            "housing_grade": "住房安全等级", "water_safe": "饮水安全", "self_applied": "自主申报",
            "labor": "劳动能力", "health": "健康状况", "disability_grade": "残疾等级", "schooling": "在校状况",
            "basic_medical": "基本医保", "pension": "养老保险"}  # fmt: skip
_BOOLEAN = {"relocated", "dibao", "water_safe", "self_applied", "basic_medical", "pension"}
_SEALED = {"phone", "id_number"}
_HASHED = {"phone_hash": "phone", "id_number_hash": "id_number"}


def sink_for(cursor: Any, village_ids: Mapping[str, int]) -> Sink:
    return CopySink(cursor, village_ids)


def outside_scope(cursor: Any, allowed: list[int], scoped: bool, message: str) -> list[CellError]:
    """Rows that would touch a household or a person outside the importer's villages (see services)."""
    h, m = Household._meta.db_table, Member._meta.db_table
    cursor.execute(
        f"SELECT s.row FROM xc_stage_household s JOIN {h} h ON h.code = s.code "
        "WHERE NOT (h.village_id = ANY(%s)) ORDER BY s.row LIMIT 200",
        [allowed],
    )
    errors = [CellError("户", row, "户编号", message) for (row,) in cursor.fetchall()]
    if scoped:
        cursor.execute(
            f"SELECT s.row FROM xc_stage_member s JOIN {m} m ON m.id_number_hash = s.id_number_hash "
            f"JOIN {h} h ON h.id = m.household_id WHERE NOT (h.village_id = ANY(%s)) ORDER BY s.row LIMIT 200",
            [allowed],
        )
        errors += [CellError("成员", row, "身份证号", message) for (row,) in cursor.fetchall()]
    return errors[:200]


def _distinct(alias: str, fields: list[str], source: str, mapping: dict[str, str] | None = None) -> str:
    mapping = mapping or {}
    left = ", ".join(f"{alias}.{f}" for f in fields)
    right = ", ".join(mapping.get(f, f"{source}.{f}") for f in fields)
    return f"({left}) IS DISTINCT FROM ({right})"


def merge(
    cursor: Any,
) -> tuple[dict[str, tuple[int, ...]], list[tuple[type, Any, str, dict[str, tuple[Any, Any]]]]]:
    """Insert or update every staged row; return the counts and the audit entries for changed rows."""
    h, m, f = Household._meta.db_table, Member._meta.db_table, Finance._meta.db_table
    audit: list[tuple[type, Any, str, dict[str, tuple[Any, Any]]]] = []
    for table in ("xc_stage_household", "xc_stage_member", "xc_stage_finance"):
        cursor.execute(f"ANALYZE {table}")

    # households: changed ones are read back for the audit, then updated; new ones inserted
    old = ", ".join(f"h.{c}" for c in H_FIELDS)
    new = ", ".join(f"s.{c}" for c in H_FIELDS)
    cursor.execute(
        f"SELECT h.id, h.code, {old}, {new} FROM xc_stage_household s JOIN {h} h ON h.code = s.code "
        f"WHERE {_distinct('h', H_COMPARED, 's')}"
    )
    for row in cursor.fetchall():
        pk, code, before, after = row[0], row[1], row[2 : 2 + len(H_FIELDS)], row[2 + len(H_FIELDS) :]
        diff = {
            k: (b, a) for k, b, a in zip(H_FIELDS, before, after, strict=True) if b != a and "phone" not in k
        }
        if before[-1] != after[-1]:  # the phone changed: the log gets it masked, never in full
            diff["phone"] = (mask_phone(unseal(before[3])), mask_phone(unseal(after[3])))
        audit.append((Household, Household(pk=pk, code=code, head_name=after[2]), "update", diff))
    sets = ", ".join(f"{c} = s.{c}" for c in H_FIELDS)
    cursor.execute(
        f"UPDATE {h} h SET {sets}, updated_at = now() FROM xc_stage_household s "
        f"WHERE h.code = s.code AND {_distinct('h', H_COMPARED, 's')}"
    )
    households_updated = cursor.rowcount
    cursor.execute(
        f"INSERT INTO {h} (code, {', '.join(H_FIELDS)}, updated_at) "
        f"SELECT s.code, {new}, now() FROM xc_stage_household s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {h} h WHERE h.code = s.code)"
    )
    households_created = cursor.rowcount

    # members: matched by 身份证号 (a person may move to another household of the file)
    cursor.execute(
        f"CREATE TEMP TABLE xc_stage_member_ids ON COMMIT DROP AS SELECT s.*, h.id AS household_id "
        f"FROM xc_stage_member s JOIN {h} h ON h.code = s.household_code"
    )
    cursor.execute("CREATE INDEX ON xc_stage_member_ids (id_number_hash)")
    cursor.execute("ANALYZE xc_stage_member_ids")
    cursor.execute(
        f"DELETE FROM {m} m USING {h} h, xc_stage_household s "
        "WHERE m.household_id = h.id AND h.code = s.code "
        "AND NOT EXISTS (SELECT 1 FROM xc_stage_member_ids n WHERE n.id_number_hash = m.id_number_hash) "
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
    old = ", ".join(f"m.{c}" for c in M_FIELDS)
    new_m = ", ".join(f"s.{c}" for c in M_FIELDS)
    cursor.execute(
        f"SELECT m.id, {old}, {new_m} FROM xc_stage_member_ids s JOIN {m} m ON m.id_number_hash = s.id_number_hash "
        f"WHERE {_distinct('m', M_FIELDS, 's')}"
    )
    for row in cursor.fetchall():
        pk, before, after = row[0], row[1 : 1 + len(M_FIELDS)], row[1 + len(M_FIELDS) :]
        diff = {k: (b, a) for k, b, a in zip(M_FIELDS, before, after, strict=True) if b != a}
        audit.append((Member, Member(pk=pk, name=after[M_FIELDS.index("name")]), "update", diff))
    sets = ", ".join(f"{c} = s.{c}" for c in M_FIELDS)
    cursor.execute(
        f"UPDATE {m} m SET {sets}, updated_at = now() FROM xc_stage_member_ids s "
        f"WHERE m.id_number_hash = s.id_number_hash AND {_distinct('m', M_FIELDS, 's')}"
    )
    members_updated = cursor.rowcount
    cursor.execute(
        f"INSERT INTO {m} (id_number, id_number_hash, {', '.join(M_FIELDS)}, updated_at) "
        f"SELECT s.id_number, s.id_number_hash, {new_m}, now() FROM xc_stage_member_ids s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {m} m WHERE m.id_number_hash = s.id_number_hash)"
    )
    members_created = cursor.rowcount

    # finances: one row per household and year
    cursor.execute(
        f"CREATE TEMP TABLE xc_stage_finance_ids ON COMMIT DROP AS SELECT s.*, h.id AS household_id "
        f"FROM xc_stage_finance s JOIN {h} h ON h.code = s.household_code"
    )
    cursor.execute("ANALYZE xc_stage_finance_ids")
    old = ", ".join(f"f.{c}" for c in F_FIELDS)
    new_f = ", ".join(f"s.{c}" for c in F_FIELDS)
    match = "f.household_id = s.household_id AND f.year = s.year"
    cursor.execute(
        f"SELECT f.id, f.household_id, f.year, {old}, {new_f} FROM xc_stage_finance_ids s JOIN {f} f ON {match} "
        f"WHERE {_distinct('f', F_FIELDS, 's')}"
    )
    codes: dict[int, str] = {}
    changed_finances = cursor.fetchall()
    if changed_finances:
        cursor.execute(
            f"SELECT id, code FROM {h} WHERE id = ANY(%s)", [list({r[1] for r in changed_finances})]
        )
        codes = dict(cursor.fetchall())
    for row in changed_finances:
        pk, household_id, year = row[0], row[1], row[2]
        before, after = row[3 : 3 + len(F_FIELDS)], row[3 + len(F_FIELDS) :]
        diff = {k: (b, a) for k, b, a in zip(F_FIELDS, before, after, strict=True) if b != a}
        finance = Finance(pk=pk, household_id=household_id, year=year)
        finance._state.fields_cache["household"] = Household(
            pk=household_id, code=codes.get(household_id, "")
        )
        audit.append((Finance, finance, "update", diff))
    sets = ", ".join(f"{c} = s.{c}" for c in F_FIELDS)
    cursor.execute(
        f"UPDATE {f} f SET {sets}, updated_at = now() FROM xc_stage_finance_ids s "
        f"WHERE {match} AND {_distinct('f', F_FIELDS, 's')}"
    )
    finances_updated = cursor.rowcount
    cursor.execute(
        f"INSERT INTO {f} (household_id, year, {', '.join(F_FIELDS)}, updated_at) "
        f"SELECT s.household_id, s.year, {new_f}, now() FROM xc_stage_finance_ids s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {f} f WHERE {match})"
    )
    finances_created = cursor.rowcount
    counts = {
        "households": (households_created, households_updated),
        "members": (members_created, members_updated, len(removed)),
        "finances": (finances_created, finances_updated),
    }
    return counts, audit


def registry_counts(registry: Registry) -> dict[str, int]:
    return {"户": len(registry.households), "成员": len(registry.members), "收支": len(registry.finances)}
