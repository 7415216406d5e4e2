"""The domain package is plain Python: importing it must not pull in Django."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import xiangcun.domain

DOMAIN = Path(xiangcun.domain.__file__).parent


def test_no_module_in_domain_imports_django():
    offenders = []
    for path in DOMAIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(DOMAIN)}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_importing_every_domain_module_leaves_django_unloaded():
    modules = [m.name for m in pkgutil.walk_packages([str(DOMAIN)], prefix="xiangcun.domain.")]
    code = f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\nprint('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
