from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Reinstall the registry stamp's triggers after every migrate (and flush): on SQLite a table rebuilt by a
    schema change loses its triggers, and a stored screening must never outlive a write it did not see."""
    from django.db import connections

    from .triggers import install

    install(connections[using])


class HouseholdsConfig(AppConfig):
    name = "xiangcun.households"
    verbose_name = "防返贫监测"

    def ready(self) -> None:
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="households_triggers")
        from xiangcun.regions.signals import regions_moved

        from .counties import sync_counties

        regions_moved.connect(sync_counties, dispatch_uid="households_counties")
        from auditlog.registry import auditlog

        from .models import (
            Case,
            CaseStep,
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

        # the county is derived (from the village, or the household): its change is the village's
        auditlog.register(
            Household, exclude_fields=["updated_at", "phone_hash", "county"], mask_fields=["phone"]
        )
        auditlog.register(
            Member, exclude_fields=["updated_at", "id_number_hash", "county"], mask_fields=["id_number"]
        )
        auditlog.register(Finance, exclude_fields=["updated_at", "county"])
        auditlog.register(MonitoringThreshold)
        auditlog.register(RuleSetting)
        auditlog.register(RegistryImport)
        auditlog.register(Case, exclude_fields=["updated_at"])
        auditlog.register(CaseStep)
        auditlog.register(Measure)
        auditlog.register(Visit)
        auditlog.register(VisitPhoto)
