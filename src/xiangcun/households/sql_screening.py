"""The screening rules as one SQL query, for PostgreSQL at province size (and SQLite, where it beats numpy too).

Fetching 5 million member rows into Python was most of a province's screening time; here the database
aggregates members and finances per household and evaluates every rule, and only flagged households come
back, each as one bit mask of the rules that fired. The rules are the same as `domain.households.screening`
(tests/households/test_sql_screening.py runs both on random registries and asserts the same result), including
its exactness: money is compared in whole fen on household totals, a fall of exactly 30% fires INCOME_DROP,
missing rows fire no income rule.

The SQL is portable (CASE and SUM, no bool_or or FILTER), so the equality test runs on SQLite too.

Shaped for PostgreSQL's planner (EXPLAIN at 100 000 and 1 000 000 households, docs/scale.md):
- members are aggregated per household in a grouped subquery; money becomes whole fen once per household,
  not once per rule that reads it: in one process the finance rows are joined on their (household, year)
  key behind an `OFFSET 0` fence, in a range they are grouped per household (a grouped subquery is never
  inlined either, and PostgreSQL never runs a subquery with `OFFSET` in a parallel worker);
- the scope is a plain subquery in each `IN`, so the planner sees its real size (a materialised CTE was
  estimated at 200 rows and planned as one index lookup per household); no `IN` at all when the queryset is
  every household;
- a large scope (`SPLIT_FROM` households and more) is cut into `PARTS` ranges of household id, one copy of
  the query each under `UNION ALL`: PostgreSQL's Parallel Append hands each range to one process (the
  leader and parallel workers), where it is a merge join over index range scans in household order, with no
  hash table of a million rows. No index beyond the foreign keys and the finance key is needed.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import QuerySet

from xiangcun.domain.households import screening

from .models import Finance, Household, Member

WORK_MEM = "256MB"
# Measured at 1 000 000 households (docs/scale.md). For every screening: the hash tables in memory instead of
# spilled to disk; no JIT, which cost more than it saved; no parallel workers, whose plan for one statement
# ran the member aggregate again in each worker.
SETTINGS = {"work_mem": WORK_MEM, "jit": "off", "max_parallel_workers_per_gather": "0"}
# A scope of SPLIT_FROM households or more runs as PARTS id ranges in parallel (see the module docstring):
# each range is one process's work (no partial scans, which would make every worker aggregate all members
# again), joined in household order rather than through hash tables. Two workers and the leader: a range is
# taken by whichever process is free, so a multiple of three keeps them equally busy, and six rather than
# three lets a process slowed by other load take fewer (1 000 000 households, median wall: 4 ranges 8.3 s,
# 3 ranges 6.2-6.8 s, 6 ranges 7.0-7.1 s, 8 ranges 6.9 s). When no worker is free the leader runs every
# range: the same work as one statement.
SPLIT_FROM = 100_000
PARTS = 6
SPLIT_SETTINGS = {
    **SETTINGS,
    "max_parallel_workers_per_gather": "2",
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0.001",
    "min_parallel_table_scan_size": "1TB",
    "min_parallel_index_scan_size": "1TB",
    "enable_hashjoin": "off",
    "enable_hashagg": "off",
}


def _set(cursor: Any, values: dict[str, str]) -> None:
    cursor.execute(
        f"SELECT {', '.join('set_config(%s, %s, true)' for _ in values)}",
        [v for pair in values.items() for v in pair],
    )


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _query(
    ids_sql: str | None,
    year: int,
    threshold_fen: int,
    enabled: tuple[str, ...],
    id_range: tuple[int, int] | None = None,
    dense: bool = False,
    counties: tuple[int, ...] = (),
) -> tuple[str, int]:
    """Flagged households of the scope (`ids_sql`, None for every household) as (户编号, net fen of the
    year when usable, member count, rule mask: bit i for the i-th enabled rule in `RULE_CODES` order).

    Also how many times the scope's subquery (and so its parameters) is in it: for members, households and,
    in a range, finances; only for households when `dense`: then most households of `id_range` are in the
    scope, and members and finances are read by the range alone (the join drops the few others) rather than
    each checked against the scope. `counties`: the scope lies in these counties, named on every table so
    PostgreSQL reads only their partitions (partitions.py)."""
    h, m, f = Household._meta.db_table, Member._meta.db_table, Finance._meta.db_table
    severe = f"disability_grade IN ({_quoted(screening.SEVERE_GRADES)})"
    keep = 100 - screening.DROP_PERCENT
    usable = "net_fen IS NOT NULL AND size > 0"
    rules = {
        "INCOME_BELOW": f"{usable} AND net_fen < floor_fen",
        "RIGID_EXPENSE": f"{usable} AND net_fen >= floor_fen AND net_fen - rigid_fen < floor_fen",
        "INCOME_DROP": f"{usable} AND last_fen > 0 AND net_fen * 100 <= last_fen * {keep}",
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
    mask = " + ".join(f"CASE WHEN {rules[c]} THEN {1 << i} ELSE 0 END" for i, c in enumerate(wanted)) or "0"
    # school age 6–15 in `year` is a birth date in [year-15-01-01, year-5-01-01): a range on the column, no
    # per-row year extraction, and the same text on PostgreSQL and SQLite (ISO dates compare as text there)
    born_from, born_before = f"{year - 15:04d}-01-01", f"{year - 5:04d}-01-01"

    def net(t: str = "") -> str:
        p = f"{t}." if t else ""
        return f"{p}wage_income + {p}business_income - {p}business_cost + {p}property_income + {p}transfer_income"

    def fen(amount: str) -> str:
        return f"CAST(ROUND(({amount}) * 100) AS BIGINT)"

    between = "" if id_range is None else f" BETWEEN {id_range[0]} AND {id_range[1]}"
    # the range inside the scope's subquery too: a range of its households' primary key, not the whole scope
    scope = f"SELECT id FROM ({ids_sql}) scope" + (f" WHERE id{between}" if between else "")

    pruned = f"county_id IN ({', '.join(map(str, counties))})" if counties else ""

    def where(column: str, *also: str) -> str:
        found = [*also]
        if pruned:
            found.append(f"{column.split('.')[0]}.{pruned}" if "." in column else pruned)
        if ids_sql is not None and (column == "h.id" or not dense):
            found.append(f"{column} IN ({scope})")
        if between:
            found.append(f"{column}{between}")
        return f"WHERE {' AND '.join(found)}" if found else ""

    if id_range is None:
        # one process: the year's rows joined on their unique (household, year) key (index lookups for a
        # small scope, the scope's subquery not evaluated a third time), whole fen computed once per
        # household behind an `OFFSET 0` fence (PostgreSQL would otherwise inline the money sums into every
        # rule that reads them; SQLite needs no fence)
        fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
        net_fen, rigid_fen = fen(net("cur")), fen("cur.medical_out_of_pocket + cur.education_cost")
        last_fen = fen(net("prev"))
        finances = (
            f"LEFT JOIN {f} cur ON cur.household_id = h.id AND cur.year = {year}{' AND cur.' + pruned if pruned else ''} "
            f"LEFT JOIN {f} prev ON prev.household_id = h.id AND prev.year = {year - 1}{' AND prev.' + pruned if pruned else ''}"
        )
    else:
        # a range in a parallel worker, where no subquery with OFFSET may run: finances grouped per
        # household (a grouped subquery is never inlined either); unique per (household, year), so MAX
        # picks the year's one row, NULL when there is none
        fence, net_fen, rigid_fen, last_fen = "", "net_fen", "rigid_fen", "last_fen"
        finances = f"""LEFT JOIN (
            SELECT household_id,
                MAX(CASE WHEN year = {year} THEN {fen(net())} END) AS net_fen,
                MAX(CASE WHEN year = {year} THEN {fen("medical_out_of_pocket + education_cost")} END) AS rigid_fen,
                MAX(CASE WHEN year = {year - 1} THEN {fen(net())} END) AS last_fen
            FROM {f} {where("household_id", f"year IN ({year}, {year - 1})")} GROUP BY household_id
        ) fin ON fin.household_id = h.id"""
    uses = 0 if ids_sql is None else 1 if dense else 2 if id_range is None else 3
    # a missing year's row gives NULL money (NULL arithmetic), so no rule reading it fires
    sql = f"""
    SELECT code, CASE WHEN {usable} THEN net_fen END, size, {mask} FROM (
        SELECT h.code, h.household_type, h.dibao, h.tekun, h.housing_grade, h.water_safe, h.self_applied,
            COALESCE(mem.size, 0) AS size, COALESCE(out_of_school, 0) AS out_of_school,
            COALESCE(uninsured, 0) AS uninsured, COALESCE(disabled, 0) AS disabled, COALESCE(sick, 0) AS sick,
            COALESCE(severe, 0) AS severe, COALESCE(students, 0) AS students,
            {net_fen} AS net_fen, {rigid_fen} AS rigid_fen, {last_fen} AS last_fen,
            {threshold_fen} * COALESCE(mem.size, 0) AS floor_fen
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
            FROM {m} {where("household_id")} GROUP BY household_id
        ) mem ON mem.household_id = h.id
        {finances}
        {where("h.id")}{fence}
    ) facts WHERE {mask} <> 0
    """
    return sql, uses


# a scope in at most this many counties names them, so only their partitions are read (more: all are)
PRUNE_COUNTIES = 50


class Part(NamedTuple):
    """One statement of the screening (or one branch of its UNION ALL): an id range or the whole scope, the
    counties it names (partition pruning), whether its range is dense (see `_query`)."""

    id_range: tuple[int, int] | None
    counties: tuple[int, ...]
    dense: bool


def _parts(cursor: Any, ids_sql: str | None, params: tuple[Any, ...]) -> list[Part]:
    """How to screen the scope on PostgreSQL: one statement for a scope under `SPLIT_FROM` households, naming its
    counties when it lies in at most `PRUNE_COUNTIES`; else about `PARTS` id ranges, each inside one county
    (a county's share of the ranges follows its size), so a range reads one partition of each table and runs
    as one process's work. A scope in more counties than `PRUNE_COUNTIES` is cut into id ranges across them."""
    if connection.vendor != "postgresql":
        return [Part(None, (), False)]
    source = Household._meta.db_table if ids_sql is None else f"({ids_sql}) scope"
    cursor.execute(f"SELECT county_id, COUNT(*), MIN(id), MAX(id) FROM {source} GROUP BY county_id", params)
    counties = cursor.fetchall()
    total = sum(count for _, count, _, _ in counties)
    named = len(counties) <= PRUNE_COUNTIES
    if total < SPLIT_FROM:
        return [Part(None, tuple(sorted(c for c, _, _, _ in counties)) if named else (), False)]
    if not named:
        low, high = min(c[2] for c in counties), max(c[3] for c in counties)
        counties = [(None, total, low, high)]
    parts = []
    for county, count, low, high in counties:
        share = max(1, round(PARTS * count / total))
        step = (high - low) // share + 1
        for k in range(share):
            span = (low + k * step, min(high, low + (k + 1) * step - 1))
            parts.append(Part(span, () if county is None else (county,), count * 2 > high - low))
    return parts


def run_screening_sql(
    households: QuerySet[Household], year: int, threshold: float, enabled: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Same result as `services.run_screening_numpy`: flagged households by 户编号."""
    query = households.query
    ids_sql: str | None
    if not query.where and not query.is_sliced and not query.distinct and not query.combinator:
        ids_sql, params = None, ()  # every household: no scope subquery to join
    else:
        ids_sql, params = households.order_by().values("id", "county_id").query.sql_with_params()
    wanted = tuple(code for code in screening.RULE_CODES if code in enabled)
    year, threshold_fen = int(year), round(float(threshold) * 100)
    out = []
    with transaction.atomic(), connection.cursor() as cursor:
        parts = _parts(cursor, ids_sql, params)
        ranges = parts[0].id_range is not None
        if not ranges:
            sql, uses = _query(ids_sql, year, threshold_fen, wanted, counties=parts[0].counties)
            arguments = [*params] * uses
        else:
            queries = [
                _query(ids_sql, year, threshold_fen, wanted, p.id_range, p.dense, p.counties) for p in parts
            ]
            sql = f"SELECT * FROM ({' UNION ALL '.join(f'({q})' for q, _ in queries)}) parts"
            arguments = [*params] * sum(uses for _, uses in queries)
        if connection.vendor == "postgresql":
            # for this statement only (local to the transaction, and restored below when an outer
            # transaction continues); see SETTINGS
            settings = SPLIT_SETTINGS if ranges else SETTINGS
            cursor.execute(f"SELECT {', '.join('current_setting(%s)' for _ in settings)}", list(settings))
            saved = dict(zip(settings, cursor.fetchone(), strict=True))
            _set(cursor, settings)
        cursor.execute(sql, arguments)
        rows = cursor.fetchall()
        if connection.vendor == "postgresql":
            _set(cursor, saved)
    rows.sort()  # by 户编号, which is unique: the tuples never compare further (faster than a key function)
    names: dict[int, list[str]] = {}  # rule names by mask, computed once per mask; each row gets a copy
    for code, net_fen, size, mask in rows:
        rules = names.get(mask)
        if rules is None:
            rules = names[mask] = [c for i, c in enumerate(wanted) if mask >> i & 1]
        income = None if net_fen is None else round(float(net_fen) / 100 / size, 2)
        out.append({"household": code, "rules": rules.copy(), "per_capita_income": income})
    return out
