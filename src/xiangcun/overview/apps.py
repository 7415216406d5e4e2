from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The home page (总览) reads from every capability, so it lives above them all."""

    name = "xiangcun.overview"
    verbose_name = "总览"
