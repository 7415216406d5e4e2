from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from xiangcun.accounts.scopes import scoped
from xiangcun.departments.models import Department
from xiangcun.regions.models import Region

pytestmark = pytest.mark.django_db


def codes(qs) -> set[str]:  # type: ignore[no-untyped-def]
    return set(qs.values_list("code", flat=True))


def test_each_role_sees_its_subtree(users, county):  # type: ignore[no-untyped-def]
    all_regions = Region.objects.all()
    assert codes(scoped(all_regions, users["system_admin"])) == codes(all_regions)
    assert codes(scoped(all_regions, users["county_admin"])) == codes(all_regions)
    assert codes(scoped(all_regions, users["township_a"])) == {
        county.town_a.code,
        county.village_a1.code,
        county.village_a2.code,
        county.natural_a1.code,
    }
    assert codes(scoped(all_regions, users["village_a1"])) == {county.village_a1.code, county.natural_a1.code}


def test_anonymous_and_unassigned_users_see_nothing(users, county):  # type: ignore[no-untyped-def]
    assert not scoped(Region.objects.all(), AnonymousUser()).exists()
    user = users["leader"]
    user.region = None
    user.save()
    assert not scoped(Region.objects.all(), user).exists()
    user.is_active = False
    assert not scoped(Region.objects.all(), user).exists()


def test_township_staff_see_their_countys_departments(users, county):  # type: ignore[no-untyped-def]
    names = set(scoped(Department.objects.all(), users["township_a"]).values_list("name", flat=True))
    assert names == {"农业农村局", "教育局"}


def test_a_model_without_a_scope_declaration_is_refused(users):  # type: ignore[no-untyped-def]
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        scoped(ContentType.objects.all(), users["county_admin"])
