"""Medical parameters are edited in a form with Chinese labels, units and sources (issue 16, item 6)."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from xiangcun.domain.medical.calculator import DEFAULTS
from xiangcun.medical.models import MedicalPolicy
from xiangcun.medical.parameters import PARAMETERS

pytestmark = pytest.mark.django_db
URL = "medical:policy"


def _defaults(client, year: int = 2026) -> dict[str, str]:  # type: ignore[no-untyped-def]
    form = client.get(reverse(URL), {"year": year}).context["form"]
    data = {name: ("" if value is None else str(value)) for name, value in form.initial.items()}
    for name, field in form.fields.items():
        if name not in data:
            value = field.initial
            data[name] = "" if value is None else str(value)
    return {**data, "year": str(year)}


def test_every_parameter_has_one_input_with_chinese_label_unit_and_source(client_for, users, county):  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get(reverse(URL), {"year": 2026}).content.decode()
    assert "<textarea" not in page and "JSON" not in page
    for key in DEFAULTS:
        assert f'name="{key}' in page  # one input per parameter (per level or category)
        assert f">{key}<" not in page and f"「{key}」" not in page
    assert "住院起付线（县级医院）" in page and "政策范围内住院费用支付比例（县级医院）" in page
    assert 'name="basic_ratio__0"' in page and 'value="75"' in page  # 0.75 shown as 75 %
    assert "默认 75.00%；来源：规划专栏2：县域内政策范围内住院费用支付比例总体稳定在75%" in page
    assert "默认 60,000.00 元；来源：规划专栏2" in page
    assert "系统预设值" in page  # placeholders say so
    assert "docs/" not in page


def test_parameters_cover_every_default() -> None:
    covered = {(p.key, p.sub) for p in PARAMETERS}
    expected = {(k, s) for k, v in DEFAULTS.items() for s in (v if isinstance(v, dict) else [None])}
    assert covered == expected
    assert len({p.name for p in PARAMETERS}) == len(PARAMETERS)


def test_saving_stores_only_the_changes_and_is_audited(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    data = _defaults(client)
    data.update({"ci_ratio": "55", "basic_deductible__0": "500"})
    response = client.post(reverse(URL), data)
    assert response.status_code == 302
    policy = MedicalPolicy.objects.get(region=county.county, year=2026)
    assert policy.parameters == {"ci_ratio": 0.55, "basic_deductible": {"县级": 500.0}}
    assert policy.policy().values["ci_ratio"] == 0.55
    entry = LogEntry.objects.get_for_object(policy).latest("id")
    assert entry.actor == users["county_admin"]
    log = (
        client_for(users["county_admin"])
        .get(reverse("audit:log"), {"model": "medicalpolicy"})
        .content.decode()
    )
    assert "大病保险支付比例：0.55" in log and "ci_ratio" not in log
    assert "基本医保住院起付线（元）：县级 500" in log
    # The form reopens with the saved values; the next year is still at the defaults.
    page = client.get(reverse(URL), {"year": 2026}).content.decode()
    assert 'name="ci_ratio" value="55"' in page
    assert MedicalPolicy.objects.filter(year=2027).count() == 0


def test_bad_values_are_refused_with_chinese_messages_and_kept(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    data = _defaults(client)
    data.update({"ci_ratio": "高", "basic_ratio__0": "120", "subsidy_floor": "-5", "dibao_annual_cap": ""})
    response = client.post(reverse(URL), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "请填写数字" in page and "比例不能超过 100%" in page and "不能为负数" in page and "请填写数值" in page
    )
    assert 'value="120"' in page  # what was typed stays
    assert not MedicalPolicy.objects.exists()


def test_empty_cap_means_no_cap(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    data = {**_defaults(client), "ci_cap": ""}
    assert client.post(reverse(URL), data).status_code == 302
    assert MedicalPolicy.objects.get(year=2026).parameters == {"ci_cap": None}


def test_a_concurrent_change_is_not_overwritten(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    client.post(reverse(URL), {**_defaults(client), "ci_ratio": "55"})
    opened = _defaults(client)
    client.post(reverse(URL), {**_defaults(client), "ci_ratio": "65"})  # someone else saves meanwhile
    page = client.post(reverse(URL), {**opened, "ci_ratio": "70"}).content.decode()
    assert "已被他人修改" in page
    assert MedicalPolicy.objects.get(year=2026).parameters == {"ci_ratio": 0.65}


@pytest.mark.parametrize("role", ["township_a", "department_reporter", "leader", "village_a1"])
def test_others_cannot_open_or_post_the_form(client_for, users, county, role):  # type: ignore[no-untyped-def]
    client = client_for(users[role])
    assert client.get(reverse(URL)).status_code in (403, 404)
    assert client.post(reverse(URL), {"year": 2026, "ci_ratio": "10"}).status_code in (403, 404)
    assert not MedicalPolicy.objects.exists()


def test_an_admin_of_another_county_edits_only_their_own(client_for, users, county):  # type: ignore[no-untyped-def]
    from xiangcun.accounts.models import Role, User
    from xiangcun.regions.models import Region

    other = Region(code="150000000000", name="别县", level="county")
    other.save()
    admin = User(username="other_admin", role=Role.COUNTY_ADMIN, region=other)
    admin.set_password("x")
    admin.save()
    client = client_for(admin)
    client.post(reverse(URL), {**_defaults(client), "ci_ratio": "50"})
    assert MedicalPolicy.objects.get().region == other
    page = client_for(users["county_admin"]).get(reverse(URL), {"year": 2026}).content.decode()
    assert 'name="ci_ratio" value="60"' in page
