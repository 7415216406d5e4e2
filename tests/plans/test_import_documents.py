"""End to end: real .docx and .pdf files uploaded through the page, read by the real extractor."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.domain.extraction.plans import write_docx, write_pdf
from xiangcun.plans.models import Plan, PlanItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("writer", [write_docx, write_pdf])
def test_upload_a_plan_document_and_review_it(client_for, users, county, tmp_path: Path, writer, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    path = writer(tmp_path / ("plan.docx" if writer is write_docx else "plan.pdf"))
    client = client_for(users["county_admin"])
    response = client.post(
        reverse("plans:upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "region": county.county.pk},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "粮食综合生产能力" in page and "村庄绿化覆盖率" in page
    assert "第一章 总体要求" in page or "第一章总体要求" in page  # the source text beside the items
    plan = Plan.objects.get()
    assert plan.title == "青山县乡村振兴规划（2021—2025年）"
    version = plan.versions.get()
    assert version.items.filter(kind=PlanItem.Kind.INDICATOR).count() == 5
    green = version.items.get(kind=PlanItem.Kind.INDICATOR, key__contains="村庄绿化覆盖率")
    assert green.indicator.code == "N07"
    task = version.items.get(kind=PlanItem.Kind.TASK)
    assert task.departments == {"lead": [county.agriculture.pk], "cooperating": [county.education.pk]}


def test_an_unreadable_document_is_refused_with_the_reason(client_for, users, county):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    response = client.post(
        reverse("plans:upload"),
        {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 broken"), "region": county.county.pk},
    )
    assert "PDF 文件无法打开" in response.content.decode()
    assert not Plan.objects.exists()
