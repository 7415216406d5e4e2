"""A plan composed for the tests (an invented county, 碧溪县), rendered as .txt, .docx and .pdf.

The plan has what real county files have: long paragraphs that a PDF wraps inside words and department
names, task paragraphs ending in 〔牵头部门…〕, a main-indicator table long enough to run over a page (with a
category cell merged down and a section row merged across), a task-breakdown table, a fund table with
category subtotals and a total, running headers and page numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

TITLE = "碧溪县“十四五”巩固拓展脱贫攻坚成果同乡村振兴有效衔接规划（2021—2025年）"
RUNNING_HEADER = "碧溪县人民政府办公室文件"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    merge_down: list[int] = field(default_factory=list)  # columns whose blank cells continue the cell above
    across: list[int] = field(default_factory=list)  # rows (0-based, data rows) that are one cell wide
    repeat_header: bool = True


INDICATOR_HEADER = ["类别", "序号", "指标", "单位", "2020年基期值", "2025年目标值", "属性"]
_INDICATORS = [
    ("产业兴旺", "粮食综合生产能力", "万吨", "12.5", "≥13", "约束性"),
    ("", "特色农产品加工转化率", "%", "58", "65", "预期性"),
    ("", "农业科技进步贡献率", "%", "55.2", "60", "预期性"),
    ("", "休闲农业接待游客人次", "万人次", "86", "150", "预期性"),
    ("", "新型农业经营主体数量", "个", "1240", "1600", "预期性"),
    ("", "农产品“两品一标”认证数", "个", "36", "50", "预期性"),
    ("生态宜居", "农村卫生厕所普及率", "%", "72.5", ">90", "约束性"),
    ("", "农村生活污水治理率", "%", "31", "45", "约束性"),
    ("", "村庄绿化覆盖率", "%", "28", "35", "预期性"),
    ("", "生活垃圾收运处置体系覆盖率", "%", "90", "100", "预期性"),
    ("乡风文明", "县级及以上文明村占比", "%", "26", "50", "预期性"),
    ("", "村综合性文化服务中心覆盖率", "%", "95", "100", "预期性"),
    ("治理有效", "村庄规划管理覆盖率", "%", "60", "100", "预期性"),
    ("", "集体经济强村比重", "%", "4.5", "12", "预期性"),
    ("生活富裕", "农村居民人均可支配收入", "元", "11850", "16500", "预期性"),
    ("", "城乡居民收入比", "—", "2.6:1", "2.3:1", "预期性"),
    ("", "农村居民恩格尔系数", "%", "33.2", "30", "预期性"),
    ("", "农村自来水普及率", "%", "85", "≥95", "约束性"),
    ("", "具备条件的建制村通硬化路比例", "%", "100", "100", "约束性"),
    ("", "返贫人口", "人", "0", "动态清零", "约束性"),
]
INDICATORS = Table(
    INDICATOR_HEADER,
    [
        [c, str(n), name, unit, base, target, attr]
        for n, (c, name, unit, base, target, attr) in enumerate(_INDICATORS, 1)
    ],
    merge_down=[0],
)

TASK_HEADER = ["序号", "重点任务", "量化目标", "责任单位", "配合单位", "完成时限"]
TASKS = Table(
    TASK_HEADER,
    [
        ["一、巩固脱贫成果", "", "", "", "", ""],
        ["1", "开展防返贫动态监测", "全年集中排查3次", "县乡村振兴局", "各乡镇人民政府", "2025年12月底"],
        ["2", "发展庭院经济", "扶持庭院经济户1200户", "县农业农村局", "县财政局", "2023年10月"],
        ["二、推进乡村建设", "", "", "", "", ""],
        [
            "3",
            "实施农村户厕改造",
            "新改户厕4500座",
            "县农业农村局",
            "县卫生健康局、县住房和城乡建设局",
            "2024年底",
        ],
        ["4", "建设产业路", "新建产业路42公里", "县交通运输局", "县财政局", "2025年底"],
    ],
    across=[0, 3],
    repeat_header=False,
)

FUND_HEADER = ["序号", "项目名称", "建设内容", "实施单位", "资金（万元）"]
FUNDS = Table(
    FUND_HEADER,
    [
        ["一", "产业发展类", "", "", "2780.5"],
        ["1", "高山蔬菜基地建设项目", "新建大棚120座及配套设施", "县农业农村局", "1260"],
        ["2", "农产品冷链仓储项目", "新建冷库2座，库容3000吨", "县商务局", "1520.5"],
        ["二", "乡村建设类", "", "", "1400"],
        ["3", "农村供水提升项目", "改造供水管网65公里", "县水利局", "1350"],
        ["合计", "", "", "", "4180.5"],
    ],
)

# Paragraphs long enough to wrap (several times) in the PDF; the task paragraphs' department lists wrap too.
PARAGRAPHS_BEFORE = [
    "第一章 发展基础",
    "“十三五”期间，全县上下坚持以脱贫攻坚统揽经济社会发展全局，累计实现贫困人口稳定脱贫，农村基础设施和"
    "公共服务水平明显提升，特色产业从无到有、从小到大，为全面推进乡村振兴奠定了坚实基础。",
    "第二章 总体要求",
    "一、发展目标",
    "到2025年，全县农村卫生厕所普及率达到90%以上，农村生活污水治理率提高到45%，村庄绿化覆盖率达到35%，"
    "农村居民人均可支配收入达到16500元，脱贫攻坚成果巩固拓展，乡村振兴全面推进。",
    "表1 碧溪县乡村振兴主要指标",
]
PARAGRAPHS_AFTER = [
    "第三章 重点任务",
    "（一）健全防止返贫动态监测和帮扶机制。坚持预防性措施和事后帮扶相结合，对脱贫不稳定户、边缘易致贫户和"
    "突发严重困难户开展定期检查、动态管理，做到早发现、早干预、早帮扶，坚决守住不发生规模性返贫的底线。"
    "〔牵头部门：县乡村振兴局；配合部门：县民政局、县医疗保障局、县人力资源和社会保障局、县住房和城乡建设局、"
    "县教育局、县卫生健康局、各乡镇人民政府〕",
    "（二）推进农村人居环境整治提升。以农村厕所革命、生活污水和垃圾治理、村容村貌提升为重点，因地制宜"
    "选择改厕模式，健全长效管护机制，全面提升农村人居环境质量，建设美丽宜居乡村。"
    "〔牵头部门：县农业农村局；配合部门：县生态环境局、县住房和城乡建设局、县卫生健康局、县自然资源局、"
    "县财政局、县发展和改革局、各乡镇人民政府〕",
    "表2 2023年重点任务分解表",
]
CLOSING = "碧溪县乡村振兴局"
PARAGRAPHS_END = [
    "表3 2023年衔接资金项目安排表",
]


def _parts() -> list[object]:
    # Word always ends the body with a paragraph after the last table (LibreOffice needs it too).
    return [TITLE, *PARAGRAPHS_BEFORE, INDICATORS, *PARAGRAPHS_AFTER, TASKS, *PARAGRAPHS_END, FUNDS, CLOSING]


def write_txt(path: Path) -> Path:
    lines: list[str] = []
    for part in _parts():
        if isinstance(part, Table):
            lines.append("\t".join(part.header))
            lines.extend("\t".join(row) for row in part.rows)
            lines.append("")
        else:
            lines.append(str(part))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    for part in _parts():
        if not isinstance(part, Table):
            document.add_paragraph(str(part))
            continue
        table = document.add_table(rows=1 + len(part.rows), cols=len(part.header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, part.header, strict=True):
            cell.text = text
        for r, row in enumerate(part.rows, start=1):
            for cell, text in zip(table.rows[r].cells, row, strict=True):
                cell.text = text
        for r in part.across:  # a section row: one cell across the table
            merged = table.cell(r + 1, 0).merge(table.cell(r + 1, len(part.header) - 1))
            merged.text = part.rows[r][0]
        for column in part.merge_down:  # a category cell over the rows below it (Word's vertical merge)
            start = None
            for r in range(1, len(part.rows) + 2):
                text = part.rows[r - 1][column] if r <= len(part.rows) else "END"
                if text and start is not None and r - 1 > start:
                    merged = table.cell(start, column).merge(table.cell(r - 1, column))
                    merged.text = part.rows[start - 1][column]
                if text:
                    start = r
    document.save(path)
    return path


def write_pdf(path: Path, indent: bool = True) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle(
        "zh",
        fontName="STSong-Light",
        fontSize=12,
        leading=20,
        wordWrap="CJK",
        firstLineIndent=24 if indent else 0,
    )
    cell_style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")

    def grid(part: Table) -> PdfTable:
        rows = [[Paragraph(escape(c), cell_style) for c in part.header]]
        rows += [[Paragraph(escape(c), cell_style) for c in row] for row in part.rows]
        commands = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        commands += [("SPAN", (0, r + 1), (-1, r + 1)) for r in part.across]
        table = PdfTable(rows, repeatRows=1 if part.repeat_header else 0)
        table.setStyle(TableStyle(commands))
        return table

    story: list[object] = []
    for part in _parts():
        if isinstance(part, Table):
            story += [grid(part), Spacer(1, 8)]
        else:
            story.append(Paragraph(escape(str(part)), style))
    # Enough body to run the indicator table over a page break.
    story.insert(3, Spacer(1, 330))

    def decorate(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, 805, RUNNING_HEADER)
        canvas.drawCentredString(297, 28, f"— {doc.page} —")

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path


def render_docx(lines: list[str | list[str]], path: Path) -> Path:
    """Paragraphs (str) and table rows (lists of cells, consecutive rows form one table) as a Word file."""
    import docx

    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for row_cells, row in zip(table.rows, rows, strict=True):
            for cell, text in zip(row_cells.cells, row, strict=False):
                cell.text = text
        rows.clear()

    for line in lines:
        if isinstance(line, list):
            rows.append(line)
        else:
            flush()
            document.add_paragraph(line)
    flush()
    document.save(path)
    return path


def render_pdf(lines: list[str | list[str]], path: Path, indent: bool = True) -> Path:
    """The same as a PDF: wrapped, indented paragraphs; ruled tables (header repeated over pages); page
    numbers and a running header on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle
    from reportlab.platypus import Table as PdfTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle(
        "zh",
        fontName="STSong-Light",
        fontSize=12,
        leading=20,
        wordWrap="CJK",
        firstLineIndent=24 if indent else 0,
    )
    cell_style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    story: list[object] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        grid = [
            [Paragraph(escape(_printable(c)), cell_style) for c in r + [""] * (width - len(r))] for r in rows
        ]
        table = PdfTable(grid, repeatRows=1, colWidths=[440 / width] * width)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
        story.append(table)
        rows.clear()

    for line in lines:
        if isinstance(line, list):
            rows.append(line)
        else:
            flush()
            story.append(Paragraph(escape(_printable(line)), style))
    flush()

    def decorate(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, 805, RUNNING_HEADER)
        canvas.drawCentredString(297, 28, f"- {doc.page} -")

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path


def _printable(text: str) -> str:
    """The CID font has no glyph for U+2212 (−); PDFs from Chinese Word write the full-width minus instead."""
    return text.replace("−", "－")


def blocks_of(path: Path) -> list[str | list[str]]:
    """A text file as the reader sees it: paragraphs and table rows, to render in another format."""
    from xiangcun.domain.extraction.readers import read

    return [block.cells if block.is_row else block.text for block in read(path).blocks]  # type: ignore[misc]
