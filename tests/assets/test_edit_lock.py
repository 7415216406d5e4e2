"""The asset form keeps the edit lock every other form has: an edit saved between opening (or validating) the
form and saving it is never overwritten, also on the confirmation of a draft, which saves in several steps."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from tests.security.test_races import at_once, concurrent
from xiangcun.assets import views
from xiangcun.assets.models import Asset


def form_for(asset: Asset, version: str, name: str) -> dict[str, Any]:
    return {"action": "edit", "version": version, "name": name, "category": "经营性", "region": asset.region_id,
            "value": "10", "year": 2023, "owner": "村集体经济组织", "operating_mode": "租赁",
            "state": "正常运营"}  # fmt: skip


def test_an_edit_landing_after_validation_is_not_overwritten(client_for, users, assets, monkeypatch):  # type: ignore[no-untyped-def]
    """Another cadre saves while this request is between its checks and its save: the save is refused (409)."""
    a = assets["a"]
    version = Asset.objects.get(pk=a.pk).updated_at.isoformat()
    clean = views.AssetForm.clean

    def clean_then_someone_else_saves(form: views.AssetForm) -> dict[str, Any]:
        cleaned = clean(form)
        other = Asset.objects.get(pk=a.pk)
        other.custodian_person = "另一位管护人"
        other.save()
        return cleaned

    monkeypatch.setattr(views.AssetForm, "clean", clean_then_someone_else_saves)
    response = client_for(users["township_a"]).post(
        reverse("assets:detail", args=[a.pk]), form_for(a, version, "改名")
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    a.refresh_from_db()
    assert a.name == "甲一村光伏电站" and a.custodian_person == "另一位管护人"


def test_an_edit_with_the_current_version_saves(client_for, users, assets):  # type: ignore[no-untyped-def]
    a = assets["a"]
    version = Asset.objects.get(pk=a.pk).updated_at.isoformat()
    response = client_for(users["township_a"]).post(
        reverse("assets:detail", args=[a.pk]), form_for(a, version, "甲一村光伏电站（扩建）")
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.name == "甲一村光伏电站（扩建）"


@concurrent
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_edits_of_an_asset_save_once(users, assets):  # type: ignore[no-untyped-def]
    a = assets["a"]
    version = Asset.objects.get(pk=a.pk).updated_at.isoformat()
    clients = []
    for _ in range(2):
        c = Client()
        c.force_login(users["township_a"], backend="django.contrib.auth.backends.ModelBackend")
        clients.append(c)
    url = reverse("assets:detail", args=[a.pk])
    responses = at_once(
        lambda: clients[0].post(url, form_for(a, version, "改A")),
        lambda: clients[1].post(url, form_for(a, version, "改B")),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes in ([302, 400], [302, 409]), codes
    updates = LogEntry.objects.filter(
        content_type__model="asset", object_pk=str(a.pk), action=LogEntry.Action.UPDATE
    )
    assert updates.count() == 1
