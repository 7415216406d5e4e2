"""The report's sections written as a Word document with python-docx.

Styles come from a template (`Document(template)`): the county can restyle the report by editing the
template that `xiangcun report --write-template FILE` writes and putting it at the path in the
REPORT_TEMPLATE setting (default: report-template.docx in the data folder). Without one, the built-in
styles are set here: 方正小标宋/宋体 title, 黑体 for 一、 headings, 楷体 for （一） headings, 仿宋 body —
the names of the fonts on Chinese office machines — or, where those fonts are missing and Noto CJK is
installed (a Linux machine reading the file itself), Noto Serif/Sans CJK SC. East Asian font names are
set on every style (w:eastAsia), Latin text in Times New Roman. The document has a table-of-contents
field (Word fills it on opening: updateFields), page numbers in the footer (PAGE and NUMPAGES fields),
tables with the Table Grid style and the charts as pictures.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from xiangcun.domain import report as domain

FONT_SCHEMES: dict[str, dict[str, str]] = {
    # title, heading 1, heading 2, body, table
    "公文": {"title": "方正小标宋简体", "h1": "黑体", "h2": "楷体", "body": "仿宋", "table": "仿宋"},
    "通用": {
        "title": "Noto Serif CJK SC",
        "h1": "Noto Sans CJK SC",
        "h2": "Noto Sans CJK SC",
        "body": "Noto Serif CJK SC",
        "table": "Noto Sans CJK SC",
    },
}
OFFICE_FONTS = ("仿宋", "FangSong", "仿宋_GB2312", "FangSong_GB2312", "黑体", "SimHei")
LATIN = "Times New Roman"


def installed_fonts() -> set[str]:
    from matplotlib import font_manager

    return {f.name for f in font_manager.fontManager.ttflist}


def font_scheme(choice: str = "auto", installed: Callable[[], set[str]] = installed_fonts) -> str:
    """公文 where the office fonts exist (or nothing tells otherwise); 通用 where only Noto CJK does."""
    if choice in FONT_SCHEMES:
        return choice
    names = installed()
    if any(name in names for name in OFFICE_FONTS):
        return "公文"
    if "Noto Sans CJK SC" in names and "Noto Serif CJK SC" in names:
        return "通用"
    return "公文"


def set_font(target: object, east_asian: str, size: float | None = None, bold: bool | None = None) -> None:
    """Font of a style or run: Latin in Times New Roman, Chinese in `east_asian`."""
    font = target.font  # type: ignore[attr-defined]
    font.name = LATIN
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    r_pr = target.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)  # a theme font would win over the names set here
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), east_asian)


def _style(document: DocumentObject, name: str) -> object | None:
    try:
        return document.styles[name]
    except KeyError:
        return None


def apply_styles(document: DocumentObject, scheme: str) -> None:
    fonts = FONT_SCHEMES[scheme]
    sizes = {"Title": ("title", 22, False), "Heading 1": ("h1", 16, False), "Heading 2": ("h2", 15, False),
             "Normal": ("body", 14, None), "Caption": ("body", 10.5, None)}  # fmt: skip
    for name, (role, size, bold) in sizes.items():
        style = _style(document, name)
        if style is None:
            continue
        set_font(style, fonts[role], size, bold)
        style.font.color.rgb = RGBColor(0, 0, 0)  # type: ignore[attr-defined]
        pf = style.paragraph_format  # type: ignore[attr-defined]
        if name == "Normal":
            pf.first_line_indent = Pt(28)
            pf.line_spacing = Pt(28)
            pf.space_after = Pt(0)
        elif name.startswith("Heading"):
            pf.first_line_indent = Pt(28) if name == "Heading 2" else Pt(0)
            pf.space_before = Pt(12)
            pf.space_after = Pt(6)
            pf.keep_with_next = True
        elif name == "Title":
            pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table_style = _style(document, "Table Grid")
    if table_style is not None:
        set_font(table_style, fonts["table"], 10.5)


def default_template(scheme: str = "auto") -> bytes:
    """A template .docx with the report's styles, for the county to restyle."""
    document = Document()
    _page_setup(document)
    apply_styles(document, font_scheme(scheme))
    document.add_paragraph("本文件是评估报告的样式模板：修改其中的“标题”“标题 1”“标题 2”“正文”“题注”和表格样式后，"
                           "将其放到设置 REPORT_TEMPLATE 指定的位置（默认为数据目录下的 report-template.docx），"
                           "此后生成的报告即采用新的样式。本段文字不会出现在报告中。")  # fmt: skip
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page_setup(document: DocumentObject) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _field(paragraph: object, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC …) with `placeholder` shown until it is updated."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    code = paragraph.add_run()  # type: ignore[attr-defined]
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    code._r.append(text)
    separate = paragraph.add_run()  # type: ignore[attr-defined]
    mark = OxmlElement("w:fldChar")
    mark.set(qn("w:fldCharType"), "separate")
    separate._r.append(mark)
    paragraph.add_run(placeholder)  # type: ignore[attr-defined]
    end_run = paragraph.add_run()  # type: ignore[attr-defined]
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    end_run._r.append(end)


