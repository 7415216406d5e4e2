"""Writes to the project library: workbook import, status steps, plan projects into the library."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from xiangcun.accounts.scopes import scope_of, scoped
from xiangcun.audit.services import record_bulk
from xiangcun.core.queries import values_in
from xiangcun.departments.models import Department
from xiangcun.departments.services import resolve as resolve_department
from xiangcun.domain import projects as domain
from xiangcun.domain import uploads
from xiangcun.domain.projects.workbook import AMOUNTS, COUNTS, CellError, read_projects, write_projects
from xiangcun.plans.models import PlanItem
from xiangcun.regions.models import Region

from .models import FundRule, Project, ProjectStatus, ProjectStep, StepAttachment
from .permissions import can_admit

IMPORTED_FIELDS = ["name", "project_type", "work_relief", "region_id", "content", "department_id", "year",
                   *AMOUNTS.values(), *COUNTS.values(), "status"]  # fmt: skip
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_KINDS = {"pdf", "docx", "xlsx", "ole", "jpg", "png"}  # 批复, 验收报告, photos


def _read(f: Any) -> bytes:
    """The upload's bytes, leaving it ready to be saved from the start."""
    f.seek(0)
    data = f.read()
    f.seek(0)
    return data


class StepError(ValueError):
    """A status change that cannot be made; the message is in Chinese."""


@dataclass
class ImportReport:
    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            count = max(self.error_count, len(self.errors))
            return f"导入失败：发现 {count} 处错误，没有写入任何数据。"
        return f"导入成功：项目新增 {self.created}、更新 {self.updated}、未变 {self.unchanged}。"


def county_regions(county: Region, user: Any = None) -> tuple[dict[str, int], set[str]]:
    """Township and village codes of `county` the user may use ({code: id}), and the other ones."""
    regions = dict(Region.objects.within(county).filter(depth__in=(4, 5)).values_list("code", "id"))
    if user is None or scope_of(user).everything:
        return regions, set()
    allowed = dict(
        scoped(Region.objects.within(county).filter(depth__in=(4, 5)), user).values_list("code", "id")
    )
    return allowed, set(regions) - set(allowed)


def import_projects(
    data: bytes | Any, filename: str, county: Region, actor: Any = None, today: dt.date | None = None
) -> ImportReport:
    """Import sheet 项目 into `county`'s library; existing 项目编号 are updated. All or nothing.

    With an `actor`, region codes and existing projects must lie in the actor's scope, and only a
    county account may set a project to 入库 or beyond from 储备 (or create one there).
    """
    regions, others = county_regions(county, actor)
    departments = list(Department.objects.filter(region=county))
    sheet = read_projects(
        data,
        filename,
        regions.keys(),
        lambda name: resolve_department(name, departments),  # type: ignore[arg-type]
        other_region_codes=others,
        today=today,
    )
    report = ImportReport(errors=sheet.errors, error_count=sheet.error_count)
    if not sheet.ok:
        return report
    with transaction.atomic():
        codes = [r["code"] for r in sheet.rows]
        # Plain tuples, not model instances: 20 000 Project objects would cost more than the import.
        existing: dict[str, dict[str, Any]] = {}
        for values in values_in(
            Project.objects.filter(county=county), "code", codes, "id", "code", *IMPORTED_FIELDS
        ):
            existing[values[1]] = {"id": values[0], **dict(zip(IMPORTED_FIELDS, values[2:], strict=True))}
        visible = set(existing)
        if actor is not None and existing and not scope_of(actor).everything:
            ids = [e["id"] for e in existing.values()]
            visible = set()
            for start in range(0, len(ids), 10_000):
                part = Project.objects.filter(pk__in=ids[start : start + 10_000])
                visible |= set(scoped(part, actor).values_list("code", flat=True))
        admit = actor is None or can_admit(actor)
        errors: list[CellError] = []
        for row in sheet.rows:
            old = existing.get(row["code"])
            if old is not None and row["code"] not in visible:
                errors.append(
                    CellError(row["_row"], "项目编号", f"「{row['code']}」已登记在您管辖范围以外", "项目")
                )
            elif not admit and domain.crosses_admission(old["status"] if old else None, row["status"]):
                errors.append(
                    CellError(row["_row"], "状态",
                              f"「{domain.STATUSES[row['status']]}」：只有县级账号可以将项目入库，乡镇只能报送储备项目", "项目")
                )  # fmt: skip
        if errors:
            report.errors, report.error_count = errors[:1000], len(errors)
            return report
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        status_changes: list[tuple[int, str, str]] = []
        audit: list[tuple[Any, str, dict[str, tuple[Any, Any]]]] = []
        for row in sheet.rows:
            values = {
                "name": row["name"], "project_type": row["project_type"], "work_relief": row["work_relief"],
                "region_id": regions[row["region_code"]], "content": row["content"],
                "department_id": row["department"].pk, "year": row["year"], "status": row["status"],
                **{key: row[key] for key in (*AMOUNTS.values(), *COUNTS.values())},
            }  # fmt: skip
            old = existing.get(row["code"])
            if old is None:
                new.append({"code": row["code"], **values})
                continue
            diff = {k: (old[k], v) for k, v in values.items() if old[k] != v}
            if not diff:
                report.unchanged += 1
                continue
            if "status" in diff:
                status_changes.append((old["id"], old["status"], row["status"]))
            changed.append({"id": old["id"], **values})
            audit.append((_Ref(old["id"], f"{row['code']} {row['name']}"), "update", diff))
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        actor_id = _actor(actor).pk if _actor(actor) is not None else None
        blank = [
            "performance_target",
            "performance_unit",
            "termination_reason",
        ]  # NOT NULL text, empty at first
        _insert(Project, ["county_id", "code", *IMPORTED_FIELDS, *blank, "created_at", "updated_at"],
                [[county.pk, r["code"], *(r[f] for f in IMPORTED_FIELDS), "", "", "", now, now] for r in new])  # fmt: skip
        _update(
            Project,
            [*IMPORTED_FIELDS, "updated_at"],
            [[*(r[f] for f in IMPORTED_FIELDS), now, r["id"]] for r in changed],
        )
        steps = [
            [pk, before, after, "导入项目表时更新", actor_id, now] for pk, before, after in status_changes
        ]
        if new:
            ids = dict(
                values_in(
                    Project.objects.filter(county=county), "code", [r["code"] for r in new], "code", "id"
                )
            )
            for r in new:
                steps.append([ids[r["code"]], "", r["status"], "导入项目表", actor_id, now])
                audit.append((_Ref(ids[r["code"]], f"{r['code']} {r['name']}"), "create",
                              {"code": (None, r["code"]), "name": (None, r["name"])}))  # fmt: skip
        _insert(ProjectStep, ["project_id", "from_status", "to_status", "remarks", "actor_id", "at"], steps)
        record_bulk(Project, audit, actor, note="导入项目表")
        report.created, report.updated = len(new), len(changed)
    return report


