"""Audit integrity: the audit log chained by hash, so a change or deletion made in the database shows.

Every LogEntry gets a seal (`AuditSeal`, in sealing order) whose digest is
SHA-256(previous digest ‖ canonical JSON of the entry). Changing an entry breaks its own digest; deleting one
leaves a seal without an entry; deleting or reordering seals breaks the next seal's `previous`.

Sealing runs after the writing transaction commits (`schedule`, hooked to every LogEntry save and to the bulk
writer in services.py), so a 10 000-household import is sealed in one pass, not one query per entry. Concurrent
sealers are serialised: PostgreSQL by a transaction-level advisory lock, SQLite by its single writer (the
transaction starts with the write that takes the lock). Entries are sealed in id order among those not yet
sealed; an entry committed late with a lower id (a long transaction) is still picked up, as long as it is
within `WINDOW` ids of the newest seal.

What it does not do: truncating the newest entries together with their seals is not detectable from inside
the database — copy the last digest (`xiangcun audit-verify` prints it) to paper or another system regularly.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import AuditSeal

GENESIS = "0" * 64
WINDOW = 1_000_000  # how far below the newest sealed id an unsealed entry is still looked for
_LOCK_KEY = 0x58_43_41_55  # "XCAU": the advisory lock of the chain head on PostgreSQL
_FIELDS = ("id", "content_type_id", "object_pk", "object_id", "object_repr", "action", "changes_text",
           "changes", "actor_id", "cid", "remote_addr", "timestamp", "additional_data")  # fmt: skip
_BATCH = 5000


def canonical(row: dict[str, Any]) -> bytes:
    """The entry's content as stable bytes (same on SQLite and PostgreSQL, whatever key order jsonb keeps)."""
    values = dict(row)
    stamp = values["timestamp"]
    values["timestamp"] = stamp.isoformat(timespec="microseconds") if stamp is not None else None
    for key in ("changes", "additional_data"):
        value = values[key]
        if isinstance(value, str):  # older auditlog versions stored text
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        values[key] = value
    return json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode()


def digest(previous: str, row: dict[str, Any]) -> str:
    return hashlib.sha256(previous.encode() + canonical(row)).hexdigest()


def seal() -> int:
    """Seal every unsealed entry (in id order); returns how many were sealed."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        head = AuditSeal.objects.order_by("-id").values("entry_id", "digest").first()
        previous = head["digest"] if head else GENESIS
        low = max(
            0,
            max(AuditSeal.objects.order_by("-entry_id").values_list("entry_id", flat=True)[:1] or [0])
            - WINDOW,
        )
        sealed = AuditSeal.objects.filter(entry_id__gt=low).values("entry_id")
        pending = (
            LogEntry.objects.filter(id__gt=low)
            .exclude(id__in=sealed)
            .order_by("id")
            .values_list("id", flat=True)
        )
        ids = list(pending)
        count = 0
        for start in range(0, len(ids), _BATCH):
            rows = LogEntry.objects.filter(id__in=ids[start : start + _BATCH]).order_by("id").values(*_FIELDS)
            seals = []
            for row in rows:
                previous_digest, previous = previous, digest(previous, row)
                seals.append(AuditSeal(entry_id=row["id"], previous=previous_digest, digest=previous))
            AuditSeal.objects.bulk_create(seals, batch_size=_BATCH)
            count += len(seals)
        return count


def schedule() -> None:
    """Seal once the current transaction commits (once per transaction, however many entries it writes)."""
    if connection.in_atomic_block and any(item[1] is _seal_quietly for item in connection.run_on_commit):
        return
    transaction.on_commit(_seal_quietly)


def _seal_quietly() -> None:
    # Sealing must never make the user's action fail: a failure leaves entries unsealed, which the next
    # seal or `xiangcun audit-verify --seal` picks up, and which `audit-verify` reports meanwhile.
    try:
        seal()
    except Exception:  # noqa: BLE001
        import logging

        logging.getLogger(__name__).exception("审计日志封存失败")


@receiver(post_save, sender=LogEntry)
def _entry_saved(sender: type[LogEntry], instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if created:
        schedule()


@dataclass
class Verdict:
    ok: bool
    checked: int
    unsealed: int
    message: str
    last_digest: str


def verify() -> Verdict:
    """Walk the chain in sealing order and report the first broken link (in Chinese)."""
    previous = GENESIS
    checked = 0
    last_id = 0
    while True:
        seals = list(AuditSeal.objects.filter(id__gt=last_id).order_by("id")[:_BATCH])
        if not seals:
            break
        entries = {
            row["id"]: row
            for row in LogEntry.objects.filter(id__in=[s.entry_id for s in seals]).values(*_FIELDS)
        }
        for s in seals:
            where = f"第 {checked + 1} 个封存（日志编号 {s.entry_id}）"
            if s.previous != previous:
                return Verdict(
                    False, checked, 0, f"{where}：与上一条的链接断开（封存被删除、插入或改动）", previous
                )
            row = entries.get(s.entry_id)
            if row is None:
                return Verdict(False, checked, 0, f"{where}：日志条目已被删除", previous)
            if digest(previous, row) != s.digest:
                return Verdict(False, checked, 0, f"{where}：日志条目的内容已被改动", previous)
            previous = s.digest
            checked += 1
        last_id = seals[-1].id
    sealed = AuditSeal.objects.values("entry_id")
    unsealed = LogEntry.objects.exclude(id__in=sealed).count()
    message = f"审计日志完整：已核对 {checked} 条" + (f"，另有 {unsealed} 条尚未封存" if unsealed else "")
    return Verdict(True, checked, unsealed, message, previous)
