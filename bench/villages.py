"""Benchmark: village classes, the village list and the layout checks at county to prefecture size.

For each size (villages in one county) a fresh process builds the demo tree on SQLite (a temporary file), a
confirmed plan whose lists name two 中心村 per township and every fifth village as 示范村, then times:

- sync: reading the plan's lists into class memberships (`villages.services.sync_classes`);
- list: the village list page (`/villages/`, the class summary and all rows, first page rendered);
- layout: the layout page with the four default rules over every village (`/villages/layout/`);
- export: the layout result as .xlsx.

Each figure is the median of three runs, wall and CPU milliseconds (the machine is shared: CPU is the fairer one).

    .venv/bin/python bench/villages.py [--sizes 100,1000,5000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def one(villages: int) -> dict[str, object]:
    folder = tempfile.mkdtemp()
    os.environ["XIANGCUN_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from xiangcun.accounts.models import Role, User
    from xiangcun.domain.demo import COUNTY_CODE, county_rows
    from xiangcun.plans.models import Plan, PlanItem, PlanVersion
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions
    from xiangcun.villages import services

    buffer = io.StringIO()
    csv.writer(buffer).writerows(county_rows(villages))
    assert import_regions(buffer.getvalue().encode("utf-8"), "bench.csv").ok
    county = Region.objects.get(code=COUNTY_CODE)
    user = User.objects.create(username="bench", role=Role.COUNTY_ADMIN, region=county)
    lines, lists = ["中心村名单："], []
    for township in county.children.order_by("code"):
        names = list(
            township.children.filter(level="village").order_by("code").values_list("name", flat=True)
        )
        if names:
            lists.append({"list": "中心村", "township": township.name, "villages": names[:2]})
            lists.append({"list": "示范村", "township": township.name, "villages": names[::5]})
            lines.append(f"{township.name}：{'、'.join(names[:2])}。")
    plan = Plan.objects.create(region=county, title="基准规划")
    version = PlanVersion.objects.create(
        plan=plan, number=1, filename="b.txt", file="b.txt", sha256="0" * 64, size=1, source_lines=lines
    )
    PlanItem.objects.bulk_create(
        PlanItem(version=version, kind="place_list", position=i, key=str(i), data=d, status="confirmed")
        for i, d in enumerate(lists)
    )
    PlanVersion.objects.filter(pk=version.pk).update(status="confirmed")  # no signal: sync is timed below

    def timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        runs = []
        for _ in range(3):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            runs.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
        return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)

    client = Client()
    client.force_login(user)
    result: dict[str, object] = {"villages": Region.objects.filter(depth=5).count()}
    result["sync"] = timed(lambda: services.sync_classes(county))
    result["memberships"] = services.ClassMembership.objects.count()
    for name, url in [
        ("list", "/villages/"),
        ("layout", "/villages/layout/"),
        ("export", "/villages/layout/export/"),
    ]:
        assert client.get(url).status_code == 200
        result[name] = timed(lambda url=url: client.get(url))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--one", type=int)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    print(
        f"{'村数':>6} {'类别':>6} | {'sync 墙钟/CPU ms':>18} | {'名单页':>14} | {'布局检查页':>14} | {'导出':>14}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        cells = [f"{r[k][0]:>7.0f} / {r[k][1]:>6.0f}" for k in ("sync", "list", "layout", "export")]
        print(
            f"{r['villages']:>6} {r['memberships']:>6} | {cells[0]:>18} | {cells[1]:>14} | {cells[2]:>14} | {cells[3]:>14}"
        )


if __name__ == "__main__":
    main()
