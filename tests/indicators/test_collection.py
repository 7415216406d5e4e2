"""Indicator data collection: the form, the Excel template (all-or-nothing) and review."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from xiangcun.indicators import collection
from xiangcun.indicators.models import Indicator, Observation
from xiangcun.indicators.services import ensure_national

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(county):  # type: ignore[no-untyped-def]
    ensure_national()
    return {i.code: i for i in Indicator.objects.all()}


def filled(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(list(collection.TEMPLATE_COLUMNS))
    for r in rows:
        workbook.active.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_department_reports_exactly_the_indicators_it_owns(users, catalog):  # type: ignore[no-untyped-def]
    codes = set(collection.assigned_indicators(users["department_reporter"]).values_list("code", flat=True))
    # 农业农村局 owns grain capacity, manure use, toilets … but not the income ratio.
    assert {"N01", "N06", "N09"} <= codes
    assert "N20" not in codes
    assert not collection.assigned_indicators(users["leader"]).exists()


def test_template_round_trip_saves_values_and_a_bad_row_saves_nothing(users, county, catalog):  # type: ignore[no-untyped-def]
    user = users["department_reporter"]
    template = openpyxl.load_workbook(io.BytesIO(collection.template(user, 2024))).active
    header = [c.value for c in template[1]]
    assert header == list(collection.TEMPLATE_COLUMNS)
    good = filled([["N09", "", "", county.county.code, "", 2024, 0, "82.5", ""]])
    report = collection.import_template(good, "t.xlsx", user)
    assert report.ok and report.saved == 1
    obs = Observation.objects.get(indicator=catalog["N09"], region=county.county, year=2024)
    assert (obs.value, obs.status, obs.department) == (82.5, "draft", county.agriculture)

    bad = filled(
        [
            ["N09", "", "", county.county.code, "", 2024, 0, "90", ""],
            ["N06", "", "", county.county.code, "", 2024, 0, "120", ""],  # a percentage over 100
            ["N20", "", "", county.county.code, "", 2024, 0, "2.3:1", ""],  # not 农业农村局's indicator
            [
                "N01",
                "",
                "",
                county.town_b.code,
                "",
                2024,
                0,
                "1.5",
                "",
            ],  # a township is fine for the county's department
        ]
    )
    report = collection.import_template(bad, "t.xlsx", user)
    messages = [str(e) for e in report.errors]
    assert "第3行「数值」：百分比应在 0–100 之间（填了 120）" in messages
    assert any(m.startswith("第4行「指标编码」") for m in messages)
    assert len(messages) == 2
    obs.refresh_from_db()
    assert obs.value == 82.5  # unchanged: nothing was written


def test_a_big_jump_needs_a_note(users, county, catalog):  # type: ignore[no-untyped-def]
    user = users["department_reporter"]
    assert collection.import_template(
        filled([["N09", "", "", county.county.code, "", 2023, 0, 40, ""]]), "t.xlsx", user
    ).ok
    jump = filled([["N09", "", "", county.county.code, "", 2024, 0, 80, ""]])
    report = collection.import_template(jump, "t.xlsx", user)
    assert "超过 50%" in str(report.errors[0])
    explained = filled([["N09", "", "", county.county.code, "", 2024, 0, 80, "全县改厕项目完工"]])
    assert collection.import_template(explained, "t.xlsx", user).ok


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "t.xlsx", "文件是空的"),
        (b"hello", "t.xlsx", "不是有效的 Excel"),
        (b"a,b\n1,2\n", "t.csv", "缺少列"),
    ],
)
def test_bad_template_files(users, catalog, data, name, message):  # type: ignore[no-untyped-def]
    report = collection.import_template(data, name, users["department_reporter"])
    assert message in str(report.errors[0])
    assert not Observation.objects.exists()


def test_form_submit_then_county_approves_or_returns(client_for, users, county, catalog):  # type: ignore[no-untyped-def]
    reporter = client_for(users["department_reporter"])
    field = f"v-{catalog['N09'].pk}-{county.county.pk}"
    page = reporter.get(reverse("indicators:report"), {"year": 2024}).content.decode()
    assert "农村卫生厕所普及率" in page and "城乡居民收入比" not in page
    response = reporter.post(
        reverse("indicators:report") + "?year=2024", {"year": 2024, field: "120", "submit": "1"}
    )
    assert "百分比应在 0–100 之间" in response.content.decode()
    assert not Observation.objects.exists()
    reporter.post(reverse("indicators:report") + "?year=2024", {"year": 2024, field: "86", "submit": "1"})
    obs = Observation.objects.get()
    assert obs.status == "submitted"

    assert client_for(users["township_a"]).get(reverse("indicators:review")).status_code == 403
    county_admin = client_for(users["county_admin"])
    assert "农村卫生厕所普及率" in county_admin.get(reverse("indicators:review")).content.decode()
    county_admin.post(reverse("indicators:review_one", args=[obs.pk]), {"action": "return", "reason": ""})
    obs.refresh_from_db()
    assert obs.status == "submitted"  # a return needs a reason
    county_admin.post(
        reverse("indicators:review_one", args=[obs.pk]), {"action": "return", "reason": "请附佐证"}
    )
    obs.refresh_from_db()
    assert (obs.status, obs.return_reason) == ("returned", "请附佐证")


def test_township_staff_cannot_see_or_review_another_townships_data(client_for, users, county, catalog):  # type: ignore[no-untyped-def]
    obs = Observation.objects.create(
        indicator=catalog["N09"], region=county.town_b, year=2024, value=70, status="submitted"
    )
    page = client_for(users["township_a"]).get(reverse("indicators:report"), {"year": 2024}).content.decode()
    assert "乙乡" not in page
    users["township_a"].role = "county_admin"  # even with the right, the scope is still township A
    users["township_a"].save()
    client = client_for(users["township_a"])
    assert (
        client.post(reverse("indicators:review_one", args=[obs.pk]), {"action": "approve"}).status_code == 404
    )
    obs.refresh_from_db()
    assert obs.status == "submitted"


def test_the_jump_threshold_is_configurable(users, county, catalog, settings):  # type: ignore[no-untyped-def]
    settings.INDICATOR_JUMP_THRESHOLD = 2.0
    user = users["department_reporter"]
    assert collection.import_template(
        filled([["N09", "", "", county.county.code, "", 2023, 0, 40, ""]]), "t.xlsx", user
    ).ok
    assert collection.import_template(
        filled([["N09", "", "", county.county.code, "", 2024, 0, 80, ""]]), "t.xlsx", user
    ).ok


def _post_form(client, values: dict[str, str], year: int = 2024, submit: str = "1"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("indicators:report") + f"?year={year}", {"year": year, "submit": submit, **values}
    )


def test_a_validation_error_keeps_every_typed_value_and_marks_the_bad_row(client_for, users, county, catalog):  # type: ignore[no-untyped-def]
    reporter = client_for(users["department_reporter"])
    good, bad = catalog["N09"], catalog["N06"]
    good_field, bad_field = f"v-{good.pk}-{county.county.pk}", f"v-{bad.pk}-{county.county.pk}"
    town_field = f"v-{catalog['N01'].pk}-{county.town_a.pk}"
    response = _post_form(
        reporter,
        {
            good_field: "86.5",
            f"n-{good.pk}-{county.county.pk}": "改厕完工",
            bad_field: "120",
            town_field: "3.25",
        },
    )
    page = response.content.decode()
    assert not Observation.objects.exists()
    # Every typed value and note is back in its input.
    assert f'name="{good_field}" value="86.5"' in page
    assert 'value="改厕完工"' in page
    assert f'name="{town_field}" value="3.25"' in page
    assert f'name="{bad_field}" value="120"' in page
    # The bad row is marked, carries its message, and takes the focus (the page scrolls to it).
    bad_row = page[page.index(f'<tr id="row-{bad.pk}-{county.county.pk}"') :]
    bad_row = bad_row[: bad_row.index("</tr>")]
    assert 'class="row-error"' in bad_row
    assert "百分比应在 0–100 之间（填了 120）" in bad_row
    assert "autofocus" in bad_row and 'aria-invalid="true"' in bad_row
    assert page.count("autofocus") == 1
    assert page.count('class="row-error"') == 1
    assert "data-scroll-here" in bad_row and page.count("data-scroll-here") == 1


def test_the_form_and_the_review_queue_show_last_year_and_the_target(client_for, users, county, catalog):  # type: ignore[no-untyped-def]
    from xiangcun.indicators.models import Target

    toilets = catalog["N09"]
    Observation.objects.create(
        indicator=toilets, region=county.county, year=2023, value=78.25, status="approved"
    )
    Target.objects.create(indicator=toilets, region=county.county, year=2022, value=70, op=">=")
    Target.objects.create(indicator=toilets, region=county.county, year=2025, value=85.48, op=">=")
    reporter = client_for(users["department_reporter"])
    page = reporter.get(reverse("indicators:report"), {"year": 2024}).content.decode()
    assert "上年值" in page and "目标" in page
    row = page[page.index(f'id="row-{toilets.pk}-{county.county.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "78.25" in row
    assert "≥ 85.48" in row and "2025年" in row  # the next target from the reporting year on
    _post_form(reporter, {f"v-{toilets.pk}-{county.county.pk}": "82"})
    queue = client_for(users["county_admin"]).get(reverse("indicators:review")).content.decode()
    assert "78.25" in queue and "≥ 85.48" in queue and "批量通过" in queue


def test_batch_approve_approves_the_selected_submitted_rows_only(client_for, users, county, catalog):  # type: ignore[no-untyped-def]
    def submitted(code: str, region, status: str = "submitted") -> Observation:  # type: ignore[no-untyped-def]
        return Observation.objects.create(
            indicator=catalog[code], region=region, year=2024, value=50, status=status
        )

    a, b, c = (
        submitted("N09", county.county),
        submitted("N06", county.town_a),
        submitted("N01", county.town_b),
    )
    draft = submitted("N02", county.county, "draft")
    admin = client_for(users["county_admin"])
    response = admin.post(reverse("indicators:review_batch"), {"ids": [a.pk, b.pk, draft.pk]}, follow=True)
    assert "已通过 2 条数据" in response.content.decode()
    statuses = {o.pk: o.status for o in Observation.objects.all()}
    assert statuses == {a.pk: "approved", b.pk: "approved", c.pk: "submitted", draft.pk: "draft"}
    assert Observation.objects.get(pk=a.pk).reviewed_by == users["county_admin"]


def test_batch_approve_outside_the_scope_is_404_and_approves_nothing(client_for, users, county, catalog):  # type: ignore[no-untyped-def]
    mine = Observation.objects.create(
        indicator=catalog["N09"], region=county.town_a, year=2024, value=50, status="submitted"
    )
    theirs = Observation.objects.create(
        indicator=catalog["N09"], region=county.town_b, year=2024, value=50, status="submitted"
    )
    users["township_a"].role = "county_admin"  # the right to review, but township A's scope
    users["township_a"].save()
    client = client_for(users["township_a"])
    assert client.post(reverse("indicators:review_batch"), {"ids": [mine.pk, theirs.pk]}).status_code == 404
    assert set(Observation.objects.values_list("status", flat=True)) == {"submitted"}
    assert (
        client_for(users["leader"]).post(reverse("indicators:review_batch"), {"ids": [mine.pk]}).status_code
        == 403
    )


def test_a_county_of_many_townships_fills_in_one_region_at_a_time(client_for, users, county, catalog):  # type: ignore[no-untyped-def]
    from xiangcun.regions.models import Region

    for n in range(40):  # hundreds of townships × every indicator made one page of thousands of inputs
        Region.objects.create(
            code=f"1400000{n + 10:02d}000", name=f"第{n}镇", level="township", parent=county.county
        )
    reporter = client_for(users["department_reporter"])
    page = reporter.get(reverse("indicators:report"), {"year": 2024}).content.decode()
    assert "填报区域" in page and "第39镇" in page  # offered in the select …
    assert f"v-{catalog['N09'].pk}-{county.county.pk}" in page  # … the county itself on the form
    assert f"v-{catalog['N09'].pk}-{county.town_a.pk}" not in page
    chosen = reporter.get(reverse("indicators:report"), {"year": 2024, "region": county.town_a.code})
    assert f"v-{catalog['N09'].pk}-{county.town_a.pk}" in chosen.content.decode()
    # a value typed for the chosen township is saved, and nothing else changes
    field = f"v-{catalog['N09'].pk}-{county.town_a.pk}"
    reporter.post(
        reverse("indicators:report") + "?year=2024", {"year": 2024, "region": county.town_a.code, field: "86"}
    )
    assert list(Observation.objects.values_list("region_id", "value")) == [(county.town_a.pk, 86.0)]
