"""Layers point one way: domain at the bottom, shared helpers (core), capabilities, then what uses everything.

A module that imports upwards makes the lower layer depend on the whole product; these checks read the imports
(no module is executed) and name the offending line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "xiangcun"

# What may sit above every capability: the demo builder, the home page, the yearly report, the public site.
TOP = {"demo", "overview", "reports", "public"}
# Foundation apps the shared helpers may use (who the user is, what is written to the audit log).
FOUNDATION = {"accounts", "audit"}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name.startswith("xiangcun.")]


def _layer_of(module: str) -> str:
    return module.split(".")[1]


def _modules(package: str) -> list[Path]:
    return sorted((PACKAGE / package).rglob("*.py"))


def _violations(package: str, allowed: set[str]) -> list[str]:
    bad = []
    for path in _modules(package):
        for line, name in _imports(path):
            if _layer_of(name) not in allowed:
                bad.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    return bad


def test_domain_imports_only_domain() -> None:
    assert _violations("domain", {"domain"}) == []


def test_core_helpers_import_only_domain_and_foundation() -> None:
    assert _violations("core", {"core", "domain", *FOUNDATION}) == []


@pytest.mark.parametrize(
    "package",
    sorted(
        p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "apps.py").exists() and p.name not in TOP
    ),
)
def test_capabilities_do_not_import_the_top_layer(package: str) -> None:
    assert [v for v in _violations(package, {"__all__"}) if _layer_of(v.split(" imports ")[1]) in TOP] == []
