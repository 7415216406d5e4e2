"""The hash chain over the audit log: one seal per LogEntry, each holding the hash of the one before."""

from __future__ import annotations

from django.db import models


class AuditSeal(models.Model):
    """Seal number `id` of the chain: hash = SHA-256(previous hash + the entry's content).

    `entry_id` is LogEntry's id, deliberately not a foreign key: deleting an entry must leave its seal
    behind (so `audit-verify` reports the gap) rather than cascade or be refused by the database.
    """

    entry_id = models.BigIntegerField("日志编号", unique=True)
    previous = models.CharField("上一条摘要", max_length=64)
    digest = models.CharField("摘要", max_length=64)

    class Meta:
        verbose_name = "审计日志封存"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"封存 {self.id}：日志 {self.entry_id}"
