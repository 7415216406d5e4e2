"""The visit page: a visit with photos (checked, resized, EXIF kept), 入户核实 completed from it, scopes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from xiangcun.domain.households.photos import MAX_SIDE, PhotoError, prepare
from xiangcun.households.models import Case, Household, Visit, VisitPhoto

pytestmark = pytest.mark.django_db


def login(user):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def jpeg(width: int = 3000, height: int = 2000, gps: bool = True) -> bytes:
    image = Image.new("RGB", (width, height), (120, 160, 90))
    exif = Image.Exif()
    exif[0x0132] = "2026:05:01 09:30:00"
    if gps:
        exif[0x8825] = {1: "N", 2: (37.0, 30.0, 0.0), 3: "E", 4: (112.0, 15.0, 36.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def photo(name: str = "现场.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else jpeg(), content_type="image/jpeg")


def visit_data(**extra: object) -> dict[str, object]:
    return {"kind": "入户核实", "visited_at": "2026-05-01T09:30", "findings": "务工收入下降，子女在校",
            "checked": ["INCOME", "SCHOOL"], **extra}  # fmt: skip


def test_prepare_resizes_and_keeps_time_and_place() -> None:
    result = prepare(jpeg(), "a.jpg")
    assert max(result.width, result.height) == MAX_SIDE
    assert str(result.latitude) == "37.500000" and str(result.longitude) == "112.260000"
    assert result.taken_at is not None and result.taken_at.hour == 9
    assert Image.open(io.BytesIO(result.jpeg)).format == "JPEG"


def test_prepare_refuses_what_is_not_a_photo() -> None:
    with pytest.raises(PhotoError, match="不是可识别的图片"):
        prepare(b"%PDF-1.4 not an image", "a.jpg")
    with pytest.raises(PhotoError, match="空文件"):
        prepare(b"", "b.jpg")
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(PhotoError, match="支持 JPG、PNG、WebP"):
        prepare(gif.getvalue(), "c.gif")


def test_village_reporter_records_a_visit_with_photos(users, registry) -> None:  # type: ignore[no-untyped-def]
    client = login(users["village_a1"])
    page = client.get(reverse("households:visit_new", args=["A001"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'capture="environment"' in text and "不愁吃、不愁穿" in text
    response = client.post(reverse("households:visit_new", args=["A001"]),
                           {**visit_data(), "photos": [photo(), photo("二.jpg", jpeg(800, 600, gps=False))]})  # fmt: skip
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "households:visit", args=[visit.pk]
    )
    assert visit.visitor == users["village_a1"] and visit.findings.startswith("务工收入下降")
    assert {i["code"] for i in visit.checked if i["checked"]} == {"INCOME", "SCHOOL"}
    first, second = visit.photos.order_by("id")
    assert (first.width, first.height) == (1600, 1067) and first.latitude is not None
    assert second.latitude is None and second.taken_at is not None
    shown = client.get(reverse("households:visit", args=[visit.pk])).content.decode()
    assert (
        "走访记录已保存" in shown
        and "位置 37.500000, 112.260000" in shown
        and 'data-draft-saved="visit-A001-"' in shown
    )
    image = client.get(reverse("households:visit_photo", args=[first.pk]))
    assert image["Content-Type"] == "image/jpeg" and image["X-Content-Type-Options"] == "nosniff"
    assert image["Content-Disposition"].startswith("inline")
    assert "入户核实" in client.get(reverse("households:detail", args=["A001"])).content.decode()


def test_bad_photo_saves_nothing_and_keeps_the_typed_text(users, registry) -> None:  # type: ignore[no-untyped-def]
    client = login(users["village_a1"])
    response = client.post(reverse("households:visit_new", args=["A001"]),
                           {**visit_data(), "photos": [photo(), photo("假.jpg", b"MZ not a photo")]})  # fmt: skip
    assert response.status_code == 400
    text = response.content.decode()
    assert "「假.jpg」不是可识别的图片" in text and "务工收入下降，子女在校" in text
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()
    missing = client.post(reverse("households:visit_new", args=["A001"]), visit_data(findings="  "))
    assert "请写明核实情况" in missing.content.decode()
    too_many = client.post(reverse("households:visit_new", args=["A001"]),
                           {**visit_data(), "photos": [photo(f"{i}.jpg", jpeg(50, 50)) for i in range(9)]})  # fmt: skip
    assert "一次最多上传 8 张照片" in too_many.content.decode()


def test_visit_completes_the_verification_step(users, registry) -> None:  # type: ignore[no-untyped-def]
    client = login(users["village_a1"])
    client.post(reverse("households:case_open", args=["A001"]), {"channel": "基层干部排查", "note": "患病"})
    case = Case.objects.get()
    page = client.get(reverse("households:case", args=[case.pk])).content.decode()
    assert "到户走访并办结" in page
    url = reverse("households:visit_new", args=["A001"]) + f"?case={case.pk}"
    assert "同时办结本案的「入户核实」步骤" in client.get(url).content.decode()
    missing = client.post(
        url, {**visit_data(), "case": case.pk, "complete": "1", "reason": "", "passed": "1"}
    )
    assert missing.status_code == 400 and "请写明核实事由" in missing.content.decode()
    assert not Visit.objects.exists()
    response = client.post(
        url, {**visit_data(), "case": case.pk, "complete": "1", "reason": "农户申报", "passed": "1"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step == 1  # 村内评议 next
    visit = Visit.objects.get()
    assert (
        visit.step is not None and visit.step.name == "入户核实" and visit.step.facts["reason"] == "农户申报"
    )
    assert "已办结「入户核实」" in client.get(response["Location"]).content.decode()


def test_other_township_gets_404(users, registry) -> None:  # type: ignore[no-untyped-def]
    own = login(users["village_a1"])
    own.post(reverse("households:visit_new", args=["A001"]), {**visit_data(), "photos": [photo()]})
    visit = Visit.objects.get()
    other = login(users["township_b"])
    assert other.get(reverse("households:visit", args=[visit.pk])).status_code == 404
    assert other.get(reverse("households:visit_photo", args=[visit.photos.get().pk])).status_code == 404
    assert other.get(reverse("households:visit_new", args=["A001"])).status_code == 404
    leader = login(users["leader"])
    assert leader.get(reverse("households:visit_new", args=["A001"])).status_code in (403, 404)
    assert Household.objects.filter(code="B001").exists()


def test_a_visit_form_opened_before_a_colleague_completed_the_step_saves_nothing(users, registry) -> None:  # type: ignore[no-untyped-def]
    """The form carries the step it was opened on; when 入户核实 was done meanwhile, the visit is not saved
    as if it had completed it: the user is told, and may save the visit alone."""
    client = login(users["village_a1"])
    client.post(reverse("households:case_open", args=["A001"]), {"channel": "基层干部排查", "note": "患病"})
    case = Case.objects.get()
    url = reverse("households:visit_new", args=["A001"]) + f"?case={case.pk}"
    assert 'name="step_key" value="识别:0"' in client.get(url).content.decode()
    login(users["township_a"]).post(
        reverse("households:case", args=[case.pk]),
        {"action": "step", "step_key": "识别:0", "passed": "1", "reason": "农户申报", "note": "已核实"},
    )
    case.refresh_from_db()
    assert case.step == 1
    sent = {**visit_data(), "case": case.pk, "complete": "1", "reason": "筛查预警", "passed": "1"}
    stale = client.post(url, {**sent, "step_key": "识别:0", "photos": [photo()]})
    text = stale.content.decode()
    assert stale.status_code == 400 and "在您打开本页后已经办理" in text and "走访记录没有保存" in text
    assert "同时办结本案的「入户核实」步骤" not in text and "务工收入下降" in text  # what was typed stays
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists() and case.steps.count() == 1
    assert client.post(url, visit_data(case=case.pk)).status_code == 302  # the visit alone
    assert Visit.objects.get().step is None and case.steps.count() == 1


def test_the_step_done_while_the_visit_was_being_saved_rolls_the_visit_back(
    users, registry, settings
) -> None:  # type: ignore[no-untyped-def]
    """The same check under the case's row lock: a colleague's step between the form's check and the save."""
    from xiangcun.households import cases as case_services
    from xiangcun.households.visits import STALE, Upload, VisitError, record_visit

    case = case_services.open_case(Household.objects.get(code="A001"), "基层干部排查", "患病")
    opened = Case.objects.get(pk=case.pk)  # the visit form's view of the case: still at 入户核实
    case_services.record(case, users["township_a"], True, "已核实", facts={"reason": "农户申报"})
    with pytest.raises(VisitError) as raised:
        record_visit(
            opened.household, users["village_a1"], kind="入户核实", checked=[], findings="患病住院",
            visited_at=timezone.now(),
            uploads=[Upload("a.jpg", jpeg(50, 50))], case=opened, complete_step=True, reason="筛查预警",
            expected="识别:0",
        )  # fmt: skip
    assert raised.value.errors == {"case": STALE}
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists() and case.steps.count() == 1
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert not stored  # the photo's file was removed with the rolled-back rows


def test_a_double_tap_on_save_lands_on_the_visit_saved_by_the_first(users, registry) -> None:  # type: ignore[no-untyped-def]
    client = login(users["village_a1"])
    client.post(reverse("households:case_open", args=["A001"]), {"channel": "基层干部排查", "note": "患病"})
    case = Case.objects.get()
    url = reverse("households:visit_new", args=["A001"]) + f"?case={case.pk}"
    sent = {
        **visit_data(),
        "case": case.pk,
        "complete": "1",
        "reason": "筛查预警",
        "passed": "1",
        "step_key": "识别:0",
    }
    first = client.post(url, sent)
    second = client.post(url, sent)
    visit = Visit.objects.get()
    assert first["Location"] == second["Location"] == reverse("households:visit", args=[visit.pk])
    assert "重复提交的内容没有再次保存" in client.get(second["Location"]).content.decode()
    assert case.steps.count() == 1
