"""Fixtures shared by the plan tests: a reader replaced by a fixed result with prose targets."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from xiangcun.plans import services

from .test_prose_targets import LINES, PROSE
from .test_review import EXTRACTION


@pytest.fixture
def prose_reader(monkeypatch):  # type: ignore[no-untyped-def]
    result = copy.deepcopy(EXTRACTION)
    result["targets"] = copy.deepcopy(PROSE)
    result["outline"] = [{"level": 2, "label": "第一章", "title": "推进产业振兴", "line": 1}]
    state = {"result": result}

    def read_plan(data: bytes, filename: str) -> tuple[dict[str, Any], list[str]]:
        return copy.deepcopy(state["result"]), list(LINES)

    monkeypatch.setattr(services, "read_plan", read_plan)
    return state
