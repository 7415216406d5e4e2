from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from xiangcun.audit.guards import AuditLogImmutable

pytestmark = pytest.mark.django_db


def test_every_change_is_logged_and_the_log_cannot_be_changed(users, county):  # type: ignore[no-untyped-def]
    county.village_b1.name = "乙一新村"
    county.village_b1.save()
    entry = LogEntry.objects.get_for_object(county.village_b1).latest("timestamp")
    assert entry.changes_dict["name"] == ["乙一村", "乙一新村"]
    entry.changes_text = "tampered"
    with pytest.raises(AuditLogImmutable):
        entry.save()
    with pytest.raises(AuditLogImmutable):
        entry.delete()


def test_deleting_a_record_is_logged(users, county):  # type: ignore[no-untyped-def]
    pk = county.natural_a1.pk
    county.natural_a1.delete()
    assert LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE).exists()


def test_administrators_search_the_log(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    url = reverse("regions:edit", args=[county.village_a2.code])
    version = client.get(url).context["form"].initial["version"]
    client.post(url, {"name": "甲二新村", "population": 1700, "version": version})
    page = client.get(reverse("audit:log"), {"q": "甲二新村", "actor": "county"}).content.decode()
    assert "甲二新村" in page and "甲二村" in page
    empty = client.get(reverse("audit:log"), {"q": "甲二新村", "actor": "nobody"}).content.decode()
    assert "没有符合条件的记录" in empty


@pytest.mark.parametrize("role", ["township_a", "department_reporter", "leader", "village_a1"])
def test_others_cannot_read_the_log(client_for, users, role):  # type: ignore[no-untyped-def]
    assert client_for(users[role]).get(reverse("audit:log")).status_code == 403
