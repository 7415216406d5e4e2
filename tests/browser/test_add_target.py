"""Adding a target the reader missed (issue 14, item 6): select its words in the 原文 pane, press 添加为目标,
check the prefilled form, save. Also: the reader's targets are highlighted in their source lines.
The plan is composed here (not a seed), read by the real extractor."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from xiangcun.indicators.models import Target
from xiangcun.plans import services
from xiangcun.plans.models import PlanItem

from .conftest import login

PLAN = """测试县乡村振兴规划（2021—2025年）
第一章 总体要求
到2025年，全县农村卫生厕所普及率达到90%以上，建设高标准农田2万亩。
第二章 繁荣乡村文化
每年流动文化进基层200场次，丰富群众文化生活。
"""
MISSED = "流动文化进基层200场次"

SELECT = """([line, text]) => {
  const li = document.querySelector(`ol.lines li[data-line="${line}"]`);
  const node = Array.from(li.childNodes).find(n => n.nodeType === 3 && n.textContent.includes(text));
  const start = node.textContent.indexOf(text);
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, start + text.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  li.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
}"""


def test_select_words_in_the_source_and_add_the_missed_target(
    browser_page: Any, live_server: Any, users: Any, county: Any
) -> None:
    version = services.import_plan(PLAN.encode(), "plan.txt", users["county_admin"], county.county)
    lines = version.source_lines
    line = next(n for n, text in enumerate(lines, start=1) if MISSED in text)
    quotes = [str(i.data.get("quote")) for i in version.items.filter(kind="target")]
    assert quotes and not any("流动文化" in q for q in quotes)  # the reader misses it

    page = browser_page
    login(page, live_server, "county", "pw-county")
    page.goto(f"{live_server.url}/plans/{version.plan_id}/v{version.number}/?kind=target")
    # the reader's targets: marked in the 原文 pane and in their rows
    expect(page.locator("aside.source mark", has_text="建设高标准农田2万亩")).to_be_visible()
    expect(page.locator("td.quote-source mark").first).to_be_visible()

    button = page.get_by_role("button", name="添加为目标")
    expect(button).to_be_hidden()
    page.evaluate(SELECT, [line, MISSED])
    expect(button).to_be_visible()
    button.click()

    expect(page.get_by_role("heading", name="添加抽取漏读的目标")).to_be_visible()
    expect(page.get_by_label("原文")).to_have_value(MISSED)
    expect(page.get_by_label("目标值")).to_have_value("200.0")
    expect(page.get_by_label("单位")).to_have_value("场次")
    expect(page.get_by_label("每年目标")).to_have_value("1")
    page.get_by_label("内容").fill("流动文化进基层场次")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("已添加目标「流动文化进基层场次」")).to_be_visible()
    item = version.items.get(data__added_by_reviewer=True)
    assert (item.status, item.data["line"], item.data["per_year"]) == (PlanItem.Status.CONFIRMED, line, True)
    expect(page.locator(f"#item-{item.pk}")).to_contain_text("审核人添加")

    version.items.update(status=PlanItem.Status.CONFIRMED)
    services.confirm_version(version, users["county_admin"])
    years = Target.objects.filter(plan_version=version, indicator__name="流动文化进基层场次").values_list(
        "year", flat=True
    )
    assert sorted(years) == [2021, 2022, 2023, 2024, 2025]  # 每年: one target per plan year
