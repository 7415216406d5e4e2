from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "xiangcun.medical"
    verbose_name = "医疗救助计算"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import MedicalPolicy

        auditlog.register(MedicalPolicy)
