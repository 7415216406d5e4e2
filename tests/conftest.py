"""Shared fixtures: a small county with two townships and one user per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

SEEDS = __import__("pathlib").Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


@dataclass
class County:
    county: object
    town_a: object
    town_b: object
    village_a1: object
    village_a2: object
    village_b1: object
    natural_a1: object
    agriculture: object
    education: object


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # uploaded files and upload previews never land in (or clean up) the real data folder
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def county(db) -> County:  # type: ignore[no-untyped-def]
    from xiangcun.departments.models import Department
    from xiangcun.regions.models import Region

    def region(code: str, name: str, level: str, parent: Region | None, population: int | None) -> Region:
        r = Region(code=code, name=name, level=level, parent=parent, population=population)
        r.save()
        return r

    c = region("140000000000", "测试县", "county", None, 30000)
    a = region("140000001000", "甲镇", "township", c, 12000)
    b = region("140000002000", "乙乡", "township", c, 9000)
    a1 = region("140000001201", "甲一村", "village", a, 1500)
    a2 = region("140000001202", "甲二村", "village", a, 1700)
    b1 = region("140000002201", "乙一村", "village", b, 1300)
    n1 = region("140000001401", "甲一村一组", "natural_village", a1, 400)
    agri = Department.objects.create(region=c, name="农业农村局", aliases=["农业局"])
    edu = Department.objects.create(region=c, name="教育局", aliases=["教科局", "教体局"])
    return County(c, a, b, a1, a2, b1, n1, agri, edu)


@pytest.fixture
def users(county: County):  # type: ignore[no-untyped-def]
    from xiangcun.accounts.models import Role, User

    def make(username: str, role: str, region: object, department: object = None) -> User:
        user = User(username=username, role=role, region=region, department=department)
        user.set_password("pw-" + username)
        user.save()
        return user

    return {
        "system_admin": make("sys", Role.SYSTEM_ADMIN, None),
        "county_admin": make("county", Role.COUNTY_ADMIN, county.county),
        "department_reporter": make("agri", Role.DEPARTMENT_REPORTER, county.county, county.agriculture),
        "township_a": make("town_a", Role.TOWNSHIP_ADMIN, county.town_a),
        "township_b": make("town_b", Role.TOWNSHIP_ADMIN, county.town_b),
        "village_a1": make("vil_a1", Role.VILLAGE_REPORTER, county.village_a1),
        "leader": make("leader", Role.LEADER, county.county),
    }


@pytest.fixture
def client_for(client):  # type: ignore[no-untyped-def]
    """Log `client` in as the given user and return it."""

    def login(user):  # type: ignore[no-untyped-def]
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login
