"""防返贫监测 in a real browser, each user through the pages they use: the township imports a household
workbook, screening shows the household at risk, a case is opened; the village 信息员 completes 入户核实 from
a visit on the phone, the village secretary holds the 评议 and posts the 公示, the township reviews, the county
admits; the statistics page and its monthly report count the case. Also: a visit form left open while a
colleague completes 入户核实 says so, and saves nothing, when it is sent."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.domain.households.factory import id_number
from tests.households.conftest import registry  # noqa: F401 - the three-household registry
from xiangcun.accounts.models import Role, User
from xiangcun.households import cases as case_services
from xiangcun.households.models import Case, Household, Visit

from .conftest import DESKTOP, PHONE, login

DAY = dt.timedelta(days=1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def registry_workbook(year: int) -> bytes:
    """What a township clerk fills in: the template's three sheets, one household at risk, one not."""
    book = openpyxl.Workbook()
    households = book.active
    households.title = "户"
    households.append(["户编号", "村代码", "自然村", "户主姓名", "联系电话", "户类型", "易地搬迁", "低保", "特困",
                       "住房安全等级", "饮水安全", "自主申报"])  # fmt: skip
    households.append(
        ["JY0001", "140000001201", "", "李四", "13900001111", "脱贫户", "否", "否", "否", "A", "是", "否"]
    )
    households.append(
        ["JY0002", "140000001202", "", "王五", "", "一般农户", "否", "否", "否", "A", "是", "否"]
    )
    members = book.create_sheet("成员")
    members.append(["户编号", "姓名", "身份证号", "与户主关系", "劳动能力", "健康状况", "残疾等级", "在校状况",
                    "基本医保", "养老保险", "务工状况"])  # fmt: skip
    members.append(["JY0001", "李四", id_number("19700305", 11), "户主", "普通劳动力", "健康", "", "非在校", "是", "是",
                    "县内务工"])  # fmt: skip
    members.append(["JY0001", "张兰", id_number("19720811", 12, female=True), "配偶", "弱劳动力", "患有大病", "",
                    "非在校", "是", "是", "无"])  # fmt: skip
    members.append(["JY0002", "王五", id_number("19800101", 13), "户主", "普通劳动力", "健康", "", "非在校", "是", "是",
                    "县外务工"])  # fmt: skip
    finances = book.create_sheet("收支")
    finances.append(["户编号", "年度", "工资性收入", "生产经营性收入", "生产经营性支出", "财产性收入", "转移性收入",
                     "医疗自付支出", "教育支出"])  # fmt: skip
    finances.append(["JY0001", year, 4000, 0, 0, 0, 1000, 8000, 0])  # 2 500 元 a head, under the 6 000 line
    finances.append(["JY0002", year, 30000, 2000, 500, 0, 800, 0, 0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (150, 120, 90)).save(out, "JPEG")
    return out.getvalue()


def switch_to(page: Any, live_server: Any, username: str) -> None:
    """Log out (drop the session cookie) and log in as another user in the same browser page."""
    page.context.clear_cookies()
    login(page, live_server, username, "pw-" + username)


def step_form(page: Any) -> Any:
    return page.locator("form").filter(has=page.get_by_role("button", name="不通过"))


def red(page: Any) -> str:
    """The site's red (--red) as the browser computes a colour, e.g. rgb(180, 35, 24)."""
    return page.evaluate(
        """() => { const probe = document.createElement('span'); probe.style.color = 'var(--red)';
        document.body.append(probe); const colour = getComputedStyle(probe).color; probe.remove(); return colour; }"""
    )


def test_import_screen_and_take_a_case_through_every_step_to_the_statistics(
    browser_page: Any, live_server: Any, users: Any, county: Any, tmp_path: Path
) -> None:
    today = timezone.localdate()
    year = today.year - 1
    User.objects.create_user("vil_a1_sec", password="pw-vil_a1_sec", role=Role.VILLAGE_REPORTER,
                             region=county.village_a1, first_name="村支书")  # fmt: skip
    page = browser_page
    page.set_default_timeout(30_000)  # a long journey on a loaded machine

    # The township clerk imports the workbook on the upload page.
    login(page, live_server, "town_a", "pw-town_a")
    page.goto(f"{live_server.url}/households/import/")
    page.get_by_label("农户登记表").set_input_files(
        {"name": "甲镇农户登记表.xlsx", "mimeType": XLSX, "buffer": registry_workbook(year)}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="检查并导入").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("农户登记")
    expect(page.locator(".messages")).to_contain_text("导入成功：农户新增 2、更新 0；成员新增 3")
    expect(page.get_by_role("link", name="JY0001")).to_be_visible()
    expect(page.get_by_role("link", name="JY0002")).to_be_visible()

    # Screening: of the two households only 李四's is at risk, with its income and rules.
    page.get_by_role("navigation", name="防返贫监测").get_by_role("link", name="风险筛查").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{year} 年防返贫风险筛查")
    expect(page.get_by_text("筛查 2 户，触发预警 1 户")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("李四")
    expect(rows.first).to_contain_text("甲镇")
    expect(rows.first).to_contain_text("2,500.00")
    expect(rows.first).to_contain_text("收入低于监测标准")
    with page.expect_navigation():
        rows.first.get_by_role("link", name="JY0001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("李四户")
    expect(page.get_by_text("收入低于监测标准")).to_be_visible()
    expect(page.get_by_label("发现渠道")).to_have_value("筛查规则")
    page.get_by_label("情况说明").fill("年度筛查预警，配偶患大病")
    with page.expect_navigation():
        page.get_by_role("button", name="发起监测").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("识别")
    expect(page.get_by_role("heading", name="待办：入户核实")).to_be_visible()
    case = Case.objects.get(household__code="JY0001")
    # The warning was found two weeks ago: the village meeting and a five-day notice are behind it.
    Case.objects.filter(pk=case.pk).update(opened_at=today - 14 * DAY, step_started=today - 14 * DAY)

    # The village 信息员, on the phone at the household: 入户核实 completed from the visit, with a photo.
    switch_to(page, live_server, "vil_a1")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/households/cases/")
    with page.expect_navigation():
        page.get_by_role("link", name="JY0001 李四").click()
    with page.expect_navigation():
        page.get_by_role("link", name="到户走访并办结（可拍照）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("入户走访：李四户")
    expect(page.get_by_role("radio", name="入户核实")).to_be_checked()
    expect(page.get_by_label("核实事由（为什么入户）")).to_have_value(
        "筛查预警：收入低于监测标准、多重困难身份"
    )
    expect(page.get_by_label("同时办结本案的「入户核实」步骤")).to_be_checked()
    page.get_by_label("走访时间").fill(f"{today - 13 * DAY:%Y-%m-%d}T09:30")
    page.get_by_label("收入低于监测标准").check()
    page.get_by_label("基本医疗有保障（参加医保、大病有报销）").check()
    page.get_by_label("核实情况（必填）").fill("配偶患大病住院，务工收入减少；医保已参加")
    page.get_by_label("现场照片").set_input_files(
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": photo()}
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_navigation():
        page.get_by_role("button", name="保存走访记录").click()
    expect(page.get_by_text("走访记录已保存，并已办结「入户核实」。")).to_be_visible()
    expect(page.get_by_text("已办结「入户核实」（通过）")).to_be_visible()
    expect(page.get_by_role("img", name="走访照片 1")).to_be_visible()
    expect(page.locator(".checklist li").filter(has_text="收入低于监测标准")).to_contain_text("已核实")
    expect(page.locator(".checklist li").filter(has_text="住房安全有保障")).to_contain_text("未核实")
    page.set_viewport_size(DESKTOP)

    # The village secretary (not the one who verified): the 评议 and the 公示.
    switch_to(page, live_server, "vil_a1_sec")
    page.goto(f"{live_server.url}/households/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="待办：村内评议")).to_be_visible()
    expect(page.locator(".case-record")).to_contain_text("入户核实：通过 — 办理人 vil_a1")
    form = step_form(page)
    form.get_by_label("评议日期").fill(f"{today - 12 * DAY:%Y-%m-%d}")
    form.get_by_label("参会人数").fill("23")
    form.get_by_label("主持人").fill("村支书")
    form.get_by_label("评议意见（不通过时必填）").fill("与会代表一致同意纳入")
    with page.expect_navigation():
        form.get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    expect(page.get_by_role("heading", name="待办：村内公示")).to_be_visible()
    form = step_form(page)
    form.get_by_label("公示开始日期").fill(f"{today - 10 * DAY:%Y-%m-%d}")
    form.get_by_label("公示结束日期").fill(f"{today - 4 * DAY:%Y-%m-%d}")
    with page.expect_navigation():
        form.get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_role("heading", name="待办：乡镇审核")).to_be_visible()
    expect(page.get_by_text("该步骤由其他角色办理。")).to_be_visible()

    # The township reviews, with the household's income in red under the line.
    switch_to(page, live_server, "town_a")
    page.goto(f"{live_server.url}/households/cases/{case.pk}/")
    basis = page.get_by_role("region", name="审定依据")
    income = basis.locator("strong").filter(has_text="2,500.00 元")
    expect(income).to_have_css("color", red(page))
    expect(basis).to_contain_text("收入低于监测标准")
    expect(basis.get_by_role("row").filter(has_text="张兰")).to_contain_text("患有大病")
    step_form(page).get_by_label("审核意见（必填）").fill("情况属实，同意上报")
    with page.expect_navigation():
        step_form(page).get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_role("heading", name="待办：县级审定")).to_be_visible()

    # The county admits the household: category and cause.
    switch_to(page, live_server, "county")
    page.goto(f"{live_server.url}/households/cases/{case.pk}/")
    form = step_form(page)
    form.get_by_label("审定意见（必填）").fill("同意纳入监测")
    form.get_by_label("监测类别").select_option("脱贫不稳定户")
    form.get_by_label("因病").check()
    with page.expect_navigation():
        form.get_by_role("button", name="通过", exact=True).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("帮扶")
    expect(heading).to_contain_text("脱贫不稳定户")
    expect(page.locator(".case-record > li")).to_have_count(5)
    for name in ("入户核实", "村内评议", "村内公示", "乡镇审核", "县级审定"):
        expect(page.locator(".case-record")).to_contain_text(f"识别 · {name}：通过")

    # The township registers a measure; the statistics count the case, and so does the monthly report.
    switch_to(page, live_server, "town_a")
    page.goto(f"{live_server.url}/households/cases/{case.pk}/")
    page.get_by_label(re.compile("^措施")).select_option("医疗保障")
    with page.expect_navigation():
        page.get_by_role("button", name="登记").click()
    expect(page.get_by_text("医疗保障（")).to_be_visible()
    with page.expect_navigation():
        page.locator(".breadcrumb").get_by_role("link", name="监测对象").click()
    page.get_by_role("navigation", name="防返贫监测").get_by_role("link", name="统计").click()
    town = page.get_by_role("row").filter(has_text="甲镇")
    expect(town.locator("td")).to_have_text(["甲镇", "0", "1", "0", "0", "0", "0", "0"])  # 识别超期, 步骤超期
    expect(page.get_by_text("脱贫不稳定户：1")).to_be_visible()
    expect(page.get_by_text("因病：1")).to_be_visible()
    expect(page.get_by_text("医疗保障：1")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出本月月报（Excel）").click()
    assert download.value.suggested_filename == f"monitoring-{today:%Y-%m}.xlsx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert [c.value for c in book["分乡镇统计"][1]][-2:] == ["识别超过15天的案件", "步骤超期的案件"]
    assert [c.value for c in book["分乡镇统计"][2]] == ["甲镇", 0, 1, 0, 0, 0, 0, 0]
    detail = {row[0]: row for row in book["本月案件"].iter_rows(min_row=2, values_only=True)}
    assert detail["JY0001"][1:7] == ("李四", "甲一村", "筛查规则", "帮扶", "脱贫不稳定户", "因病")


def test_a_visit_left_open_while_a_colleague_completes_the_step_says_so_and_saves_nothing(
    browser_page: Any,
    live_server: Any,
    users: Any,
    registry: Any,  # noqa: F811
) -> None:
    case = case_services.open_case(Household.objects.get(code="A001"), "基层干部排查", "患病")
    page = browser_page
    login(page, live_server, "vil_a1", "pw-vil_a1")
    page.goto(f"{live_server.url}/households/A001/visit/?case={case.pk}")
    expect(page.get_by_label("同时办结本案的「入户核实」步骤")).to_be_checked()
    page.get_by_label("核实事由（为什么入户）").fill("干部排查发现患病")
    page.get_by_label("核实情况（必填）").fill("户主住院两周，务工收入中断")

    # A colleague, in another tab, completes 入户核实 on the case page first.
    other = page.context.new_page()
    other.goto(f"{live_server.url}/households/cases/{case.pk}/")
    form = step_form(other)
    form.get_by_label("核实事由（为什么入户）").fill("农户申报")
    form.get_by_label("核实情况（必填）").fill("已电话核实")
    with other.expect_navigation():
        form.get_by_role("button", name="通过", exact=True).click()
    expect(other.get_by_role("heading", name="待办：村内评议")).to_be_visible()
    other.close()

    page.get_by_role("button", name="保存走访记录").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("本案的「入户核实」在您打开本页后已经办理")
    expect(alert).to_contain_text("走访记录没有保存")
    expect(page.get_by_label("核实情况（必填）")).to_have_value("户主住院两周，务工收入中断")
    expect(page.get_by_label("同时办结本案的「入户核实」步骤")).to_have_count(0)
    assert not Visit.objects.exists() and case.steps.count() == 1

    with page.expect_navigation():
        page.get_by_role("button", name="保存走访记录").click()
    expect(page.get_by_text("走访记录已保存。")).to_be_visible()
    visit = Visit.objects.get()
    assert visit.step is None and case.steps.count() == 1
