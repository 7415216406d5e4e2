"""Audit entries for writes that bypass model signals (bulk imports), in one set-based insert."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

ACTIONS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
}
_COLUMNS = (
    "content_type_id", "object_pk", "object_id", "object_repr", "action", "changes_text", "changes",
    "actor_id", "cid", "timestamp", "additional_data",
)  # fmt: skip
_JSON_COLUMNS = {"changes", "additional_data"}


def record_bulk(
    model: type[models.Model],
    entries: Iterable[tuple[models.Model, str, Mapping[str, tuple[Any, Any]]]],
    actor: Any | None,
    note: str = "",
) -> int:
    """Write one log entry per (instance, action, {field: (before, after)}) and return how many.

    The rows go in through executemany: building a model instance per entry would cost more than
    the import it records (200 000 regions would take minutes).
    """
    content_type_id = ContentType.objects.get_for_model(model).pk
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    cid = get_cid()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    extra = json.dumps({"note": note}, ensure_ascii=False) if note else None
    rows = [
        (
            content_type_id,
            str(instance.pk),
            instance.pk if isinstance(instance.pk, int) else None,
            str(instance)[:200],
            ACTIONS[action],
            "",
            json.dumps({f: [_text(b), _text(a)] for f, (b, a) in changes.items()}, ensure_ascii=False),
            actor_id,
            cid,
            now,
            extra,
        )
        for instance, action, changes in entries
    ]
    if not rows:
        return 0
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    placeholders = ", ".join(cast if c in _JSON_COLUMNS else "%s" for c in _COLUMNS)
    sql = f"INSERT INTO {LogEntry._meta.db_table} ({', '.join(_COLUMNS)}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
    from .chain import schedule

    schedule()  # these rows bypass post_save: seal them after the commit too
    return len(rows)


def _text(value: Any) -> str:
    return "None" if value is None else str(value)


def record_access(actor: Any, obj: models.Model, what: str, detail: str) -> None:
    """Log that `actor` viewed personal data or exported something (auditlog's ACCESS action)."""
    LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, actor=actor, changes={what: ["", detail]}
    )


# Security events (logins, failures, lockouts, sessions, second factor), by kind code → Chinese label.
SECURITY_EVENTS = {
    "login": "登录成功",
    "login_failed": "登录失败",
    "locked_out": "账号锁定",
    "logout": "退出登录",
    "session_timeout": "超时自动退出",
    "session_ended": "结束会话",
    "totp_enabled": "启用二次验证",
    "totp_disabled": "停用二次验证",
    "totp_reset": "管理员解除二次验证",
    "totp_failed": "动态验证码错误",
    "recovery_codes_created": "生成恢复码",
    "recovery_code_used": "使用恢复码登录",
}
SECURITY_KEY = "security"


def record_security(
    account: Any | None, kind: str, detail: str, actor: Any | None = None, username: str = ""
) -> LogEntry:
    """Log a security event about `account` (None: a login name that matches no account, kept as typed).

    The entry is an ACCESS entry on the account, marked `additional_data["security"]`, so it is hash-chained
    and append-only like every audit entry. `actor` is who did it when that is not the account holder (an
    administrator ending a session); the holder's own logins are recorded without an actor, so "what did
    this user view or export" queries are not muddied by logins.
    """
    label = SECURITY_EVENTS[kind]
    changes = {label: ["", detail]}
    extra = {SECURITY_KEY: kind}
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if account is not None:
        entry = LogEntry.objects.log_create(
            account, force_log=True, action=LogEntry.Action.ACCESS, actor=actor, changes=changes,
            additional_data=extra,
        )  # fmt: skip
        if entry is not None:
            return entry
    from django.contrib.auth import get_user_model

    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_pk="",
        object_id=None,
        object_repr=(username or "（空）")[:150],
        action=LogEntry.Action.ACCESS,
        changes=changes,
        actor=actor,
        additional_data=extra,
    )
