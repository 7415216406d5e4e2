"""A second county with its own administrator, to show that nothing of one county reaches the other's admin."""

from __future__ import annotations

import pytest


@pytest.fixture
def neighbour(county):  # type: ignore[no-untyped-def]
    from xiangcun.accounts.models import Role, User
    from xiangcun.regions.models import Region

    region = Region(code="150000000000", name="邻县", level="county", population=20000)
    region.save()
    admin = User(username="neighbour_admin", role=Role.COUNTY_ADMIN, region=region)
    admin.set_password("pw-neighbour")
    admin.save()
    return {"county": region, "admin": admin}
