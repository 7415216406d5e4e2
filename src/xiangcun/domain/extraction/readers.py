"""Readers for .txt, .docx and .pdf; each fills a Document so the extractors see one form.

Text exports of Word files write a table cell per line behind a tab (rows apart by a blank line) or a
row per line with tabs between cells; both become table rows here.
"""

from __future__ import annotations

import bisect
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import Block, Document, DocumentError, normalise
from .limits import check_docx_package
from .tables import restructure

MAX_BYTES = 50 * 1024 * 1024
_SENTENCE_END = re.compile(r"[。！？；：:!?;」』”）)〕】]$")


def read(path: Path) -> Document:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(f"找不到文件：{path}") from exc
    if size == 0:
        raise DocumentError("文件是空的")
    if size > MAX_BYTES:
        raise DocumentError(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {MAX_BYTES // 1024 // 1024} MB")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in OLD_WORD_SUFFIXES or suffix == ".docx" and data.startswith(_OLE_MAGIC):
        document = read_docx(convert_to_docx(data, suffix))
    elif suffix == ".docx":
        document = read_docx(data)
    elif suffix == ".pdf":
        document = read_pdf(data)
    elif suffix in (".txt", ".text", ".md", ""):
        document = read_text(decode(data))
    else:
        raise DocumentError(f"不支持的文件类型「{suffix}」，请上传 .docx、.doc、.wps、.pdf 或 .txt 文件")
    if not any(b.text or b.cells for b in document.blocks):
        raise DocumentError("文件中没有可读的文字")
    restructure(document)
    return document


OLD_WORD_SUFFIXES = (".doc", ".wps", ".rtf", ".odt")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Where LibreOffice is; None looks it up on PATH (tests point it at a missing binary).
SOFFICE: str | None = None
CONVERT_SECONDS = 180
INSTALL_HINT = (
    "请在服务器上安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
    "或在 Word/WPS 中把文件另存为 .docx 后再上传"
)


def soffice() -> str | None:
    """The LibreOffice binary to convert old Word/WPS files with, or None when it is not installed."""
    configured = SOFFICE or os.environ.get("XIANGCUN_SOFFICE")
    if configured:
        return configured if Path(configured).is_file() and os.access(configured, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str) -> bytes:
    """Convert a .doc/.wps (or other Writer) file to .docx with LibreOffice in headless mode."""
    binary = soffice()
    if binary is None:
        raise DocumentError(f"无法读取 {suffix} 文件：服务器上没有安装 LibreOffice。{INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="xiangcun-soffice-") as folder:
        source = Path(folder) / f"plan{suffix}"
        source.write_bytes(data)
        profile = Path(folder) / "profile"
        command = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(Path(folder) / "out"),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            raise DocumentError(
                f"{suffix} 文件转换超时（超过 {CONVERT_SECONDS} 秒），请另存为 .docx 后再上传"
            ) from exc
        except OSError as exc:
            raise DocumentError(f"无法运行 LibreOffice 转换 {suffix} 文件。{INSTALL_HINT}") from exc
        converted = Path(folder) / "out" / "plan.docx"
        if not converted.is_file() or converted.stat().st_size == 0:
            raise DocumentError(
                f"{suffix} 文件无法转换（可能已损坏、加密或不是 Word/WPS 文档），请另存为 .docx 后再上传"
            )
        return converted.read_bytes()


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (which covers GBK and GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError("文件编码无法识别（UTF-16 内容已损坏）") from exc
    if b"\x00" in data[:4096]:
        raise DocumentError("文件不是文本文件（可能是二进制文件或改了扩展名）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise DocumentError("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的文本文件")


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample.strip():
        return False
    control = len(_CONTROL.findall(sample))
    return control / len(sample) < 0.01


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def read_text(text: str) -> Document:
    document = Document()
    lines = _join_bold_spans(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    table = 0
    in_table = False

    def row(cells: list[str]) -> None:
        nonlocal table, in_table
        if not in_table:
            table += 1
            in_table = True
        document.add_row(cells, table)

    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() and not line.startswith("\t"):
            i += 1
            continue
        pipe_cells = _pipe_cells(line)
        if pipe_cells is not None:
            if not all(_PIPE_RULE.fullmatch(c) for c in pipe_cells):  # |---|---| under a markdown header
                row(pipe_cells)
            i += 1
            continue
        if "\t" in line[1:] and len([c for c in line.split("\t") if c.strip()]) >= 1 and line.strip():
            row(line.split("\t"))  # a row per line, cells apart by tabs
            i += 1
            continue
        if line.startswith("\t"):
            # A cell per tab-led line until a blank line; an untabbed line continues the cell above.
            cells: list[str] = []
            while i < len(lines) and (lines[i].startswith("\t") or lines[i].strip()):
                current = lines[i]
                if current.startswith("\t") and "\t" not in current[1:]:
                    cells.append(current[1:])
                elif current.startswith("\t"):
                    break
                elif cells:
                    cells[-1] += "\n" + current
                i += 1
            if len(cells) >= 2:
                row(cells)
            else:
                in_table = False
                for part in (cells[0] if cells else "").split("\n"):
                    document.add_paragraph(part)
            continue
        in_table = False
        document.add_paragraph(line)
        i += 1
    return document


_PIPE_RULE = re.compile(r"\s*:?-{2,}:?\s*|\s*")


def _pipe_cells(line: str) -> list[str] | None:
    """Cells of a row written with `|` (or `｜`) between them, as copied from a web page or markdown."""
    text = line.strip().replace("｜", "|")
    if text.count("|") < 2 or "\t" in text:
        return None
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    cells = text.split("|")
    if len(cells) < 3 or any(len(c) > 200 for c in cells):
        return None
    return cells


def _join_bold_spans(lines: list[str]) -> list[str]:
    """A markdown export may open **bold** on one line and close it on the next (a wrapped title)."""
    out: list[str] = []
    pending: str | None = None
    for line in lines:
        if pending is not None:
            pending += line.strip()
            if line.count("**") % 2 == 1 or len(pending) > 200:
                out.append(pending)
                pending = None
            continue
        if line.count("**") % 2 == 1 and not line.startswith("\t"):
            pending = line.strip()
        else:
            out.append(line)
    if pending is not None:
        out.append(pending)
    return out


def read_docx(data: bytes) -> Document:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError("文件不是有效的 Word（.docx）文件（可能已损坏或改了扩展名）") from exc
    if "word/document.xml" not in archive.namelist():
        raise DocumentError("文件不是 Word 文档：压缩包里没有 word/document.xml")
    check_docx_package(archive)  # before parsing: refuse a package that inflates far beyond a plan
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        parsed = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds of errors for broken packages
        raise DocumentError("Word 文件无法打开（可能已损坏或加密）") from exc
    document = Document()
    table_number = 0
    for element in parsed.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            document.add_paragraph(Paragraph(element, parsed).text)
        elif tag == "tbl":
            table_number += 1
            rows = [_docx_row(row) for row in Table(element, parsed).rows]
            if all(box for _, box in rows):  # a box (专栏) drawn as a table of one-cell rows: paragraphs
                for cells, _ in rows:
                    for part in next((c for c in cells if c.strip()), "").split("\n"):
                        document.add_paragraph(part)
                continue
            for cells, _ in rows:
                document.add_row(cells, table_number)
    return document


def _docx_row(row: Any) -> tuple[list[str], bool]:
    """A Word table row's cells in grid positions (a horizontally merged cell gives its text once, then
    empty cells, so columns stay aligned with the header); and whether the row is a single merged cell."""
    cells: list[str] = []
    distinct = 0
    previous = None
    for cell in row.cells:
        if cell._tc is previous:
            cells.append("")
            continue
        previous = cell._tc
        distinct += 1
        cells.append("\n".join(p.text for p in cell.paragraphs))
    non_empty = {c for c in cells if c.strip()}
    return cells, distinct == 1 or len(non_empty) <= 1 and len([c for c in cells if c.strip()]) == len(cells)


_PAGE_NUMBER = re.compile(
    r"^[-—–−\s·]*(第\s*)?[\d一二三四五六七八九十]{1,4}(\s*页)?"
    r"(\s*[/，,]?\s*(共\s*)?\d+\s*页?)?[-—–−\s·]*$|^[-—–−\s·]*(page|Page|PAGE)\s*\d+(\s*of\s*\d+)?\s*$"
)


@dataclass
class _Line:
    """A text line of a PDF page, or a table row (cells) placed where the table stands."""

    top: float
    text: str = ""
    cells: list[str] | None = None
    x0: float = 0.0
    x1: float = 0.0
    size: float = 10.0


def read_pdf(data: bytes) -> Document:
    if not data.startswith(b"%PDF"):
        raise DocumentError("文件不是有效的 PDF 文件")
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = list(pdf.pages)
    except Exception as exc:
        message = str(exc).lower()
        if "password" in message or "encrypt" in message:
            raise DocumentError("PDF 文件已加密，请先解除密码保护") from exc
        raise DocumentError("PDF 文件无法打开（可能已损坏）") from exc
    page_items: list[list[_Line]] = []
    fast = _pdfium(data)
    try:
        for number, page in enumerate(pages):
            lines = _pdfium_lines(fast, number) if fast is not None else None
            page_items.append(lines if lines is not None else _page_lines(page))
    except DocumentError:
        raise
    except Exception as exc:
        raise DocumentError("PDF 文件内容无法解析（可能已损坏）") from exc
    finally:
        pdf.close()
        if fast is not None:
            fast.close()
    if not any(item.text.strip() or item.cells for items in page_items for item in items):
        raise DocumentError("PDF 中没有可提取的文字（可能是扫描件或图片），请提供文字版 PDF 或 Word 文件")
    return _assemble_pdf(page_items)


def _pdfium(data: bytes) -> Any:
    """The same PDF opened with PDFium (pypdfium2, which pdfplumber itself depends on): it reads a page of
    text some twenty times faster than pdfminer. None when PDFium cannot open the file."""
    try:
        import pypdfium2

        return pypdfium2.PdfDocument(data)
    except Exception:
        return None


def _pdfium_lines(document: Any, number: int) -> list[_Line] | None:
    """The text lines (and ruled tables) of a page, read with PDFium; None for a page PDFium's reading may
    not match pdfplumber's on (curves, drawings inside forms, a rotated or offset page), which pdfplumber
    then reads."""
    import pypdfium2.raw as pdfium_c

    page = document[number]
    try:
        paths = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2))
        height = page.get_height()
        edges: list[dict[str, Any]] = []
        if len(paths) >= 3:
            box = page.get_mediabox()
            if page.get_rotation() or box[0] or box[1] or any(p.level for p in paths):
                return None
            for path in paths:
                found = _path_edges(path, height)
                if found is None:
                    return None
                edges += found
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            chars = [
                (ch, textpage.get_charbox(index, loose=True))
                for index, ch in enumerate(text)
                if not ch.isspace() or ch == " " and not pdfium_c.FPDFText_IsGenerated(textpage.raw, index)
            ]  # the spaces the PDF draws ("表2 2023年"), not those PDFium makes up between words
        finally:
            textpage.close()
        width = page.get_width()
    finally:
        page.close()
    if not edges:
        return _chars_to_lines(chars, height)
    return _ruled_lines(chars, edges, width, height)


def _path_edges(path: Any, height: float) -> list[dict[str, Any]] | None:
    """The straight segments of a drawn path as pdfplumber's edges (top-down coordinates); None when the
    path has a curve, which pdfplumber reads differently."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    m = path.get_matrix()
    points: list[tuple[float, float]] = []
    edges: list[dict[str, Any]] = []
    start: tuple[float, float] | None = None
    x, y = ctypes.c_float(), ctypes.c_float()

    def add(p0: tuple[float, float], p1: tuple[float, float]) -> None:
        x0, x1 = min(p0[0], p1[0]), max(p0[0], p1[0])
        top, bottom = min(p0[1], p1[1]), max(p0[1], p1[1])
        orientation = "v" if p0[0] == p1[0] else ("h" if p0[1] == p1[1] else None)
        edges.append({"object_type": "curve_edge", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                      "doctop": top, "width": x1 - x0, "height": bottom - top, "orientation": orientation})  # fmt: skip

    for index in range(pdfium_c.FPDFPath_CountSegments(path.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path.raw, index)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind not in (pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO):
            return None
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (m.a * x.value + m.c * y.value + m.e, height - (m.b * x.value + m.d * y.value + m.f))
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif points:
            add(points[-1], point)
        points.append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None and point != start:
            add(point, start)
            points.append(start)
    return edges


class _RuledPage:
    """What pdfplumber's table finder reads of a page (its edges, characters and box), from PDFium."""

    def __init__(self, edges: list[dict[str, Any]], chars: list[dict[str, Any]], width: float, height: float):
        self.edges = edges
        self.chars = chars
        self.bbox = (0.0, 0.0, width, height)


def _ruled_lines(
    chars: list[tuple[str, tuple[float, float, float, float]]],
    edges: list[dict[str, Any]],
    width: float,
    height: float,
) -> list[_Line]:
    """A page with drawn lines: pdfplumber's own table finder on PDFium's edges and characters, the text
    outside the tables as lines, like `_page_lines` does with pdfplumber's parse of the page."""
    from pdfplumber.table import TableFinder

    plumber_chars = [
        {"text": ch, "x0": box[0], "x1": box[2], "top": height - box[3], "bottom": height - box[1],
         "doctop": height - box[3], "upright": True}
        for ch, box in chars
    ]  # fmt: skip
    tables = TableFinder(_RuledPage(edges, plumber_chars, width, height)).tables  # type: ignore[arg-type]
    boxes = [t.bbox for t in tables]

    def outside(char: dict[str, Any]) -> bool:
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    items = _chars_to_lines([c for c, p in zip(chars, plumber_chars, strict=True) if outside(p)], height)
    for table in tables:
        for r, row in enumerate(table.extract()):
            items.append(_Line(table.bbox[1] + r * 0.01, "", [c or "" for c in row]))
    items.sort(key=lambda item: item.top)
    return items


def _chars_to_lines(chars: list[tuple[str, tuple[float, float, float, float]]], height: float) -> list[_Line]:
    """Characters (with PDF boxes: left, bottom, right, top) into lines, each read left to right: a PDF may
    write a line's quotation marks or fallback-font glyphs after the rest of it. A space the PDF draws
    between two characters of a line is kept, as pdfplumber keeps it."""
    spaces = [box for ch, box in chars if ch == " "]
    chars = sorted((c for c in chars if c[0] != " "), key=lambda c: (-(c[1][1] + c[1][3]) / 2, c[1][0]))
    rows: list[list[tuple[str, tuple[float, float, float, float]]]] = []
    for item in chars:
        middle = (item[1][1] + item[1][3]) / 2
        if rows:
            row = rows[-1]
            size = max(row[0][1][3] - row[0][1][1], 1.0)
            if abs((row[0][1][1] + row[0][1][3]) / 2 - middle) <= size * 0.45:
                row.append(item)
                continue
        rows.append([item])
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda c: c[1][0])
        sizes = sorted(box[3] - box[1] for _, box in row)
        size = sizes[len(sizes) // 2]
        middle = (row[0][1][1] + row[0][1][3]) / 2
        drawn = sorted(
            (b[0] + b[2]) / 2 for b in spaces if abs((b[1] + b[3]) / 2 - middle) <= max(size, 1.0) * 0.45
        )
        text = row[0][0]
        for (_, before), (ch, box) in zip(row, row[1:], strict=False):
            at = bisect.bisect_left(drawn, before[2] - 0.5)
            if (box[0] - before[2] > size * 0.6 and (ch.isascii() or text[-1].isascii())) or (
                at < len(drawn) and drawn[at] <= box[0] + 0.5
            ):
                text += " "  # a gap between words of Latin text, or a space the PDF draws
            text += ch
        lines.append(
            _Line(
                height - max(box[3] for _, box in row),
                text,
                None,
                min(box[0] for _, box in row),
                max(box[2] for _, box in row),
                size,
            )
        )
    lines.sort(key=lambda line: line.top)
    return lines


def _page_lines(page: Any) -> list[_Line]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict, boxes: list = boxes) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    items: list[_Line] = []
    body = page.filter(outside) if boxes else page
    for line in body.extract_text_lines():
        sizes = sorted(c.get("size", 10.0) for c in line["chars"]) or [10.0]
        items.append(_Line(line["top"], line["text"], None, line["x0"], line["x1"], sizes[len(sizes) // 2]))
    for table in tables:
        for r, row in enumerate(table.extract()):
            items.append(_Line(table.bbox[1] + r * 0.01, "", [c or "" for c in row]))
    items.sort(key=lambda item: item.top)
    return items


def _margins(page_items: list[list[_Line]]) -> tuple[float, float, float, bool]:
    """The body text's left and right edges, its usual font size, and whether paragraphs are indented."""
    lines = [i for items in page_items for i in items if i.cells is None and len(i.text.strip()) >= 4]
    if not lines:
        return 0.0, 0.0, 10.0, False
    size = sorted(i.size for i in lines)[len(lines) // 2]
    lefts = Counter(round(i.x0) for i in lines)
    left = float(lefts.most_common(1)[0][0])
    rights = sorted(i.x1 for i in lines)
    right = rights[int(len(rights) * 0.9)]
    indented = sum(1 for i in lines if size * 1.2 <= i.x0 - left <= size * 3.5)
    return left, right, size, indented >= max(2, len(lines) // 40)


def _assemble_pdf(page_items: list[list[_Line]]) -> Document:
    """Lines into paragraphs: a line that ran to the right margin continues on the next line (also over a
    page break) unless the next one starts a paragraph (indented, a heading, or after a full stop when the
    document does not indent its paragraphs); running headers/footers and page numbers are dropped."""
    repeated = _repeated_edges(page_items)
    left, right, size, uses_indent = _margins(page_items)
    pitch = _line_pitch(page_items, size)
    uses_gaps = not uses_indent and _spaced_paragraphs(page_items, pitch)
    document = Document()
    paragraph = ""
    previous_full = previous_near_full = False
    table_number = 0
    in_table = False
    last_row: Block | None = None
    for page_number, items in enumerate(page_items):
        previous_top: float | None = None
        first_row_on_page = True
        for item in items:
            if item.cells is not None:
                if paragraph:
                    document.add_paragraph(paragraph)
                    paragraph = ""
                previous_full = False
                cells = [c.replace("\n", "") for c in item.cells]
                if first_row_on_page and in_table and page_number and _continues_row(last_row, cells):
                    _extend_row(document, last_row, cells)  # a row broken over the page break
                    first_row_on_page = False
                    continue
                first_row_on_page = False
                if not in_table:
                    table_number += 1
                    in_table = True
                document.add_row(cells, table_number)
                last_row = document.blocks[-1] if document.blocks and document.blocks[-1].is_row else None
                continue
            line = item.text.strip()
            if not line or line in repeated or _PAGE_NUMBER.match(line):
                continue
            in_table = False
            first_row_on_page = False
            indented = item.x0 - left >= size * 1.2
            # Space between paragraphs: a gap clearly wider than the usual line pitch starts a new one.
            spaced = previous_top is not None and pitch > 0 and item.top - previous_top > pitch * 1.35
            previous_top = item.top
            if uses_indent:
                starts = indented
            else:  # paragraphs apart by space, else a full stop at the end of a line
                starts = spaced if uses_gaps else bool(_SENTENCE_END.search(paragraph))
            wrapped = previous_full and not starts and not spaced and not (_starts_heading(line) and indented)
            if uses_gaps and not spaced and previous_near_full and not _SENTENCE_END.search(paragraph):
                wrapped = not _starts_heading(line)  # a line may end a little early before a number
            if uses_indent is False and _starts_heading(line) and _SENTENCE_END.search(paragraph):
                wrapped = False
            if (
                paragraph
                and not wrapped
                and not indented
                and not spaced
                and _unclosed(paragraph)
                and not _starts_heading(line)
            ):
                wrapped = True  # a title or name broken before its closing bracket
            if paragraph and wrapped:
                paragraph += line  # the line before ran to the margin: a wrap inside a sentence or a name
            else:
                if paragraph:
                    document.add_paragraph(paragraph)
                paragraph = line
            previous_full = item.x1 >= right - size * 1.6 and item.x0 - left < size * 6
            previous_near_full = item.x1 >= right - size * 6 and item.x0 - left < size * 6
    if paragraph:
        document.add_paragraph(paragraph)
    return document


def normalise_cells(cells: list[str]) -> list[str]:
    return [normalise(c) for c in cells]


def _line_pitch(page_items: list[list[_Line]], size: float) -> float:
    """The usual distance from one text line to the next (the most common one)."""
    gaps: Counter[int] = Counter()
    for items in page_items:
        tops = [i.top for i in items if i.cells is None and i.text.strip()]
        for a, b in zip(tops, tops[1:], strict=False):
            if size * 0.8 <= b - a <= size * 4:
                gaps[round((b - a) * 2)] += 1
    return gaps.most_common(1)[0][0] / 2 if gaps else 0.0


def _spaced_paragraphs(page_items: list[list[_Line]], pitch: float) -> bool:
    """Whether the document sets its paragraphs apart with space (some line gaps clearly wider than usual)."""
    if pitch <= 0:
        return False
    wide = total = 0
    for items in page_items:
        tops = [i.top for i in items if i.cells is None and i.text.strip()]
        for a, b in zip(tops, tops[1:], strict=False):
            total += 1
            wide += b - a > pitch * 1.35
    return total > 0 and wide >= max(2, total // 12)


def _continues_row(last: Block | None, cells: list[str]) -> bool:
    """The first row of a table on a new page is the rest of the row before when most of its cells are
    empty and each filled one continues a filled cell above (Word and LibreOffice let rows break)."""
    if last is None or not last.cells or len(last.cells) != len(cells):
        return False
    filled = [k for k, c in enumerate(cells) if c.strip()]
    if not filled or len(filled) * 2 > len(cells):
        return False
    return all(last.cells[k].strip() for k in filled) and not cells[0].strip()


def _extend_row(document: Document, block: Block | None, cells: list[str]) -> None:
    if block is None or block.cells is None:
        return
    block.cells = [a + b for a, b in zip(block.cells, normalise_cells(cells), strict=True)]
    document.lines[block.line - 1] = "\t".join(block.cells)


_PAIRS = (("（", "）"), ("(", ")"), ("《", "》"), ("“", "”"), ("〔", "〕"))


def _unclosed(text: str) -> bool:
    return any(text.count(a) > text.count(b) for a, b in _PAIRS)


def _repeated_edges(page_items: list[list[_Line]]) -> set[str]:
    """Running headers and footers: the first/last text lines that recur on at least half the pages.

    Numbers count as the same ("第5页", "— 6 —") except in a line that starts like a heading: chapters that
    each begin a page ("第5章 推进第5项重点工作") are headings, while a chapter's title repeated on its pages
    is the very same text.
    """
    if len(page_items) < 3:
        return set()

    def key(text: str) -> str:
        return text if _HEADING_START.match(text) else re.sub(r"\d+", "#", text)

    counts: Counter[str] = Counter()
    for items in page_items:
        texts = [i.text.strip() for i in items if i.cells is None and i.text.strip()]
        for t in {key(t) for t in texts[:2] + texts[-2:]}:
            counts[t] += 1
    common = {k for k, n in counts.items() if n >= len(page_items) / 2}
    return {
        i.text.strip()
        for items in page_items
        for i in items
        if i.cells is None and key(i.text.strip()) in common
    }


_HEADING_START = re.compile(
    r"^(第[一二三四五六七八九十百\d]+[篇章节]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．]|专栏)"
)


def _starts_heading(line: str) -> bool:
    return bool(_HEADING_START.match(line))
