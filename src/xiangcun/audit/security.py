"""安全日志: the part of the audit log an assessor asks for — logins, failures, lockouts, sessions, second
factor, account and permission changes, password changes, reveals of personal data and exports.

Nothing new is stored for it: these are audit entries (hash-chained, append-only, never pruned — so kept well
beyond the 180 days 等保 三级 asks for), picked out and named by kind.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook

from xiangcun.domain.spreadsheets import append_row

from .display import readable
from .services import SECURITY_EVENTS, SECURITY_KEY

RETENTION_DAYS = 180  # the least 等保 三级 asks for; the audit log keeps everything
DERIVED = {"export": "导出/下载", "reveal": "查看个人信息", "account": "账号与权限变更", "password": "修改密码",
           "policy": "安全设置变更"}  # fmt: skip
KINDS = {**SECURITY_EVENTS, **DERIVED}
# The account models whose changes are permission changes; the settings model.
_ACCOUNT_MODELS = (("accounts", "user"), ("accounts", "totpdevice"))
_POLICY_MODEL = ("accounts", "securitypolicy")


def _content_types() -> tuple[list[int], int | None]:
    accounts = [ContentType.objects.get_by_natural_key(*key).pk for key in _ACCOUNT_MODELS]
    try:
        policy = ContentType.objects.get_by_natural_key(*_POLICY_MODEL).pk
    except ContentType.DoesNotExist:
        policy = None
    return accounts, policy


def entries() -> QuerySet[LogEntry]:
    """Every security-relevant entry, newest first."""
    accounts, policy = _content_types()
    wanted = Q(action=LogEntry.Action.ACCESS) | Q(content_type_id__in=accounts)
    if policy is not None:
        wanted |= Q(content_type_id=policy)
    return (
        LogEntry.objects.filter(wanted).select_related("actor", "content_type").order_by("-timestamp", "-id")
    )


def kind_q(kind: str) -> Q:
    """Entries of one kind (a code of KINDS)."""
    accounts, policy = _content_types()
    if kind in SECURITY_EVENTS:
        return Q(**{f"additional_data__{SECURITY_KEY}": kind})
    if kind == "export":
        return Q(action=LogEntry.Action.ACCESS) & (
            Q(changes__has_key="export") | Q(changes__has_key="download")
        )
    if kind == "reveal":
        return (
            Q(action=LogEntry.Action.ACCESS)
            & ~Q(changes__has_key="export")
            & ~Q(changes__has_key="download")
            & ~Q(additional_data__has_key=SECURITY_KEY)
        )
    if kind == "password":
        return Q(content_type_id__in=accounts, changes__has_key="password") & ~Q(
            action=LogEntry.Action.ACCESS
        )
    if kind == "account":
        return (
            Q(content_type_id__in=accounts)
            & ~Q(action=LogEntry.Action.ACCESS)
            & ~Q(changes__has_key="password")
        )
    if kind == "policy":
        return Q(content_type_id=policy) if policy is not None else Q(pk__in=[])
    return Q()


def kind_of(entry: LogEntry) -> str:
    extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    if extra.get(SECURITY_KEY) in SECURITY_EVENTS:
        return extra[SECURITY_KEY]
    changes = entry.changes_dict if isinstance(entry.changes_dict, dict) else {}
    if entry.action == LogEntry.Action.ACCESS:
        return "export" if ("export" in changes or "download" in changes) else "reveal"
    model = entry.content_type.model if entry.content_type_id else ""
    if model == _POLICY_MODEL[1]:
        return "policy"
    return "password" if "password" in changes else "account"


def scoped_entries(queryset: QuerySet[LogEntry], user: Any) -> QuerySet[LogEntry]:
    """What an administrator may read: entries by users in their scope, or about accounts in it.

    A failure with a login name that matches no account belongs to no county: system administrators only.
    """
    from xiangcun.accounts.scopes import scope_of, scoped

    scope = scope_of(user)
    if scope.everything:
        return queryset
    if scope.empty:
        return queryset.none()
    user_type = ContentType.objects.get_for_model(get_user_model()).pk
    accounts = scoped(get_user_model().objects.all(), user).values("pk")
    return queryset.filter(
        Q(actor__region__path__startswith=scope.region_path)
        | Q(actor=user)
        | Q(content_type_id=user_type, object_id__in=accounts)
    )


@dataclass
class SecurityRow:
    timestamp: dt.datetime
    kind: str
    account: str
    actor: str
    address: str
    detail: str


def rows(page: Iterable[LogEntry]) -> list[SecurityRow]:
    out = []
    for row in readable(page):
        entry = row.entry
        kind = kind_of(entry)
        is_event = kind in SECURITY_EVENTS
        if is_event:
            account = entry.object_repr
            actor = row.actor if entry.actor_id else ("本人" if entry.object_pk else "—")
        else:
            account = f"{row.model}：{entry.object_repr}"
            actor = row.actor
        if is_event:
            detail = "；".join(c.after for c in row.changes)
        elif entry.action == LogEntry.Action.ACCESS:
            detail = "；".join(f"{c.label}：{c.after}" for c in row.changes)
        else:
            detail = "；".join(f"{c.label}：{c.before} → {c.after}" for c in row.changes)
        out.append(
            SecurityRow(
                timestamp=row.timestamp,
                kind=KINDS[kind],
                account=account,
                actor=actor,
                address=entry.remote_addr or "",
                detail=detail,
            )
        )
    return out


HEADER = ["时间", "类别", "账号或对象", "操作人", "IP 地址", "详情"]


def workbook(entries: QuerySet[LogEntry], title: str) -> bytes:
    """The security log as .xlsx for the assessor (every text cell written as text, never a formula)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("安全日志")
    append_row(sheet, [title])
    append_row(sheet, HEADER)
    # One pass over the rows (no OFFSET paging), read in chunks of 2 000 for the related-name lookups.
    stream = entries.iterator(chunk_size=2000)
    while chunk := list(itertools.islice(stream, 2000)):
        for row in rows(chunk):
            append_row(
                sheet,
                [
                    timezone.localtime(row.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
                    row.kind, row.account, row.actor, row.address, row.detail,
                ],
            )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