def _update_fields_on_open(document: DocumentObject) -> None:
    settings = document.settings.element
    element = settings.find(qn("w:updateFields"))
    if element is None:
        element = OxmlElement("w:updateFields")
        settings.append(element)
    element.set(qn("w:val"), "true")


def _footer(document: DocumentObject) -> None:
    footer = document.sections[0].footer
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.text = ""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.add_run("第 ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" 页，共 ")
    _field(paragraph, "NUMPAGES", "1")
    paragraph.add_run(" 页")


def _caption(document: DocumentObject, text: str) -> None:
    style = "Caption" if _style(document, "Caption") is not None else None
    paragraph = document.add_paragraph(text, style=style)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)


def _compact(paragraph: object) -> None:
    fmt = paragraph.paragraph_format  # type: ignore[attr-defined]
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing = 1.0


def _table(document: DocumentObject, table: domain.Table, scheme: str) -> None:
    _caption(document, table.caption)
    grid = document.add_table(rows=1, cols=len(table.columns))
    if _style(document, "Table Grid") is not None:
        grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    font = FONT_SCHEMES[scheme]["table"]
    for cell, text in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        set_font(run, FONT_SCHEMES[scheme]["h1"], 10.5, True)
    header = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            set_font(paragraph.add_run(text), font, 10.5)
            _compact(paragraph)
    for cell in grid.rows[0].cells:
        _compact(cell.paragraphs[0])
    if table.widths:
        for column, width in zip(grid.columns, table.widths, strict=False):
            column.width = Cm(width)
            for cell in column.cells:
                cell.width = Cm(width)
    document.add_paragraph()


def _picture(document: DocumentObject, chart: domain.Chart, draw: Callable[[domain.Chart], bytes]) -> None:
    document.add_picture(io.BytesIO(draw(chart)), width=Cm(15))
    paragraph = document.paragraphs[-1]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _compact(paragraph)  # the body's exact 28 pt line spacing would clip the picture to one line
    paragraph.paragraph_format.keep_with_next = True
    _caption(document, chart.caption)


def render(
    data: domain.ReportData,
    sections: list[domain.Section],
    draw: Callable[[domain.Chart], bytes],
    template: Path | None = None,
    scheme: str = "auto",
) -> bytes:
    """The .docx bytes of the report."""
    document = Document(str(template)) if template is not None else Document()
    if template is not None:
        body = document.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):  # keep the template's page setup, drop its sample text
                body.remove(child)
        chosen = scheme if scheme in FONT_SCHEMES else "公文"
    else:
        chosen = font_scheme(scheme)
        _page_setup(document)
        apply_styles(document, chosen)
    document.core_properties.title = domain.title_of(data)
    document.core_properties.author = "乡村振兴监测评估系统"
    document.core_properties.comments = "由系统根据已审核数据生成，不含个人信息"
    _footer(document)
    _update_fields_on_open(document)

    document.add_paragraph(domain.title_of(data), style="Title")
    sub = document.add_paragraph(f"{data.region} · {data.generated}生成")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.paragraph_format.first_line_indent = Pt(0)
    document.add_paragraph(
        f"本报告由乡村振兴监测评估系统根据截至生成日的已审核数据自动生成，评估{data.year}年度规划实施情况；"
        "所有数字均为汇总数，不含任何个人信息。"
    )
    toc_title = document.add_paragraph("目　录")
    toc_title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    toc_title.paragraph_format.first_line_indent = Pt(0)
    _field(document.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', "（打开文件时更新域即可生成目录）")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for section in sections:
        document.add_heading(section.title, level=1)
        for block in section.blocks:
            if isinstance(block, domain.Heading):
                document.add_heading(block.text, level=block.level)
            elif isinstance(block, domain.Paragraph):
                document.add_paragraph(block.text)
            elif isinstance(block, domain.Table):
                _table(document, block, chosen)
            elif isinstance(block, domain.Chart):
                _picture(document, block, draw)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
