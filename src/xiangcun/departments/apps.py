from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    name = "xiangcun.departments"
    verbose_name = "部门"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Department

        auditlog.register(Department)
