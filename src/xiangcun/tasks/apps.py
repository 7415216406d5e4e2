from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "xiangcun.tasks"
    verbose_name = "任务与考核"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Evidence, ProgressReport, Task, TaskUnit

        auditlog.register(Task, exclude_fields=["updated_at", "created_at"])
        auditlog.register(TaskUnit)
        auditlog.register(ProgressReport, exclude_fields=["updated_at"])
        auditlog.register(Evidence)
