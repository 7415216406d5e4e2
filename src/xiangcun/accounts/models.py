from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from xiangcun.core.crypto import EncryptedCharField
from xiangcun.domain import passwords, user_agents


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    COUNTY_ADMIN = "county_admin", "县级管理员"
    DEPARTMENT_REPORTER = "department_reporter", "部门填报员"
    TOWNSHIP_ADMIN = "township_admin", "乡镇管理员"
    VILLAGE_REPORTER = "village_reporter", "村级信息员"
    LEADER = "leader", "领导查看"


# What each role may do beyond reading its scope.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(
        {
            "edit_regions",
            "manage_users",
            "view_audit",
            "edit_departments",
            "view_personal",
            "edit_plans",
            "review_indicators",
            "use_api",
            "read_reports",
        }
    ),
    Role.COUNTY_ADMIN: frozenset(
        {
            "edit_regions",
            "manage_users",
            "view_audit",
            "edit_departments",
            "view_personal",
            "edit_plans",
            "review_indicators",
            "use_api",
            "read_reports",
        }
    ),
    Role.DEPARTMENT_REPORTER: frozenset({"report_indicators", "use_api"}),
    Role.TOWNSHIP_ADMIN: frozenset(
        {"edit_households", "view_personal", "report_indicators", "use_api", "read_reports"}
    ),
    Role.VILLAGE_REPORTER: frozenset({"edit_households", "view_personal", "report_indicators", "use_api"}),
    # Leaders read pages and dashboards: no forms, no data entry, no API keys.
    Role.LEADER: frozenset({"read_reports"}),
}


class User(AbstractUser):
    """An account: a role, and a scope made of a region subtree plus, for department roles, a department."""

    role = models.CharField("角色", max_length=30, choices=Role.choices, default=Role.LEADER)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="管辖区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="账号能看到这个区域及其下级；系统管理员可留空（全部）。",
    )
    department = models.ForeignKey(
        "departments.Department", verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT
    )

    # Security (issue 15): an initial or reset password must be changed at the next login; passwords expire
    # after the county's number of days. The demo accounts (password printed in the README) do not expire.
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    password_expires = models.BooleanField("密码定期到期", default=True)

    scope_region_path = "region__path"

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def can(self, permission: str) -> bool:
        if self.is_superuser:
            return True
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())


def _bounded(low_high: tuple[int, int]) -> list[Any]:
    low, high = low_high
    return [MinValueValidator(low, f"不能小于 {low}"), MaxValueValidator(high, f"不能大于 {high}")]


class SecurityPolicy(models.Model):
    """账号安全设置: one row per county (`region`), plus the default row (`region` empty) for everyone else.

    A county administrator edits their county's row; the system administrator the default. Values are bounded
    (`domain.passwords`), so no setting can lock everybody out or switch the rules off.
    """

    region = models.OneToOneField(
        "regions.Region", verbose_name="县", null=True, blank=True, on_delete=models.CASCADE
    )
    min_length = models.PositiveSmallIntegerField(
        "密码最短长度", default=8, validators=_bounded(passwords.MIN_LENGTH_BOUNDS)
    )
    min_classes = models.PositiveSmallIntegerField(
        "密码至少包含几类字符",
        default=3,
        validators=_bounded(passwords.CLASS_BOUNDS),
        help_text="大写字母、小写字母、数字、符号四类中至少几类（2–4）。",
    )
    expiry_days = models.PositiveSmallIntegerField(
        "密码有效期（天）",
        default=90,
        validators=_bounded(passwords.EXPIRY_DAYS_BOUNDS),
        help_text="到期后登录须先修改密码；0 表示不过期。",
    )
    idle_minutes = models.PositiveSmallIntegerField(
        "无操作自动退出（分钟）", default=30, validators=_bounded(passwords.IDLE_MINUTES_BOUNDS)
    )
    require_totp_for_admins = models.BooleanField(
        "管理员必须启用二次验证",
        default=False,
        help_text="勾选后，系统管理员和县级管理员登录后须先绑定动态验证码。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_region_path = "region__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "账号安全设置"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"账号安全设置（{self.region.name if self.region_id else '默认'}）"


class UserSession(models.Model):
    """A signed-in session of a user, so they (and their administrator) can list and end it."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField("会话", max_length=40, unique=True)
    created_at = models.DateTimeField("登录时间", default=timezone.now)
    last_seen = models.DateTimeField("最近活动", default=timezone.now)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)

    scope_region_path = "user__region__path"

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.user} 的会话（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}）"

    @property
    def device(self) -> str:
        return user_agents.describe(self.user_agent)


class TotpDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238). `last_step` refuses a code that was already used."""

    user = models.OneToOneField(User, verbose_name="用户", on_delete=models.CASCADE, related_name="totp")
    secret = EncryptedCharField(
        "密钥", max_length=64
    )  # sealed like 身份证号: a copied database cannot make codes
    created_at = models.DateTimeField("启用时间", default=timezone.now)
    last_step = models.BigIntegerField("最近使用的时间片", default=0)

    scope_region_path = "user__region__path"

    class Meta:
        verbose_name = "二次验证"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.user} 的动态验证码"


class RecoveryCode(models.Model):
    """A one-time code to log in without the phone; shown once, stored as a keyed hash, used at most once."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField("恢复码摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    scope_region_path = "user__region__path"

    class Meta:
        verbose_name = "恢复码"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.user} 的恢复码"
