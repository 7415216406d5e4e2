from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "xiangcun.plans"
    verbose_name = "规划"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Plan, PlanItem, PlanVersion

        auditlog.register(Plan)
        auditlog.register(PlanVersion, exclude_fields=["extraction", "source_lines"])
        auditlog.register(PlanItem)
