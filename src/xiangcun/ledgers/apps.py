from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "xiangcun.ledgers"
    verbose_name = "台账"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import (
            Ledger,
            LedgerImport,
            LedgerRow,
            SchoolRecord,
            ToiletRecord,
        )

        auditlog.register(Ledger, exclude_fields=["updated_at"])
        auditlog.register(LedgerRow, exclude_fields=["updated_at"])
        auditlog.register(ToiletRecord, exclude_fields=["updated_at"])
        auditlog.register(SchoolRecord, exclude_fields=["updated_at"])
        auditlog.register(LedgerImport)
