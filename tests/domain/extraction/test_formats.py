"""The same invented plan as .docx, .pdf and .txt (UTF-8, GBK, UTF-16) reads the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from xiangcun.domain.extraction import DocumentError, extract

from .plans import write_docx, write_pdf, write_txt


@pytest.fixture(scope="module", params=["docx", "pdf", "txt-utf8", "txt-gbk", "txt-utf16"])
def result(request, tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("plans")
    kind = request.param
    if kind == "docx":
        path = write_docx(folder / "plan.docx")
    elif kind == "pdf":
        path = write_pdf(folder / "plan.pdf")
    else:
        path = write_txt(
            folder / "plan.txt", encoding={"txt-utf8": "utf-8", "txt-gbk": "gbk", "txt-utf16": "utf-16"}[kind]
        )
    return extract(path)


def test_title_period_region(result):  # type: ignore[no-untyped-def]
    assert result["title"] == "青山县乡村振兴规划（2021—2025年）"
    assert result["period"] == [2021, 2025]
    assert result["region"] == "青山县"


def test_indicator_table(result):  # type: ignore[no-untyped-def]
    rows = {r["name"]: r for r in result["indicators"]}
    assert list(rows) == [
        "粮食综合生产能力",
        "特色林果种植面积",
        "村庄绿化覆盖率",
        "城乡居民收入比",
        "返贫人口",
    ]
    grain = rows["粮食综合生产能力"]
    assert grain["category"] == "产业兴旺" and grain["unit"] == "万吨" and grain["attribute"] == "约束性"
    assert grain["values"] == [
        {"year": 2020, "kind": "baseline", "raw": "12.5", "value": 12.5, "op": "="},
        {"year": 2025, "kind": "target", "raw": "≥13", "value": 13.0, "op": ">="},
    ]
    assert rows["特色林果种植面积"]["category"] == "产业兴旺"  # carried from the merged/blank cell above
    assert rows["特色林果种植面积"]["national"] is False and grain["national"] is True
    assert rows["城乡居民收入比"]["values"][1]["value"] == 2.3
    assert rows["返贫人口"]["values"][1] == {
        "year": 2025,
        "kind": "target",
        "raw": "动态清零",
        "value": None,
        "op": "text",
    }


def test_prose_targets(result):  # type: ignore[no-untyped-def]
    targets = {t["subject"]: t for t in result["targets"]}
    toilets = targets["农村卫生厕所普及率"]
    assert (toilets["value"], toilets["unit"], toilets["op"], toilets["year"], toilets["scope"]) == (
        90.0,
        "%",
        ">=",
        2025,
        "全县",
    )
    assert targets["农村生活污水治理率"]["value"] == 45.0
    assert targets["培育县级以上龙头企业"]["year"] == 2025  # 规划期末 is the plan's end year


def test_tasks_places_lists_projects(result):  # type: ignore[no-untyped-def]
    assert result["tasks"] == [
        {
            "number": "（一）",
            "title": "推进农村改厕",
            "lead": ["县农业局"],
            "cooperating": ["县教科局", "卫体局", "各镇（街道）"],
            "goal": "全年新改户厕2000座",
            "value": 2000.0,
            "unit": "座",
            "deadline": None,
        }
    ]
    assert result["places"][0] == {
        "township": "东岭镇",
        "village": "上河村",
        "kind": "village",
        "natural_villages": ["上河", "下河"],
        "population": 1230,
    }
    assert result["places"][2]["kind"] == "community"
    assert {"list": "中心村", "township": "西坪乡", "villages": ["石门村", "石佛村"]} in result["place_lists"]
    assert result["projects"][0]["length_km"] == 35.5
    assert result["projects"][0]["investment_wan_yuan"] == 12000.0


def test_outline_levels(result):  # type: ignore[no-untyped-def]
    labels = [(o["level"], o["label"], o["title"]) for o in result["outline"]]
    assert (2, "第一章", "总体要求") in labels and (4, "一、", "发展目标") in labels


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "文件是空的"),
        ("garbage.txt", bytes(range(256)) * 20, "不是文本文件"),
        ("fake.pdf", b"%PDF-1.4 not really", "PDF 文件无法打开"),
        ("notpdf.pdf", b"hello", "不是有效的 PDF"),
        ("fake.docx", b"PK\x03\x04 broken", "不是有效的 Word"),
        ("image.png", b"\x89PNG....", "不支持的文件类型"),
    ],
)
def test_bad_files_raise_one_chinese_message(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=message):
        extract(path)


def test_a_docx_that_is_another_zip(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "plan.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a word document")
    with pytest.raises(DocumentError, match="不是 Word 文档"):
        extract(path)


def test_an_image_only_pdf(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    drawing = canvas.Canvas(str(path))
    drawing.rect(100, 100, 200, 200, fill=1)
    drawing.save()
    with pytest.raises(DocumentError, match="扫描件"):
        extract(path)


def test_an_encrypted_pdf(tmp_path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "secret.pdf"
    drawing = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    drawing.drawString(100, 700, "hello")
    drawing.save()
    with pytest.raises(DocumentError):
        extract(path)
