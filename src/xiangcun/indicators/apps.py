from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "xiangcun.indicators"
    verbose_name = "指标"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Indicator, Observation, Target

        auditlog.register(Indicator)
        auditlog.register(Target)
        auditlog.register(Observation)
