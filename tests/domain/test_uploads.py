"""An upload is judged by its bytes: the right signature for its extension, not markup under a harmless name."""

from __future__ import annotations

import io
import zipfile

import pytest

from xiangcun.domain import uploads

ALL = {"pdf", "docx", "xlsx", "ole", "jpg", "png", "text"}


def package(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("批复.pdf", b"%PDF-1.7\n...", "pdf"),
        ("验收.docx", package("word/document.xml"), "docx"),
        ("台账.xlsx", package("xl/workbook.xml"), "xlsx"),
        ("旧版.doc", uploads.OLE + b"rest", "ole"),
        ("规划.wps", uploads.OLE + b"rest", "ole"),
        ("照片.JPG", b"\xff\xd8\xff\xe0jfif", "jpg"),
        ("照片.png", b"\x89PNG\r\n\x1a\nrest", "png"),
        ("规划.txt", "第一章 总则\n到2025年".encode(), "text"),
    ],
)
def test_real_files_are_accepted(name: str, data: bytes, kind: str) -> None:
    assert uploads.check(name, data, ALL, 10_000_000) == kind


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("批复.pdf", b"<html><script>alert(1)</script></html>", "内容不是PDF"),
        ("照片.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "内容不是PNG"),
        ("照片.jpg", b"MZ\x90\x00 an executable", "内容不是JPEG"),
        ("验收.docx", package("xl/workbook.xml"), "内容不是Word"),
        ("验收.docx", b"PK\x03\x04 not really a zip", "已损坏"),
        ("规划.txt", b"\xef\xbb\xbf  <!DOCTYPE html><html>", "网页或图形标记"),
        ("规划.txt", "<svg onload='x'>".encode("utf-16"), "网页或图形标记"),
        ("page.html", b"<html></html>", "类型不能上传"),
        ("image.svg", b"<svg/>", "类型不能上传"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_content_that_does_not_match_its_name_is_refused(name: str, data: bytes, message: str) -> None:
    with pytest.raises(uploads.UploadError, match=message):
        uploads.check(name, data, ALL, 10_000_000)


def test_size_limit_and_allowed_kinds() -> None:
    with pytest.raises(uploads.UploadError, match="过大"):
        uploads.check("大.pdf", b"%PDF-" + b"0" * 2000, ALL, 1000)
    with pytest.raises(uploads.UploadError, match="只接受 pdf"):
        uploads.check("照片.jpg", b"\xff\xd8\xff", {"pdf"}, 1000)


def test_kept_files_are_never_sent_as_a_page() -> None:
    assert uploads.content_type("text") == uploads.content_type("ole") == "application/octet-stream"
    assert uploads.content_type("pdf") == "application/pdf"
