from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "xiangcun.regions"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Region

        auditlog.register(Region, exclude_fields=["path", "updated_at"])
