"""Readers for .txt, .docx and .pdf; each fills a Document so the extractors see one form.

Text exports of Word files write a table cell per line behind a tab (rows apart by a blank line) or a
row per line with tabs between cells; both become table rows here.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

from .document import Document, DocumentError

MAX_BYTES = 50 * 1024 * 1024
_SENTENCE_END = re.compile(r"[。！？；：:!?;」』”）)]$")


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
    if suffix == ".docx":
        document = read_docx(data)
    elif suffix == ".pdf":
        document = read_pdf(data)
    elif suffix in (".txt", ".text", ".md", ""):
        document = read_text(decode(data))
    else:
        raise DocumentError(f"不支持的文件类型「{suffix}」，请上传 .docx、.pdf 或 .txt 文件")
    if not any(b.text or b.cells for b in document.blocks):
        raise DocumentError("文件中没有可读的文字")
    return document


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
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    return control / len(sample) < 0.01


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
            table = Table(element, parsed)
            for row in table.rows:
                cells: list[str] = []
                previous = None
                for cell in row.cells:
                    if cell._tc is previous:  # a horizontally merged cell repeats itself
                        continue
                    previous = cell._tc
                    cells.append("\n".join(p.text for p in cell.paragraphs))
                non_empty = [c for c in cells if c.strip()]
                if len(cells) == 1 or len(set(non_empty)) == 1 and len(non_empty) == len(cells) > 1:
                    for part in cells[0].split("\n"):  # a one-cell table is a box of paragraphs
                        document.add_paragraph(part)
                else:
                    document.add_row(cells, table_number)
    return document


_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*(共\s*)?\d+\s*页?)?[-—–\s]*$")


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
    page_items: list[list[tuple[str, list[str] | None]]] = []
    try:
        for page in pages:
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]

            def outside(obj: dict, boxes: list = boxes) -> bool:
                x = (obj["x0"] + obj["x1"]) / 2
                y = (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            items: list[tuple[float, str, list[str] | None]] = []
            text = page.filter(outside).extract_text(layout=False) or ""
            words = page.filter(outside).extract_text_lines() if text else []
            for line in words:
                items.append((line["top"], line["text"], None))
            for table in tables:
                for r, row in enumerate(table.extract()):
                    items.append((table.bbox[1] + r * 0.01, "", [c or "" for c in row]))
            items.sort(key=lambda item: item[0])
            page_items.append([(t, cells) for _, t, cells in items])
    except Exception as exc:
        raise DocumentError("PDF 文件内容无法解析（可能已损坏）") from exc
    finally:
        pdf.close()
    if not any(t.strip() or cells for items in page_items for t, cells in items):
        raise DocumentError("PDF 中没有可提取的文字（可能是扫描件或图片），请提供文字版 PDF 或 Word 文件")
    repeated = _repeated_edges(page_items)
    widths = [max((len(t.strip()) for t, cells in items if cells is None), default=0) for items in page_items]
    document = Document()
    paragraph = ""
    table_number = 0
    in_table = False
    for items, width in zip(page_items, widths, strict=True):
        previous_full = False
        for text, cells in items:
            if cells is not None:
                if paragraph:
                    document.add_paragraph(paragraph)
                    paragraph = ""
                if not in_table:
                    table_number += 1
                    in_table = True
                document.add_row([c.replace("\n", "") for c in cells], table_number)
                continue
            line = text.strip()
            if not line or line in repeated or _PAGE_NUMBER.match(line):
                continue
            in_table = False
            wrapped = previous_full and not _SENTENCE_END.search(paragraph) and not _starts_heading(line)
            if paragraph and wrapped:
                paragraph += line  # the line before ran to the margin: a wrap inside a sentence
            else:
                if paragraph:
                    document.add_paragraph(paragraph)
                paragraph = line
            previous_full = len(line) >= 0.8 * width
    if paragraph:
        document.add_paragraph(paragraph)
    return document


def _repeated_edges(page_items: list[list[tuple[str, list[str] | None]]]) -> set[str]:
    """Running headers and footers: the first/last text lines that recur on at least half the pages."""
    if len(page_items) < 3:
        return set()
    counts: Counter[str] = Counter()
    for items in page_items:
        texts = [t.strip() for t, cells in items if cells is None and t.strip()]
        for t in set(texts[:2] + texts[-2:]):
            counts[re.sub(r"\d+", "#", t)] += 1
    common = {k for k, n in counts.items() if n >= len(page_items) / 2}
    return {
        t.strip()
        for items in page_items
        for t, cells in items
        if cells is None and re.sub(r"\d+", "#", t.strip()) in common
    }


_HEADING_START = re.compile(
    r"^(第[一二三四五六七八九十百\d]+[篇章节]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．]|专栏)"
)


def _starts_heading(line: str) -> bool:
    return bool(_HEADING_START.match(line))
