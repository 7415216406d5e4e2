"""Asset ledger import/export, 确权 of drafts, disposal, income distribution and 公示 over the database.

The rules are in xiangcun.domain.assets; every write here is audited (model signals for single
changes, `record_bulk` for imports).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from xiangcun.accounts.scopes import scoped
from xiangcun.audit.services import record_bulk
from xiangcun.core.permissions import is_county_admin
from xiangcun.domain.assets import disclosure
from xiangcun.domain.assets.distribution import DistributionError, Share, amount, check_share, check_total
from xiangcun.domain.assets.ledger import CATEGORY_BY_PROJECT_TYPE, DISPOSED, INCOME_CATEGORY, owner_type
from xiangcun.domain.assets.workbook import SHEET, CellError, read_assets, write_assets
from xiangcun.households.models import Household
from xiangcun.projects.models import Project, ProjectType
from xiangcun.regions.models import Region

from .models import Asset, AssetIncome, DisclosureSettings, Distribution, Publicity

EDIT_ROLES = ("system_admin", "county_admin", "township_admin", "village_reporter")
IMPORTED = ("name", "project_id", "category", "region_id", "value", "year", "owner", "owner_type", "custodian",
            "custodian_person", "operating_mode", "state", "draft")  # fmt: skip


def can_edit(user: Any) -> bool:
    """Who keeps the ledger: county, township and village staff (each within their scope)."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in EDIT_ROLES))


def is_county(user: Any) -> bool:
    """Disposal approvals and county settings: the county role."""
    return is_county_admin(user)


def county_of_region(region: Region) -> Region | None:
    codes = [region.path[i : i + 12] for i in range(0, len(region.path), 12)]
    return Region.objects.filter(code__in=codes, depth=3).first()


