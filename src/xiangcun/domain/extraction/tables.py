"""Tables as the extractors need them, whatever shape the file gave them.

- A table split over pages (a PDF, or a Word table broken by a page) is one table again: a table that
  follows another with nothing but a 续表 caption between them and no header of its own (or the same header
  repeated) continues it.
- A table flattened into one cell per line (text copied from a web page or a PDF) is rebuilt from its header:
  the header lines say how many cells a row has; a 序号 column, when there is one, says where rows start
  (a merged category cell is written once, so rows do not all have the same number of lines).
- `transpose` turns a table that lists indicators across (names in one row, values in the next rows) into
  the usual row-per-indicator form.
- `tables_with_captions` gives each table once with the text before it; `grouped_rows` carries a group cell
  (the township written once for its rows) down over blank cells and marks the 合计/小计 rows.

These work on the Document's blocks (readers call `restructure` once), so every extractor sees the same tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from .document import Block, Document

_YEAR = re.compile(r"(?:19|20)\d{2}\s*年?")
_HEADER_WORDS = (
    "指标", "名称", "类别", "分类", "维度", "领域", "序号", "编号", "单位", "属性", "性质", "目标值", "基期",
    "现状", "任务", "责任", "时限", "完成时间", "项目", "资金", "万元", "建设内容", "实施单位", "实施地点",
    "备注", "量化目标", "牵头", "配合", "乡镇", "行政村", "自然村", "人口", "投资", "规模", "年度目标", "主要内容",
    "具体措施", "工作措施", "科室", "内容", "预期", "学校", "在校", "学生", "教师", "教职", "占地",
)  # fmt: skip
_HEADER_WORD = re.compile("|".join(map(re.escape, _HEADER_WORDS)))
_CONTINUED = re.compile(r"^(续表|[（(]续[）)]|表\s*[\d一二三四五六七八九十]+\s*[（(]?续)")
_DIGIT = re.compile(r"\d")
_SEQ = re.compile(r"^(序号|编号|序)$")
_SENTENCE = re.compile(r"[。；;！？]$|[，,].*[，,].*[。]")
_CAPTION = re.compile(r"^(表\s*[\d一二三四五六七八九十]+|专栏|附表|附件)")
_NOTE = re.compile(r"^(注|备注|说明|资料来源)[:：\d．.、]")
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百\d]+[篇章节]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)"
)
MAX_CELL = 60


_SPACE = re.compile(r"\s+")


def _flat(text: str) -> str:
    return _SPACE.sub("", text) if text else ""


def header_cell(text: str) -> bool:
    """A cell that reads like a column title (指标名称, 单位, 2025年目标值, 责任单位, 资金（万元）…)."""
    flat = _flat(text)
    if not flat or len(flat) > 24:
        return False
    if _YEAR.fullmatch(flat) or re.fullmatch(r"(?:19|20)\d{2}年?[\u4e00-\u9fff（）()〔〕]{0,16}", flat):
        return True
    return _HEADER_WORD.search(flat) is not None and not _DIGIT.search(flat.replace("万元", ""))


def looks_like_header(cells: Sequence[str]) -> bool:
    """A row that names columns: most of its cells are column titles, and it names what the rows are."""
    flat = [_flat(c) for c in cells if _flat(c)]
    if len(flat) < 2:
        return False
    titles = sum(1 for c in flat if header_cell(c))
    return titles >= max(2, (len(flat) * 2 + 2) // 3)


def restructure(document: Document) -> None:
    """Rebuild flattened tables, then join tables continued over a page break."""
    _rebuild_flattened(document)
    _join_continued(document)


# -- tables continued over a page --------------------------------------------------------------------


def _join_continued(document: Document) -> None:
    remove: set[int] = set()
    last_original: int | None = None  # the table number the reader gave the last row seen
    last_table: int | None = None  # the number that row has now
    header: list[str] = []
    between: list[Block] = []
    for block in document.blocks:
        if block.table is None:
            between.append(block)
            continue
        original = block.table
        if original == last_original:
            block.table = last_table
            row = block.cells or []
            if (
                len(row) == len(header)
                and [_flat(c) for c in row] == header
                and sum(1 for c in header if c) >= 2
            ):
                remove.add(id(block))  # the header row repeated at the top of the next page
            continue
        cells = [_flat(c) for c in block.cells or []]
        quiet = all(_CONTINUED.match(b.text) for b in between)
        # A short label between two parts of the same width is a section row written as a line of its own
        # (“一、巩固脱贫成果” spanning the table).
        section = (
            len(between) == 1
            and len(cells) == len(header) >= 3
            and len(between[0].text) <= 24
            and not _SENTENCE.search(between[0].text)
            and not _CAPTION.match(between[0].text)
        )
        if (
            last_table is not None
            and (quiet or section)
            and (cells == header or not looks_like_header(block.cells or []))
        ):
            if cells == header:
                remove.add(id(block))  # the header repeated on the next page
            if section and not quiet:
                label = between[0]
                label.cells, label.text, label.table = [label.text] + [""] * (len(header) - 1), "", last_table
            else:
                remove.update(id(b) for b in between)
            block.table = last_table
        else:
            header = cells
            last_table = original
        last_original = original
        between = []
    if remove:
        document.blocks = [b for b in document.blocks if id(b) not in remove]


# -- tables flattened one cell per line --------------------------------------------------------------


def _cell_line(block: Block) -> bool:
    text = block.text
    return (
        not block.is_row
        and 0 < len(text) <= MAX_CELL
        and not _SENTENCE.search(text)
        and not _HEADING.match(text)
        and not _CAPTION.match(text)
        and not _NOTE.match(text)
    )


def _rebuild_flattened(document: Document) -> None:
    blocks = document.blocks
    if not blocks:
        return
    table_number = max((b.table or 0 for b in blocks), default=0)
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.is_row or not header_cell(block.text):
            out.append(block)
            i += 1
            continue
        j = i
        while j < len(blocks) and not blocks[j].is_row and header_cell(blocks[j].text) and j - i < 16:
            j += 1
        header = blocks[i:j]
        end = j
        while end < len(blocks) and _cell_line(blocks[end]):
            end += 1
        found = _rows(header, blocks[j:end]) if len(header) >= 3 else None
        if found is None:
            out.append(block)
            i += 1
            continue
        table_number += 1
        out.append(Block(header[0].line, cells=[b.text for b in header], table=table_number))
        rows, used = found
        for first_line, cells in rows:
            out.append(Block(first_line, cells=cells, table=table_number))
        i = j + used
    document.blocks = out


Rows = list[tuple[int, list[str]]]


def _rows(header: list[Block], data: list[Block]) -> tuple[Rows, int] | None:
    """Cells of a flattened table cut into rows of the header's width, and how many lines they take;
    None when the lines do not make such a table."""
    width = len(header)
    names = [_flat(b.text) for b in header]
    if len(data) < width - 1 or not any(
        ("指标" in n or "名称" in n or "任务" in n or "项目" in n) for n in names
    ):
        return None
    seq = next((k for k, n in enumerate(names) if _SEQ.match(n)), None)
    if seq is not None:
        rows = _rows_by_sequence(names, data, seq)
        if rows:
            return rows
    used = len(data) - len(data) % width
    if not used:
        return None
    return [(data[k].line, [b.text for b in data[k : k + width]]) for k in range(0, used, width)], used


def _rows_by_sequence(names: list[str], data: list[Block], seq: int) -> tuple[Rows, int] | None:
    width = len(names)
    after = width - seq  # the 序号 cell and the cells to its right
    starts: list[int] = []
    position = next((k for k, b in enumerate(data[: seq + 2]) if _flat(b.text) == "1"), None)
    expected = 2
    while position is not None:
        starts.append(position)
        # The next row starts where this one should end; a merged leading cell may come first, an empty
        # cell may be missing.
        candidates = [position + after + extra for extra in range(seq + 1)] + [
            position + after - 1,
            position + after - 2,
        ]
        position = next(
            (k for k in candidates if k < len(data) and _flat(data[k].text) == str(expected)), None
        )
        expected += 1
    if len(starts) < 2:
        return None
    unit = next((k for k, n in enumerate(names) if n.startswith("单位") or n == "计量单位"), None)
    rows: Rows = []
    used = 0
    leading = [b.text for b in data[: starts[0]]][-seq:] if seq else []
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(data)
        segment = [b.text for b in data[start:stop]]
        following = segment[after:] if len(segment) > after else []
        own = segment[:after]
        if len(own) < after:
            gap = (unit - seq) if unit is not None and unit > seq else len(own)
            own = own[:gap] + [""] * (after - len(own)) + own[gap:]
        cells = [""] * (seq - len(leading)) + leading + own
        first = data[start - len(leading)].line if leading else data[start].line
        rows.append((first, cells[:width]))
        used = start + min(len(segment), after)
        leading = following[-seq:] if seq else []
    return rows, min(used, len(data))


def transpose(rows: list[list[str]]) -> list[list[str]]:
    """Columns become rows (missing cells are empty)."""
    width = max((len(r) for r in rows), default=0)
    return [[r[k] if k < len(r) else "" for r in rows] for k in range(width)]


# -- grouped tables: a group cell (the township) written once for its rows ------------------------------------

TOTAL = re.compile(r"^(合计|小计|总计|全县|共计)")


def is_total(text: str) -> bool:
    """A totals cell (合计, 小计, 总计, 全县, 共计): its row sums the others and names no place."""
    return TOTAL.match(_flat(text)) is not None


def tables_with_captions(document: Document) -> Iterator[tuple[list[Block], str]]:
    """Each table once, with the text of the block just before it (its caption: year, unit, what it counts)."""
    previous_text = ""
    seen: set[int] = set()
    tables = document.tables()
    for block in document.blocks:
        if block.table is None:
            previous_text = block.text
            continue
        if block.table in seen:
            continue
        seen.add(block.table)
        yield tables[block.table], previous_text


@dataclass(frozen=True)
class GroupedRow:
    line: int
    cells: list[str]
    group: (
        str  # the group cell written on this row or the nearest row above ("" before any, and after a total)
    )
    opens: bool  # the group cell is written on this row: a new group starts here
    total: bool  # a 合计/小计 row in the group column: it closes the group and counts nothing of its own


def grouped_rows(
    rows: Iterable[tuple[int, list[str]]],
    group_of: Callable[[list[str]], str],
    names_group: Callable[[str], bool] = bool,
) -> Iterator[GroupedRow]:
    """The rows of a table whose group column (乡镇) is written once for a run of rows, each with its group
    carried down over the blank cells below it.

    `group_of` reads a row's group cell; `names_group` says whether what it reads starts a group (any text by
    default; the merge table wants a 镇/乡 name). A totals row ends the group, so the rows after it belong to
    none until a group is written again; callers skip it (`total`).
    """
    group = ""
    for line, cells in rows:
        written = group_of(cells)
        if is_total(written):
            group = ""
            yield GroupedRow(line, cells, "", opens=False, total=True)
            continue
        opens = bool(written) and names_group(written)
        if opens:
            group = written
        yield GroupedRow(line, cells, group, opens=opens, total=False)
