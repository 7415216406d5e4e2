from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from xiangcun.core.crypto import EncryptedCharField, LookupHashField
from xiangcun.core.models import CountySettings
from xiangcun.core.queries import values_in


def village_counties(village_ids: Iterable[int]) -> dict[int, int]:
    """Each village's county: the region at depth 3 above it, or the top of its tree when there is none (a
    tree imported from the township down). The registry row's partition on PostgreSQL (docs/scale.md)."""
    from xiangcun.regions.models import Region

    villages = dict(values_in(Region.objects.all(), "pk", set(village_ids), "pk", "path"))
    counties = dict(Region.objects.filter(depth=3).values_list("path", "pk"))
    roots = dict(Region.objects.filter(parent__isnull=True).values_list("path", "pk"))
    found = {}
    for pk, path in villages.items():
        above = [path[:k] for k in range(12, len(path), 12)] + [path]
        found[pk] = next((counties[p] for p in above if p in counties), None) or roots.get(above[0], pk)
    return found


class RegistryQuerySet(models.QuerySet[Any]):
    """`bulk_create`/`bulk_update` fill the county the rows belong to (`save` does it for one row), since
    nothing else would: it is derived, never typed, and every registry row must carry it."""

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        fill_counties(self.model, objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Iterable[Any], fields: Iterable[str], *args: Any, **kwargs: Any) -> int:
        objs, fields = list(objs), list(fields)
        if {"village", "village_id", "household", "household_id"} & set(fields):
            fill_counties(self.model, objs, again=True)
            fields.append("county")
        return super().bulk_update(objs, fields, *args, **kwargs)


def fill_counties(model: type[models.Model], objs: list[Any], again: bool = False) -> None:
    """Set `county_id` on registry rows that lack it (all of them when `again`), from their village or household."""
    todo = [o for o in objs if again or o.county_id is None]
    if not todo:
        return
    if model is Household:
        counties = village_counties(o.village_id for o in todo)
        for o in todo:
            o.county_id = counties.get(o.village_id)
        return
    cached = {o.household_id: o._state.fields_cache["household"].county_id for o in todo
              if "household" in o._state.fields_cache and o._state.fields_cache["household"].county_id}  # fmt: skip
    wanted = {o.household_id for o in todo} - cached.keys()
    if wanted:
        cached.update(values_in(Household.objects.all(), "pk", wanted, "pk", "county_id"))
    for o in todo:
        o.county_id = cached.get(o.household_id)


class Household(models.Model):
    """A registered rural household (户), reached from the region tree through its village."""

    code = models.CharField("户编号", max_length=40)  # unique: Meta.constraints
    village = models.ForeignKey("regions.Region", verbose_name="村（社区）", on_delete=models.PROTECT)
    natural_village = models.CharField("自然村", max_length=100, blank=True)
    head_name = models.CharField("户主姓名", max_length=50)
    phone = EncryptedCharField("联系电话", max_length=30, blank=True)
    phone_hash = LookupHashField("联系电话（查询用）", source="phone", blank=True)
    household_type = models.CharField("户类型", max_length=10)  # 脱贫户 / 一般农户
    relocated = models.BooleanField("易地搬迁", default=False)
    dibao = models.BooleanField("低保", default=False)
    tekun = models.CharField("特困", max_length=10, default="否")  # 否 / 分散供养 / 集中供养
    housing_grade = models.CharField("住房安全等级", max_length=1)  # A–D
    water_safe = models.BooleanField("饮水安全", default=True)
    self_applied = models.BooleanField("自主申报", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The village's county, kept by `save`, `RegistryQuerySet` and the import (a village moved to another county:
    # `sync_counties`): the partition key on PostgreSQL (docs/scale.md) and the filter that prunes to it. No
    # foreign key of its own: it is derived, members and finances check theirs through (household, county), and
    # a key to the regions would cost one deferred check per row of an import (6.4 M at 1M households).
    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+", editable=False,
        db_index=False, db_constraint=False,
    )  # fmt: skip

    objects = RegistryQuerySet.as_manager()
    scope_region_path = "village__path"
    scope_county_field = "county"

    class Meta:
        verbose_name = "农户"
        verbose_name_plural = "农户"
        ordering = ["code"]
        # In Meta rather than on the fields: on PostgreSQL a field's unique/db_index also builds a second,
        # varchar_pattern_ops ("_like") index for LIKE 'x%' that no query here uses (the registry search is
        # icontains, hashes are matched exactly); each index is rebuilt by a bulk import and kept up by every write.
        # with the county: a partitioned table's unique keys must hold its partition key. The 户编号 is still one
        # household across counties: the import matches it whatever the county, and the form checks it.
        constraints = [models.UniqueConstraint(fields=["code", "county"], name="unique_household_code")]
        indexes = [models.Index(fields=["phone_hash"], name="household_phone_hash")]

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or {"village", "village_id"} & set(fields):
            fill_counties(Household, [self], again=True)
            if fields is not None:
                kwargs["update_fields"] = [*fields, "county"]
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude: Any = None) -> None:
        """The 户编号 is one household across counties; the database can hold it unique per county only."""
        taken = self.code and "code" not in (exclude or ())
        if taken and Household.objects.filter(code=self.code).exclude(pk=self.pk).exists():
            raise ValidationError({"code": self.unique_error_message(Household, ("code",))})
        super().validate_constraints(exclude=exclude)


