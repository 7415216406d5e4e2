from typing import Any

from django.apps import AppConfig
from django.apps import apps as django_apps
from django.db import models
from django.db.models.signals import pre_save


class ColumnTooLong(ValueError):
    """A text longer than its column reached save(): a view or service forgot to check it."""


def refuse_overlong_text(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **_: Any
) -> None:
    """SQLite stores a 10 000-character note in a 500-character column; PostgreSQL refuses it. Refuse it on
    both, so a missing check shows up in tests on either database instead of as silently kept data."""
    if raw or not sender.__module__.startswith("xiangcun."):
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField) and field.max_length:
            value = getattr(instance, field.attname, None)
            if isinstance(value, str) and len(value) > field.max_length:
                raise ColumnTooLong(f"{sender.__name__}.{field.name}: {len(value)} > {field.max_length}")


class CoreConfig(AppConfig):
    name = "xiangcun.core"
    verbose_name = "系统"

    def ready(self) -> None:
        pre_save.connect(refuse_overlong_text, dispatch_uid="xiangcun.core.refuse_overlong_text")
        register_county_settings()


def register_county_settings() -> None:
    """Audit every per-county settings model (all models are loaded before any app's `ready`)."""
    from auditlog.registry import auditlog

    from .models import CountySettings

    for model in django_apps.get_models():
        if issubclass(model, CountySettings) and not auditlog.contains(model):
            auditlog.register(model, exclude_fields=["updated_at"])
