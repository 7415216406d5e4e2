from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xiangcun.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from . import chain, guards  # noqa: F401  (signals: the log is append-only and sealed by hash)
