"""Visits to households: record what was checked and found, keep the photos, complete 入户核实 from a visit."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from xiangcun.domain.households import cases as flow
from xiangcun.domain.households.photos import MAX_BYTES, MAX_PHOTOS, Photo, PhotoError, prepare

from . import cases as case_services
from .models import Case, Household, Visit, VisitPhoto

# The visit form was opened on 入户核实, and the step was done before it was sent.
STALE = (
    "本案的「入户核实」在您打开本页后已经办理（他人刚刚办理或重复提交），走访记录没有保存。"
    "如仍需保存这次走访，请再次点击保存（不再办结该步骤）"
)


# The form's token belongs to another household or visitor (never the case for a form this site rendered).
BAD_SUBMISSION = "这份表单的标识无效（可能来自别的农户或别人的页面），请重新打开走访页填写"


class AlreadySaved(Exception):
    """The form was saved before (a double tap, a retry after a lost response): here is that visit."""

    def __init__(self, visit: Visit) -> None:
        super().__init__(f"走访记录 {visit.pk} 已经保存")
        self.visit = visit


def _earlier(household: Household, user: Any, submission: uuid.UUID | None) -> Visit | None:
    """The visit this form already saved, if any (raises VisitError for a token of someone else's visit)."""
    if submission is None:
        return None
    earlier = Visit.objects.filter(submission=submission).first()
    if earlier is not None and (earlier.household_id != household.pk or earlier.visitor_id != user.pk):
        raise VisitError({"submission": BAD_SUBMISSION})
    return earlier


class VisitError(ValueError):
    """Errors by field (field → Chinese message); nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


@dataclass
class Upload:
    name: str
    data: bytes
    size: int = 0  # the declared size: a file over the limit is refused without being read


def check_photos(uploads: list[Upload]) -> list[tuple[str, Photo]]:
    if len(uploads) > MAX_PHOTOS:
        raise VisitError({"photos": f"一次最多上传 {MAX_PHOTOS} 张照片（本次 {len(uploads)} 张）"})
    photos, problems = [], []
    for upload in uploads:
        if upload.size > MAX_BYTES:
            problems.append(
                f"照片「{upload.name}」超过 {MAX_BYTES // 1024 // 1024} MB，请降低相机分辨率后重拍"
            )
            continue
        try:
            photos.append((upload.name, prepare(upload.data, upload.name)))
        except PhotoError as exc:
            problems.append(str(exc))
    if problems:
        raise VisitError({"photos": "；".join(problems)})
    return photos


def record_visit(
    household: Household,
    user: Any,
    *,
    kind: str,
    checked: list[dict[str, Any]],
    findings: str,
    visited_at: dt.datetime | None,
    uploads: list[Upload],
    case: Case | None = None,
    complete_step: bool = False,
    passed: bool = True,
    reason: str = "",
    recheck: str = "",
    risk: str = "",
    expected: str | None = None,
    submission: uuid.UUID | None = None,
) -> Visit:
    """Save a visit with its photos; with complete_step, record the case's 入户核实 step from it; with
    recheck ("stable" or "risk"), record the cleared case's 回头看 from it (all or nothing).

    `expected`: the case's step when the form was opened (`cases.step_key`). When the step was done
    meanwhile (a colleague in another tab, or a second click), nothing is saved and the user is told,
    rather than the visit being saved as if it had completed the step.

    `submission`: the form's one-time token. When a visit was already saved under it (the same form sent
    again), nothing is checked or saved and AlreadySaved(that visit) is raised; two sends racing each
    other meet at the unique column and the loser raises AlreadySaved too.

    Raises VisitError (field → message); the step's rules are the case services' (StepFactsError/CaseError
    come back as VisitError too).
    """
    if (earlier := _earlier(household, user, submission)) is not None:
        raise AlreadySaved(earlier)
    errors: dict[str, str] = {}
    if kind not in Visit.KINDS:
        errors["kind"] = "请选择走访类型（入户核实或回头看）"
    if not findings.strip():
        errors["findings"] = "请写明核实情况（家庭收支、两不愁三保障、饮水等）"
    now = timezone.now()
    if visited_at is None:
        errors["visited_at"] = "请填写走访时间（如 2026-05-01 09:30）"
    elif visited_at > now + dt.timedelta(minutes=10):
        errors["visited_at"] = "走访时间不能晚于现在"
    if case is not None and case.household_id != household.pk:
        errors["case"] = "该案件不属于这户"
    if (
        complete_step
        and case is not None
        and expected is not None
        and expected != case_services.step_key(case)
    ):
        errors["case"] = STALE
    elif complete_step and (case is None or flow.CaseState(case.phase, case.step).step_name != flow.VERIFY):
        errors["case"] = "该案件当前不在「入户核实」步骤，不能从走访办结"
    if recheck and (case is None or case.phase != flow.CLEARED or kind != flow.RECHECK):
        errors["case"] = "只有风险已消除的案件、走访类型为「回头看」时才能登记回头看结论"
    elif recheck not in ("", "stable", "risk"):
        errors["recheck"] = "请选择回头看结论"
    elif recheck == "risk" and not risk.strip():
        errors["risk"] = "发现返贫风险时请写明是什么风险"
    try:
        photos = check_photos(uploads)
    except VisitError as exc:
        errors.update(exc.errors)
        photos = []
    if errors:
        raise VisitError(errors)
    stored: list[VisitPhoto] = []
    try:
        return _save(household, user, kind, checked, findings, visited_at, photos, case, complete_step,
                     passed, reason, stored, recheck, risk, expected, submission)  # fmt: skip
    except (VisitError, IntegrityError):
        for item in stored:  # the rows were rolled back: remove their files too
            item.file.delete(save=False)
        if submission is not None and (earlier := _earlier(household, user, submission)) is not None:
            raise AlreadySaved(earlier) from None  # the other send of this form saved it first
        raise


def _save(
    household: Household, user: Any, kind: str, checked: list[dict[str, Any]], findings: str,
    visited_at: dt.datetime, photos: list[tuple[str, Photo]], case: Case | None, complete_step: bool,
    passed: bool, reason: str, stored: list[VisitPhoto], recheck: str = "", risk: str = "",
    expected: str | None = None, submission: uuid.UUID | None = None,
) -> Visit:  # fmt: skip
    with transaction.atomic():
        visit = Visit.objects.create(
            household=household,
            case=case,
            kind=kind,
            checked=checked,
            findings=findings.strip(),
            visitor=user,
            visited_at=visited_at,
            submission=submission,
        )
        for name, photo in photos:
            item = VisitPhoto(
                visit=visit,
                original_name=name[:200],
                width=photo.width,
                height=photo.height,
                taken_at=timezone.make_aware(photo.taken_at) if photo.taken_at else None,
                latitude=photo.latitude,
                longitude=photo.longitude,
            )
            item.file.save(f"{uuid.uuid4().hex}.jpg", ContentFile(photo.jpeg), save=True)
            stored.append(item)
        if complete_step and case is not None:
            try:
                case_services.record(case, user, passed, findings, facts={"reason": reason, "note": findings},
                                     expected=expected)  # fmt: skip
            except flow.StepFactsError as exc:
                transaction.set_rollback(True)
                raise VisitError(
                    {k if k != "note" else "findings": v for k, v in exc.errors.items()}
                ) from exc
            except case_services.StaleStepError as exc:
                transaction.set_rollback(True)
                raise VisitError({"case": STALE}) from exc
            except flow.CaseError as exc:
                transaction.set_rollback(True)
                raise VisitError({"case": str(exc)}) from exc
            visit.step = case.steps.order_by("-at", "-id").first()
            visit.save(update_fields=["step"])
        elif recheck and case is not None:
            try:
                visit.step, _ = case_services.record_recheck(
                    case, user, recheck == "stable", findings, risk, on=timezone.localdate(visited_at)
                )
            except flow.StepFactsError as exc:
                transaction.set_rollback(True)
                fields = {"note": "findings", "date": "visited_at"}
                raise VisitError({fields.get(k, k): v for k, v in exc.errors.items()}) from exc
            except flow.CaseError as exc:
                transaction.set_rollback(True)
                raise VisitError({"case": str(exc)}) from exc
            visit.save(update_fields=["step"])
    return visit
