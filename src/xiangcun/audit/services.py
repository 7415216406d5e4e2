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
