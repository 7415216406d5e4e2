"""Limits checked on a .docx package before it is parsed (a small file must not inflate into gigabytes).

A .docx is a zip: 149 KB can hold 50 MB of XML, which python-docx would turn into a 1 GB tree and a page
of 57 MB. The package is refused by its declared total size, by the real size of word/document.xml
(read in chunks, so a header that lies about the size does not help) and by its paragraph count, all
before python-docx sees it. The limits sit far above a real plan: a 300-page 规划 has about 6 000
paragraphs and a document.xml of 5–10 MB.
"""

from __future__ import annotations

import re
import zipfile

from .document import DocumentError

MAX_UNCOMPRESSED = 150 * 1024 * 1024  # the whole package, pictures included
MAX_DOCUMENT_XML = 30 * 1024 * 1024
MAX_PARAGRAPHS = 30_000
_PARAGRAPH = re.compile(rb"<w:p[ >/]")
_CHUNK = 1024 * 1024


def check_docx_package(archive: zipfile.ZipFile) -> None:
    """Raise DocumentError (in Chinese) when the package is too large once unpacked."""
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNCOMPRESSED:
        raise DocumentError(
            f"Word 文件解压后过大（{total / 1024 / 1024:.0f} MB，上限 {MAX_UNCOMPRESSED // 1024 // 1024} MB），"
            "请删除大图片或分册上传"
        )
    size = paragraphs = 0
    tail = b""
    with archive.open("word/document.xml") as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > MAX_DOCUMENT_XML:
                raise DocumentError(
                    f"Word 文件正文解压后超过 {MAX_DOCUMENT_XML // 1024 // 1024} MB，"
                    "不像是一份规划文本，请核对文件或分册上传"
                )
            window = tail + chunk
            paragraphs += len(_PARAGRAPH.findall(window)) - len(_PARAGRAPH.findall(tail))
            tail = window[-8:]
            if paragraphs > MAX_PARAGRAPHS:
                raise DocumentError(
                    f"Word 文件段落过多（超过 {MAX_PARAGRAPHS} 段），不像是一份规划文本，请核对文件或分册上传"
                )
