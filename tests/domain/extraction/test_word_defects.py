"""Word files as counties write them (issue 16, item 10): a title over two paragraphs, an indicator
table typed as paragraphs instead of a table. Built with python-docx; the 永和 seed supplies the real
title and table text when it is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from xiangcun.domain.extraction import extract

from .plans import HEADER, INTRO, ROWS

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


def _docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


@pytest.mark.parametrize(
    "lines",
    [
        ["青山县“十四五”巩固拓展脱贫攻坚", "成果和乡村振兴规划"],
        ["**青山县“十四五”巩固拓展脱贫攻坚", "成果和乡村振兴规划**"],  # bold markers from a markdown export
    ],
)
def test_a_title_over_two_paragraphs_is_one_title(tmp_path: Path, lines: list[str]) -> None:
    path = _docx(tmp_path / "plan.docx", [*lines, "（2021—2025年）", "青山县发展和改革委员会", *INTRO])
    result = extract(path)
    assert result["title"] == "青山县“十四五”巩固拓展脱贫攻坚成果和乡村振兴规划"
    assert result["region"] == "青山县"
    assert result["period"] == [2021, 2025]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"真实规划样本目录不存在：{SEEDS}")
def test_the_yonghe_title_as_word_paragraphs(tmp_path: Path) -> None:
    text = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8")
    head = [line for line in text.splitlines() if line.strip()][:6]
    assert head[1].endswith("规划**")  # the seed's title runs over two lines
    result = extract(_docx(tmp_path / "yonghe.docx", head))
    assert result["title"] is not None and not result["title"].endswith("*")
    assert result["title"].endswith("成果和乡村振兴规划") and result["title"].startswith("永和县")


def test_a_single_line_title_is_not_joined_to_the_line_before(tmp_path: Path) -> None:
    path = _docx(tmp_path / "plan.docx", ["青山县人民政府文件", "青山县乡村振兴规划（2021—2025年）", *INTRO])
    assert extract(path)["title"] == "青山县乡村振兴规划（2021—2025年）"


def test_an_indicator_table_typed_as_paragraphs_gives_a_warning(tmp_path: Path) -> None:
    paragraphs = ["青山县乡村振兴规划（2021—2025年）", *INTRO, "表1 主要指标"]
    paragraphs += ["  ".join(HEADER), *("  ".join(row) for row in ROWS)]
    result = extract(_docx(tmp_path / "plan.docx", paragraphs))
    assert result["indicators"] == []
    warning = next(w for w in result["warnings"] if w.startswith("未识别到主要指标表"))
    assert "第6行" in warning and "段落" in warning


def test_a_plan_without_any_indicator_table_says_so(tmp_path: Path) -> None:
    result = extract(_docx(tmp_path / "plan.docx", ["青山县乡村振兴规划（2021—2025年）", *INTRO]))
    assert any(w.startswith("未识别到主要指标表") for w in result["warnings"])
