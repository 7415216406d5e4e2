"""Benchmark: time and peak memory to read each seed plan, a synthetic plan of 1, 5 and 20 MB, and a
100-page PDF (target: under 20 s).

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


def pdf_plan(pages: int, folder: Path, table_every: int = 5) -> Path:
    """A plan PDF of `pages` A4 pages as counties print them: indented paragraphs wrapped over lines, a running
    header and page numbers, and a ruled main-indicator table on every `table_every`-th page."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle(
        "zh", fontName="STSong-Light", fontSize=14, leading=26, wordWrap="CJK", firstLineIndent=28
    )
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    body = (
        "到2025年，全县农村卫生厕所普及率达到{n}%以上，村庄绿化覆盖率提高到35%，新建通村硬化路120公里，"
        "培育县级以上龙头企业12家。坚持农业农村优先发展，统筹推进乡村产业、人才、文化、生态、组织振兴，"
        "健全防止返贫动态监测和帮扶机制，持续巩固拓展脱贫攻坚成果。〔牵头部门：县农业农村局；配合部门："
        "县乡村振兴局、县发展和改革局、县财政局、县自然资源局、县生态环境局、各乡镇人民政府〕"
    )
    rows = [["类别", "序号", "指标", "单位", "2020年", "2025年目标值", "属性"]]
    rows += [
        ["产业兴旺" if n == 1 else "", str(n), f"第{n}项主要指标", "%", f"{50 + n}", f"≥{60 + n}", "预期性"]
        for n in range(1, 16)
    ]
    story: list[object] = []
    for page in range(1, pages + 1):
        story.append(Paragraph(escape(f"第{page}章 推进第{page}项重点工作"), style))
        if page % table_every == 0:
            grid = Table([[Paragraph(c, cell) for c in row] for row in rows])
            grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
            story.append(grid)
        else:
            story += [Paragraph(escape(body.format(n=page)), style) for _ in range(3)]
        story.append(PageBreak())

    def decorate(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, 805, "青山县人民政府文件")
        canvas.drawCentredString(297, 28, f"— {doc.page} —")

    path = folder / f"plan-{pages}-pages.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=decorate, onLaterPages=decorate)
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
        # The check of issue 14: a 100-page PDF in under 20 s (every page through PDFium, ruled ones with
        # pdfplumber's table finder on PDFium's lines), with a table on every 5th page and on every page.
        for every in (5, 1):
            path = pdf_plan(100, Path(tmp), table_every=every)
            start = time.perf_counter()
            result = extract(path)
            seconds = time.perf_counter() - start
            label = f"100-page PDF, table every {every}"
            print(
                f"{label:<34}{path.stat().st_size / 1024:>9.0f}{seconds:>9.2f}{'':>9}"
                f"{len(result['indicators']):>11}{len(result['targets']):>9}{len(result['places']):>8}"
                f"   {len(result['tasks'])} tasks"
            )


if __name__ == "__main__":
    main()
