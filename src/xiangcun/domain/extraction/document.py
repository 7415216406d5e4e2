"""The one internal form every reader produces: numbered blocks that are paragraphs or table rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class DocumentError(ValueError):
    """A file that cannot be read as a plan; the message is one Chinese line for the user."""


@dataclass
class Block:
    line: int  # 1-based position in the document's text lines
    text: str = ""  # a paragraph's text (normalised)
    cells: list[str] | None = None  # a table row's cells (normalised)
    table: int | None = None  # which table the row belongs to

    @property
    def is_row(self) -> bool:
        return self.cells is not None


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def add_paragraph(self, text: str) -> None:
        text = normalise(text)
        if text:
            self.lines.append(text)
            self.blocks.append(Block(len(self.lines), text=text))

    def add_row(self, cells: list[str], table: int) -> None:
        cleaned = [normalise(c) for c in cells]
        if not any(cleaned):
            return
        self.lines.append("\t".join(cleaned))
        self.blocks.append(Block(len(self.lines), cells=cleaned, table=table))

    def tables(self) -> dict[int, list[Block]]:
        grouped: dict[int, list[Block]] = {}
        for block in self.blocks:
            if block.table is not None:
                grouped.setdefault(block.table, []).append(block)
        return grouped


_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_CJK = r"\u3400-\u9fff\uff00-\uffef\u3000-\u303f"
# A space between two CJK characters, or between CJK and a digit/sign, is an export artifact.
_SPACE_CJK = re.compile(
    rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+(?=[{_CJK}\d<>≥≤%])|(?<=[\d<>≥≤%.])[ \t\u00a0\u3000]+(?=[{_CJK}])"
)
_SPACE_OP = re.compile(r"(?<=[<>≥≤＞＜])\s+(?=\d)")
_MARKDOWN = re.compile(r"\*\*(.+?)\*\*")
_LONE_BOLD = re.compile(r"^\s*\*\*|\*\*\s*$")
_SPACES = re.compile(r"[ \u00a0\u3000]{2,}")


def normalise(text: str) -> str:
    """Remove export artifacts: bookmarks, markdown bold, stray spaces inside words and numbers."""
    text = _BOOKMARK.sub("", text or "")
    text = _MARKDOWN.sub(r"\1", text)
    if "**" in text:  # bold opened on one line and closed on the next (a title over two paragraphs)
        text = _LONE_BOLD.sub("", text)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    text = _SPACE_CJK.sub("", text)
    text = _SPACE_OP.sub("", text)
    text = _SPACES.sub(" ", text)
    return text.strip()
