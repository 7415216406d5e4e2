"""Benchmark: time and peak memory to read each seed plan, and a synthetic plan of 1, 5 and 20 MB.

Extraction must grow linearly with the document (no quadratic regex backtracking); the target is all
five seeds in under one second together.

    .venv/bin/python bench/ingest.py
"""

from __future__ import annotations

import json
import tempfile
import time
import tracemalloc
from pathlib import Path

from xiangcun.domain.extraction import extract, extract_document
from xiangcun.domain.extraction.evaluation import Score, locate, score, table

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
READINGS = Path(__file__).resolve().parents[1] / "tests" / "domain" / "extraction"

SECTION = (
    """第{n}章 推进第{n}项重点工作
一、发展目标
到2025年，全县农村卫生厕所普及率达到{n}%以上，村庄绿化覆盖率提高到35%，新建通村硬化路120公里。
（一）推进农村改厕。完善改厕台账。〔牵头部门：县农业农村局；配合部门：县教育局、县卫健局、各镇（街道）〕
表{n} 主要指标
类别\t序号\t指标\t单位\t2020年\t2025年目标值\t属性
产业兴旺\t1\t粮食综合生产能力\t万吨\t12.5\t≥13\t约束性
\t2\t*特色林果种植面积\t万亩\t3.2\t5\t预期性
生活富裕\t3\t城乡居民收入比\t—\t2.6:1\t2.3:1\t预期性
专栏{n} 农村公路提升工程
新建通村硬化路35.5公里，总投资1.2亿元。
中心村名单如下：
东岭镇：上河村、柳湾村。
一段没有任何目标的长文字，用来模拟规划里大量的论述性内容，"""
    + "乡村振兴需要统筹推进各项工作，" * 20
    + "。\n"
)


def synthetic(size_mb: float, folder: Path) -> Path:
    path = folder / f"synthetic-{size_mb:g}mb.txt"
    target = int(size_mb * 1024 * 1024)
    parts = ["青山县乡村振兴规划（2021—2025年）\n"]
    written, n = 0, 1
    while written < target:
        chunk = SECTION.format(n=n)
        parts.append(chunk)
        written += len(chunk.encode("utf-8"))
        n += 1
    path.write_text("".join(parts), encoding="utf-8")
    return path


def measure(path: Path) -> tuple[float, float, dict]:
    tracemalloc.start()
    start = time.perf_counter()
    result = extract(path)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    return seconds, peak, result


def scores() -> None:
    """Precision, recall and F1 per item kind against the readings in tests/domain/extraction."""
    total: dict[str, Score] = {}
    for plan in sorted((READINGS / "corpus").glob("*.txt")):
        result, lines = extract_document(plan)
        reading = locate(json.loads(plan.with_suffix(".json").read_text(encoding="utf-8")), lines)
        found = score(result, reading)
        print(f"\n{plan.stem}\n{table(found)}")
        for kind, s in found.items():
            total[kind] = total[kind].add(s) if kind in total else s
    print(f"\nown plans together\n{table(total)}")
    if SEEDS.is_dir():
        seeds: dict[str, Score] = {}
        readings = json.loads((READINGS / "readings" / "seed_targets.json").read_text(encoding="utf-8"))
        for prefix, expected in readings.items():
            result, _ = extract_document(next(SEEDS.glob(f"{prefix}_*.txt")))
            s = score(result, {"targets": expected})["targets"]
            seeds["targets"] = seeds["targets"].add(s) if seeds else s
        print(f"\nseeds, prose targets\n{table(seeds)}")


def main() -> None:
    scores()
    print()
    print(
        f"{'document':<34}{'size KB':>9}{'seconds':>9}{'peak MB':>9}{'indicators':>11}{'targets':>9}{'places':>8}"
    )
    if SEEDS.is_dir():
        total = 0.0
        for path in sorted(SEEDS.glob("*.txt")):
            start = time.perf_counter()
            extract(path)  # timed without tracemalloc, which slows allocation-heavy code
            total += time.perf_counter() - start
            _, peak, result = measure(path)
            print(
                f"{path.name:<34}{path.stat().st_size / 1024:>9.0f}{time.perf_counter() - start:>9.3f}{peak:>9.1f}"
                f"{len(result['indicators']):>11}{len(result['targets']):>9}{len(result['places']):>8}"
            )
        print(f"{'all five seeds (untraced)':<34}{'':>9}{total:>9.3f}")
    else:
        print(f"(seeds not found at {SEEDS})")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (1, 5, 20):
            path = synthetic(size, Path(tmp))
            start = time.perf_counter()
            result = extract(path)
            seconds = time.perf_counter() - start
            print(
                f"{path.name:<34}{path.stat().st_size / 1024:>9.0f}{seconds:>9.2f}{'':>9}"
                f"{len(result['indicators']):>11}{len(result['targets']):>9}{len(result['places']):>8}"
                f"   {seconds / size:.2f} s/MB"
            )


if __name__ == "__main__":
    main()
