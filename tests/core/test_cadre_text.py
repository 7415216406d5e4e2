"""Cadre screens carry no developer text: no file paths into docs/, no Django's "---------" empty choice."""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "src" / "xiangcun").glob("**/templates/**/*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_template_cites_developer_docs(template: Path) -> None:
    assert "docs/" not in template.read_text(encoding="utf-8")


def test_plan_upload_select_has_a_chinese_empty_choice(county, users, client_for) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.regions.models import Region

    # With two counties in scope the user must choose one: the empty choice reads in Chinese.
    Region(code="150000000000", name="另一县", level="county", parent=None, population=1000).save()
    response = client_for(users["system_admin"]).get("/plans/import/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "---------" not in html
    assert "请选择" in html
