"""Region pages: what each role sees, and 404 for anything outside the user's scope."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from xiangcun.regions.models import Region

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, county):  # type: ignore[no-untyped-def]
    response = client.get(reverse("regions:detail", args=[county.town_a.code]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_county_admin_sees_the_tree_with_counts_and_populations(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    response = client.get(reverse("regions:tree"), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "测试县" in page and "甲镇" in page and "乙乡" in page
    assert "12,000" in page  # 甲镇's population
    # 甲镇 has two villages whose populations add up to 3,200.
    assert "3,200" in page


def test_township_admin_lands_on_own_township(client_for, users, county):  # type: ignore[no-untyped-def]
    response = client_for(users["township_a"]).get(reverse("regions:tree"))
    assert response.status_code == 302
    assert response.url == reverse("regions:detail", args=[county.town_a.code])


@pytest.mark.parametrize("name", ["regions:detail", "regions:edit"])
def test_township_admin_of_a_gets_404_for_township_b(client_for, users, county, name):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    for region in (county.town_b, county.village_b1, county.county):
        assert client.get(reverse(name, args=[region.code])).status_code == 404
    assert client.get(reverse("regions:detail", args=[county.village_a1.code])).status_code == 200


def test_village_reporter_sees_only_own_village(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["village_a1"])
    assert client.get(reverse("regions:detail", args=[county.village_a1.code])).status_code == 200
    assert client.get(reverse("regions:detail", args=[county.village_a2.code])).status_code == 404
    assert client.get(reverse("regions:detail", args=[county.town_a.code])).status_code == 404


def test_export_contains_only_the_users_scope(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    body = client.get(reverse("regions:export", args=["csv"])).content.decode("utf-8-sig")
    assert "甲一村" in body and "甲镇" in body
    assert "乙乡" not in body and "乙一村" not in body and "测试县," not in body
    assert LogEntry.objects.filter(actor=users["township_a"], action=LogEntry.Action.ACCESS).exists()


def test_xlsx_export_downloads(client_for, users, county):  # type: ignore[no-untyped-def]
    response = client_for(users["county_admin"]).get(reverse("regions:export", args=["xlsx"]))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


@pytest.mark.parametrize("role", ["department_reporter", "leader", "township_a", "village_a1"])
def test_roles_without_the_right_cannot_edit_or_import(client_for, users, county, role):  # type: ignore[no-untyped-def]
    client = client_for(users[role])
    region = county.village_a1
    assert client.post(reverse("regions:edit", args=[region.code]), {"name": "改名"}).status_code in (
        403,
        404,
    )
    assert client.get(reverse("regions:import")).status_code == 403
    region.refresh_from_db()
    assert region.name == "甲一村"


def test_edit_is_audited_with_before_and_after(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    url = reverse("regions:edit", args=[county.village_a1.code])
    version = client.get(url).context["form"].initial["version"]
    response = client.post(
        url, {"name": "甲一新村", "population": 1600, "households": 500, "version": version}
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(Region.objects.get(pk=county.village_a1.pk)).latest("timestamp")
    assert entry.actor == users["county_admin"]
    assert entry.changes_dict["name"] == ["甲一村", "甲一新村"]
    assert entry.changes_dict["population"] == ["1500", "1600"]
    # The record's page shows its history.
    page = client.get(reverse("regions:detail", args=[county.village_a1.code])).content.decode()
    assert "<strong>名称</strong>：甲一村 → 甲一新村" in page
    assert "<strong>户籍人口</strong>：1,500 → 1,600" in page


def test_import_page_reports_errors_row_by_row_and_writes_nothing(client_for, users, county):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["county_admin"])
    data = "代码,名称,上级代码,级别,户籍人口\n140000001203,甲三村,140000001000,行政村,1x\n".encode("gbk")
    response = client.post(reverse("regions:import"), {"file": SimpleUploadedFile("r.csv", data)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "第2行「户籍人口」：「1x」不是整数" in page
    assert not Region.objects.filter(code="140000001203").exists()


def test_import_page_accepts_a_good_file(client_for, users, county):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["county_admin"])
    data = "代码,名称,上级代码,级别,户籍人口\n140000001203,甲三村,140000001000,行政村,900\n".encode()
    response = client.post(
        reverse("regions:import"), {"file": SimpleUploadedFile("r.csv", data)}, follow=True
    )
    assert "导入成功：新增 1 个" in response.content.decode()
    assert Region.objects.get(code="140000001203").parent == county.town_a


def test_township_admin_cannot_import_outside_scope_even_with_right(client_for, users, county):  # type: ignore[no-untyped-def]
    users["county_admin"].region = county.town_a
    users["county_admin"].save()
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["county_admin"])
    data = "代码,名称,上级代码,级别,户籍人口\n140000002203,乙三村,140000002000,行政村,900\n".encode()
    response = client.post(reverse("regions:import"), {"file": SimpleUploadedFile("r.csv", data)})
    assert "不在您的管辖范围" in response.content.decode()
    assert not Region.objects.filter(code="140000002203").exists()


def test_a_stale_edit_does_not_overwrite_a_newer_one(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    url = reverse("regions:edit", args=[county.village_a1.code])
    stale = client.get(url).context["form"].initial["version"]
    Region.objects.get(pk=county.village_a1.pk).save()  # someone else saves in between
    response = client.post(url, {"name": "覆盖", "population": 1, "version": stale})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    assert Region.objects.get(pk=county.village_a1.pk).name == "甲一村"


def test_village_page_has_no_zero_cards_and_no_dangling_separator(client_for, users, county):  # type: ignore[no-untyped-def]
    """Issue 16, item 10: a village showed "0" cards for 行政村/社区 and a breadcrumb ending in "›"."""
    page = client_for(users["county_admin"]).get(reverse("regions:detail", args=[county.village_a1.code]))
    html = page.content.decode()
    cards = html[html.index('aria-label="下辖"') : html.index("</section>")]
    assert '<div class="figure">0</div>' not in cards
    assert "行政村" not in cards and "社区</div>" not in cards
    assert "自然村" in cards  # 甲一村 has one natural village
    crumb = html[html.index('class="breadcrumb"') : html.index("</nav>", html.index('class="breadcrumb"'))]
    assert not crumb.rstrip().removesuffix("</ol>").rstrip().endswith("›")
    assert "甲镇" in crumb and "甲一村" in crumb


def test_natural_village_page_says_it_has_no_subdivisions(client_for, users, county):  # type: ignore[no-untyped-def]
    html = (
        client_for(users["county_admin"])
        .get(reverse("regions:detail", args=[county.natural_a1.code]))
        .content.decode()
    )
    assert '<div class="figure">0</div>' not in html
    assert "没有下级区划" in html
