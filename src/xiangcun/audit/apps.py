from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xiangcun.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from . import guards  # noqa: F401  (connects the signals that keep the log append-only)