@dataclass
class ImportReport:
    errors: list[CellError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    error_count: int = 0  # all the file's problems; `errors` keeps the first 1000 and a line saying so

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            count = max(self.error_count, sum(1 for e in self.errors if e.row) or len(self.errors))
            return f"导入失败：发现 {count} 处错误，没有写入任何数据。"
        return f"导入成功：资产新增 {self.created}、更新 {self.updated}。"


def import_assets(data: bytes, filename: str, actor: Any = None, scope: Region | None = None) -> ImportReport:
    """Import the 资产 sheet; re-imported 资产编号 are updated in place, all or nothing.

    scope: the importer's region (None: everything). Regions, projects and existing assets outside it
    are errors, never silent writes.
    """
    regions = Region.objects.filter(depth__gte=3)
    if scope is not None:
        regions = regions.within(scope)
    region_rows = {code: (pk, path) for code, pk, path in regions.values_list("code", "id", "path")}
    counties = dict(Region.objects.filter(depth=3).values_list("path", "id"))
    projects = Project.objects.all()
    if scope is not None:
        projects = projects.filter(region__path__startswith=scope.path)
    project_ids = {}
    for county_id, code, pk in projects.values_list("county_id", "code", "id"):
        project_ids[(county_id, code)] = pk
    disposed = set(Asset.objects.filter(state=DISPOSED).values_list("code", flat=True))
    parsed = read_assets(
        data,
        filename,
        region_rows.keys(),
        {code for _, code in project_ids},
        disposed,
        today=timezone.localdate(),
    )
    report = ImportReport(errors=parsed.errors, error_count=parsed.error_count)
    if not parsed.ok:
        return report
    rows = parsed.rows
    for row in rows:
        region_id, path = region_rows[row["region"]]
        row["region_id"] = region_id
        row["county_id"] = next(
            (counties[path[:i]] for i in range(12, len(path) + 1, 12) if path[:i] in counties), None
        )
        if row["county_id"] is None:
            report.errors.append(CellError(row["row"], "所在区划代码", "区划不在任何县之下", SHEET))
            continue
        row["project_id"] = None
        if row["project"]:
            row["project_id"] = project_ids.get((row["county_id"], row["project"]))
            if row["project_id"] is None:
                report.errors.append(
                    CellError(row["row"], "来源项目编号", f"「{row['project']}」不是本县的项目", SHEET)
                )
        row["draft"] = False
    if report.errors:
        return report
    with transaction.atomic():
        report.created, report.updated = _write(rows, actor, scope, report)
    return report


@dataclass(frozen=True)
class _Ref:
    """What the audit log needs of a written asset (its pk and text), without building a model instance."""

    pk: int
    text: str

    def __str__(self) -> str:
        return self.text


def _write(
    rows: list[dict[str, Any]], actor: Any, scope: Region | None, report: ImportReport
) -> tuple[int, int]:
    """Insert new and update changed assets with one executemany each (a model instance per row would
    cost more than the whole import); refuses rows touching assets outside the scope or disposed ones."""
    wanted = {r["code"] for r in rows}
    existing: dict[tuple[int, str], dict[str, Any]] = {}
    names = ("id", "county_id", "code", "region__path", *IMPORTED)
    codes = sorted(wanted)
    for start in range(0, len(codes), 10_000):
        chunk = codes[start : start + 10_000]
        for values in Asset.objects.filter(code__in=chunk).values_list(*names):
            item = dict(zip(names, values, strict=True))
            existing[(item["county_id"], item["code"])] = item
    problems = []
    for r in rows:
        old = existing.get((r["county_id"], r["code"]))
        if old is None:
            continue
        if scope is not None and not old["region__path"].startswith(scope.path):
            problems.append(
                CellError(r["row"], "资产编号", f"资产「{r['code']}」已登记在您管辖范围以外", SHEET)
            )
        elif old["state"] == DISPOSED and r["state"] != DISPOSED:
            problems.append(CellError(r["row"], "状态", "该资产已经批准处置，不能恢复为在用状态", SHEET))
    if problems:
        report.errors = problems[:1000]
        transaction.set_rollback(True)
        return 0, 0
    ops = connection.ops
    today = ops.adapt_datefield_value(timezone.localdate())
    now = ops.adapt_datetimefield_value(timezone.now())
    table = ops.quote_name(Asset._meta.db_table)
    column = {f: ops.quote_name(Asset._meta.get_field(f.removesuffix("_id")).column) for f in
              (*IMPORTED, "county_id", "code", "confirmed_at", "updated_at", "disposal_approval", "disposal_note")}  # fmt: skip

    def db(field: str, value: Any) -> Any:
        return ops.adapt_decimalfield_value(value, 16, 4) if field == "value" else value

    inserts, updates, audit = [], [], []
    for r in rows:
        values = {f: r[f] for f in IMPORTED}
        old = existing.get((r["county_id"], r["code"]))
        if old is None:
            inserts.append(
                [r["county_id"], r["code"], *(db(f, values[f]) for f in IMPORTED), today, now, "", ""]
            )
            continue
        diff = {k: (old[k], v) for k, v in values.items() if old[k] != v}
        if diff:
            updates.append([*(db(f, values[f]) for f in IMPORTED), today, now, old["id"]])
            audit.append((_Ref(old["id"], f"{r['code']} {r['name']}"), "update", diff))
    with connection.cursor() as cursor:
        if inserts:
            fields = [
                "county_id",
                "code",
                *IMPORTED,
                "confirmed_at",
                "updated_at",
                "disposal_approval",
                "disposal_note",
            ]
            sql = (f"INSERT INTO {table} ({', '.join(column[f] for f in fields)}) "
                   f"VALUES ({', '.join(['%s'] * len(fields))})")  # fmt: skip
            for start in range(0, len(inserts), 10_000):
                cursor.executemany(sql, inserts[start : start + 10_000])
        if updates:
            sets = ", ".join(f"{column[f]} = %s" for f in (*IMPORTED, "confirmed_at", "updated_at"))
            sql = f"UPDATE {table} SET {sets} WHERE {ops.quote_name('id')} = %s"
            for start in range(0, len(updates), 10_000):
                cursor.executemany(sql, updates[start : start + 10_000])
    if inserts:
        by_code = {(r["county_id"], r["code"]): r for r in rows}
        for county_id, code, pk in _values_by_code([i[1] for i in inserts]):
            r = by_code.get((county_id, code))
            if r is not None and (county_id, code) not in existing:
                audit.append(
                    (
                        _Ref(pk, f"{code} {r['name']}"),
                        "create",
                        {"code": (None, code), "name": (None, r["name"])},
                    )
                )
    record_bulk(Asset, audit, actor, note="导入资产台账")  # type: ignore[arg-type]
    return len(inserts), len(updates)


def _values_by_code(codes: list[str]) -> list[tuple[int, str, int]]:
    out: list[tuple[int, str, int]] = []
    for start in range(0, len(codes), 10_000):
        out += Asset.objects.filter(code__in=codes[start : start + 10_000]).values_list(
            "county_id", "code", "id"
        )
    return out


def export_rows(assets: QuerySet[Asset]) -> list[dict[str, Any]]:
    """Ledger rows in the import format (callers scope the queryset and audit the export)."""
    rows = assets.order_by("code").values_list(
        "code", "name", "project__code", "category", "region__code", "value", "year", "owner", "custodian",
        "custodian_person", "operating_mode", "state",
    )  # fmt: skip
    names = ("code", "name", "project", "category", "region", "value", "year", "owner", "custodian",
             "custodian_person", "operating_mode", "state")  # fmt: skip
    return [dict(zip(names, r, strict=True)) for r in rows]


def export_assets(assets: QuerySet[Asset]) -> bytes:
    return write_assets(export_rows(assets))


# ---------------------------------------------------------------- drafts and 确权


def make_drafts(projects: QuerySet[Project]) -> int:
    """A draft asset (待确权) for every accepted project that has none yet; returns how many were made.

    The draft takes the project's name, place, total investment and finish year; its category follows
    the project type (产业发展 → 经营性 …) until staff confirm it.
    """
    made = 0
    for project in projects.filter(status="accepted", assets__isnull=True).select_related("region"):
        label = ProjectType(project.project_type).label
        year = project.actual_finish.year if project.actual_finish else project.year
        Asset.objects.create(
            county_id=project.county_id, code=f"{project.code}-01", name=project.name[:100], project=project,
            category=CATEGORY_BY_PROJECT_TYPE.get(label, "公益性"), region=project.region,
            value=project.total_investment, year=year, draft=True, state="正常运营",
        )  # fmt: skip
        made += 1
    return made


def confirm(asset: Asset, actor: Any = None) -> Asset:
    """确权: the draft, its owner and custodian filled in, enters the ledger. When the last draft of an
    accepted project is confirmed, the project moves on to 已形成资产 (a project step by `actor`)."""
    asset.owner_type = owner_type(asset.owner)
    asset.draft = False
    asset.confirmed_at = timezone.localdate()
    asset.save()
    project = asset.project
    if (
        project is not None
        and project.status == "accepted"
        and not project.assets.filter(draft=True).exists()
    ):
        from xiangcun.projects.services import change_status

        with contextlib.suppress(ValueError):  # moved meanwhile by someone else: the asset stays confirmed
            change_status(project, "assets_formed", actor, remarks=f"资产已确权：{asset.code} {asset.name}")
    return asset


class AssetError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors.values()))


