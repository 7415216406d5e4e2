from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "xiangcun.api"
    verbose_name = "接口"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import ApiToken

        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
