from __future__ import annotations

from django.db import models

from xiangcun.domain.medical import Policy

from .parameters import KEY_LABELS


class MedicalPolicy(models.Model):
    """A county's medical-security parameters for one year; only the values that differ from the defaults."""

    region = models.ForeignKey("regions.Region", verbose_name="县", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    parameters = models.JSONField("参数（与默认值不同的部分）", default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The audit log shows the stored JSON's keys by these names (see xiangcun.audit.display).
    audit_json_labels = {"parameters": KEY_LABELS}

    scope_region_path = "region__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "医疗救助参数"
        verbose_name_plural = "医疗救助参数"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="unique_medical_policy_year")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}年"

    def policy(self) -> Policy:
        return Policy().merged(self.parameters)
