"""What an uploaded file really is, judged by its bytes and not by its name.

A file called 批复.pdf that holds HTML or SVG must not be kept as a PDF: kept files are later downloaded by
other staff, and a browser told the wrong type might run it. Each kind has a signature (the first bytes, and
for Office Open XML packages the member that makes them Word or Excel); a file whose content does not match
its extension is refused with a Chinese message. Limits on size and on the unpacked size of zip packages keep
a small upload from filling the disk.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .wps, .et (Office 97–2003 and WPS)
_ZIP_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_SIGNATURES = {"pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "ole": (OLE,)}

KINDS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".doc": "ole",
    ".xls": "ole",
    ".wps": "ole",
    ".et": "ole",
    ".jpg": "jpg",
    ".jpeg": "jpg",
    ".png": "png",
    ".txt": "text",
    ".text": "text",
    ".md": "text",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
LABELS = {"pdf": "PDF", "docx": "Word（.docx）", "xlsx": "Excel（.xlsx）", "ole": "Word/Excel/WPS", "jpg": "JPEG 图片",
          "png": "PNG 图片", "text": "文本"}  # fmt: skip
# Text that a browser would treat as a page or an image with script: never a plan or a note.
_MARKUP = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body", b"<iframe")


class UploadError(ValueError):
    """A Chinese message saying why the file was refused."""


def content_type(kind: str) -> str:
    """The type a kept file is sent with: its own for the kinds browsers show safely, else a plain download."""
    return CONTENT_TYPES.get(kind, "application/octet-stream")


def check(filename: str, data: bytes, allowed: set[str], max_bytes: int) -> str:
    """The kind of `data` (a key of KINDS' values) when it is one of `allowed` and its content matches its
    extension; UploadError otherwise."""
    name = Path(filename or "").name or "文件"
    suffix = Path(name).suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None or kind not in allowed:
        accepted = "、".join(sorted(s.lstrip(".") for s, k in KINDS.items() if k in allowed))
        raise UploadError(f"「{name}」的类型不能上传，只接受 {accepted} 文件")
    if not data:
        raise UploadError(f"「{name}」是空文件")
    if len(data) > max_bytes:
        raise UploadError(
            f"「{name}」过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {max_bytes // 1024 // 1024} MB"
        )
    wrong = UploadError(f"「{name}」的内容不是{LABELS[kind]}文件（可能是改了扩展名的其他文件）")
    if kind in _SIGNATURES and not data.startswith(_SIGNATURES[kind]):
        raise wrong
    if kind in _ZIP_MEMBER:
        if not data.startswith(b"PK\x03\x04"):
            raise wrong
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise UploadError(f"「{name}」已损坏（压缩结构无效）") from exc
        if _ZIP_MEMBER[kind] not in names:
            raise wrong
        if unpacked > MAX_UNPACKED_BYTES:
            raise UploadError(f"「{name}」解压后过大（超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB）")
    if kind == "text" and looks_like_markup(data):
        raise UploadError(f"「{name}」是网页或图形标记（HTML/SVG/XML），不是文本文件")
    return kind


def looks_like_markup(data: bytes) -> bool:
    """True when the text starts like an HTML, SVG or XML document (after a BOM and blank space)."""
    head = data[:1024]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    head = head.replace(b"\x00", b"").lstrip().lower()  # UTF-16 text: drop the zero bytes
    return head.startswith(_MARKUP)
