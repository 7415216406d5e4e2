from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.households.models import Household
from xiangcun.households.services import import_households

pytestmark = pytest.mark.django_db
ID_A = id_number("19800101", 1)


@pytest.fixture
def registry(county):  # type: ignore[no-untyped-def]
    data = workbook(
        [
            household("A001", 联系电话="13912345678"),
            household("B001", village="140000002201", 户主姓名="李四"),
        ],
        [member("A001", ID_A), member("B001", id_number("19700101", 2), 姓名="李四")],
        [finance("A001", 2025, 工资性收入=5000, 生产经营性收入=0), finance("B001", 2025)],
    )
    assert import_households(data, "r.xlsx").ok


def test_township_staff_see_only_their_households(client_for, users, registry):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    page = client.get(reverse("households:registry")).content.decode()
    assert "A001" in page and "B001" not in page
    assert client.get(reverse("households:detail", args=["B001"])).status_code == 404
    assert client.get(reverse("households:detail", args=["A001"])).status_code == 200
    screening = client.get(reverse("households:screening"), {"year": 2025}).content.decode()
    assert "A001" in screening and "B001" not in screening


def test_registry_search_and_filters(client_for, users, county):  # type: ignore[no-untyped-def]
    """Search by village name, code or head; filters stay chosen and travel with the page links."""
    households = [household(f"A{i:03d}", 住房安全等级="D" if i % 2 else "A") for i in range(1, 121)]
    households.append(household("B001", village="140000002201", 户主姓名="李四"))
    members = [
        member(f"A{i:03d}", id_number(f"1980{1 + i // 28:02d}{1 + i % 28:02d}", 1)) for i in range(1, 121)
    ]
    data = workbook(households, [*members, member("B001", id_number("19700101", 200), 姓名="李四")], [])
    assert import_households(data, "r.xlsx").ok
    client = client_for(users["county_admin"])

    def shown(**params: str) -> tuple[list[str], str]:
        page = client.get(reverse("households:registry"), params).content.decode()
        return [c for c in ("A001", "A002", "A003", "A119", "A120", "B001") if f">{c}<" in page], page

    assert shown(q="乙一")[0] == ["B001"]  # the village's name
    assert shown(q="李四")[0] == ["B001"]  # the head's name
    assert shown(q="a12")[0] == ["A120"]  # part of the code, any case
    codes, page = shown(housing_grade="D")
    assert codes == ["A001", "A003"] and "共 60 户" in page
    assert "<option selected>D</option>" in page
    assert 'href="?housing_grade=D&amp;page=2"' in page
    codes, page = shown(housing_grade="D", page="2")
    assert codes == ["A119"] and "第 2 / 2 页" in page
    assert (
        shown(housing_grade="X")[1].count("<tr>") == 51
    )  # an unknown value filters nothing: 50 rows + header


def test_id_numbers_and_phones_are_masked_and_revealing_is_audited(client_for, users, registry):  # type: ignore[no-untyped-def]
    leader = client_for(users["leader"])
    page = leader.get(reverse("households:detail", args=["A001"]), {"reveal": "1"}).content.decode()
    assert ID_A not in page and ID_A[:4] + "**********" + ID_A[-4:] in page
    assert "13912345678" not in page and "139****5678" in page
    township = client_for(users["township_a"])
    page = township.get(reverse("households:detail", args=["A001"]), {"reveal": "1"}).content.decode()
    assert ID_A in page
    household_obj = Household.objects.get(code="A001")
    assert (
        LogEntry.objects.get_for_object(household_obj)
        .filter(action=LogEntry.Action.ACCESS, actor=users["township_a"])
        .exists()
    )


def test_household_page_shows_rules_fired(client_for, users, registry, settings):  # type: ignore[no-untyped-def]
    page = (
        client_for(users["county_admin"])
        .get(reverse("households:screening"), {"year": 2025})
        .content.decode()
    )
    assert "收入低于监测标准" in page  # A001: (5000 − 1000 + 1000) / 1 = 5000 < 6000


def test_upload_page_reports_errors_and_writes_nothing(client_for, users, county):  # type: ignore[no-untyped-def]
    bad = workbook([household("A009")], [member("A009", "110105194912310021")], [])
    client = client_for(users["township_a"])
    page = client.post(
        reverse("households:upload"), {"file": SimpleUploadedFile("r.xlsx", bad)}
    ).content.decode()
    assert "校验位" in page and not Household.objects.exists()
    assert client_for(users["leader"]).get(reverse("households:upload")).status_code == 403


def test_registry_export_is_scoped_audited_and_only_for_roles_that_need_it(client_for, users, registry):  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    assert client_for(users["leader"]).get(reverse("households:export")).status_code == 403
    response = client_for(users["township_a"]).get(reverse("households:export"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = [row[0].value for row in book["户"].iter_rows(min_row=2)]
    assert codes == ["A001"]
    assert [row[2].value for row in book["成员"].iter_rows(min_row=2)] == [ID_A]
    assert LogEntry.objects.filter(actor=users["township_a"], action=LogEntry.Action.ACCESS).exists()


def test_household_page_offers_the_calculator_with_its_category(client_for, users, registry):  # type: ignore[no-untyped-def]
    Household.objects.filter(code="A001").update(dibao=True)
    page = client_for(users["township_a"]).get(reverse("households:detail", args=["A001"])).content.decode()
    link = reverse("medical:calculator") + "?category=%E4%BD%8E%E4%BF%9D"  # 低保
    assert link in page
    form = client_for(users["township_a"]).get(link).content.decode()
    assert '<option value="低保" selected>' in form


def test_health_and_disability_only_for_roles_that_work_with_the_household(client_for, users, county):  # type: ignore[no-untyped-def]
    """Issue 15: a leader or a department reporter opens the household page without the members' health."""
    data = workbook(
        [household("A001")],
        [member("A001", ID_A, 健康状况="患有大病")],
        [finance("A001", 2025)],
    )
    assert import_households(data, "r.xlsx").ok
    for role in ("leader", "department_reporter"):
        page = client_for(users[role]).get(reverse("households:detail", args=["A001"])).content.decode()
        assert "患有大病" not in page and "无权查看" in page, role
    page = client_for(users["township_a"]).get(reverse("households:detail", args=["A001"])).content.decode()
    assert "患有大病" in page and "无权查看" not in page
