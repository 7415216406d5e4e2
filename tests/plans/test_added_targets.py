"""Review page (issue 14, item 6): quotes highlighted in their source lines; a reviewer adds a target the
reader missed from a selection; `xiangcun ingest-feedback --json` exports what reviewers added."""

from __future__ import annotations

import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse

from xiangcun.indicators.models import Target
from xiangcun.plans import services
from xiangcun.plans.models import PlanItem

from .test_prose_targets import LINES, other_county_admin

pytestmark = pytest.mark.django_db

MISSED = "流动文化进基层200场次"


@pytest.fixture
def missed_line(prose_reader):  # type: ignore[no-untyped-def]
    """The document also says something the reader does not read (no verb before the number)."""
    LINES.append(f"2024年，{MISSED}。")
    yield len(LINES)
    LINES.pop()


def _version(users, county):  # type: ignore[no-untyped-def]
    return services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)


def test_each_target_shows_its_quote_highlighted_in_its_source_line(client_for, users, county, prose_reader):  # type: ignore[no-untyped-def]
    version = _version(users, county)
    client = client_for(users["county_admin"])
    page = client.get(
        reverse("plans:version", args=[version.plan_id, 1]), {"kind": "target"}
    ).content.decode()
    # in the row: the whole source line, the quote marked
    assert "第2行</a>：到2025年，村庄绿化覆盖率达到30%以上。建设高标准农田2万亩。" not in page
    assert (
        "<mark>到2025年，村庄绿化覆盖率达到30%以上</mark>。<mark>建设高标准农田2万亩</mark>。" in page
    )  # pane
    assert "第3行</a>：<mark>每年培训高素质农民250名</mark>。甲镇建设冷库1个。建设产地集配中心9个。" in page
    # the 原文 pane can be selected from (the script is a static file, no inline script)
    assert 'data-add-target="/plans/' in page and "plans/review.js" in page
    assert "<script>" not in page


def test_a_selection_prefills_the_form_and_saving_adds_a_confirmed_target(
    client_for, users, county, missed_line
):  # type: ignore[no-untyped-def]
    version = _version(users, county)
    client = client_for(users["county_admin"])
    url = reverse("plans:add_target", args=[version.plan_id, 1])
    form = client.get(url, {"line": missed_line, "text": MISSED}).content.decode()
    assert 'value="流动文化进基层"' in form and 'value="200.0"' in form and 'value="场次"' in form
    assert 'value="2024"' in form  # the year of the source line
    assert f"<mark>{MISSED}</mark>" in form

    saved = client.post(url, {"quote": MISSED, "line": missed_line, "subject": "流动文化进基层场次", "op": "=",
                              "value": "200", "unit": "场次", "year": "2024", "per_year": "0", "scope": "",
                              "department": ""})  # fmt: skip
    assert saved.status_code == 302
    item = version.items.get(kind="target", data__added_by_reviewer=True)
    assert item.status == PlanItem.Status.CONFIRMED and item.data["line"] == missed_line
    assert (item.data["subject"], item.data["value"], item.data["year"]) == (
        "流动文化进基层场次",
        200.0,
        2024,
    )
    assert "审核人添加" in item.note
    logged = LogEntry.objects.get_for_object(item).get(action=LogEntry.Action.CREATE)
    assert logged.actor == users["county_admin"]  # audited like every change

    version.items.update(status=PlanItem.Status.CONFIRMED)
    services.confirm_version(version, users["county_admin"])
    tracked = Target.objects.get(plan_version=version, indicator__name="流动文化进基层场次")
    assert (tracked.year, tracked.value, tracked.origin) == (2024, 200.0, "prose")


def test_bad_input_gives_a_chinese_error_and_adds_nothing(client_for, users, county, prose_reader):  # type: ignore[no-untyped-def]
    version = _version(users, county)
    client = client_for(users["county_admin"])
    url = reverse("plans:add_target", args=[version.plan_id, 1])
    before = version.items.count()
    page = client.post(url, {"quote": "原文里没有的一句话", "subject": "某数量", "op": "=", "value": "abc"})
    text = page.content.decode()
    assert page.status_code == 200 and "原文中没有找到这段文字" in text and "输入一个数字" in text
    assert version.items.count() == before
    # a garbage prefill (line out of range, huge text) still gives a form, not an error page
    assert client.get(url, {"line": "99999", "text": "x" * 5000}).status_code == 200
    assert client.get(url, {"line": "abc"}).status_code == 200


