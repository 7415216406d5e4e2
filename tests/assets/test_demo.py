from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from xiangcun.accounts.models import User
from xiangcun.assets.models import Asset, AssetIncome, Distribution, Publicity
from xiangcun.domain.assets.distribution import USES, Share, check_share
from xiangcun.domain.assets.ledger import CATEGORIES, STATES
from xiangcun.domain.demo import COUNTY_CODE

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_has_assets_in_every_category_and_state_incomes_and_notices(client):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("demo", "--households", "300", "--quiet", stdout=out)
    assert "演示资产" in out.getvalue()
    assert set(Asset.objects.values_list("category", flat=True)) == set(CATEGORIES)
    assert set(Asset.objects.values_list("state", flat=True)) == set(STATES)
    assert AssetIncome.objects.count() > 50
    assert set(Distribution.objects.values_list("use", flat=True)) == set(USES)
    assert {"公益性岗位", "劳务", "帮扶"} <= set(Distribution.objects.values_list("basis", flat=True))
    for d in Distribution.objects.select_related("household"):  # every demo share obeys the rules
        check_share(
            Share(d.use, d.amount, d.household.code if d.household else "", d.basis, d.work, d.reason)
        )
    for income in AssetIncome.objects.annotate(s=Sum("distributions__amount")):
        assert (income.s or Decimal(0)) <= income.amount
    assert {"资金分配", "收益分配"} <= set(Publicity.objects.values_list("kind", flat=True))
    client.force_login(
        User.objects.get(username="county"), backend="django.contrib.auth.backends.ModelBackend"
    )
    asset = Asset.objects.filter(incomes__isnull=False).first()
    notice = Publicity.objects.first()
    for url in (
        "/assets/",
        "/assets/warnings/",
        "/assets/incomes/",
        "/assets/notices/",
        f"/assets/{asset.pk}/",
        f"/assets/notices/{notice.pk}/",
        "/public/",
        f"/public/{COUNTY_CODE}/",
    ):
        assert client.get(url).status_code == 200, url
    for name in ("funds", "progress", "assets", "income", "targets"):
        assert client.get(f"/public/{COUNTY_CODE}/{name}.html").status_code == 200, name
    assert "未落实管护责任人" in client.get("/assets/warnings/").content.decode()
    count = Asset.objects.count()
    call_command("demo", "--households", "300", "--quiet", stdout=io.StringIO())
    assert Asset.objects.count() == count
