from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


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

    scope_region_path = "region__path"

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def can(self, permission: str) -> bool:
        if self.is_superuser:
            return True
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())