def test_only_reviewers_in_scope_may_add_and_only_before_confirmation(
    client_for, users, county, prose_reader
):  # type: ignore[no-untyped-def]
    version = _version(users, county)
    url = reverse("plans:add_target", args=[version.plan_id, 1])
    assert client_for(other_county_admin()).get(url).status_code == 404
    assert client_for(users["leader"]).get(url).status_code == 403
    version.items.update(status=PlanItem.Status.CONFIRMED)
    services.confirm_version(version, users["county_admin"])
    client = client_for(users["county_admin"])
    response = client.post(url, {"quote": "建设产地集配中心9个", "subject": "x", "op": "=", "value": "1"})
    assert response.status_code == 302
    assert not version.items.filter(data__added_by_reviewer=True).exists()


def test_an_added_target_comes_along_to_the_next_version(users, county, missed_line):  # type: ignore[no-untyped-def]
    version = _version(users, county)
    data = {"subject": "流动文化进基层场次", "value": 200.0, "unit": "场次", "op": "=", "approx": False, "year": 2024,
            "scope": None, "per_year": False, "quote": MISSED, "line": missed_line, "added_by_reviewer": True}  # fmt: skip
    services.add_reviewer_target(version, data, None)
    second = services.import_plan(
        b"doc-v2", "plan.docx", users["county_admin"], county.county, plan=version.plan
    )
    carried = second.items.get(data__added_by_reviewer=True)
    assert carried.status == PlanItem.Status.CONFIRMED and carried.data["quote"] == MISSED

    LINES.pop()  # the third version no longer says it: back to review, with a reason
    LINES.append("（删去）")
    third = services.import_plan(
        b"doc-v3", "plan.docx", users["county_admin"], county.county, plan=version.plan
    )
    again = third.items.get(data__added_by_reviewer=True)
    assert again.status == PlanItem.Status.PENDING and "已没有这段文字" in again.note


def test_ingest_feedback_exports_reviewers_additions_rejections_and_corrections(users, county, missed_line):  # type: ignore[no-untyped-def]
    version = _version(users, county)
    data = {"subject": "流动文化进基层场次", "value": 200.0, "unit": "场次", "op": "=", "approx": False, "year": 2024,
            "scope": None, "per_year": False, "quote": MISSED, "line": missed_line, "added_by_reviewer": True}  # fmt: skip
    services.add_reviewer_target(version, data, None)
    version.items.filter(kind="target", key__contains="冷库").update(status=PlanItem.Status.REJECTED)
    farmland = version.items.get(kind="target", key__contains="高标准农田")
    services.correct(farmland, {"value": 3.0})
    # carried to a second version: still reported once
    services.import_plan(b"doc-v2", "plan.docx", users["county_admin"], county.county, plan=version.plan)

    out = io.StringIO()
    call_command("ingest_feedback", "--json", stdout=out)
    feedback = json.loads(out.getvalue())
    assert feedback["format"] == "xiangcun-ingest-feedback" and feedback["format_version"] == 1
    assert feedback["counts"] == {"missed": 1, "rejected": 1, "corrected": 1}
    miss = feedback["missed"][0]
    assert miss["quote"] == MISSED and miss["line"] == missed_line
    assert miss["source_lines"] == [f"2024年，{MISSED}。"] and miss["plan_version"] == 2
    assert miss["target"]["subject"] == "流动文化进基层场次" and miss["target"]["value"] == 200.0
    assert miss["county_code"] == county.county.code and miss["file"] == "plan.docx"
    assert feedback["rejected"][0]["reader"]["subject"] == "冷库数量"
    assert feedback["corrected"][0]["reviewer"] == {"value": 3.0}

    summary = io.StringIO()
    call_command("ingest_feedback", stdout=summary)
    assert "审核人补充的漏读目标 1 条" in summary.getvalue()
    own = io.StringIO()
    call_command("ingest_feedback", "--json", "--county", county.county.code, stdout=own)
    assert json.loads(own.getvalue())["counts"]["missed"] == 1
    other_county_admin()  # a county with no plans: nothing to report
    elsewhere = io.StringIO()
    call_command("ingest_feedback", "--json", "--county", "150000000000", stdout=elsewhere)
    assert json.loads(elsewhere.getvalue())["counts"] == {"missed": 0, "rejected": 0, "corrected": 0}
    with pytest.raises(CommandError, match="没有统计代码"):
        call_command("ingest_feedback", "--county", "999999999999")