class Member(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedCharField("身份证号", max_length=18)
    id_number_hash = LookupHashField("身份证号（查询用）", source="id_number")  # unique: Meta.constraints
    sex = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    relation = models.CharField("与户主关系", max_length=20)
    labor = models.CharField("劳动能力", max_length=10)
    health = models.CharField("健康状况", max_length=10)
    disability_grade = models.CharField("残疾等级", max_length=4, blank=True)
    schooling = models.CharField("在校状况", max_length=10)
    basic_medical = models.BooleanField("基本医保", default=True)
    pension = models.BooleanField("养老保险", default=False)
    work_status = models.CharField("务工状况", max_length=50, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+", editable=False,
        db_index=False, db_constraint=False,
    )  # fmt: skip  # the household's (see Household.county)

    objects = RegistryQuerySet.as_manager()
    scope_region_path = "household__village__path"
    scope_county_field = "county"

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["household", "id"]
        # one person, one member row across the registry (no "_like" index: see Household.Meta)
        # (with the county, as for 户编号: the import matches a 身份证号 across counties)
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash", "county"], name="unique_member_id_number")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        _save_with_county(self, super().save, args, kwargs)


class Finance(models.Model):
    """A household's income and spending for one year (收支)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="finances")
    year = models.PositiveSmallIntegerField("年度")
    wage_income = models.DecimalField("工资性收入", max_digits=12, decimal_places=2, default=0)
    business_income = models.DecimalField("生产经营性收入", max_digits=12, decimal_places=2, default=0)
    business_cost = models.DecimalField("生产经营性支出", max_digits=12, decimal_places=2, default=0)
    property_income = models.DecimalField("财产性收入", max_digits=12, decimal_places=2, default=0)
    transfer_income = models.DecimalField("转移性收入", max_digits=12, decimal_places=2, default=0)
    medical_out_of_pocket = models.DecimalField("医疗自付支出", max_digits=12, decimal_places=2, default=0)
    education_cost = models.DecimalField("教育支出", max_digits=12, decimal_places=2, default=0)
    updated_at = models.DateTimeField(auto_now=True)
    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+", editable=False,
        db_index=False, db_constraint=False,
    )  # fmt: skip  # the household's (see Household.county)

    objects = RegistryQuerySet.as_manager()
    scope_region_path = "household__village__path"
    scope_county_field = "county"

    class Meta:
        verbose_name = "收支"
        verbose_name_plural = "收支"
        ordering = ["household", "year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year", "county"], name="unique_finance_year")
        ]

    def __str__(self) -> str:
        return f"{self.household.code} {self.year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        _save_with_county(self, super().save, args, kwargs)


def _save_with_county(row: Member | Finance, save: Any, args: Any, kwargs: dict[str, Any]) -> None:
    """A member's or finance row's county is its household's, set again when the household changes."""
    fields = kwargs.get("update_fields")
    if fields is None or {"household", "household_id"} & set(fields):
        fill_counties(type(row), [row], again=True)
        if fields is not None:
            kwargs["update_fields"] = [*fields, "county"]
    save(*args, **kwargs)


class MonitoringThreshold(models.Model):
    """A county's yearly monitoring threshold (监测标准), yuan per person per year."""

    region = models.ForeignKey("regions.Region", verbose_name="县", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("监测标准（元/人·年）", max_digits=10, decimal_places=2)
    basis = models.CharField(
        "依据", max_length=200, blank=True, help_text="省级文件或测算方式，如“按农村低保标准的 2 倍”"
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "region__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "监测标准"
        verbose_name_plural = "监测标准"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="unique_threshold_year")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}年 {self.value}元"


class RuleSetting(models.Model):
    """Whether a screening rule is switched on in a county (rules without a setting are on)."""

    region = models.ForeignKey("regions.Region", verbose_name="县", on_delete=models.PROTECT)
    code = models.CharField("规则", max_length=30)
    enabled = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "region__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "筛查规则设置"
        verbose_name_plural = "筛查规则设置"
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="unique_rule_setting")]

    def __str__(self) -> str:
        return f"{self.code} {'启用' if self.enabled else '停用'}"


