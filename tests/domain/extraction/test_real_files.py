"""Real files: the same plan as .txt, .docx (Word tables with merged cells), .pdf (ruled tables over pages,
wrapped paragraphs, running header, page numbers) and .doc/.wps (through LibreOffice) reads the same; broken
files give one Chinese message, never a traceback."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiangcun.domain.extraction import DocumentError, extract, readers

from . import composed

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
_MINUS = re.compile(r"[−–－]")


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    """What must agree between formats (a minus is a minus whichever sign the file used)."""

    def values(item: dict[str, Any]) -> dict[str, Any]:
        return {**item, "values": [{**v, "raw": _MINUS.sub("-", v["raw"])} for v in item["values"]]}

    return {
        "title": result["title"],
        "period": result["period"],
        "outline": [(o["level"], o["label"], o["title"]) for o in result["outline"]],
        "indicators": [values(i) for i in result["indicators"]],
        "tasks": result["tasks"],
        "projects": result["projects"],
        "targets": [(t["subject"], t["value"], t["unit"], t["op"], t["year"]) for t in result["targets"]],
        "places": result["places"],
        "place_lists": result["place_lists"],
        "warnings": result["warnings"],
    }


@pytest.fixture(scope="module")
def composed_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("composed")
    return {
        "txt": composed.write_txt(folder / "plan.txt"),
        "docx": composed.write_docx(folder / "plan.docx"),
        "pdf": composed.write_pdf(folder / "plan.pdf"),
        "pdf-no-indent": composed.write_pdf(folder / "plan-flat.pdf", indent=False),
    }


def test_the_composed_plan_reads_right_as_text(composed_files: dict[str, Path]) -> None:
    result = extract(composed_files["txt"])
    assert result["title"] == composed.TITLE and result["period"] == [2021, 2025]
    assert len(result["indicators"]) == 20
    assert [i["seq"] for i in result["indicators"]] == list(range(1, 21))
    assert {i["category"] for i in result["indicators"]} == {
        "产业兴旺",
        "生态宜居",
        "乡风文明",
        "治理有效",
        "生活富裕",
    }
    tasks = result["tasks"]
    assert [t["lead"] for t in tasks] == [
        ["县乡村振兴局"],
        ["县农业农村局"],
        ["县乡村振兴局"],
        ["县农业农村局"],
        ["县农业农村局"],
        ["县交通运输局"],
    ]
    assert "县人力资源和社会保障局" in tasks[0]["cooperating"] and len(tasks[1]["cooperating"]) == 7
    assert tasks[4]["cooperating"] == ["县卫生健康局", "县住房和城乡建设局"]
    assert (tasks[5]["value"], tasks[5]["unit"], tasks[5]["deadline"]) == (42.0, "公里", "2025年底")
    assert [p["amount_wan_yuan"] for p in result["projects"]] == ["1260", "1520.5", "1350"]
    assert len([w for w in result["warnings"] if "小计" in w or "合计" in w]) == 2  # 乡村建设类 is 50 short


@pytest.mark.parametrize("kind", ["docx", "pdf", "pdf-no-indent"])
def test_every_format_reads_the_same(composed_files: dict[str, Path], kind: str) -> None:
    expected = comparable(extract(composed_files["txt"]))
    got = comparable(extract(composed_files[kind]))
    for key in expected:
        assert got[key] == expected[key], key


def test_the_pdf_really_runs_a_table_over_a_page(composed_files: dict[str, Path]) -> None:
    import pdfplumber

    with pdfplumber.open(composed_files["pdf"]) as pdf:
        pages_with_tables = [n for n, page in enumerate(pdf.pages) if page.find_tables()]
        assert len(pdf.pages) >= 3
        text = pdf.pages[1].extract_text()
    assert pages_with_tables[:2] == [0, 1] and composed.RUNNING_HEADER in text


def test_ruled_pages_read_through_pdfium_give_pdfplumbers_tables(composed_files: dict[str, Path]) -> None:
    """PDFium reads every page (it is several times faster than pdfminer); on a ruled page pdfplumber's own
    table finder runs on PDFium's lines and characters, and must find the tables pdfplumber finds."""
    import pdfplumber
    import pypdfium2

    path = composed_files["pdf"]
    fast = pypdfium2.PdfDocument(path.read_bytes())
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            if not page.find_tables():
                continue
            read = readers._pdfium_lines(fast, number)
            assert read is not None, number  # not handed back to pdfplumber
            assert [line.cells for line in read if line.cells] == [
                line.cells for line in readers._page_lines(page) if line.cells
            ], number
    fast.close()


