from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from axes.utils import reset as reset_lockouts
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import get_scoped_or_404
from xiangcun.core.permissions import require

from .forms import NewUserForm, OwnPasswordForm, ResetPasswordForm, UserForm
from .models import User
from .scopes import scoped


def log_password_change(user: User, actor: Any, what: str) -> None:
    """Passwords are left out of the field-by-field log; a change of one is logged by what happened."""
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=actor,
        changes={"password": ["******", what]},
    )


def _managed_user(request: HttpRequest, pk: int) -> User:
    """The account `pk` if it lies in the administrator's scope (404 otherwise, before any role check)."""
    user = get_scoped_or_404(User.objects.select_related("region", "department"), request.user, pk=pk)
    require(request, "manage_users")
    return user


@login_required
def users(request: HttpRequest) -> HttpResponse:
    require(request, "manage_users")
    # A user is visible when their scope region lies inside the viewer's scope.
    visible = scoped(User.objects.select_related("region", "department"), request.user).order_by(
        "-is_active", "role", "username"
    )
    return render(request, "accounts/users.html", {"users": visible})


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    require(request, "manage_users")
    form = NewUserForm(request.POST or None, editor=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, f"已新建账号 {user.username}。请把初始密码告知本人，并提醒其登录后修改。")
        return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "new": True})


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = _managed_user(request, pk)
    form = UserForm(request.POST or None, instance=account, editor=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"已保存账号 {account.username}。")
        return redirect("accounts:user", pk=account.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": account, "reset_form": ResetPasswordForm(account)},
    )


@require_POST
@login_required
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    """停用 / 启用: a disabled account cannot log in and its open sessions end at the next request."""
    account = _managed_user(request, pk)
    active = request.POST.get("active") == "1"
    if account.pk == request.user.pk and not active:
        messages.error(request, "不能停用自己的账号。")
    elif account.is_active != active:
        account.is_active = active
        account.save(update_fields=["is_active"])
        if active:
            reset_lockouts(username=account.username)
        messages.success(request, f"已{'启用' if active else '停用'}账号 {account.username}。")
    return redirect("accounts:user", pk=account.pk)


@login_required
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator sets a new password for an account in their scope."""
    account = _managed_user(request, pk)
    form = ResetPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        reset_lockouts(username=account.username)  # a new password lifts a lockout from failed logins
        log_password_change(account, request.user, "已由管理员重置")
        if account.pk == request.user.pk:
            update_session_auth_hash(request, account)
        messages.success(
            request,
            f"已重置 {account.username} 的密码（登录失败造成的锁定同时解除）。请把新密码告知本人，并提醒其登录后修改。",
        )
        return redirect("accounts:user", pk=account.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": UserForm(instance=account, editor=request.user), "account": account, "reset_form": form},
    )


class OwnPasswordChangeView(PasswordChangeView):
    """修改密码: everyone, for their own account."""

    form_class = OwnPasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: OwnPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        log_password_change(self.request.user, self.request.user, "本人已修改")  # type: ignore[arg-type]
        messages.success(self.request, "密码已修改。")
        return response
