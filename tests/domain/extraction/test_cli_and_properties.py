from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiangcun.domain.extraction.document import Document
from xiangcun.domain.extraction.extract import analyse
from xiangcun.domain.extraction.readers import read_text

from .plans import write_txt


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xiangcun.cli", "ingest", *args], capture_output=True, text=True
    )


def test_json_contract(tmp_path: Path) -> None:
    result = run(str(write_txt(tmp_path / "plan.txt")), "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert set(data) == {"source", "title", "region", "period", "outline", "indicators", "targets", "projects",
                         "tasks", "places", "place_lists", "merges", "schools",
                         "warnings"}  # fmt: skip
    assert "青山县" in result.stdout  # UTF-8, not ASCII-escaped
    assert data["source"] == "plan.txt"


def test_summary_in_chinese(tmp_path: Path) -> None:
    result = run(str(write_txt(tmp_path / "plan.txt")))
    assert result.returncode == 0
    assert "主要指标 5 项" in result.stdout


def test_bad_input_is_one_line_without_traceback(tmp_path: Path) -> None:
    for name, data in (("empty.txt", b""), ("x.pdf", b"\x00\x01garbage")):
        path = tmp_path / name
        path.write_bytes(data)
        result = run(str(path))
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("错误：")
    missing = run(str(tmp_path / "nope.docx"))
    assert missing.returncode == 1 and "找不到文件" in missing.stderr


PLAN_ALPHABET = st.sampled_from(
    list("\t\n 　年%〔〕>≥:：1234567890.一二三、（）牵头部门配合村镇乡主要指标到达以上专栏公里亿元*")
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=PLAN_ALPHABET, max_size=600) | st.text(max_size=600))
def test_the_extractor_never_raises_on_arbitrary_text(text: str) -> None:
    document = read_text(text)
    result = analyse(document, source="x.txt")
    assert isinstance(result["indicators"], list)
    json.dumps(result, ensure_ascii=False)


def test_empty_document_analyses_to_empty_lists() -> None:
    result = analyse(Document(), source="x.txt")
    assert result["indicators"] == [] and result["title"] is None and result["period"] is None
