"""Demo tasks for 示范县: the six tasks of the 示范县 proposal with their lead and cooperating
departments, a yearly breakdown imported through the real workbook path, and progress reports in
every status (approved, returned with a reason, waiting for review, missing, late), some with evidence.

Deterministic (fixed seed) and run once: a rerun leaves existing tasks alone.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zlib

import openpyxl
from django.core.files.base import ContentFile
from django.utils import timezone

from xiangcun.domain import tasks as domain
from xiangcun.regions.models import Region

from . import services
from .models import Evidence, ProgressReport, Task, TaskUnit

SEED = 20260110
ALL = "各镇（街道）"
# The demo county's six tasks (title, lead, cooperating): titles and leads as a 示范县 proposal assigns them,
# cooperating lists of three departments written for the demo (a real 分工 names many more).
SIX_TASKS: tuple[tuple[str, str, str], ...] = (
    ("（一）推进脱贫成果全域化巩固", "乡村振兴局", f"民政局、医保局、人社局、{ALL}"),
    ("（二）推进农村户厕精准化改造", "农业农村局", f"卫健局、财政局、乡村振兴局、{ALL}"),
    ("（三）推进生活垃圾社会化管理", "住建局", f"城管局、财政局、生态环境局、{ALL}"),
    ("（四）推进农村污水规范化管控", "生态环境局", f"住建局、水务局、财政局、{ALL}"),
    ("（五）推进村庄生态化建设", "自然资源局", f"妇联、住建局、农业农村局、{ALL}"),
    ("（六）推进乡村系统化治理", "宣传部、政法委", f"民政局、公安局、司法局、{ALL}"),
)  # fmt: skip
# The year's breakdown: (chapter index, content, goal, lead, cooperating, deadline as MM-DD or a word).
BREAKDOWN: tuple[tuple[int, str, str, str, str, str], ...] = (
    (0, "强化监测预警帮扶，及时将“三类户”纳入监测", "", "乡村振兴局", f"民政局、医保局、{ALL}", "每季度"),
    (0, "提高衔接资金用于产业发展的比重", "60%", "乡村振兴局", "农业农村局、财政局", "年底"),
    (0, "稳定脱贫劳动力务工规模", "2.1万人", "人社局", "乡村振兴局、商务和经合局", "年底"),
    (0, "做好易地搬迁后续扶持", "", "发改局", "住建局、人社局", "09-30"),
    (1, "新改造农村户用卫生厕所", "1200座", "农业农村局", f"乡村振兴局、卫健局、{ALL}", "10-31"),
    (1, "建立改厕工作台账（一户一档）", "", ALL, "农业农村局", "06-30"),
    (2, "全域推行农村生活垃圾分类", "", "住建局", f"生态环境局、城管局、{ALL}", "年底"),
    (2, "试点建设镇级生活垃圾中转站", "3个", "住建局", "发改局、财政局", "08-31"),
    (3, "建成村级污水处理设施", "15个", "生态环境局", "住建局、财政局", "年底"),
    (3, "摸清已建污水处理设施运行情况", "", "生态环境局", ALL, "05-31"),
    (4, "编制村庄规划", "20个", "自然资源局", "农业农村局、住建局", "11-30"),
    (4, "实施农村人居环境整治提升", "", "自然资源局", f"农业农村局、妇联、{ALL}", "长期"),
    (5, "创建县级以上文明村镇", "8个", "宣传部", "新时代文明实践中心", "年底"),
    (5, "推行网格化和数字化协同治理", "", "政法委", f"公安局、民政局、{ALL}", "09-30"),
)  # fmt: skip
TEXTS = {
    "未开始": "已制定实施方案，尚未开工。",
    "推进中": "按计划推进，已完成阶段性工作。",
    "已完成": "已全面完成年度任务，通过验收。",
    "滞后": "受资金到位和施工条件影响，进度滞后，已制定整改措施。",
}
RETURN_REASONS = (
    "缺少佐证材料，请补充现场照片",
    "完成数量与台账不一致，请核实后重报",
    "进展情况过于笼统，请写明具体数量",
)


def workbook(year: int) -> bytes:
    """The demo breakdown as a 任务 workbook (the six tasks, then their breakdown)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = domain.SHEET
    sheet.append(list(domain.COLUMNS))
    for n, (title, lead, cooperating) in enumerate(SIX_TASKS, start=1):
        sheet.append([f"{year}-0{n}", title, title, "", lead, cooperating, "年底", year])
    for n, (chapter, content, goal, lead, cooperating, deadline) in enumerate(BREAKDOWN, start=1):
        when = f"{year}-{deadline}" if deadline[:1].isdigit() else deadline
        sheet.append([f"{year}-{chapter + 1}.{n:02d}", SIX_TASKS[chapter][0], content, goal, lead, cooperating,
                      when, year])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes((60, 140, 90)) * 16 for _ in range(16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))  # fmt: skip


def _pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")  # fmt: skip


