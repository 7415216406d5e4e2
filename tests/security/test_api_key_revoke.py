"""Revoking an API key is audited (it used QuerySet.update(), which bypasses the audit log)."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from xiangcun.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_revoking_a_key_is_audited_once(client_for, users) -> None:  # type: ignore[no-untyped-def]
    token, _ = ApiToken.issue(users["county_admin"], "报表工具")
    client = client_for(users["county_admin"])
    url = reverse("api:revoke", args=[token.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a second click changes nothing
    token.refresh_from_db()
    assert token.revoked
    entries = LogEntry.objects.filter(content_type__model="apitoken", object_pk=str(token.pk), action=1)
    assert entries.count() == 1 and "revoked" in entries.get().changes
