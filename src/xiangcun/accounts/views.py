from __future__ import annotations

import time
from typing import Any

from auditlog.models import LogEntry
from axes.utils import reset as reset_lockouts
from django import forms
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.contrib.auth.views import PasswordChangeView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import get_scoped_or_404
from xiangcun.audit.services import record_security
from xiangcun.core.permissions import require

from . import sessions, totp
from .forms import NewUserForm, OwnPasswordForm, ResetPasswordForm, UserForm
from .models import SecurityPolicy, TotpDevice, User, UserSession
from .passwords import policy_for
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
        request, "accounts/user_form.html", _account_page(account, form, ResetPasswordForm(account))
    )


def _account_page(account: User, form: UserForm, reset_form: ResetPasswordForm) -> dict[str, Any]:
    return {
        "form": form,
        "account": account,
        "reset_form": reset_form,
        "sessions": sessions.active(UserSession.objects.filter(user=account)),
        "has_totp": totp.enrolled(account),
    }


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
        own = account.pk == request.user.pk
        if own:  # an administrator resetting their own password knows it: no forced change
            account.must_change_password = False
        form.save()
        reset_lockouts(username=account.username)  # a new password lifts a lockout from failed logins
        log_password_change(account, request.user, "已由管理员重置")
        keep = None
        if own:
            keep = request.session.session_key
            update_session_auth_hash(request, account)
            sessions.rekey(keep, request)
            keep = request.session.session_key
        sessions.end_others(account, keep, request.user, "密码已由管理员重置")
        messages.success(
            request,
            f"已重置 {account.username} 的密码（登录失败造成的锁定同时解除，已登录的会话全部结束）。"
            "请把新密码告知本人，本人下次登录时须先修改。",
        )
        return redirect("accounts:user", pk=account.pk)
    return render(
        request,
        "accounts/user_form.html",
        _account_page(account, UserForm(instance=account, editor=request.user), form),
    )


class OwnPasswordChangeView(PasswordChangeView):
    """修改密码: everyone, for their own account."""

    form_class = OwnPasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["forced"] = getattr(user, "must_change_password", False) or _password_due(self.request)
        return context

    def form_valid(self, form: OwnPasswordForm) -> HttpResponse:
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # saves, and gives this session a new key
        sessions.rekey(old_key, self.request)
        user: User = self.request.user  # type: ignore[assignment]
        log_password_change(user, user, "本人已修改")
        sessions.refresh(self.request, user)
        ended = sessions.end_others(user, self.request.session.session_key, user, "本人修改了密码")
        note = f"其他 {ended} 处登录已退出。" if ended else ""
        messages.success(self.request, "密码已修改。" + note)
        return response


def _password_due(request: HttpRequest) -> bool:
    due = request.session.get(sessions.EXPIRES)
    return due is not None and time.time() >= due


# --- Login with an optional second factor -------------------------------------------------------------

PENDING = "xiangcun_totp_pending"
PENDING_SECONDS = 300
PENDING_TRIES = 5


class LoginView(DjangoLoginView):
    """登录: the password first; an account with a second factor then gives its 6-digit code."""

    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not totp.enrolled(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
            "tries": 0,
        }
        return redirect("accounts:totp_verify")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态验证码",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="打开手机上的验证器应用（如腾讯身份验证器、谷歌身份验证器），输入显示的 6 位数字。",
    )


class LoginCodeForm(forms.Form):
    code = forms.CharField(
        label="动态验证码或恢复码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text="输入手机验证器应用中显示的 6 位数字；手机不在身边时，可输入一个绑定时保存的恢复码（每个只能用一次）。",
    )


def totp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the code from the authenticator app."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.info(request, "请重新输入用户名和密码。")
        return redirect("login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if totp.verify(user, code):
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            return redirect(pending["next"])
        if totp.use_recovery_code(user, code):
            left = totp.recovery_codes_left(user)
            del request.session[PENDING]
            record_security(
                user, "recovery_code_used", f"剩余 {left} 个，IP {sessions.client_ip(request) or '未知'}"
            )
            login(request, user, backend=pending["backend"])
            messages.warning(
                request, f"您用恢复码登录，还剩 {left} 个恢复码。如手机已丢失，请在“二次验证”中重新绑定。"
            )
            return redirect(pending["next"])
        pending["tries"] += 1
        request.session[PENDING] = pending
        record_security(
            user, "totp_failed", f"第 {pending['tries']} 次，IP {sessions.client_ip(request) or '未知'}"
        )
        request.xiangcun_failure = "动态验证码错误"  # type: ignore[attr-defined]
        # A wrong code counts as a failed login, so guessing codes runs into the same lockout as passwords.
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
        if pending["tries"] >= PENDING_TRIES or getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING, None)
            messages.error(request, "动态验证码错误次数过多，请重新登录。")
            return redirect("login")
        form.add_error("code", "动态验证码不正确或已使用过，请等手机上出现新的数字后再输入。")
    return render(request, "accounts/totp_verify.html", {"form": form})


# --- Second factor: enrol, turn off, administrator's reset --------------------------------------------

