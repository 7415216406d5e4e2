"""Benchmark: village classes, the village list and the layout checks at county to prefecture size.

For each size (villages in one county) a fresh process builds the demo tree on SQLite (a temporary file), a
confirmed plan whose lists name two 中心村 per township and every fifth village as 示范村, then times:

- sync: reading the plan's lists into class memberships (`villages.services.sync_classes`);
- list: the village list page (`/villages/`, the class summary and all rows, first page rendered);
- layout: the layout page with the four default rules over every village (`/villages/layout/`);
- export: the layout result as .xlsx.

Each figure is the median of three runs after a warm-up, as wall/CPU milliseconds (the machine is shared: CPU
is the fairer one).

    .venv/bin/python bench/villages.py [--sizes 100,1000,5000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json

from _common import Table, databases, in_child, median, setup_django, sizes


def one(villages: int) -> dict[str, object]:
    setup_django()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
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

    client = Client()
    client.force_login(user)
    result: dict[str, object] = {"villages": Region.objects.filter(depth=5).count()}
    result["sync"] = median(lambda: services.sync_classes(county), runs=3).ms()
    result["memberships"] = services.ClassMembership.objects.count()
    for name, url in [
        ("list", "/villages/"),
        ("layout", "/villages/layout/"),
        ("export", "/villages/layout/export/"),
    ]:
        assert client.get(url).status_code == 200
        result[name] = median(lambda url=url: client.get(url), runs=3).ms()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="村庄类别、村庄名单和布局检查的基准（每个规模一个新进程）")
    parser.add_argument("--sizes", default="100,1000,5000", help="一个县的行政村数，逗号分隔")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    table = Table(
        ("db", 11), ("村数", 7), ("类别", 7), "sync ms", "名单页 ms", "布局检查页 ms", "导出 ms", width=16
    )
    for label, url in databases():
        for size in sizes(args.sizes):
            r = in_child(__file__, "--one", str(size), database=url)
            table.row(label, r["villages"], r["memberships"], r["sync"], r["list"], r["layout"], r["export"])


if __name__ == "__main__":
    main()
