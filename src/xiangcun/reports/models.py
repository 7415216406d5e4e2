from __future__ import annotations

from django.db import models


def report_path(instance: Report, filename: str) -> str:
    return f"reports/{instance.region.code}/{filename}"


class Report(models.Model):
    """A yearly evaluation report built from live data (.docx), kept so that earlier ones can be downloaded."""

    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("报告年度")
    file = models.FileField("文件", upload_to=report_path)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    seconds = models.FloatField("生成用时（秒）", default=0)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    scope_region_path = "region__path"

    class Meta:
        verbose_name = "评估报告"
        verbose_name_plural = "评估报告"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region.name}{self.year}年度评估报告"

    @property
    def filename(self) -> str:
        return f"{self.region.name}{self.year}年度乡村振兴规划实施评估报告.docx"