ENROL = "xiangcun_totp_secret"


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    """二次验证: bind an authenticator app (scan or type the secret, then prove it with a code), or turn it off."""
    user: User = request.user  # type: ignore[assignment]
    device = TotpDevice.objects.filter(user=user).first()
    form = CodeForm(request.POST or None)
    if device is not None:
        new_codes = request.POST.get("action") == "recovery"
        if request.method == "POST" and form.is_valid():
            if totp.verify(user, form.cleaned_data["code"]):
                if new_codes:
                    return _show_recovery_codes(request, user, "本人重新生成")
                totp.remove(user)
                record_security(user, "totp_disabled", "本人停用", actor=user)
                sessions.refresh(request, user)
                messages.success(request, "已停用二次验证，今后登录只需密码。")
                return redirect("accounts:totp")
            form.add_error(
                "code", "动态验证码不正确" + ("，恢复码没有更换。" if new_codes else "，二次验证仍在使用中。")
            )
        context = {"device": device, "form": form, "codes_left": totp.recovery_codes_left(user),
                   "recovery_form": form if new_codes else CodeForm(), "disable_form": CodeForm() if new_codes else form}  # fmt: skip
        return render(request, "accounts/totp.html", context)
    secret = request.session.get(ENROL) or totp.new_secret()
    request.session[ENROL] = secret
    if request.method == "POST" and form.is_valid():
        step = totp.matching_step(secret, form.cleaned_data["code"])
        if step is not None:
            TotpDevice.objects.create(user=user, secret=secret, last_step=step)
            del request.session[ENROL]
            record_security(user, "totp_enabled", "本人绑定验证器应用", actor=user)
            sessions.refresh(request, user)
            messages.success(request, "已启用二次验证。今后登录时，输入密码后还需输入手机上的动态验证码。")
            return _show_recovery_codes(request, user, "绑定时生成")
        form.add_error("code", "动态验证码不正确。请确认手机时间准确，并输入当前显示的 6 位数字。")
    context = {
        "form": form,
        "qr": mark_safe(totp.qr_svg(user, secret)),  # noqa: S308 - SVG built by segno from our own data
        "secret": totp.grouped(secret),
        "required": request.session.get(sessions.TOTP_REQUIRED, False),
    }
    return render(request, "accounts/totp.html", context)


def _show_recovery_codes(request: HttpRequest, user: User, how: str) -> HttpResponse:
    """The new recovery codes, on this one response only (not stored in clear, not cached)."""
    codes = totp.new_recovery_codes(user)
    record_security(user, "recovery_codes_created", f"{how} {len(codes)} 个，原有恢复码作废", actor=user)
    response = render(request, "accounts/recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def user_totp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator removes a lost authenticator, so the user logs in with the password and binds a new one."""
    account = _managed_user(request, pk)
    deleted = totp.remove(account)
    if deleted:
        record_security(account, "totp_reset", "手机丢失或更换，由管理员解除", actor=request.user)
        messages.success(request, f"已解除 {account.username} 的二次验证，本人可用密码登录后重新绑定。")
    return redirect("accounts:user", pk=account.pk)


# --- Sessions ----------------------------------------------------------------------------------------


@login_required
def own_sessions(request: HttpRequest) -> HttpResponse:
    """登录会话: where I am signed in; end any of them (a lost phone, a shared computer)."""
    user: User = request.user  # type: ignore[assignment]
    rows = sessions.active(UserSession.objects.filter(user=user))
    return render(
        request, "accounts/sessions.html", {"sessions": rows, "current": request.session.session_key}
    )


@require_POST
@login_required
def own_session_end(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(UserSession, pk=pk, user=request.user)
    if row.session_key == request.session.session_key:
        messages.error(request, "这是您正在使用的会话；要结束它，请点“退出”。")
    else:
        sessions.end(row, request.user, "本人结束")
        messages.success(request, "已结束该会话，那台设备需要重新登录。")
    return redirect("accounts:sessions")


@require_POST
@login_required
def user_session_end(request: HttpRequest, pk: int, session: int) -> HttpResponse:
    """An administrator ends a session of an account in their scope (404 for anything outside it)."""
    account = _managed_user(request, pk)
    row = UserSession.objects.filter(pk=session, user=account).first()
    if row is None:
        raise Http404("没有找到这个会话")
    sessions.end(row, request.user, "由管理员结束")
    messages.success(request, f"已结束 {account.username} 的一个会话。")
    return redirect("accounts:user", pk=account.pk)


# --- The county's security settings ------------------------------------------------------------------


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = ["min_length", "min_classes", "expiry_days", "idle_minutes", "require_totp_for_admins"]


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    """账号安全设置: a county administrator sets their county's rules; the system administrator the default."""
    require(request, "manage_users")
    user: User = request.user  # type: ignore[assignment]
    county = _county_region(user)
    if user.region_id is not None and county is None:
        raise Http404("没有找到您所在的县")
    current = SecurityPolicy.objects.filter(region=county).first() or SecurityPolicy(
        region=county, **{f: getattr(policy_for(user), f) for f in PolicyForm.Meta.fields}
    )
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        sessions.refresh(request, user)
        messages.success(
            request, "已保存账号安全设置；各账号在一分钟内按新设置执行，新密码规则在下次设置密码时生效。"
        )
        return redirect("accounts:policy")
    return render(request, "accounts/policy.html", {"form": form, "county": county})


def _county_region(user: User) -> Any:
    """The county a county administrator's settings belong to (None for an unrestricted administrator)."""
    from xiangcun.domain.regions import LEVEL_DEPTH
    from xiangcun.regions.models import Region

    if user.region_id is None:
        return None
    depth = LEVEL_DEPTH["county"]
    path = user.region.path  # type: ignore[union-attr]
    prefixes = [path[:i] for i in range(12, len(path) + 1, 12)]
    return Region.objects.filter(path__in=prefixes, depth=depth).first()