def test_a_page_drawing_curves_is_left_to_pdfplumber(tmp_path: Path) -> None:
    import pypdfium2
    from reportlab.pdfgen import canvas

    path = tmp_path / "curves.pdf"
    pdf = canvas.Canvas(str(path))
    for n in range(3):
        pdf.circle(100 + 50 * n, 400, 20)
    pdf.drawString(72, 700, "2025 target 85%")
    pdf.save()
    fast = pypdfium2.PdfDocument(path.read_bytes())
    assert readers._pdfium_lines(fast, 0) is None
    fast.close()
    assert "2025 target 85%" in [b.text for b in readers.read_pdf(path.read_bytes()).blocks]


def test_chapters_that_each_begin_a_page_are_no_running_header() -> None:
    # "第5章 …" at the top of every page differs in its number only; a page number does too, a heading is kept
    pages = [
        [readers._Line(30, "青山县人民政府文件"), readers._Line(80, f"第{n}章 推进第{n}项重点工作"),
         readers._Line(120, "正文"), readers._Line(800, f"— {n} —")]
        for n in range(1, 7)
    ]  # fmt: skip
    repeated = readers._repeated_edges(pages)
    assert "青山县人民政府文件" in repeated and "— 3 —" in repeated
    assert not any(t.startswith("第") for t in repeated)
    same_title = [[readers._Line(30, "第三章 产业振兴"), readers._Line(120, "正文")] for _ in range(4)]
    assert "第三章 产业振兴" in readers._repeated_edges(same_title)  # a chapter title repeated on its pages


# -- old Word and WPS files ------------------------------------------------------------------------

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice 未安装（apt-get install libreoffice-writer-nogui），跳过 .doc/.wps 转换测试",
)


@pytest.fixture(scope="module")
def old_word(composed_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("doc")
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    assert binary is not None
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            str(folder),
            str(composed_files["docx"]),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / "plan.doc"


@needs_libreoffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_and_wps_files_read_through_libreoffice(
    composed_files: dict[str, Path], old_word: Path, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"plan{suffix}"  # WPS saves its .wps files in the Word 97 format
    path.write_bytes(old_word.read_bytes())
    expected = comparable(extract(composed_files["docx"]))
    got = comparable(extract(path))
    for key in ("title", "indicators", "tasks", "projects", "targets"):
        assert got[key] == expected[key], key


@needs_libreoffice
def test_a_docx_that_is_really_an_old_doc(old_word: Path, tmp_path: Path) -> None:
    path = tmp_path / "renamed.docx"
    path.write_bytes(old_word.read_bytes())
    assert len(extract(path)["indicators"]) == 20


@needs_libreoffice
def test_a_broken_doc_gives_a_chinese_message(tmp_path: Path) -> None:
    path = tmp_path / "broken.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(DocumentError, match="无法转换|没有可读的文字"):
        extract(path)


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_without_libreoffice_the_message_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.setattr(readers, "SOFFICE", str(tmp_path / "missing" / "soffice"))
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(DocumentError) as caught:
        extract(path)
    message = str(caught.value)
    assert "没有安装 LibreOffice" in message and "libreoffice-writer-nogui" in message and suffix in message


# -- the real seeds, rendered to .docx and .pdf ------------------------------------------------------

seeds_only = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"真实规划样本目录不存在：{SEEDS}（仓库外的 shared/seeds）"
)


@seeds_only
@pytest.mark.seeds
@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_seeds_read_the_same_as_docx_and_pdf(tmp_path: Path, prefix: str, kind: str) -> None:
    source = next(SEEDS.glob(f"{prefix}_*.txt"))
    blocks = composed.blocks_of(source)
    render = composed.render_docx if kind == "docx" else composed.render_pdf
    expected = comparable(extract(source))
    got = comparable(extract(render(blocks, tmp_path / f"seed.{kind}")))
    for key in ("indicators", "tasks", "places", "place_lists", "projects"):
        assert got[key] == expected[key], key
    if prefix == "004":
        assert len(got["tasks"]) == 6 and all(t["lead"] and t["cooperating"] for t in got["tasks"])


# -- no traceback on any file ------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    import docx

    document = docx.Document()
    document.add_paragraph("青山县乡村振兴规划（2021—2025年）")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["指标", "单位", "2025年"], strict=True):
        cell.text = text
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes() -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer)
    drawing.setFont("STSong-Light", 12)
    for n in range(20):
        drawing.drawString(72, 780 - n * 20, f"到2025年，农村卫生厕所普及率达到{n + 80}%。")
    drawing.rect(72, 200, 300, 100)
    drawing.save()
    return buffer.getvalue()


