"""The asset ledger (扶贫项目资产台账), yearly income of 经营性 assets and its distribution, and 公示 records.

Money: 原值 in 万元 with four decimals (like the project library); income and distributions in 元 with two.
The rules live in xiangcun.domain.assets; these models only store what they decide.
"""

from __future__ import annotations

from django.db import models

from xiangcun.core.models import CountySettings
from xiangcun.domain.assets.disclosure import CHANNELS, DEFAULT_MIN_DAYS, KINDS
from xiangcun.domain.assets.distribution import BASES, USES
from xiangcun.domain.assets.ledger import CATEGORIES, OPERATING_MODES, STATES


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class Asset(models.Model):
    """An asset formed with poverty-alleviation money; `code` (资产编号) is unique within the county.

    A draft (`draft`, 待确权) is created from an accepted project and becomes a ledger entry when
    ownership is confirmed (确权: owner and custodian recorded).
    """

    county = models.ForeignKey(
        "regions.Region", verbose_name="所属县", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("资产编号", max_length=40)
    name = models.CharField("资产名称", max_length=100)
    project = models.ForeignKey(
        "projects.Project", verbose_name="来源项目", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assets",
    )  # fmt: skip
    category = models.CharField("资产类别", max_length=10, choices=_choices(CATEGORIES))
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField("原值（万元）", max_digits=16, decimal_places=4)
    year = models.PositiveSmallIntegerField("形成年份")
    owner = models.CharField("产权主体", max_length=100, blank=True)
    owner_type = models.CharField("产权主体类型", max_length=20, blank=True)
    custodian = models.CharField("管护主体", max_length=100, blank=True)
    custodian_person = models.CharField("管护责任人", max_length=50, blank=True)
    operating_mode = models.CharField(
        "经营方式", max_length=10, blank=True, choices=_choices(OPERATING_MODES)
    )
    state = models.CharField("状态", max_length=10, choices=_choices(STATES), default="正常运营")
    draft = models.BooleanField("待确权", default=False)
    confirmed_at = models.DateField("确权日期", null=True, blank=True)
    disposal_approval = models.CharField("处置批准文号", max_length=100, blank=True)
    disposal_date = models.DateField("处置日期", null=True, blank=True)
    disposal_note = models.TextField("处置说明", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "region__path"

    class Meta:
        verbose_name = "资产"
        verbose_name_plural = "资产"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="unique_asset_code_per_county")
        ]
        indexes = [
            models.Index(fields=["county", "category"]),
            models.Index(fields=["county", "state"]),
            # covers the public site's and the ledger's GROUP BY region, category, state with SUM(value)
            models.Index(
                fields=["county", "draft", "region", "category", "state", "value"], name="asset_public_totals"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssetIncome(models.Model):
    """One year's income of an 经营性 asset, in 元."""

    asset = models.ForeignKey(Asset, verbose_name="资产", on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("收益（元）", max_digits=14, decimal_places=2)
    note = models.CharField("收益来源说明", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "asset__region__path"

    class Meta:
        verbose_name = "资产收益"
        verbose_name_plural = "资产收益"
        ordering = ["-year", "asset__code"]
        constraints = [models.UniqueConstraint(fields=["asset", "year"], name="unique_asset_income_year")]
        indexes = [models.Index(fields=["year", "asset"], name="asset_income_year")]

    def __str__(self) -> str:
        return f"{self.asset.code} {self.year}年收益"


class Distribution(models.Model):
    """A share of one year's income: its use, and for money to a household the work or the reason."""

    income = models.ForeignKey(
        AssetIncome, verbose_name="收益", on_delete=models.CASCADE, related_name="distributions"
    )
    use = models.CharField("用途", max_length=10, choices=_choices(USES))
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    household = models.ForeignKey(
        "households.Household", verbose_name="农户", null=True, blank=True, on_delete=models.PROTECT,
        related_name="asset_distributions",
    )  # fmt: skip
    basis = models.CharField("发放方式", max_length=10, blank=True, choices=_choices(BASES))
    work = models.CharField("岗位或劳务内容", max_length=200, blank=True)
    reason = models.CharField("帮扶原因", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_region_path = "income__asset__region__path"

    class Meta:
        verbose_name = "收益分配"
        verbose_name_plural = "收益分配"
        ordering = ["income", "id"]
        # covers the public income page's sums by use and its count of households reached
        indexes = [models.Index(fields=["income", "use", "amount", "household"], name="distribution_totals")]

    def __str__(self) -> str:
        return f"{self.income} {self.use} {self.amount}元"


class DisclosureSettings(CountySettings):
    """A county's 公示 settings (default: at least 10 days)."""

    min_days = models.PositiveSmallIntegerField("公示最少天数", default=DEFAULT_MIN_DAYS)

    class Meta:
        verbose_name = "公示设置"
        verbose_name_plural = "公示设置"

    def __str__(self) -> str:
        return f"公示不少于 {self.min_days} 天"


class Publicity(models.Model):
    """A 公示 of a project plan, a fund allocation, a completion or an income distribution."""

    kind = models.CharField("公示类型", max_length=10, choices=_choices(KINDS))
    title = models.CharField("标题", max_length=200)
    county = models.ForeignKey(
        "regions.Region", verbose_name="所属县", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="公示范围", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", null=True, blank=True, on_delete=models.PROTECT,
        related_name="publicities",
    )  # fmt: skip
    income = models.ForeignKey(
        AssetIncome, verbose_name="资产收益", null=True, blank=True, on_delete=models.PROTECT,
        related_name="publicities",
    )  # fmt: skip
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    channel = models.CharField("公示渠道", max_length=20, choices=_choices(CHANNELS))
    objection_count = models.PositiveIntegerField("异议件数", default=0)
    objections = models.TextField("异议情况", blank=True)
    handling = models.TextField("处理结果", blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "region__path"

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}公示：{self.title}"
