"""The yearly evaluation report: headings, numbers from the assessment, pictures, no personal data."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from docx import Document

from tests.assets.conftest import MEMBER_ID, MEMBER_NAME
from tests.reports.conftest import YEAR, docx_text
from xiangcun.domain.formatting import format_number
from xiangcun.domain.report import TITLES
from xiangcun.indicators import dashboard
from xiangcun.indicators.models import Target
from xiangcun.reports import charts
from xiangcun.reports.collect import as_of_for
from xiangcun.reports.services import build

pytestmark = pytest.mark.django_db


def headings(document) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


def test_command_writes_a_word_document_with_the_seven_sections(report_data, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "report.docx"
    call_command("report", "--year", str(YEAR), "--out", str(out))
    document = Document(str(out))
    assert headings(document) == list(TITLES)
    assert document.paragraphs[0].text == f"测试县{YEAR}年度乡村振兴规划实施评估报告"
    assert len(document.inline_shapes) == 3  # index over years, status counts, township ranking
    xml = docx_text(out.read_bytes())
    assert "PAGE" in xml and "NUMPAGES" in xml and "TOC \\o" in xml and "w:updateFields" in xml


def test_indicator_table_has_the_dashboard_numbers(report_data):  # type: ignore[no-untyped-def]
    document = Document(io.BytesIO(build(report_data.county, YEAR).data))
    rows = dashboard.rows(Target.objects.filter(indicator__code="N09"), as_of=as_of_for(YEAR))
    assessed = rows[0]
    table = next(
        t
        for t in document.tables
        if t.rows[0].cells[0].text == "指标" and "农村卫生厕所普及率" in t.rows[1].cells[0].text
    )
    cells = [c.text for c in table.rows[1].cells]
    assert [c.text for c in table.rows[0].cells] == ["指标", "目标", "应达到值", "实际值", "状态", "说明"]
    assert cells[0] == "农村卫生厕所普及率（约束性）"
    assert cells[1] == f"{YEAR}年 ≥ 85.00 %"
    assert cells[2] == format_number(assessed["expected"], "%")
    assert (
        cells[3]
        == f"{assessed['latest_year']}年 {format_number(assessed['latest'], '%')}"
        == f"{YEAR}年 72.25"
    )
    assert cells[4] == assessed["status"] == "未达标"
    assert cells[5] == assessed["explanation"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "约束性指标预警" in text and "1 项触发预警" in text
    assert "农业农村局针对“农村卫生厕所普及率”" in text  # a rule-based suggestion names the department


def test_no_personal_data_anywhere_in_the_file(report_data):  # type: ignore[no-untyped-def]
    data = build(report_data.county, YEAR).data
    xml = docx_text(data)
    for secret in (
        MEMBER_NAME,
        MEMBER_ID,
        MEMBER_ID[:6] + "19800101",
        "李四",
        "A001",
        "B001",
        "13800001234",
        "户主因病住院",
    ):
        assert secret not in xml, secret
    assert "边缘易致贫户" in xml and "健康帮扶" in xml and "甲镇" in xml  # the aggregates are there


def test_monitoring_and_project_sections(report_data):  # type: ignore[no-untyped-def]
    document = Document(io.BytesIO(build(report_data.county, YEAR).data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{YEAR}年新发现 2 户、新纳入 1 户、风险消除 0 户" in text
    # The test project is of 2024: the 2025 section says so instead of inventing figures.
    assert f"{YEAR}年项目库中没有测试县的项目。" in text
    document_2024 = Document(io.BytesIO(build(report_data.county, 2024).data))
    text_2024 = "\n".join(p.text for p in document_2024.paragraphs)
    assert "2024年项目库共有项目 1 个，安排衔接资金 100.0000 万元" in text_2024


def test_task_section_lists_the_overdue_task_and_scorecards(report_data):  # type: ignore[no-untyped-def]
    document = Document(io.BytesIO(build(report_data.county, YEAR).data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{YEAR}年登记任务 1 项" in text and "逾期未完成 1 项" in text
    overdue = next(t for t in document.tables if t.rows[0].cells[0].text == "任务" and len(t.columns) == 3)
    assert [c.text for c in overdue.rows[1].cells][:2] == ["推进农村厕所革命整村改造", "农业农村局"]
    assert "1 项任务逾期未完成" in text and "农业农村局对逾期任务说明原因" in text


def test_township_report_is_about_the_township_only(report_data, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "town.docx"
    call_command("report", "--year", str(YEAR), "--region", report_data.town_b.code, "--out", str(out))
    document = Document(str(out))
    assert headings(document) == list(TITLES)
    xml = docx_text(out.read_bytes())
    assert "乙乡" in xml and "甲镇" not in xml and "边缘易致贫户" not in xml  # A001's case is in 甲镇


def test_template_styles_are_used(report_data, tmp_path):  # type: ignore[no-untyped-def]
    template = tmp_path / "template.docx"
    call_command("report", "--write-template", str(template))
    styled = Document(str(template))
    styled.styles["Heading 1"].font.size = 203200  # 16 pt → the county's own choice (EMU): 16pt = 203200
    styled.styles["Normal"].font.name = "Arial"
    styled.save(str(template))
    out = tmp_path / "report.docx"
    call_command("report", "--year", str(YEAR), "--out", str(out), "--template", str(template))
    document = Document(str(out))
    assert document.styles["Normal"].font.name == "Arial"
    assert headings(document) == list(TITLES)
    assert "样式模板" not in "\n".join(
        p.text for p in document.paragraphs
    )  # the template's sample text is dropped


def test_headings_have_chinese_font_names(report_data):  # type: ignore[no-untyped-def]
    document = Document(io.BytesIO(build(report_data.county, YEAR).data))
    from docx.oxml.ns import qn

    east_asian = {
        name: document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
        for name in ("Heading 1", "Normal")
    }
    assert east_asian in (
        {"Heading 1": "黑体", "Normal": "仿宋"},
        {"Heading 1": "Noto Sans CJK SC", "Normal": "Noto Serif CJK SC"},
    )


def test_chart_font_has_every_glyph_of_the_charts(report_data):  # type: ignore[no-untyped-def]
    from xiangcun.domain import report as domain
    from xiangcun.reports.collect import collect

    sections = domain.build(collect(report_data.county, YEAR))
    shown = [b for s in sections for b in s.blocks if isinstance(b, domain.Chart)]
    assert len(shown) == 3
    for chart in shown:
        assert charts.missing_glyphs(charts.texts_of(chart)) == ""
        assert charts.render(chart)[:8] == b"\x89PNG\r\n\x1a\n"


def test_bundled_fallback_font_covers_the_report_words():  # type: ignore[no-untyped-def]
    words = "乡村振兴指数变化 指标目标完成状态 已达标正常推进进度偏慢严重滞后倒退未达标数据不足 各乡镇排名 分维度得分 产业兴旺生态宜居乡风文明治理有效生活富裕 项 分 年"
    assert charts.missing_glyphs(words, str(charts.BUNDLED_FONT)) == ""
