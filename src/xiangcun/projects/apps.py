from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "xiangcun.projects"
    verbose_name = "项目库"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import FundRule, Project, ProjectStep, StepAttachment

        auditlog.register(Project, exclude_fields=["updated_at", "created_at"])
        auditlog.register(ProjectStep)
        auditlog.register(StepAttachment)
        auditlog.register(FundRule, exclude_fields=["updated_at"])
