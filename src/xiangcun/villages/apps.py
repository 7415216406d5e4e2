from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "xiangcun.villages"
    verbose_name = "村庄"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import signals  # noqa: F401  (plans confirmed → village classes and merge proposals)
        from .models import LayoutRule, VillageMerge

        auditlog.register(VillageMerge, m2m_fields={"sources"})
        auditlog.register(LayoutRule, exclude_fields=["updated_at"])