class CaseSettings(CountySettings):
    """A county's settings for the case procedure (defaults: the national procedure)."""

    publicity_days = models.PositiveSmallIntegerField("村内公示天数", default=5)
    identification_days = models.PositiveSmallIntegerField("识别办理时限（天）", default=15)
    separate_review = models.BooleanField("村内评议与入户核实须由不同人员办理", default=True)
    separate_all = models.BooleanField("各步骤均须由不同人员办理", default=False)

    class Meta:
        verbose_name = "监测程序设置"
        verbose_name_plural = "监测程序设置"

    def __str__(self) -> str:
        return f"{self.county.name} 监测程序设置"


class Case(models.Model):
    """A household's monitoring case: identification, assistance, risk elimination (see domain/households/cases.py)."""

    household = models.ForeignKey(
        Household, verbose_name="农户", on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField("发现渠道", max_length=20)
    rule_codes = models.JSONField("触发规则", default=list, blank=True)
    phase = models.CharField("阶段", max_length=10, default="识别")  # 识别 帮扶 消除 已消除 未纳入
    step = models.PositiveSmallIntegerField("当前步骤", default=0)
    step_started = models.DateField("本步骤开始日期")
    category = models.CharField("监测类别", max_length=20, blank=True)
    causes = models.JSONField("风险类型", default=list, blank=True)
    opened_at = models.DateField("发现日期")
    admitted_at = models.DateField("纳入日期", null=True, blank=True)
    cleared_at = models.DateField("风险消除日期", null=True, blank=True)
    recheck_on = models.DateField("回头看日期", null=True, blank=True)
    publicity_start = models.DateField("公示开始日期", null=True, blank=True)
    publicity_end = models.DateField("公示结束日期", null=True, blank=True)
    note = models.TextField("情况说明", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "household__village__path"

    class Meta:
        verbose_name = "监测对象案件"
        verbose_name_plural = "监测对象案件"
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.household.code} {self.phase}"


class CaseStep(models.Model):
    """One recorded step: who, when, what was found or decided."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    phase = models.CharField("阶段", max_length=10)
    name = models.CharField("步骤", max_length=10)
    passed = models.BooleanField("通过")
    note = models.TextField("情况或理由", blank=True)
    facts = models.JSONField("办理情况", default=dict, blank=True)
    actor = models.ForeignKey(
        "accounts.User", verbose_name="办理人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "办理步骤"
        verbose_name_plural = "办理步骤"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.phase}·{self.name}：{'通过' if self.passed else '不通过'}"


class Measure(models.Model):
    """An assistance measure delivered to a monitored household."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField("帮扶措施", max_length=30)
    department = models.ForeignKey(
        "departments.Department", verbose_name="责任部门", null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField("状态", max_length=10, default="实施中")  # 实施中 / 已完成
    started = models.DateField("开始日期")
    ended = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "帮扶措施"
        verbose_name_plural = "帮扶措施"
        ordering = ["started", "id"]

    def __str__(self) -> str:
        return self.name


def visit_photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"visits/{instance.visit.household_id}/{instance.visit_id}-{filename}"


class Visit(models.Model):
    """A visit to a household (入户核实 or 回头看), recorded on the spot: what was checked, findings, photos."""

    KINDS = ("入户核实", "回头看")

    household = models.ForeignKey(
        Household, verbose_name="农户", on_delete=models.PROTECT, related_name="visits"
    )
    case = models.ForeignKey(
        Case, verbose_name="监测案件", null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    kind = models.CharField("走访类型", max_length=10)
    checked = models.JSONField("核实项目", default=list, blank=True)  # [{"code", "name", "ok"}]
    findings = models.TextField("核实情况")
    visitor = models.ForeignKey(
        "accounts.User", verbose_name="走访人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_at = models.DateTimeField("走访时间")
    step = models.ForeignKey(
        CaseStep,
        verbose_name="办结的步骤",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The form's one-time token: a resend of the same form (a double tap, a retry after a lost response)
    # finds the visit already saved instead of saving it, its photos and its 回头看 a second time.
    submission = models.UUIDField("表单标识", null=True, blank=True, unique=True, editable=False)

    scope_region_path = "household__village__path"

    class Meta:
        verbose_name = "入户走访"
        verbose_name_plural = "入户走访"
        ordering = ["-visited_at", "-id"]

    def __str__(self) -> str:
        return f"{self.household.code} {self.kind} {self.visited_at:%Y-%m-%d}"


class VisitPhoto(models.Model):
    """A photo taken on a visit, stored resized as JPEG; the camera's time and place kept when it had them."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to=visit_photo_path)
    original_name = models.CharField("原文件名", max_length=200)
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)

    scope_region_path = "visit__household__village__path"

    class Meta:
        verbose_name = "走访照片"
        verbose_name_plural = "走访照片"
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return self.original_name


class RegistryImport(models.Model):
    """One registry import: who, when, which file (SHA-256) and what it changed.

    Created rows are recorded here as counts, not as one audit entry each (a province's import would write
    millions); updated and removed rows still get their own audit entry with the changed fields only.
    """

    actor = models.ForeignKey(
        "accounts.User", verbose_name="导入人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("导入时间", auto_now_add=True)
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("文件 SHA-256", max_length=64)
    region = models.ForeignKey(
        "regions.Region", verbose_name="导入范围", null=True, blank=True, on_delete=models.PROTECT
    )
    counts = models.JSONField("数量", default=dict)

    class Meta:
        verbose_name = "农户登记表导入"
        verbose_name_plural = "农户登记表导入"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} {self.sha256[:12]}"


class ColumnMapping(CountySettings):
    """How a county's own registry files name the template's sheets and columns (saved on import, reused next time).

    `mapping` has the JSON shape `xiangcun import-households --mapping` reads (see docs/households.md):
    {"sheets": {"户": "家庭信息"}, "columns": {"成员": {"证件号码": "身份证号", "备注": null}}}.
    """

    mapping = models.JSONField("列对应", default=dict)

    class Meta:
        verbose_name = "登记表列对应"
        verbose_name_plural = "登记表列对应"

    def __str__(self) -> str:
        return f"{self.county.name} 登记表列对应"


class RegistryStamp(models.Model):
    """SQLite: one row whose `version` the triggers in `triggers.py` raise on every registry write."""

    version = models.BigIntegerField(default=0)
    logged = models.BigIntegerField(
        default=0
    )  # rows in the change log (about: the triggers count, prune resets)
    overflow = models.BigIntegerField(
        default=0
    )  # the last stamp whose write was not logged (log full, region)

    def __str__(self) -> str:
        return f"登记表版本 {self.version}"


class RegistryChange(models.Model):
    """PostgreSQL: one row per statement that wrote the registry (see `triggers.py`); the sum of weights is the stamp."""

    weight = models.BigIntegerField(default=1)

    def __str__(self) -> str:
        return f"登记表修改 {self.weight}"


class RegistryLog(models.Model):
    """Which households a registry write touched (see `triggers.py`), so a stored screening older than the stamp
    is patched by screening only those; a row with no household and no code means "screen everything again".

    SQLite: `stamp` is the registry stamp after the write. PostgreSQL: `xid` is the writing transaction, compared
    with the snapshot a stored result was computed in. `code` is the 户编号 a household row had (old and new),
    so a stored row of a deleted or renumbered household can be found; member and finance rows leave it empty.
    """

    stamp = models.BigIntegerField(null=True, db_index=True)
    xid = models.BigIntegerField(null=True, db_index=True)
    household_id = models.BigIntegerField(null=True)
    code = models.CharField(max_length=40, null=True)  # noqa: DJ001 NULL: not a household row, "" would be a code

    def __str__(self) -> str:
        return f"登记表修改记录 {self.household_id or '全部'}"


class StoredScreening(models.Model):
    """A screening result kept for the page (see `stored.py`): valid only while the registry stamp is unchanged.

    Not user data (computed from the registry, recomputed at will), so not audited.
    """

    key = models.CharField(max_length=64, unique=True)
    stamp = models.BigIntegerField()
    scope = models.CharField(max_length=12 * 6, blank=True)  # region path; "" = everything
    year = models.PositiveSmallIntegerField()
    threshold_fen = models.BigIntegerField()
    enabled = models.JSONField(default=list)
    result = models.BinaryField()  # the columns as bytes (stored.Screening.dump)
    snapshot = models.TextField(blank=True)  # PostgreSQL: the snapshot the stamp was read in (patching)
    used_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.year}年筛查结果（{self.scope or '全部'}）"
