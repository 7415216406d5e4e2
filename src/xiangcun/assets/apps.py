from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "xiangcun.assets"
    verbose_name = "扶贫项目资产"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Asset, AssetIncome, Distribution, Publicity

        auditlog.register(Asset, exclude_fields=["updated_at"])
        auditlog.register(AssetIncome, exclude_fields=["updated_at"])
        auditlog.register(Distribution)
        auditlog.register(Publicity, exclude_fields=["updated_at"])
