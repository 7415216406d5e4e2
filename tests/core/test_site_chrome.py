"""What every page carries: the app version in the footer (not a view's `version`) and the favicon."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from xiangcun import __version__

pytestmark = pytest.mark.django_db


def test_the_footer_shows_the_app_version_even_when_a_view_passes_a_version(users):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/plans/1/v/1/")
    request.user = users["county_admin"]
    # Plan pages pass their plan version as `version`; it used to replace the app version in the footer.
    page = render_to_string("base.html", {"version": "示范县规划 第1版"}, request=request)
    footer = page[page.index("<footer>") : page.index("</footer>")]
    assert f"xiangcun {__version__}" in footer
    assert "示范县规划" not in footer


def test_a_real_page_footer_shows_the_app_version(client_for, users):  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get(reverse("home")).content.decode()
    assert f"<footer>xiangcun {__version__} ·" in page


def test_favicon_is_linked_and_favicon_ico_is_not_a_404(client, users):  # type: ignore[no-untyped-def]
    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/xiangcun/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/xiangcun/favicon.svg"
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body.startswith(b"<svg")


def test_the_administration_subnav_shows_only_in_administration(client_for, users) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    home = client.get("/").content.decode()
    assert 'aria-label="管理"' not in home  # '' is "in" any string: the home page used to show it
    assert "正在建设" not in home
    assert 'aria-label="管理"' in client.get("/regions/", follow=True).content.decode()


def test_the_menu_offers_reports_only_to_roles_that_may_read_them(client_for, users) -> None:  # type: ignore[no-untyped-def]
    for role, offered in (("county_admin", True), ("leader", True), ("township_a", True),
                          ("department_reporter", False), ("village_a1", False)):  # fmt: skip
        page = client_for(users[role]).get("/").content.decode()
        assert ('href="/reports/"' in page) is offered, role
        assert (client_for(users[role]).get("/reports/").status_code == 200) is offered, role
