"""Logins, logouts, failures and lockouts go to the security log; a login is recorded as a session."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from xiangcun.audit.services import record_security

from . import sessions


def _where(request: HttpRequest | None) -> str:
    ip = sessions.client_ip(request) if request is not None else None
    return f"IP {ip}" if ip else "IP 未知"


def _account(username: str) -> Any | None:
    return get_user_model().objects.filter(username=username).first() if username else None


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_security(user, "login", _where(request))
    if request is not None and hasattr(request, "session"):
        sessions.remember(request, user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    if request is not None and hasattr(request, "session"):
        sessions.forget(request.session.session_key)
    if not getattr(request, "xiangcun_timed_out", False):
        record_security(user, "logout", _where(request))


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")[:150]
    account = _account(username)
    why = getattr(request, "xiangcun_failure", None) or ("密码错误" if account else "用户名不存在")
    record_security(account, "login_failed", f"{why}，{_where(request)}", username=username)


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    name = str(username or "")[:150]
    record_security(
        _account(name), "locked_out", f"连续登录失败，暂时锁定，IP {ip_address or '未知'}", username=name
    )
