"""Per-request account security: log out after inactivity; send to 修改密码 (or 二次验证) before any page.

Runs after authentication and messages. The idle limit and the password's due time are kept in the session
(`sessions.refresh`, re-read once a minute), so an ordinary request costs no query here.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from xiangcun.audit.services import record_security
from xiangcun.domain import passwords

from . import sessions, totp
from .models import User

# Pages a user who must first change their password (or enrol a second factor) can still reach.
_OPEN = ("accounts:password_change", "logout", "login", "accounts:totp_verify", "accounts:totp")


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: set[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            response = self._check(request, user)  # type: ignore[arg-type]
            if response is not None:
                return response
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open is None:
            self._open = {reverse(name) for name in _OPEN}
        return path in self._open or path.startswith((settings.STATIC_URL or "/static/", "/favicon.ico"))

    def _check(self, request: HttpRequest, user: User) -> HttpResponse | None:
        idle = request.session.get(sessions.IDLE)
        if idle is not None and passwords.idle_too_long(
            request.session.get(sessions.LAST_SEEN), time.time(), idle
        ):
            record_security(
                user,
                "session_timeout",
                f"超过 {idle} 分钟未操作，{sessions.client_ip(request) or ''}".rstrip("，"),
            )
            request.xiangcun_timed_out = True  # type: ignore[attr-defined]
            logout(request)
            messages.info(request, f"您已超过 {idle} 分钟未操作，为保护数据已自动退出，请重新登录。")
            return redirect_to_login(request.get_full_path())
        sessions.touch(request, user)
        if self._is_open(request.path):
            return None
        if user.must_change_password:
            messages.warning(
                request, "您正在使用管理员设置的初始密码或重置后的密码，请先修改为只有您自己知道的密码。"
            )
            return redirect("accounts:password_change")
        due = request.session.get(sessions.EXPIRES)
        if due is not None and time.time() >= due:
            messages.warning(request, "您的密码已到期，请先修改密码再继续使用。")
            return redirect("accounts:password_change")
        if request.session.get(sessions.TOTP_REQUIRED) and not totp.enrolled(user):
            messages.warning(request, "本县要求管理员启用二次验证，请先绑定手机上的动态验证码。")
            return redirect("accounts:totp")
        return None
