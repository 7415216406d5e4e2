"""A small .docx that inflates far beyond a plan is refused before python-docx parses it."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from xiangcun.domain.extraction.document import DocumentError
from xiangcun.domain.extraction.limits import MAX_PARAGRAPHS
from xiangcun.domain.extraction.readers import read_docx

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
TAIL = b"</w:body></w:document>"


def package(body: bytes) -> bytes:
    """A minimal .docx whose word/document.xml is HEAD + body + TAIL, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/'
            'word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr("word/document.xml", HEAD + body + TAIL)
    return buffer.getvalue()


def paragraph(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


def test_a_normal_package_is_read() -> None:
    document = read_docx(
        package(paragraph("第一章 总体要求") + paragraph("到2025年，农村卫生厕所普及率达85%。"))
    )
    assert "卫生厕所" in " ".join(b.text for b in document.blocks)


def test_a_package_inflating_to_50_mb_is_refused_quickly() -> None:
    filler = b"<w:p><w:r><w:t>" + b"\xe5\x95\x8a" * 50_000 + b"</w:t></w:r></w:p>"
    data = package(filler * 340)  # about 50 MB of XML in a few hundred KB
    assert len(data) < 1_000_000
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="解压后"):
        read_docx(data)
    assert time.perf_counter() - started < 5


def test_too_many_paragraphs_are_refused() -> None:
    with pytest.raises(DocumentError, match="段落过多"):
        read_docx(package(b"<w:p/>" * (MAX_PARAGRAPHS + 1)))
