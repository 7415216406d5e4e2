"""The screening rules as one SQL query, for PostgreSQL at province size (SQLite keeps the numpy evaluator).

Fetching 5 million member rows into Python was most of a province's screening time; here the database
aggregates members and finances per household and evaluates every rule, and only flagged households come
back. The rules are the same as `domain.households.screening` (tests/households/test_sql_screening.py runs
both on random registries and asserts the same result), including its exactness: money is compared in whole
fen on household totals, a fall of exactly 30% fires INCOME_DROP, missing rows fire no income rule.

The SQL is portable (CASE and SUM, no bool_or), so the equality test runs on SQLite too.

Shaped for PostgreSQL's planner (EXPLAIN at 100 000 and 1 000 000 households, docs/scale.md): the scope is a
plain subquery in each `IN`, so the planner sees its real size (a materialised CTE was estimated at 200 rows
and planned as one index lookup per household, three times); finances are joined on their unique
(household, year) key rather than aggregated; money becomes whole fen once per household, behind an
`OFFSET 0` fence, instead of once per rule that reads it. No index beyond the foreign keys and the finance
key is needed: a county is a hash join over sequential scans, one household is index lookups.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from xiangcun.domain.households import screening

from .models import Finance, Household, Member

WORK_MEM = "256MB"
# Measured at 1 000 000 households (docs/scale.md): the hash tables in memory instead of spilled to disk; no
# JIT, which cost more than it saved; no parallel workers, whose plan ran the member aggregate again in each
# worker (one county of ten: 12.3 s server CPU with 2 workers, 6.0 s without; all ten: 21.9 s and 18.2 s).
SETTINGS = {"work_mem": WORK_MEM, "jit": "off", "max_parallel_workers_per_gather": "0"}


def _set(cursor: Any, values: dict[str, str]) -> None:
    cursor.execute(
        f"SELECT {', '.join('set_config(%s, %s, true)' for _ in values)}",
        [v for pair in values.items() for v in pair],
    )


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _query(ids_sql: str, year: int, threshold_fen: int, enabled: tuple[str, ...]) -> str:
    h, m, f = Household._meta.db_table, Member._meta.db_table, Finance._meta.db_table
    severe = f"disability_grade IN ({_quoted(screening.SEVERE_GRADES)})"
    keep = 100 - screening.DROP_PERCENT
    rules = {
        "INCOME_BELOW": "usable AND net_fen < floor_fen",
        "RIGID_EXPENSE": "usable AND net_fen >= floor_fen AND net_fen - rigid_fen < floor_fen",
        "INCOME_DROP": f"usable AND had_prev AND last_fen > 0 AND net_fen * 100 <= last_fen * {keep}",
        "SCHOOLING": "out_of_school > 0",
        "MEDICAL_INSURANCE": "uninsured > 0",
        "HOUSING": "housing_grade IN ('C', 'D')",
        "WATER": "NOT water_safe",
        "MULTI_IDENTITY": "(CASE WHEN household_type = '脱贫户' THEN 1 ELSE 0 END + CASE WHEN dibao THEN 1 ELSE 0 END"
        " + CASE WHEN tekun IN ('分散供养', '集中供养') THEN 1 ELSE 0 END + CASE WHEN disabled > 0 THEN 1 ELSE 0 END"
        " + CASE WHEN sick > 0 THEN 1 ELSE 0 END) >= 2",
        "SEVERE_DISABILITY": "severe > 0 OR disabled >= 2",
        "MANY_STUDENTS": "students >= 2",
        "SINGLE_TEKUN": "size = 1 AND tekun = '分散供养'",
        "SELF_APPLIED": "self_applied",
    }
    wanted = [code for code in screening.RULE_CODES if code in enabled]
    flags = ", ".join(f"CASE WHEN {rules[c]} THEN 1 ELSE 0 END AS {c.lower()}" for c in wanted) or "0 AS none"
    fired = " OR ".join(f"({rules[c]})" for c in wanted) or "FALSE"
    # school age 6–15 in `year` is a birth date in [year-15-01-01, year-5-01-01): a range on the column, no
    # per-row year extraction, and the same text on PostgreSQL and SQLite (ISO dates compare as text there)
    born_from, born_before = f"{year - 15:04d}-01-01", f"{year - 5:04d}-01-01"

    def net(t: str) -> str:
        return f"{t}.wage_income + {t}.business_income - {t}.business_cost + {t}.property_income + {t}.transfer_income"

    # PostgreSQL would otherwise inline `facts` and recompute each money sum in every rule that reads it
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""

    def fen(amount: str) -> str:
        return f"CAST(ROUND(({amount}) * 100) AS BIGINT)"

    return f"""
    SELECT code, usable, net_fen, size, {flags} FROM (
        SELECT h.code, h.household_type, h.dibao, h.tekun, h.housing_grade, h.water_safe, h.self_applied,
            COALESCE(mem.size, 0) AS size, COALESCE(out_of_school, 0) AS out_of_school,
            COALESCE(uninsured, 0) AS uninsured, COALESCE(disabled, 0) AS disabled, COALESCE(sick, 0) AS sick,
            COALESCE(severe, 0) AS severe, COALESCE(students, 0) AS students,
            (cur.id IS NOT NULL AND COALESCE(mem.size, 0) > 0) AS usable,
            {fen(net("cur"))} AS net_fen, {fen("cur.medical_out_of_pocket + cur.education_cost")} AS rigid_fen,
            {threshold_fen} * COALESCE(mem.size, 0) AS floor_fen,
            (prev.id IS NOT NULL) AS had_prev, {fen(net("prev"))} AS last_fen
        FROM {h} h
        LEFT JOIN (
            SELECT household_id, COUNT(*) AS size,
                SUM(CASE WHEN birth_date >= '{born_from}' AND birth_date < '{born_before}'
                    AND schooling = '非在校' AND NOT ({severe}) THEN 1 ELSE 0 END) AS out_of_school,
                SUM(CASE WHEN basic_medical THEN 0 ELSE 1 END) AS uninsured,
                SUM(CASE WHEN health = '残疾' THEN 1 ELSE 0 END) AS disabled,
                SUM(CASE WHEN health = '患有大病' THEN 1 ELSE 0 END) AS sick,
                SUM(CASE WHEN {severe} THEN 1 ELSE 0 END) AS severe,
                SUM(CASE WHEN schooling IN ({_quoted(screening.POST_COMPULSORY)}) THEN 1 ELSE 0 END) AS students
            FROM {m} WHERE household_id IN ({ids_sql}) GROUP BY household_id
        ) mem ON mem.household_id = h.id
        LEFT JOIN {f} cur ON cur.household_id = h.id AND cur.year = {year}
        LEFT JOIN {f} prev ON prev.household_id = h.id AND prev.year = {year - 1}
        WHERE h.id IN ({ids_sql}){fence}
    ) facts WHERE {fired} ORDER BY code
    """


def run_screening_sql(
    households: QuerySet[Household], year: int, threshold: float, enabled: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Same result as `services.run_screening`'s numpy path: flagged households by 户编号."""
    ids_sql, params = households.order_by().values("id").query.sql_with_params()
    wanted = [code for code in screening.RULE_CODES if code in enabled]
    sql = _query(ids_sql, int(year), round(float(threshold) * 100), tuple(wanted))
    out = []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # for this statement only (local to the transaction, and restored below when an outer
            # transaction continues); see SETTINGS
            cursor.execute(f"SELECT {', '.join('current_setting(%s)' for _ in SETTINGS)}", list(SETTINGS))
            saved = dict(zip(SETTINGS, cursor.fetchone(), strict=True))
            _set(cursor, SETTINGS)
        cursor.execute(sql, [*params, *params])
        rows = cursor.fetchall()
        if connection.vendor == "postgresql":
            _set(cursor, saved)
        for row in rows:
            code, usable, net_fen, size = row[:4]
            rules = [c for c, v in zip(wanted, row[4:], strict=True) if v]
            income = round(float(net_fen) / 100 / size, 2) if usable else None
            out.append({"household": code, "rules": rules, "per_capita_income": income})
    out.sort(key=lambda r: r["household"])
    return out
