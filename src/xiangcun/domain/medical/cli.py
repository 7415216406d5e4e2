"""`xiangcun medical CASE.json`: the breakdown of one medical bill as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .calculator import MedicalInputError, calculate


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("用法：xiangcun medical CASE.json", file=sys.stderr)
        return 1 if argv[:1] != ["--help"] else 0
    path = Path(argv[0])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        print(f"错误：找不到文件 {path}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError):
        print("错误：文件无法读取，请提供 UTF-8 编码的 JSON 文件", file=sys.stderr)
        return 1
    try:
        case = json.loads(text)
    except json.JSONDecodeError as exc:
        print(f"错误：不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）", file=sys.stderr)
        return 1
    try:
        result = calculate(case)
    except MedicalInputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0
