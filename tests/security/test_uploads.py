"""Uploads (plans, project attachments, evidence, photos): judged by content, kept outside anything served
as static, and sent back as downloads that cannot run in the site's origin."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.projects.conftest import projects  # noqa: F401 — the fixture
from xiangcun.plans.models import Plan
from xiangcun.projects.models import Project, StepAttachment

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>fetch('/accounts/users/')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def step(client, project: Project, upload: SimpleUploadedFile):  # type: ignore[no-untyped-def]
    return client.post(
        f"/projects/{project.pk}/step/",
        {"to_status": "completed", "expected_status": "in_progress", "remarks": "完工", "files": upload},
        follow=True,
    )


@pytest.mark.parametrize(("name", "data"), [("批复.pdf", HTML), ("现场.png", SVG), ("说明.html", HTML)])
def test_a_page_or_svg_under_any_name_is_not_kept(users, client_for, projects, name, data) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    project = projects["B-1"]
    page = step(client_for(users["township_b"]), project, SimpleUploadedFile(name, data)).content.decode()
    assert "附件" in page and ("内容不是" in page or "类型不能上传" in page)
    assert not StepAttachment.objects.exists()
    assert Project.objects.get(pk=project.pk).status == "in_progress"  # nothing half-done


def test_a_kept_attachment_downloads_as_a_file_that_cannot_run(users, client_for, projects) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = client_for(users["township_b"])
    step(client, projects["B-1"], SimpleUploadedFile("验收报告.pdf", PDF))
    attachment = StepAttachment.objects.get()
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    response = client.get(f"/projects/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy
    assert b"".join(response.streaming_content) == PDF


def test_uploaded_files_live_outside_everything_served_as_static(client_for, users, projects) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from django.contrib.staticfiles import finders

    media = Path(settings.MEDIA_ROOT).resolve()
    static_dirs = [Path(settings.STATIC_ROOT).resolve()]
    for finder in finders.get_finders():
        for _, storage in finder.list([]):
            static_dirs.append(Path(storage.location).resolve())
    for directory in static_dirs:
        assert not media.is_relative_to(directory) and not directory.is_relative_to(media), directory
    client = client_for(users["township_b"])
    step(client, projects["B-1"], SimpleUploadedFile("验收报告.pdf", PDF))
    name = StepAttachment.objects.get().file.name
    for prefix in ("/media/", "/static/", "/"):
        assert client.get(prefix + name).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("规划.txt", HTML, "网页或图形标记"),
        ("规划.docx", PDF, "内容不是Word"),
        ("规划.pdf", b"PK\x03\x04" + b"\x00" * 40, "内容不是PDF"),
        ("规划.svg", SVG, "类型不能上传"),
    ],
)
def test_a_plan_upload_is_checked_by_content(client_for, users, county, name, data, message) -> None:  # type: ignore[no-untyped-def]
    response = client_for(users["county_admin"]).post(
        reverse("plans:upload"), {"file": SimpleUploadedFile(name, data), "region": county.county.pk}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.exists()
