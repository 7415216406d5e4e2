"""Benchmark: the security log (管理 → 安全日志) and its .xlsx export as the log grows.

A county with 100 accounts; N security entries (logins, failures, exports, account changes, in the mix a
county sees) written straight into the audit log; then, as a county administrator: the first page of the
log (query + readable rows) and the whole log exported to .xlsx. Each size runs in a fresh SQLite file
(BENCH_DATABASE_URL: an empty PostgreSQL database instead). Wall and CPU seconds (a loaded machine inflates
wall time only).

    .venv/bin/python bench/security_log.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os

from _common import Table, clock, in_child, setup_django, sizes


def run(size: int) -> dict[str, float]:
    setup_django()
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from xiangcun.accounts.models import Role, User
    from xiangcun.regions.models import Region

    county = Region(code="140000000000", name="测试县", level="county", population=30000)
    county.save()
    town = Region(code="140000001000", name="甲镇", level="township", parent=county, population=9000)
    town.save()
    admin = User(username="county", role=Role.COUNTY_ADMIN, region=county)
    admin.set_password("x")
    admin.save()
    accounts = [User(username=f"u{i}", role=Role.TOWNSHIP_ADMIN, region=town) for i in range(100)]
    User.objects.bulk_create(accounts)
    accounts = list(User.objects.filter(username__startswith="u"))
    user_type = ContentType.objects.get_for_model(User)
    kinds = [
        ({"登录成功": ["", "IP 10.0.0.8"]}, {"security": "login"}, None),
        ({"登录失败": ["", "密码错误，IP 10.0.0.9"]}, {"security": "login_failed"}, None),
        ({"export": ["", "农户名单"]}, None, "self"),
        ({"role": ["township_admin", "village_reporter"]}, None, "admin"),
    ]
    now = timezone.now()
    rows = []
    for i in range(size):
        changes, extra, actor = kinds[i % len(kinds)]
        who = accounts[i % len(accounts)]
        rows.append(
            LogEntry(
                content_type=user_type, object_pk=str(who.pk), object_id=who.pk, object_repr=who.username,
                action=LogEntry.Action.ACCESS if i % 4 < 3 else LogEntry.Action.UPDATE, changes=changes,
                additional_data=extra, actor=who if actor == "self" else admin if actor == "admin" else None,
                timestamp=now, remote_addr="10.0.0.8",
            )
        )  # fmt: skip
    LogEntry.objects.bulk_create(rows, batch_size=5000)  # no post_save: left unsealed, as the bench needs
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    out: dict[str, float] = {"entries": size}
    for name, url in (("page", reverse("audit:security")), ("export", reverse("audit:security_export"))):
        with clock() as timing:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        out[f"{name}_wall_s"] = round(timing.wall, 3)
        out[f"{name}_cpu_s"] = round(timing.cpu, 3)
        if name == "export":
            out["export_mb"] = round(len(response.content) / 1e6, 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="安全日志页面和导出的基准（每个规模一个新进程）")
    parser.add_argument("--sizes", default="1000,10000,100000", help="日志条数，逗号分隔")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one)))
        return
    columns = ("entries", "page_wall_s", "page_cpu_s", "export_wall_s", "export_cpu_s", "export_mb")
    table = Table(*columns, width=14)
    for size in sizes(args.sizes):
        r = in_child(__file__, "--one", str(size), database=os.environ.get("BENCH_DATABASE_URL"),
                     env={"ALLOWED_HOSTS": "testserver"})  # fmt: skip
        table.row(*(r[c] for c in columns))


if __name__ == "__main__":
    main()