def dispose(asset: Asset, approval: str, date: dt.date | None, note: str) -> Asset:
    """已处置 with the approval that allows it (批准文号 and date are required)."""
    errors = {}
    if not approval.strip():
        errors["disposal_approval"] = "资产处置须经审批，请填写批准文号"
    if date is None:
        errors["disposal_date"] = "请填写处置日期"
    elif date > timezone.localdate():
        errors["disposal_date"] = "处置日期不能晚于今天"
    if asset.draft:
        errors["general"] = "待确权的资产不能处置，请先确权"
    if errors:
        raise AssetError(errors)
    asset.state = DISPOSED
    asset.disposal_approval, asset.disposal_date, asset.disposal_note = approval.strip(), date, note.strip()
    asset.save()
    return asset


# ---------------------------------------------------------------- income and distribution


def record_income(asset: Asset, year: int, value: Any, note: str = "") -> AssetIncome:
    errors = {}
    if asset.category != INCOME_CATEGORY:
        errors["general"] = "只有经营性资产登记收益"
    if asset.draft:
        errors["general"] = "待确权的资产不能登记收益，请先确权"
    this_year = timezone.localdate().year
    if not asset.year <= year <= this_year:
        errors["year"] = f"年度应在 {asset.year}–{this_year} 之间（资产形成之后）"
    try:
        money = amount(value)
    except DistributionError as exc:
        errors.update(exc.errors)
        money = Decimal(0)
    if errors:
        raise AssetError(errors)
    income = AssetIncome.objects.filter(asset=asset, year=year).first()
    if income is not None:
        distributed = income.distributions.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if money < distributed:
            raise AssetError({"amount": f"已分配 {distributed:,.2f} 元，收益不能少于已分配金额"})
        income.amount, income.note = money, note
        income.save()
        return income
    return AssetIncome.objects.create(asset=asset, year=year, amount=money, note=note)


