from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xiangcun.core"
    verbose_name = "系统"