DOCX = _docx_bytes()
PDF = _pdf_bytes()
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _no_traceback(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        extract(path)
    except DocumentError as exc:
        assert re.search(r"[\u4e00-\u9fff]", str(exc))  # a message in Chinese


@FUZZ
@given(cut=st.integers(min_value=1, max_value=len(PDF) - 1), junk=st.binary(max_size=64))
def test_truncated_or_damaged_pdfs(tmp_path: Path, cut: int, junk: bytes) -> None:
    _no_traceback(tmp_path, "plan.pdf", PDF[:cut] + junk)


@FUZZ
@given(position=st.integers(min_value=0, max_value=len(PDF) - 1), junk=st.binary(min_size=1, max_size=32))
def test_pdfs_with_bytes_overwritten(tmp_path: Path, position: int, junk: bytes) -> None:
    _no_traceback(tmp_path, "plan.pdf", PDF[:position] + junk + PDF[position + len(junk) :])


@FUZZ
@given(cut=st.integers(min_value=1, max_value=len(DOCX) - 1), junk=st.binary(max_size=64))
def test_truncated_or_broken_zips(tmp_path: Path, cut: int, junk: bytes) -> None:
    _no_traceback(tmp_path, "plan.docx", DOCX[:cut] + junk)


@FUZZ
@given(
    member=st.sampled_from(["word/document.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"]),
    body=st.binary(max_size=200),
)
def test_zips_with_a_damaged_member(tmp_path: Path, member: str, body: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(DOCX))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.namelist():
            target.writestr(item, body if item == member else source.read(item))
    _no_traceback(tmp_path, "plan.docx", buffer.getvalue())


@FUZZ
@given(
    parts=st.lists(
        st.tuples(st.text(max_size=40), st.sampled_from(["utf-8", "gb18030", "utf-16-le", "latin-1"])),
        max_size=8,
    )
)
def test_text_in_mixed_encodings(tmp_path: Path, parts: list[tuple[str, str]]) -> None:
    data = b"".join(text.encode(encoding, errors="ignore") for text, encoding in parts) or b"x"
    _no_traceback(tmp_path, "plan.txt", data)


@pytest.mark.parametrize(
    ("line", "is_page_number"),
    [
        ("- 5 -", True),
        ("— 12 —", True),
        ("第 5 页 共 20 页", True),
        ("5/20", True),
        ("Page 3 of 9", True),
        ("到2025年", False),
        ("12.5", False),
        ("一、发展目标", False),
    ],
)
def test_page_numbers_in_their_usual_forms(line: str, is_page_number: bool) -> None:
    assert bool(readers._PAGE_NUMBER.match(line)) is is_page_number


@needs_libreoffice
@pytest.mark.parametrize("prefix", [None, "001", "003", "004"])
def test_pdfs_printed_by_an_office_suite_read_the_same(tmp_path: Path, prefix: str | None) -> None:
    """A Word file printed to PDF by LibreOffice: no first-line indent (paragraphs apart by space), rows that
    break over a page, quotation marks written after the rest of their line."""
    if prefix is None:
        source = composed.write_txt(tmp_path / "plan.txt")
        docx = composed.write_docx(tmp_path / "plan.docx")
    else:
        if not SEEDS.is_dir():
            pytest.skip(f"真实规划样本目录不存在：{SEEDS}")
        source = next(SEEDS.glob(f"{prefix}_*.txt"))
        docx = composed.render_docx(composed.blocks_of(source), tmp_path / "plan.docx")
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    assert binary is not None
    subprocess.run(
        [binary, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    expected = comparable(extract(source))
    got = comparable(extract(tmp_path / "plan.pdf"))
    for key in ("indicators", "tasks", "places", "place_lists", "projects"):
        assert got[key] == expected[key], key
