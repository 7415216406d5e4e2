"""Audit entries for writes that bypass model signals (bulk imports), in one set-based insert."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

ACTIONS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
}


def record_bulk(
    model: type[models.Model],
    entries: Iterable[tuple[models.Model, str, Mapping[str, tuple[Any, Any]]]],
    actor: Any | None,
    note: str = "",
) -> int:
    """Write one log entry per (instance, action, {field: (before, after)}) and return how many."""
    content_type = ContentType.objects.get_for_model(model)
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    cid = get_cid()
    rows = [
        LogEntry(
            content_type=content_type,
            object_pk=str(instance.pk),
            object_id=instance.pk if isinstance(instance.pk, int) else None,
            object_repr=str(instance)[:200],
            action=ACTIONS[action],
            changes={field: [_text(before), _text(after)] for field, (before, after) in changes.items()},
            changes_text="",
            actor=actor,
            cid=cid,
            additional_data={"note": note} if note else None,
        )
        for instance, action, changes in entries
    ]
    LogEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _text(value: Any) -> str:
    return "None" if value is None else str(value)
