"""The audit log is append-only: the application refuses to change or delete an entry."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver


class AuditLogImmutable(RuntimeError):
    pass


@receiver(pre_save, sender=LogEntry)
def _refuse_update(sender: type[LogEntry], instance: LogEntry, **kwargs: Any) -> None:
    if instance.pk is not None and not kwargs.get("raw"):
        raise AuditLogImmutable("审计日志不可修改")


@receiver(pre_delete, sender=LogEntry)
def _refuse_delete(sender: type[LogEntry], instance: LogEntry, **kwargs: Any) -> None:
    raise AuditLogImmutable("审计日志不可删除")
