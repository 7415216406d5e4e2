"""Ledgers (台账): a county's own ledgers (columns defined without code, rows kept as typed values), the
household toilet ledger and the schools ledger. The rules live in xiangcun.domain.ledgers."""

from __future__ import annotations

from django.db import models

from xiangcun.core.models import CountySettings
from xiangcun.domain.ledgers.columns import TYPES, UNITS, Column
from xiangcun.domain.ledgers.schools import DEFAULT_MIN_STUDENTS, LEVELS
from xiangcun.domain.ledgers.toilets import MODELS, USE_STATUSES


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class Ledger(models.Model):
    """A ledger a county defines: a name, the unit of a row and its columns (`columns`: Column.as_json)."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="所属县", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("台账名称", max_length=100)
    unit = models.CharField("每行对象", max_length=12, choices=list(UNITS.items()))
    yearly = models.BooleanField("按年度填报", default=False, help_text="每个对象每年一行（表中有“年度”列）")
    columns = models.JSONField("列", default=list)
    # the audit log shows a definition's columns in words, not as JSON keys (audit.display)
    audit_json_labels = {
        "columns": {
            "label": "列名",
            "type": "类型",
            "choices": "选项",
            "required": "必填",
            "unit": "单位",
            **TYPES,
        }
    }
    description = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="建立人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "county__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "台账"
        verbose_name_plural = "台账"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="unique_ledger_name_per_county")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def column_list(self) -> list[Column]:
        return [Column.from_json(c) for c in self.columns]


class LedgerRow(models.Model):
    """One row of a county's ledger: who or what it is about (`key` unique per ledger) and its values."""

    ledger = models.ForeignKey(Ledger, verbose_name="台账", on_delete=models.CASCADE, related_name="rows")
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "households.Household", verbose_name="农户", null=True, blank=True, on_delete=models.PROTECT,
        related_name="ledger_rows",
    )  # fmt: skip
    label = models.CharField("对象", max_length=100)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    key = models.CharField("识别键", max_length=200)
    values = models.JSONField("内容", default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "region__path"

    class Meta:
        verbose_name = "台账行"
        verbose_name_plural = "台账行"
        ordering = ["ledger", "region__path", "label"]
        constraints = [models.UniqueConstraint(fields=["ledger", "key"], name="unique_ledger_row_key")]

    def __str__(self) -> str:
        return f"{self.ledger.name}：{self.label}" + (f" {self.year}年" if self.year else "")


class ToiletRecord(models.Model):
    """One household's toilet conversion (户厕台账, 一户一档): the registered household when there is
    one, else the head's name in the village; the acceptance chain 施工方 → 村 → 镇 → 县."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="所属县", on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name="所在村", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "households.Household", verbose_name="农户", null=True, blank=True, on_delete=models.PROTECT,
        related_name="toilets",
    )  # fmt: skip
    name = models.CharField("户主姓名", max_length=50)
    key = models.CharField("识别键", max_length=120, help_text="户编号，或 村代码/户主姓名")
    year = models.PositiveSmallIntegerField("改造年份")
    model = models.CharField("改厕模式", max_length=10, choices=_choices(MODELS))
    cost = models.DecimalField("改造费用（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    subsidy = models.DecimalField("补助金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    contractor_date = models.DateField("施工方验收日期", null=True, blank=True)
    contractor_by = models.CharField("施工方验收人", max_length=50, blank=True)
    village_date = models.DateField("村验收日期", null=True, blank=True)
    village_by = models.CharField("村验收人", max_length=50, blank=True)
    township_date = models.DateField("镇验收日期", null=True, blank=True)
    township_by = models.CharField("镇验收人", max_length=50, blank=True)
    county_date = models.DateField("县验收日期", null=True, blank=True)
    county_by = models.CharField("县验收人", max_length=50, blank=True)
    use_status = models.CharField("使用状态", max_length=10, blank=True, choices=_choices(USE_STATUSES))
    problems = models.CharField("摸排发现问题", max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "village__path"

    class Meta:
        verbose_name = "户厕"
        verbose_name_plural = "户厕台账"
        ordering = ["village__path", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "key"], name="unique_toilet_per_household")]
        indexes = [
            models.Index(fields=["county", "year", "village"], name="toilet_by_year_village"),
            models.Index(fields=["village", "year"], name="toilet_village_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}年改厕"


class ToiletSettings(CountySettings):
    """What the coverage needs besides the ledger, and the yearly plan when no confirmed plan states it."""

    baseline_sanitary = models.PositiveIntegerField(
        "台账以外已有卫生厕所户数", default=0, help_text="建立台账前已经使用卫生厕所的农户数"
    )
    rural_households = models.PositiveIntegerField(
        "农村户数", null=True, blank=True, help_text="留空时按行政区划中各村的户数合计"
    )
    yearly_plan = models.JSONField("各年度计划改厕户数（手工填写）", default=dict, blank=True)

    class Meta:
        verbose_name = "改厕设置"
        verbose_name_plural = "改厕设置"

    def __str__(self) -> str:
        return "改厕设置"


class SchoolRecord(models.Model):
    """One school in one year: level, pupils, staff and land (亩), in its township."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="所属县", on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "regions.Region", verbose_name="所在乡镇", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("学校名称", max_length=100)
    level = models.CharField("规模", max_length=10, choices=_choices(LEVELS))
    year = models.PositiveSmallIntegerField("年度")
    students = models.PositiveIntegerField("在校人数")
    teachers = models.PositiveIntegerField("教职人数")
    area = models.DecimalField("占地面积（亩）", max_digits=10, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "township__path"

    class Meta:
        verbose_name = "学校"
        verbose_name_plural = "学校台账"
        ordering = ["township__path", "name", "-year"]
        constraints = [models.UniqueConstraint(fields=["county", "name", "year"], name="unique_school_year")]

    def __str__(self) -> str:
        return f"{self.name} {self.year}年"


class SchoolSettings(CountySettings):
    """The county's standards per level ({level: {students_per_teacher, area_per_student}})."""

    standards = models.JSONField("标准", default=dict, blank=True)
    min_students = models.PositiveIntegerField("小规模学校人数线", default=DEFAULT_MIN_STUDENTS)

    class Meta:
        verbose_name = "学校标准"
        verbose_name_plural = "学校标准"

    def __str__(self) -> str:
        return "学校利用标准"


class LedgerImport(models.Model):
    """One ledger import: who, when, which file (SHA-256), which ledger and what it changed.

    Created rows are counted here instead of one audit entry each (a county's 100 000 toilets would write
    100 000 entries and seal each in the hash chain); updated rows still get their own audit entry with the
    changed fields only, as the households import does.
    """

    KINDS = {"toilets": "户厕台账", "schools": "学校台账", "ledger": "自定义台账"}

    actor = models.ForeignKey(
        "accounts.User", verbose_name="导入人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("导入时间", auto_now_add=True)
    county = models.ForeignKey(
        "regions.Region", verbose_name="所属县", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="导入范围", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("台账类别", max_length=10, choices=list(KINDS.items()))
    ledger = models.ForeignKey(
        Ledger, verbose_name="台账", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    ledger_name = models.CharField("台账名称", max_length=100)
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("文件 SHA-256", max_length=64)
    created = models.PositiveIntegerField("新增行数", default=0)
    updated = models.PositiveIntegerField("更新行数", default=0)
    unchanged = models.PositiveIntegerField("未变行数", default=0)

    scope_region_path = "region__path"

    class Meta:
        verbose_name = "台账导入"
        verbose_name_plural = "台账导入"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.ledger_name} {self.filename} {self.sha256[:12]}"
