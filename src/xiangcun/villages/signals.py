"""A confirmed plan version (or an archived plan) updates the county's village classes and merge proposals."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from xiangcun.plans.models import Plan, PlanVersion

from . import services


@receiver(post_save, sender=PlanVersion)
def _version_saved(sender: type[PlanVersion], instance: PlanVersion, **kwargs: Any) -> None:
    if instance.status == PlanVersion.Status.CONFIRMED:
        services.sync_classes(instance.plan.region, actor=instance.confirmed_by)
        services.propose_merges(instance)


@receiver(post_save, sender=Plan)
def _plan_saved(sender: type[Plan], instance: Plan, created: bool, **kwargs: Any) -> None:
    if not created:
        services.sync_classes(instance.region)
