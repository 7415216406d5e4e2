"""Make a province-size registry (three CSVs) from a smaller one made by bench/registry_files.py: k copies.

bench/registry_files.py builds every record as a dict and would need about 25 GB at 5 000 000 households. This
streams the source files instead: copy k (k = 1 … copies-1) adds k × (households in the source) to each 户编号's
number and sets the sixth digit of every 身份证号 to k+1 (the check character moved with it), so every copy is a
new set of households and people and the whole file passes the import's checks.

    .venv/bin/python bench/registry_copies.py /tmp/registry/h1000000 /tmp/registry/h5000000 5
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CHECK = "10X98765432"  # check character by remainder (GB 11643)
WEIGHT_OF_SIXTH = 4  # the weight of the sixth digit in the check sum


def renumber(code: str, offset: int) -> str:
    match = re.fullmatch(r"(\D*)(\d+)", code)
    if match is None:
        raise SystemExit(f"户编号「{code}」不是「字母前缀 + 数字」的形式，无法编号复制")
    prefix, number = match.groups()
    return f"{prefix}{int(number) + offset:0{len(number)}d}"


def moved_id(number: str, copy: int) -> str:
    if number[5] != "1":
        raise SystemExit(
            f"身份证号「{number}」的第六位不是 1，无法复制（源文件应由 bench/registry_files.py 生成）"
        )
    remainder = (CHECK.index(number[17]) + WEIGHT_OF_SIXTH * copy) % 11
    return number[:5] + str(copy + 1) + number[6:17] + CHECK[remainder]


def main() -> None:
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    source, target, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if not 1 <= copies <= 9:
        raise SystemExit("copies: 1–9 (the sixth digit of the 身份证号 carries the copy)")
    with open(f"{source}-户.csv", encoding="utf-8") as handle:
        households = sum(1 for _ in handle) - 1
    for sheet in ("户", "成员", "收支"):
        text = Path(f"{source}-{sheet}.csv").read_text(encoding="utf-8")
        header, _, body = text.partition("\n")
        lines = body.splitlines()
        with open(f"{target}-{sheet}.csv", "w", encoding="utf-8") as out:
            out.write(header + "\n" + body)
            for copy in range(1, copies):
                rows = []
                for line in lines:
                    code, rest = line.split(",", 1)
                    if sheet == "成员":
                        name, number, tail = rest.split(",", 2)
                        rest = f"{name},{moved_id(number, copy)},{tail}"
                    rows.append(f"{renumber(code, copy * households)},{rest}\n")
                out.write("".join(rows))
        print(f"{target}-{sheet}.csv: {len(lines) * copies} rows", flush=True)


if __name__ == "__main__":
    main()
