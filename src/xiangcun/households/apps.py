from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "xiangcun.households"
    verbose_name = "防返贫监测"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import (
            Case,
            CaseSettings,
            CaseStep,
            ColumnMapping,
            Finance,
            Household,
            Measure,
            Member,
            MonitoringThreshold,
            RegistryImport,
            RuleSetting,
            Visit,
            VisitPhoto,
        )

        auditlog.register(Household, exclude_fields=["updated_at", "phone_hash"], mask_fields=["phone"])
        auditlog.register(Member, exclude_fields=["updated_at", "id_number_hash"], mask_fields=["id_number"])
        auditlog.register(Finance, exclude_fields=["updated_at"])
        auditlog.register(MonitoringThreshold)
        auditlog.register(RuleSetting)
        auditlog.register(RegistryImport)
        auditlog.register(ColumnMapping, exclude_fields=["updated_at"])
        auditlog.register(CaseSettings, exclude_fields=["updated_at"])
        auditlog.register(Case, exclude_fields=["updated_at"])
        auditlog.register(CaseStep)
        auditlog.register(Measure)
        auditlog.register(Visit)
        auditlog.register(VisitPhoto)