def distribute(income: AssetIncome, user: Any, values: dict[str, str]) -> Distribution:
    """Record one share of `income`; refused (DistributionError) when the rules do not allow it.

    The household is looked up within the user's scope and the asset's township (or county for a
    county-level asset): a household the user cannot see is "not found".
    """
    money = amount(values.get("amount", ""))
    code = values.get("household", "").strip()
    share = Share(values.get("use", ""), money, code, values.get("basis", ""), values.get("work", ""),
                  values.get("reason", ""))  # fmt: skip
    check_share(share)
    household = None
    if code:
        area = (
            income.asset.region.path[: 4 * 12] if income.asset.region.depth >= 4 else income.asset.region.path
        )
        household = (
            scoped(Household.objects.all(), user).filter(code=code, village__path__startswith=area).first()
        )
        if household is None:
            raise DistributionError(
                {"household": f"户编号「{code}」不存在，或不在您的管辖范围和该资产所在乡镇内"}
            )
    with transaction.atomic():
        locked = AssetIncome.objects.select_for_update().get(pk=income.pk)
        already = locked.distributions.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        check_total(locked.amount, already, money)
        return Distribution.objects.create(
            income=locked, use=share.use, amount=money, household=household, basis=share.basis,
            work=share.work.strip(), reason=share.reason.strip(), note=values.get("note", "").strip()[:200],
        )  # fmt: skip


# ---------------------------------------------------------------- 公示


def min_days(county: Region | None) -> int:
    if county is None:
        return disclosure.DEFAULT_MIN_DAYS
    stored = DisclosureSettings.objects.filter(county=county).values_list("min_days", flat=True).first()
    return stored or disclosure.DEFAULT_MIN_DAYS


def publish_notice(
    user: Any,
    kind: str,
    title: str,
    region: Region,
    year: int,
    start: dt.date | None,
    end: dt.date | None,
    channel: str,
    project: Project | None = None,
    income: AssetIncome | None = None,
) -> Publicity:
    errors: dict[str, str] = {}
    if kind not in disclosure.KINDS:
        errors["kind"] = f"公示类型应为 {'、'.join(disclosure.KINDS)} 之一"
    if channel not in disclosure.CHANNELS:
        errors["channel"] = f"公示渠道应为 {'、'.join(disclosure.CHANNELS)} 之一"
    if not title.strip():
        errors["title"] = "请填写标题"
    elif len(title) > 200:
        errors["title"] = f"标题不能超过 200 字（现有 {len(title)} 字）"
    if kind in ("项目计划", "项目竣工") and project is None:
        errors["project"] = "请选择要公示的项目"
    if (
        kind == "项目竣工"
        and project is not None
        and project.status not in ("completed", "accepted", "assets_formed")
    ):
        errors["project"] = "项目尚未完工，不能进行竣工公示"
    if kind == "收益分配" and income is None:
        errors["income"] = "请选择要公示的资产收益"
    county = county_of_region(region)
    try:
        disclosure.check_period(start, end, min_days(county))
    except disclosure.DisclosureError as exc:
        errors.update(exc.errors)
    if errors:
        raise AssetError(errors)
    return Publicity.objects.create(
        kind=kind, title=title.strip()[:200], county=county or region, region=region, year=year, project=project,
        income=income, start=start, end=end, channel=channel, created_by=user if user.is_authenticated else None,
    )  # fmt: skip


def close_notice(notice: Publicity, count: int, objections: str, handling: str) -> Publicity:
    errors = {}
    if count < 0:
        errors["objection_count"] = "异议件数不能为负数"
    if count and not handling.strip():
        errors["handling"] = "有异议时请填写处理结果"
    if count and not objections.strip():
        errors["objections"] = "有异议时请填写异议情况"
    if errors:
        raise AssetError(errors)
    notice.objection_count, notice.objections, notice.handling = count, objections.strip(), handling.strip()
    notice.save()
    return notice


# ---------------------------------------------------------------- ledger views


def warning_rows(assets: QuerySet[Asset]) -> QuerySet[Asset]:
    """Assets on the warning list: 经营性 without an operating mode, 公益性 without a 管护责任人, 闲置/损毁."""
    return (
        assets.filter(draft=False)
        .exclude(state=DISPOSED)
        .filter(
            Q(category=INCOME_CATEGORY, operating_mode="")
            | Q(category="公益性", custodian_person="")
            | Q(state__in=("闲置", "损毁"))
        )
    )
