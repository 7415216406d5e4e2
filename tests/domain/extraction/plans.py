"""Plans written for the tests (an invented county), built as real .docx, .pdf and .txt files."""

from __future__ import annotations

from pathlib import Path

TITLE = "青山县乡村振兴规划（2021—2025年）"
INTRO = [
    "第一章 总体要求",
    "一、发展目标",
    "到2025年，全县农村卫生厕所普及率达到90%以上，农村生活污水治理率提高到45%。",
    "规划期末，培育县级以上龙头企业不少于12家。",
]
HEADER = ["类别", "序号", "指标", "单位", "2020年基期值", "2025年目标值", "属性"]
ROWS = [
    ["产业兴旺", "1", "粮食综合生产能力", "万吨", "12.5", "≥13", "约束性"],
    ["", "2", "*特色林果种植面积", "万亩", "3.2", "5", "预期性"],
    ["生态宜居", "3", "村庄绿化覆盖率", "%", "28", ">35", "预期性"],
    ["生活富裕", "4", "城乡居民收入比", "—", "2.6:1", "2.3:1", "预期性"],
    ["", "5", "返贫人口", "人", "0", "动态清零", "约束性"],
]
TASK = "（一）推进农村改厕。完善改厕台账，全年新改户厕2000座。〔牵头部门：县农业局；配合部门：县教科局、卫体局、各镇（街道）〕"
VILLAGE_HEADER = ["乡镇", "序号", "行政村（社区）", "自然村", "户籍人口（人）"]
VILLAGE_ROWS = [
    ["东岭镇", "1", "上河村", "上河", "1230"],
    ["", "", "", "下河", ""],
    ["", "2", "柳湾村", "柳湾", "860"],
    ["西坪乡", "3", "石门社区", "", "4100"],
]
LIST = ["中心村名单如下：", "东岭镇：上河村、柳湾村。", "西坪乡：石门村、石佛村。"]
BOX = ["专栏1 农村公路提升工程", "新建通村硬化路35.5公里，总投资1.2亿元。"]


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    for line in INTRO:
        document.add_paragraph(line)
    document.add_paragraph("表1 主要指标")
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row in ROWS:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    # The category cell of 产业兴旺 spans two rows, as Word tables usually do.
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(1, 0).text = "产业兴旺"
    document.add_paragraph(TASK)
    villages = document.add_table(rows=1, cols=len(VILLAGE_HEADER))
    for cell, text in zip(villages.rows[0].cells, VILLAGE_HEADER, strict=True):
        cell.text = text
    for row in VILLAGE_ROWS:
        for cell, text in zip(villages.add_row().cells, row, strict=True):
            cell.text = text
    for line in LIST + BOX:
        document.add_paragraph(line)
    document.save(path)
    return path


def write_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", parent=style, fontSize=9, leading=12)

    def grid(rows: list[list[str]]) -> Table:
        table = Table([[Paragraph(c, cell_style) for c in row] for row in rows], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
        return table

    story = [Paragraph(TITLE, style), Spacer(1, 6)]
    story += [Paragraph(line, style) for line in INTRO]
    story += [Paragraph("表1 主要指标", style), grid([HEADER, *ROWS]), Spacer(1, 6), Paragraph(TASK, style)]
    story += [grid([VILLAGE_HEADER, *VILLAGE_ROWS]), Spacer(1, 6)]
    story += [Paragraph(line, style) for line in LIST + BOX]

    def footer(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(280, 20, f"- {doc.page} -")
        canvas.drawString(60, 810, "青山县人民政府文件")

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def write_txt(path: Path, encoding: str = "utf-8") -> Path:
    lines = [TITLE, *INTRO, "表1 主要指标", "\t".join(HEADER)]
    lines += ["\t".join(row) for row in ROWS]
    lines += [TASK, "\t".join(VILLAGE_HEADER), *("\t".join(r) for r in VILLAGE_ROWS), "", *LIST, *BOX]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path
