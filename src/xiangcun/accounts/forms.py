"""Account forms for county administrators: roles, regions and departments limited to the editor's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm

from xiangcun.core.forms import QuickSelect
from xiangcun.departments.models import Department
from xiangcun.domain.regions import LEVEL_DEPTH
from xiangcun.regions.models import Region

from .models import Role, User
from .passwords import password_help
from .scopes import scope_of, scoped

# The region level each role works at: county roles at the county (or above), township staff at a
# township or 街道, village staff at a village or 社区.
COUNTY_DEPTH = LEVEL_DEPTH["county"]
ROLE_DEPTHS: dict[str, tuple[int, int]] = {
    Role.COUNTY_ADMIN: (0, COUNTY_DEPTH),
    Role.LEADER: (0, COUNTY_DEPTH),
    Role.DEPARTMENT_REPORTER: (COUNTY_DEPTH, COUNTY_DEPTH),
    Role.TOWNSHIP_ADMIN: (LEVEL_DEPTH["township"], LEVEL_DEPTH["township"]),
    Role.VILLAGE_REPORTER: (LEVEL_DEPTH["village"], LEVEL_DEPTH["village"]),
    Role.SYSTEM_ADMIN: (0, COUNTY_DEPTH),
}
ROLE_LEVEL_TEXT = {
    Role.COUNTY_ADMIN: "县（或以上）",
    Role.LEADER: "县（或以上）",
    Role.DEPARTMENT_REPORTER: "县",
    Role.TOWNSHIP_ADMIN: "乡镇或街道",
    Role.VILLAGE_REPORTER: "行政村或社区",
    Role.SYSTEM_ADMIN: "县（或以上）",
}


def check_password(password: str, user: User) -> None:
    """Raise ValidationError when `password` breaks a rule (AUTH_PASSWORD_VALIDATORS: the county's policy)."""
    password_validation.validate_password(password, user)


class RegionChoiceField(forms.ModelChoiceField):
    widget = QuickSelect  # thousands of villages

    def label_from_instance(self, obj: Any) -> str:
        depth = max(0, obj.depth - COUNTY_DEPTH)
        return "　" * depth + f"{obj.name}（{obj.level_label}）"


class UserForm(forms.ModelForm):
    """Create or change an account. `editor` is the administrator: every choice stays inside their scope."""

    class Meta:
        model = User
        fields = ["username", "first_name", "role", "region", "department"]
        labels = {"username": "用户名", "first_name": "姓名"}
        help_texts = {"username": "登录用的名字：字母、数字或 @ . + - _，最长 150 个字符。"}

    def __init__(self, *args: Any, editor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editor = editor
        everything = scope_of(editor).everything
        roles = [(value, label) for value, label in Role.choices if everything or value != Role.SYSTEM_ADMIN]
        self.fields["role"].choices = roles
        self.fields["region"] = RegionChoiceField(
            queryset=scoped(Region.objects.filter(depth__lte=LEVEL_DEPTH["village"]), editor).order_by(
                "path"
            ),
            required=not everything,
            label="管辖区域",
            empty_label="请选择" if not everything else "全部（仅系统管理员）",
            help_text="账号能看到这个区域及其下级。",
        )
        self.fields["department"].queryset = scoped(Department.objects.all(), editor).order_by("region", "id")
        self.fields["department"].empty_label = "无"
        self.fields["department"].help_text = "部门填报员必须选择所属部门。"
        self.fields["first_name"].required = False
        if self.instance.pk and self.instance.pk == editor.pk:
            # Nobody changes their own role or scope (and so locks themselves out by mistake).
            for name in ("role", "region", "department"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "不能修改自己的角色和管辖范围，请联系上级管理员。"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        role, region, department = cleaned.get("role"), cleaned.get("region"), cleaned.get("department")
        if role is None:
            return cleaned
        if region is None:
            if role != Role.SYSTEM_ADMIN:
                self.add_error("region", "请选择管辖区域")
        else:
            low, high = ROLE_DEPTHS[role]
            if not low <= region.depth <= high:
                self.add_error("region", f"{Role(role).label}的管辖区域应为{ROLE_LEVEL_TEXT[role]}")
        if role == Role.DEPARTMENT_REPORTER and department is None:
            self.add_error("department", "部门填报员必须选择所属部门")
        if (
            department is not None
            and region is not None
            and not (
                region.path.startswith(department.region.path)
                or department.region.path.startswith(region.path)
            )
        ):
            self.add_error("department", f"「{department.name}」不属于{region.name}")
        return cleaned


class NewUserForm(UserForm):
    password1 = forms.CharField(
        label="初始密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="请当面或电话告知本人；本人第一次登录时须先改成自己的密码。",
    )
    password2 = forms.CharField(
        label="再输一次", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_help(self.editor) + self.fields["password1"].help_text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "两次输入的密码不一致")
        elif first:
            candidate = User(
                username=cleaned.get("username") or "",
                first_name=cleaned.get("first_name") or "",
                region=cleaned.get("region"),
            )
            try:
                check_password(first, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        user.must_change_password = True  # the administrator knows it: the owner replaces it at first login
        if commit:
            user.save()
        return user


class _Rules:
    """Adds the password rules to Django's password forms (the project sets no AUTH_PASSWORD_VALIDATORS)."""

    user: User
    cleaned_data: dict[str, Any]

    def _check_new_password(self) -> None:
        password = self.cleaned_data.get("new_password1")
        if password:
            try:
                check_password(password, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)  # type: ignore[attr-defined]


class ResetPasswordForm(_Rules, SetPasswordForm):
    """An administrator sets a new password for someone else, who must replace it at their next login."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = (
            password_help(self.user) + "本人下次登录时须先改成自己的密码。"
        )
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再输一次"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._check_new_password()
        return cleaned

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user


class OwnPasswordForm(_Rules, PasswordChangeForm):
    """Everyone changes their own password: the old one, then the new one twice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].help_text = password_help(self.user)
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再输一次"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._check_new_password()
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new and "new_password1" not in self.errors:
            self.add_error("new_password1", "新密码不能与当前密码相同。")
        return cleaned

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.must_change_password = False
        if commit:
            user.save()
        return user
