"""Benchmark: screening a county's registry (the 风险筛查 page's work) on the data folder you give.

    .venv/bin/python bench/screening.py --build 30000 /tmp/screen30k   # regions + a registry of N households
    .venv/bin/python bench/screening.py /tmp/screen30k                 # numpy vs SQL, county and one township
    .venv/bin/python bench/screening.py /tmp/h1data --page             # also the page: after a change (patched), again
    .venv/bin/python bench/screening.py /tmp/h1data --one-edit         # one member edit, then one view (farm-bench)
    .venv/bin/python bench/screening.py /tmp/h1data --trigger-rows     # SQLite: the triggers' CPU a written row
    .venv/bin/python bench/screening.py /tmp/empty --trigger-cost 100000  # an import with and without them

Runs on SQLite in XIANGCUN_DATA_DIR=<folder> (or DATABASE_URL when set). Prints wall and CPU seconds of this
process (on PostgreSQL the server's CPU is not in it) and whether both evaluators give the same rows.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time


def _setup(folder: str) -> None:
    os.environ["XIANGCUN_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.settings")
    import django

    django.setup()


def build(count: int) -> None:
    from django.core.management import call_command

    from xiangcun.accounts.models import Role, User
    from xiangcun.domain.demo import county_rows, household_rows, registry_csv
    from xiangcun.households.services import import_households
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    call_command("migrate", interactive=False, verbosity=0)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(county_rows(max(10, count // 60)))
    assert import_regions(buffer.getvalue().encode(), "county.csv").ok
    villages = list(Region.objects.filter(depth=5).values_list("code", flat=True))
    t = time.perf_counter()
    report = import_households(registry_csv(*household_rows(villages, count, 2025)), "bench-户.csv")
    assert report.ok, [str(e) for e in report.errors[:3]]
    print(f"imported {count} households in {time.perf_counter() - t:.1f} s")
    county = Region.objects.filter(depth=3).first()
    township = Region.objects.filter(depth=4).first()
    for name, role, region in (
        ("county", Role.COUNTY_ADMIN, county),
        ("township", Role.TOWNSHIP_ADMIN, township),
    ):
        User.objects.create_user(name, password="xiangcun-bench", role=role, region=region)


def trigger_cost(count: int) -> None:
    """CPU of one SQLite registry import of `count` households with the stamp triggers, and without them."""
    from django.core.management import call_command
    from django.db import connection

    from xiangcun.domain.demo import county_rows, household_rows, registry_csv
    from xiangcun.households import triggers
    from xiangcun.households.services import import_households
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    call_command("migrate", interactive=False, verbosity=0)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(county_rows(max(10, count // 60)))
    assert import_regions(buffer.getvalue().encode(), "county.csv").ok
    villages = list(Region.objects.filter(depth=5).values_list("code", flat=True))
    files = registry_csv(*household_rows(villages, count, 2025))
    for run, with_triggers in enumerate((True, False, True, False)):
        with connection.cursor() as cursor:
            for table in ("households_finance", "households_member", "households_household"):
                cursor.execute(f"DELETE FROM {table}")
            if not with_triggers:
                for name in triggers._names():
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            else:
                triggers.install(connection)
        t, c = time.perf_counter(), time.process_time()
        report = import_households(files, "bench-户.csv")
        assert report.ok
        print(f"import {count} households, triggers {'on ' if with_triggers else 'off'} (run {run + 1}): "
              f"wall {time.perf_counter() - t:6.1f} s  CPU {time.process_time() - c:6.1f} s  "
              f"stamp {triggers.stamp(connection)}", flush=True)  # fmt: skip


def trigger_rows() -> None:
    """SQLite: the triggers' own cost per written row, on the registry in the folder (nothing is kept: every
    run is rolled back). Updates every member row once with the triggers and once without."""
    import sqlite3

    from django.conf import settings

    db = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    count = db.execute("SELECT COUNT(*) FROM households_member").fetchone()[0]
    names = [
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%stamp%'")
    ]
    for with_triggers in (True, False, True, False):
        db.execute("BEGIN")
        if not with_triggers:
            for name in names:
                db.execute(f"DROP TRIGGER {name}")
        t, c = time.perf_counter(), time.process_time()
        db.execute("UPDATE households_member SET pension = pension")
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        db.execute("ROLLBACK")
        print(f"update {count} members, triggers {'on ' if with_triggers else 'off'}: wall {wall:6.2f} s  "
              f"CPU {cpu:6.2f} s  ({cpu / count * 1e6:.2f} µs CPU a row)", flush=True)  # fmt: skip


def timed(label: str, fn, *args):  # type: ignore[no-untyped-def]
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    print(f"{label:<44} wall {time.perf_counter() - t:7.2f} s   CPU {time.process_time() - c:7.2f} s   rows {len(out)}",
          flush=True)  # fmt: skip
    return out


def evaluators() -> None:
    from xiangcun.domain.households.screening import RULE_CODES
    from xiangcun.households.models import Household
    from xiangcun.households.services import run_screening_numpy
    from xiangcun.households.sql_screening import run_screening_sql
    from xiangcun.regions.models import Region

    print(f"households {Household.objects.count()}")
    township = Region.objects.filter(depth=4).first()
    for label, households in (
        ("county", Household.objects.all()),
        (f"township {township.name}", Household.objects.filter(village__path__startswith=township.path)),
    ):
        a = timed(f"numpy {label}", run_screening_numpy, households, 2025, 6000.0, RULE_CODES)
        b = timed(f"SQL   {label}", run_screening_sql, households, 2025, 6000.0, RULE_CODES)
        print(f"  equal: {a == b}")


def page() -> None:
    """The page as a county user sees it: the first view after a registry change, then the following views."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xiangcun.accounts.models import User
    from xiangcun.domain.households.screening import RULE_CODES
    from xiangcun.households import stored
    from xiangcun.households.models import Household, Member
    from xiangcun.households.services import run_screening
    from xiangcun.regions.models import Region

    client = Client(SERVER_NAME="localhost")
    client.force_login(
        User.objects.get(username="county"), backend="django.contrib.auth.backends.ModelBackend"
    )

    def fetch(label: str) -> None:
        with CaptureQueriesContext(connection) as queries:
            t, c = time.perf_counter(), time.process_time()
            response = client.get("/households/screening/")
            wall, cpu = time.perf_counter() - t, time.process_time() - c
        assert response.status_code == 200, response.status_code
        print(f"page {label:<38} wall {wall * 1000:7.0f} ms  CPU {cpu * 1000:7.0f} ms  queries {len(queries)}",
              flush=True)  # fmt: skip

    first = Household.objects.order_by("id").first()
    fetch("first view (nothing stored: computed)")
    Household.objects.filter(pk=first.pk).update(water_safe=not first.water_safe)  # any write
    fetch("first view after a change (patched)")
    fetch("second view")
    fetch("third view")
    Household.objects.filter(pk=first.pk).update(water_safe=first.water_safe)
    fetch("first view after changing it back")
    member = Member.objects.order_by("-id").first()  # a village cadre edits one member
    Member.objects.filter(pk=member.pk).update(basic_medical=not member.basic_medical)
    fetch("first view after one member edit")
    Member.objects.filter(pk=member.pk).update(basic_medical=member.basic_medical)
    fetch("first view after editing it back")
    moved = Household.objects.order_by("-id").first()  # a household moved to a village of another township
    other = Region.objects.filter(depth=5).exclude(path__startswith=moved.village.path[:-12]).first()
    Household.objects.filter(pk=moved.pk).update(village=other)
    fetch("first view after a household moved")
    Household.objects.filter(pk=moved.pk).update(village=moved.village)
    fetch("first view after moving it back")
    county = User.objects.get(username="county").region.path
    kept = stored.screening(county, 2025, 6000.0, tuple(RULE_CODES))  # what the views kept
    t, c = time.perf_counter(), time.process_time()
    rows = run_screening(stored.households_of(county), 2025, 6000.0, tuple(RULE_CODES))
    print(f"full screening of the county: wall {time.perf_counter() - t:.2f} s  CPU {time.process_time() - c:.2f} s  "
          f"equal to the patched result: {list(kept.rows()) == rows}")  # fmt: skip


