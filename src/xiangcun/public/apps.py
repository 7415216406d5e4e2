from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "xiangcun.public"
    verbose_name = "公开网站"
