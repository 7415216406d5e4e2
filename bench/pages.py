"""Benchmark: every page as users feel it, at the server, for the demo county and a large county.

Builds the demo (`xiangcun demo --villages N --households M`) in a temporary XIANGCUN_DATA_DIR, logs in as
each demo role and fetches the pages they can reach from the home page (following links, one page per URL
pattern, downloads left out), twice each; prints the slowest pages with the best of the two times and their
query counts. Targets: under 300 ms for the demo county, under 1 s for 5 000 villages and 300 000 households.

    .venv/bin/python bench/pages.py                       # demo (100 villages, 3 000 households) and large
    .venv/bin/python bench/pages.py --sizes 100:3000      # only the demo county
    .venv/bin/python bench/pages.py --keep /tmp/big       # keep (and reuse) the built data folder
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROLES = ("admin", "county", "nongye", "township", "village", "leader")
SKIP = re.compile(
    r"^/(logout|admin|static|api/(?!tokens))|export|download|\.xlsx|\.docx|\.csv|\.pdf|format=|/photos?/"
)
HREF = re.compile(r'href="([^"#]*)')


def pattern(url: str) -> str:
    path, _, query = url.partition("?")
    parts = [re.sub(r"^[A-Za-z]*\d[\w-]*$", "*", p) for p in path.split("/")]
    keys = sorted({kv.split("=")[0] for kv in query.split("&") if kv})
    return "/".join(parts) + ("?" + "&".join(keys) if keys else "")


def measure(limit: int) -> list[dict[str, object]]:
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xiangcun.accounts.models import User

    results: dict[str, dict[str, object]] = {}
    for role in ROLES:
        client = Client(SERVER_NAME="localhost")
        client.force_login(
            User.objects.get(username=role), backend="django.contrib.auth.backends.ModelBackend"
        )
        seen: Counter[str] = Counter()
        queue, visited = ["/"], set()
        while queue and len(visited) < limit:
            url = queue.pop(0)
            if url in visited:
                continue
            visited.add(url)
            best, cpu, queries, status = 1e9, 1e9, 0, 0
            for _ in range(2):
                reset_queries()
                with CaptureQueriesContext(connection) as captured:
                    t, c = time.perf_counter(), time.thread_time()
                    response = client.get(url)
                    elapsed, used = time.perf_counter() - t, time.thread_time() - c
                best, cpu = min(best, elapsed), min(cpu, used)
                queries, status = len(captured), response.status_code
            key = pattern(url)
            if key not in results or results[key]["ms"] < best * 1000:  # type: ignore[operator]
                results[key] = {
                    "url": url,
                    "role": role,
                    "ms": round(best * 1000),
                    "cpu": round(cpu * 1000),
                    "queries": queries,
                    "status": status,
                }
            if status != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for href in HREF.findall(response.content.decode("utf-8", "replace")):
                href = href.replace("&amp;", "&")
                if href.startswith("?"):
                    href = url.partition("?")[0] + href
                if not href.startswith("/") or href.startswith("//") or SKIP.search(href) or href in visited:
                    continue
                if seen[pattern(href)] >= 1:
                    continue
                seen[pattern(href)] += 1
                queue.append(href)
    return sorted(results.values(), key=lambda r: -r["ms"])  # type: ignore[operator]


def build(villages: int, households: int) -> float:
    import django

    django.setup()
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("demo", "--villages", str(villages), "--households", str(households), "--quiet",
                 stdout=io.StringIO())  # fmt: skip
    return time.perf_counter() - t


def child(args: argparse.Namespace) -> None:
    villages, households = (int(x) for x in args.child.split(":"))
    marker = Path(os.environ["XIANGCUN_DATA_DIR"]) / "bench-built"
    built_s = 0.0
    if not marker.exists():
        built_s = build(villages, households)
        marker.write_text("ok")
    rows = measure(args.limit)
    print(json.dumps({"build_s": round(built_s, 1), "rows": rows}, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100:3000,5000:300000", help="村数:农户数，逗号分隔")
    parser.add_argument("--limit", type=int, default=150, help="每个角色最多访问的页面数")
    parser.add_argument("--top", type=int, default=15, help="打印最慢的页面数")
    parser.add_argument("--keep", help="数据目录（保留并复用；默认临时目录）")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    for size in args.sizes.split(","):
        villages, households = size.split(":")
        with tempfile.TemporaryDirectory(prefix="xiangcun-bench-") as tmp:
            folder = f"{args.keep}-{villages}-{households}" if args.keep else tmp
            env = {**os.environ, "XIANGCUN_DATA_DIR": folder, "DJANGO_SETTINGS_MODULE": "xiangcun.settings"}
            env.pop("DATABASE_URL", None)
            out = subprocess.run([sys.executable, __file__, "--child", size, "--limit", str(args.limit)],
                                 env=env, capture_output=True, text=True, check=False)  # fmt: skip
            if out.returncode != 0:
                print(out.stderr[-3000:])
                raise SystemExit(f"{size} 失败")
            data = json.loads(out.stdout.strip().splitlines()[-1])
            rows = data["rows"]
            target = 300 if int(households) <= 10_000 else 1000
            slow = [r for r in rows if r["ms"] > target]
            print(f"\n== {villages} 个村，{households} 户（建数 {data['build_s']} 秒）：{len(rows)} 类页面，"
                  f"{len(slow)} 类超过 {target} ms")  # fmt: skip
            print("毫秒：服务器处理时间（两次取快者）；CPU：本进程所用 CPU 毫秒（机器繁忙时更可比）")
            print(f"{'毫秒':>6} {'CPU':>6} {'查询':>5} {'状态':>4}  {'角色':<9} 页面")
            for r in rows[: args.top]:
                print(
                    f"{r['ms']:>6} {r['cpu']:>6} {r['queries']:>5} {r['status']:>4}  {r['role']:<9} {r['url']}"
                )


if __name__ == "__main__":
    main()