def build_demo(county: Region) -> str:
    """This year's breakdown with reports so far, and last year's, closed, so the yearly report has one."""
    year = timezone.localdate().year
    if Task.objects.filter(county=county, year=year).exists():
        return "演示任务已存在，未重复生成。"
    figures = [_build_year(county, y, closed=y < year) for y in (year, year - 1)]
    return (
        "演示任务："
        + "；".join(
            f"{y}年 {n} 项（含示范县创建方案六项任务），进展 {r} 条，佐证材料 {e} 个"
            for y, n, r, e in figures
        )
        + "。"
    )


def _build_year(county: Region, year: int, closed: bool) -> tuple[int, int, int, int]:
    """One year's tasks and reports; in a closed (past) year every report has been reviewed."""
    setting = services.settings_for(county)
    result = services.import_tasks(workbook(year), "演示任务表.xlsx", county)
    if not result.ok:
        raise ValueError("演示任务生成失败：" + "；".join(str(e) for e in result.errors[:5]))
    rng = random.Random(SEED + year if closed else SEED)
    today = timezone.localdate()
    county_user = _user("county")
    reports = evidence = 0
    tasks = list(Task.objects.filter(county=county, year=year).order_by("code").prefetch_related("units"))
    for n, task in enumerate(tasks):
        plan = ("on_time", "late", "lagging", "on_time", "not_started", "missing", "on_time")[n % 7]
        units = list(task.units.all())
        leads = [u for u in units if u.role == TaskUnit.Role.LEAD]
        if any(u.township_id for u in leads):
            plan = "on_time"  # the townships' own ledger task: done, with some reports late or missing
        helpers = [u for u in units if u.role == TaskUnit.Role.COOPERATING][:2]
        done = False
        started = [p for p in domain.periods(year, setting.period) if p.start <= today]
        for k, period in enumerate(started):
            last = k == len(started) - 1
            if done or (plan == "missing" and k % 2 == 1) or (plan == "not_started" and k > 0):
                continue
            deadline_passed = task.deadline is not None and period.end >= task.deadline
            if plan == "not_started":
                status = domain.NOT_STARTED
            elif plan in ("on_time", "late") and deadline_passed:
                status = domain.DONE
            elif plan == "lagging" and k >= 1:
                status = domain.LAGGING
            else:
                status = domain.IN_PROGRESS if k or plan != "missing" else domain.NOT_STARTED
            if plan == "on_time" and status == domain.DONE and task.deadline is not None:
                at = min(period.end, task.deadline) - dt.timedelta(days=rng.randint(1, 10))
            else:
                at = period.end + dt.timedelta(
                    days=rng.randint(-12, 4) if plan != "late" else rng.randint(5, 40)
                )
            at = min(at, today)
            review = ProgressReport.Review.APPROVED
            reason = ""
            if closed:
                pass
            elif last and n % 3 == 0:
                review = ProgressReport.Review.SUBMITTED
            elif last and n % 3 == 1 and status != domain.DONE:
                review, reason = ProgressReport.Review.RETURNED, RETURN_REASONS[n % len(RETURN_REASONS)]
            for unit in leads + (helpers if k % 2 == 0 else []):
                if unit.township_id and rng.random() < 0.2:
                    continue  # a township that has not reported this period
                late = dt.timedelta(days=rng.randint(0, 25) if unit.township_id and rng.random() < 0.3 else 0)
                figure = None
                if task.goal_value is not None and unit.role == TaskUnit.Role.LEAD:
                    share = 1.0 if status == domain.DONE else min(0.95, (k + 1) / 4 * rng.uniform(0.6, 1.1))
                    figure = (task.goal_value * type(task.goal_value)(str(round(share, 2)))).quantize(
                        task.goal_value
                    )
                report = ProgressReport.objects.create(
                    task=task, unit=unit, period=period.key, status=status if unit.role == "lead" else domain.IN_PROGRESS,
                    text=TEXTS[status] if unit.role == "lead" else f"{unit.name}已按分工配合推进。", figure=figure,
                    review=review, return_reason=reason, times_returned=1 if reason else 0,
                    reported_at=timezone.make_aware(dt.datetime.combine(min(today, at + late), dt.time(10))),
                    reviewed_by=county_user if review != ProgressReport.Review.SUBMITTED else None,
                    reviewed_at=timezone.make_aware(dt.datetime.combine(min(today, at + dt.timedelta(days=3)), dt.time(15)))
                    if review != ProgressReport.Review.SUBMITTED else None,
                )  # fmt: skip
                reports += 1
                if unit.role == TaskUnit.Role.LEAD and (n + k) % 3 == 0:
                    name, data = ("现场照片.png", _png()) if k % 2 else ("阶段总结.pdf", _pdf())
                    Evidence.objects.create(report=report, file=ContentFile(data, name=name), filename=name,
                                            kind=name.rsplit(".", 1)[1], size=len(data))  # fmt: skip
                    evidence += 1
            if status == domain.DONE and review == ProgressReport.Review.APPROVED:
                done = True
        services.update_task_status(task)
    return year, len(tasks), reports, evidence


def _user(username: str) -> object:
    from xiangcun.accounts.models import User

    return User.objects.filter(username=username).first()