@dataclass(frozen=True)
class _Ref:
    """What the audit log needs of a row written without a model instance."""

    pk: int
    text: str

    def __str__(self) -> str:
        return self.text


def _columns(model: type[Any], fields: list[str]) -> list[str]:
    return [model._meta.get_field(f.removesuffix("_id") if f.endswith("_id") else f).column for f in fields]


def _insert(model: type[Any], fields: list[str], rows: list[list[Any]]) -> None:
    """INSERT the rows through executemany (no model instances, no per-row signals: the caller audits).

    Values go to the driver as they are: ints, str, bool, Decimal (both drivers take it) and datetimes
    already adapted by the caller (`connection.ops.adapt_datetimefield_value`)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _update(model: type[Any], fields: list[str], rows: list[list[Any]]) -> None:
    """UPDATE … WHERE id = %s for each row (values in `fields` order, then the id)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in _columns(model, fields))
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _actor(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def export_rows(projects: QuerySet[Project]) -> list[dict[str, Any]]:
    """Projects as workbook rows (the keys `write_projects` takes)."""
    fields = ["code", "name", "project_type", "work_relief", "region__code", "content", "department__name", "year",
              *AMOUNTS.values(), *COUNTS.values(), "status"]  # fmt: skip
    rows = []
    for values in projects.order_by("year", "code").values_list(*fields):
        row = dict(zip(fields, values, strict=True))
        row["region_code"] = row.pop("region__code")
        row["department_name"] = row.pop("department__name") or ""
        rows.append(row)
    return rows


def export_projects(projects: QuerySet[Project], title: str = "") -> bytes:
    """Sheet 项目 (reads back unchanged) and sheet 公告 (by type, subtotals, total)."""
    data = write_projects(export_rows(projects), title=title)
    assert data is not None
    return data


# ---------------------------------------------------------------- status steps


def change_status(
    project: Project,
    to_status: str,
    actor: Any,
    *,
    remarks: str = "",
    expected_status: str | None = None,
    files: list[UploadedFile] | None = None,
    today: dt.date | None = None,
) -> ProjectStep:
    """Move `project` one step along the chain (or to 已终止 with a reason), as `actor`.

    expected_status: the status the user saw; if someone else moved the project meanwhile the change
    is refused rather than applied on top.
    """
    today = today or timezone.localdate()
    files = files or []
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if expected_status is not None and project.status != expected_status:
            raise StepError(f"项目状态已被他人改为「{project.status_label}」，请刷新页面后再办理")
        if to_status not in domain.next_statuses(project.status):
            allowed = "、".join(domain.STATUSES[s] for s in domain.next_statuses(project.status)) or "无"
            raise StepError(
                f"「{project.status_label}」的项目不能改为「{domain.STATUSES.get(to_status, to_status)}」"
                f"（可办理：{allowed}）"
            )
        if to_status in domain.COUNTY_ONLY and not can_admit(actor):
            raise StepError("项目入库须由县级账号办理（“严格项目论证入库”）")
        remarks = remarks.strip()
        if to_status == ProjectStatus.TERMINATED and not remarks:
            raise StepError("终止项目须写明终止原因")
        for f in files:
            if f.size and f.size > MAX_ATTACHMENT_BYTES:
                raise StepError(f"附件「{f.name}」超过 20 MB")
            try:  # by content, not name: a page or an SVG called 批复.pdf is never kept
                uploads.check(f.name or "", _read(f), ATTACHMENT_KINDS, MAX_ATTACHMENT_BYTES)
            except uploads.UploadError as exc:
                raise StepError(f"附件{exc}") from exc
        step = ProjectStep.objects.create(
            project=project,
            from_status=project.status,
            to_status=to_status,
            remarks=remarks,
            actor=_actor(actor),
        )
        for f in files:
            StepAttachment.objects.create(step=step, file=f, filename=f.name or "附件", size=f.size or 0)
        project.status = to_status
        update = ["status", "updated_at"]
        if to_status == ProjectStatus.TERMINATED:
            project.termination_reason = remarks
            update.append("termination_reason")
        if to_status == ProjectStatus.IN_PROGRESS and project.actual_start is None:
            project.actual_start = today
            update.append("actual_start")
        if to_status == ProjectStatus.COMPLETED and project.actual_finish is None:
            project.actual_finish = today
            update.append("actual_finish")
        project.save(update_fields=update)
    return step


# ---------------------------------------------------------------- plan projects into the library


def plan_projects(user: Any, county: Region) -> QuerySet[PlanItem]:
    """Project items confirmed in the county's confirmed, not archived plans, that the user may see."""
    items = PlanItem.objects.filter(
        kind=PlanItem.Kind.PROJECT,
        status=PlanItem.Status.CONFIRMED,
        version__status="confirmed",
        version__plan__archived_at__isnull=True,
        version__plan__region=county,
    ).select_related("version__plan")
    return scoped(items, user).order_by("version__plan_id", "position")


def take_plan_item(item: PlanItem, county: Region, actor: Any) -> Project:
    """The plan's project as a 储备 project in the library, linked to its plan item (once only)."""
    existing = Project.objects.filter(plan_item=item).first()
    if existing is not None:
        return existing
    data = item.effective
    plan = item.version.plan
    amount = data.get("investment_wan_yuan")
    total = Decimal(str(amount)).quantize(domain.QUANTUM) if amount not in (None, "") else Decimal(0)
    region = item.region if item.region is not None and item.region.depth in (4, 5) else county
    quote = str(data.get("quote") or "")
    length = data.get("length_km")
    content = "；".join(x for x in (quote, f"长度 {length} 公里" if length else "") if x)
    year = plan.period_start or timezone.localdate().year
    with transaction.atomic():
        project = Project.objects.create(
            county=county,
            code=f"GH-{item.pk}",
            name=str(data.get("name") or item.label)[:200],
            project_type=guess_type(str(data.get("box") or "")),
            region=region,
            content=content[:2000],
            year=year,
            total_investment=total,
            other_fund=total,  # the split into 衔接资金 is decided at 入库
            status=ProjectStatus.RESERVE,
            plan_item=item,
        )
        ProjectStep.objects.create(
            project=project,
            from_status="",
            to_status=ProjectStatus.RESERVE,
            remarks=f"来自规划《{plan.title}》{data.get('box') or ''}；资金构成待入库时确定（总投资暂记为其他资金）",
            actor=_actor(actor),
        )
    return project


_TYPE_WORDS = (
    ("industry", ("产业", "农业", "种植", "养殖", "加工", "旅游", "电商", "特色")),
    ("employment", ("就业", "技能", "培训", "务工", "劳务")),
    ("relocation", ("搬迁", "安置")),
    ("governance", ("治理", "文明", "党建", "法治")),
    ("construction", ("建设", "道路", "公路", "水利", "饮水", "人居", "环境", "厕所", "基础设施", "工程")),
)


def guess_type(box: str) -> str:
    """A first guess of the type from the 专栏 title (the county corrects it before 入库)."""
    for code, words in _TYPE_WORDS:
        if any(w in box for w in words):
            return code
    return "other"


# ---------------------------------------------------------------- fund rules


def rules_for(county: Region, year: int) -> FundRule:
    """The county's rules for `year`, or an unsaved FundRule with the defaults and their sources."""
    rule = FundRule.objects.filter(county=county, year=year).first()
    return rule or FundRule(county=county, year=year)
