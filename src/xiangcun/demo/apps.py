from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo builder sits on top: it composes every capability's demo data into one county."""

    name = "xiangcun.demo"
    verbose_name = "演示数据"
