"""`xiangcun ingest FILE [--json]`: print what a plan document contains."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from .document import DocumentError
from .extract import extract


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xiangcun ingest", description="读取规划文件（.docx、.pdf、.txt）")
    parser.add_argument("file", help="规划文件路径")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出全部抽取结果")
    args = parser.parse_args(argv)
    try:
        result = extract(args.file)
    except DocumentError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the promise is one clear line, never a traceback
        print(f"错误：文件无法读取（{type(exc).__name__}）", file=sys.stderr)
        return 1
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    period = result["period"]
    print(f"文件：{result['source']}")
    print(f"标题：{result['title'] or '（未识别）'}")
    print(
        f"地区：{result['region'] or '（未识别）'}    规划期：{f'{period[0]}—{period[1]}年' if period else '（未识别）'}"
    )
    print(f"目录标题 {len(result['outline'])} 个")
    categories = Counter(i["category"] or "未分类" for i in result["indicators"])
    detail = "，".join(f"{k} {v}" for k, v in categories.items())
    print(f"主要指标 {len(result['indicators'])} 项" + (f"（{detail}）" if detail else ""))
    print(
        f"文中量化目标 {len(result['targets'])} 个，专栏项目 {len(result['projects'])} 个，任务分工 {len(result['tasks'])} 项"
    )
    kinds = Counter(p["kind"] for p in result["places"])
    print(
        f"村庄 {kinds.get('village', 0)} 个行政村、{kinds.get('community', 0)} 个社区；村庄名单 {len(result['place_lists'])} 组"
    )
    if result["schools"]:
        print(f"学校统计表 {len(result['schools'])} 行")
    if result["warnings"]:
        print(f"未能解析 {len(result['warnings'])} 处，例如：{result['warnings'][0]}")
    return 0