def one_edit() -> None:
    """One member edited (a village cadre's save), then the county's page once: for farm-bench, which times
    the whole process. Run it after --page, so a stored result exists to be patched."""
    from django.test import Client

    from xiangcun.accounts.models import User
    from xiangcun.households.models import Member

    client = Client(SERVER_NAME="localhost")
    client.force_login(
        User.objects.get(username="county"), backend="django.contrib.auth.backends.ModelBackend"
    )
    assert client.get("/households/screening/").status_code == 200  # the process's imports, the stored result
    member = Member.objects.order_by("-id").first()
    Member.objects.filter(pk=member.pk).update(basic_medical=not member.basic_medical)
    t, c = time.perf_counter(), time.process_time()
    assert client.get("/households/screening/").status_code == 200
    print(f"page after one member edit: wall {(time.perf_counter() - t) * 1000:.0f} ms  "
          f"CPU {(time.process_time() - c) * 1000:.0f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder")
    parser.add_argument("--build", type=int, help="先在该目录生成区划和 N 户登记表")
    parser.add_argument("--page", action="store_true", help="再测页面（县级账号 county）")
    parser.add_argument("--no-evaluators", action="store_true")
    parser.add_argument(
        "--one-edit", action="store_true", help="改一名成员后县级页面一次（供 farm-bench 计时）"
    )
    parser.add_argument("--trigger-cost", type=int, help="在该（空）目录测 N 户导入有无触发器的 CPU")
    parser.add_argument(
        "--trigger-rows", action="store_true", help="SQLite：每写一行触发器本身的 CPU（回滚，不改数据）"
    )
    args = parser.parse_args()
    sys.path.insert(0, os.getcwd())
    _setup(args.folder)
    if args.trigger_rows:
        trigger_rows()
        return
    if args.one_edit:
        one_edit()
        return
    if args.trigger_cost:
        trigger_cost(args.trigger_cost)
        return
    if args.build:
        build(args.build)
    if not args.no_evaluators:
        evaluators()
    if args.page:
        page()


if __name__ == "__main__":
    main()
