"""Signed-in sessions: recorded at login, touched at most once a minute, ended on request or after idling.

Django keeps the session itself (django_session); `UserSession` adds who it belongs to, from where and
when it was last used, so a user and their administrator can list and end sessions.
"""

from __future__ import annotations

import datetime as dt
import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from xiangcun.audit.services import record_security

from .models import Role, TotpDevice, User, UserSession
from .passwords import policy_for

LAST_SEEN = "xiangcun_last_seen"  # seconds since the epoch of the last touch
IDLE = "xiangcun_idle_minutes"  # the idle limit that applies to this session's user
EXPIRES = "xiangcun_password_expires"  # seconds since the epoch when the password must change, or None
TOTP_REQUIRED = "xiangcun_totp_required"  # the county requires a second factor this user has not set up
ADMIN_ROLES = {Role.SYSTEM_ADMIN, Role.COUNTY_ADMIN}
TOUCH_EVERY = 60  # seconds: the session and its row are written at most this often


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def remember(request: HttpRequest, user: User) -> None:
    """At login: note the policy in the session and record the session for the user's session list."""
    refresh(request, user)
    key = request.session.session_key
    if key:
        UserSession.objects.update_or_create(
            session_key=key,
            defaults={
                "user": user,
                "ip": client_ip(request),
                "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
                "last_seen": timezone.now(),
            },
        )


def refresh(request: HttpRequest, user: User) -> None:
    """Store the idle limit and the password's due time in the session (read again once a minute)."""
    from xiangcun.domain import passwords

    policy = policy_for(user)
    due = (
        passwords.expires_on(user.password_changed_at, policy.expiry_days) if user.password_expires else None
    )
    request.session[IDLE] = policy.idle_minutes
    request.session[EXPIRES] = due.timestamp() if due is not None else None
    request.session[TOTP_REQUIRED] = bool(
        policy.require_totp_for_admins
        and user.role in ADMIN_ROLES
        and not TotpDevice.objects.filter(user=user).exists()
    )
    request.session[LAST_SEEN] = time.time()


def touch(request: HttpRequest, user: User) -> None:
    """Called on every request: refresh the session's policy and last activity once a minute."""
    last = request.session.get(LAST_SEEN)
    if last is not None and time.time() - last < TOUCH_EVERY:
        return
    refresh(request, user)
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key).update(last_seen=timezone.now())


def forget(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def active(queryset: QuerySet[UserSession], idle_minutes: int | None = None) -> list[UserSession]:
    """The sessions of `queryset` still usable now; rows whose Django session is gone are dropped."""
    now = timezone.now()
    rows = list(queryset.select_related("user").order_by("-last_seen"))
    alive = set(
        Session.objects.filter(
            session_key__in=[r.session_key for r in rows], expire_date__gt=now
        ).values_list("session_key", flat=True)
    )
    stale = [r.pk for r in rows if r.session_key not in alive]
    if stale:
        UserSession.objects.filter(pk__in=stale).delete()
    kept = [r for r in rows if r.session_key in alive]
    if idle_minutes is not None:
        kept = [r for r in kept if now - r.last_seen <= dt.timedelta(minutes=idle_minutes + 1)]
    return kept


def end(row: UserSession, actor: Any, why: str) -> None:
    """End a session: its Django session is deleted, so its next request is a logged-out one."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store(session_key=row.session_key).delete()
    row.delete()
    record_security(row.user, "session_ended", why, actor=actor)


def end_others(user: User, keep: str | None, actor: Any, why: str) -> int:
    """End every session of `user` except `keep` (after a password change or reset)."""
    rows = list(UserSession.objects.filter(user=user).exclude(session_key=keep or ""))
    for row in rows:
        end(row, actor, why)
    return len(rows)


def rekey(old: str | None, request: HttpRequest) -> None:
    """Django gave the session a new key (password change): the session list follows it."""
    new = request.session.session_key
    if old and new and old != new:
        UserSession.objects.filter(session_key=old).update(session_key=new)
