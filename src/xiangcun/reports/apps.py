from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "xiangcun.reports"
    verbose_name = "评估报告"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Report

        auditlog.register(Report)
