"""Plan tasks (任务分工/任务分解): the yearly breakdown workbook, deadlines, reporting periods and 督办.

Plain Python: the Django app (xiangcun.tasks) hands in resolver callables and dates and gets back
parsed rows, due dates and days overdue.

Rules (also in docs/assessment.md, 任务与考核):
- 完成时限 is a date (2026-06-30, 2026/6/30, 2026年6月30日, an Excel date), or 年底 (31 December of the
  task's 年度), 每季度 (a recurring task: judged by its reports, no single deadline) or 长期 (no deadline).
- The lead units report progress per period (quarter or month, a county setting); a period's report is due
  `grace_days` after the period ends. A period without a report that counts (submitted or approved;
  a returned report does not count until it is sent again) is missing once it is due. Cooperating
  units add their part; it is shown with the task but not owed.
- A task is overdue when its deadline has passed and it is not completed; days overdue = today − deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from . import uploads
from .tables import Checked, Problems, TableError, cell_text, read_sheet

SHEET = "任务"
COLUMNS = ("任务编号", "所属规划条目", "任务内容", "量化目标", "牵头单位", "配合单位", "完成时限", "年度")
STATUSES = ("未开始", "推进中", "已完成", "滞后")
NOT_STARTED, IN_PROGRESS, DONE, LAGGING = STATUSES
DEADLINE_KINDS = ("date", "年底", "每季度", "长期")
PERIOD_KINDS = {"quarter": "季度", "month": "月"}
DEFAULT_GRACE_DAYS = 10
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ERRORS = 1000
MAX_CHARS = {"任务编号": 40, "所属规划条目": 200, "任务内容": 2000, "量化目标": 200}
ALL_TOWNSHIPS = ("各镇（街道）", "各镇(街道)", "各乡镇", "各镇街", "各乡镇（街道）", "各乡镇(街道)", "各镇")
_SEPARATORS = re.compile(r"[、，,；;／/\s]+")


@dataclass(frozen=True)
class Unit:
    """A responsible unit as resolved: a department or a township (exactly one of the two ids)."""

    name: str
    department: Any = None
    township: Any = None


TaskSheet = Checked


# ---------------------------------------------------------------- values


def split_units(text: str) -> list[str]:
    """Unit names as written, separated by 、 ， , ； or spaces; brackets in 各镇(街道) stay together."""
    protected = text
    for name in ALL_TOWNSHIPS:
        protected = protected.replace(name, name.replace("(", "（").replace(")", "）"))
    parts = [p.strip() for p in _SEPARATORS.split(protected) if p.strip()]
    out: list[str] = []
    for part in parts:
        if part not in out:
            out.append(part)
    return out


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_MONTH_END = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(?:底|末)$")


def parse_deadline(text: str, year: int | None) -> tuple[str, dt.date | None]:
    """(kind, date) for a 完成时限; raises ValueError with a Chinese message."""
    text = text.strip()
    if text in ("年底", "年末", "年内"):
        if year is None:
            raise ValueError("「年底」需要有效的年度")
        return "年底", dt.date(year, 12, 31)
    if text in ("每季度", "按季度"):
        return "每季度", None
    if text in ("长期", "持续推进", "长期坚持"):
        return "长期", None
    text = text.split(" ")[0]
    for pattern in _DATE_PATTERNS:
        if m := pattern.match(text):
            try:
                return "date", dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError as exc:
                raise ValueError(f"「{text}」不是有效日期") from exc
    if (m := _MONTH_END.match(text)) and (m[1] or year):
        y, month = int(m[1] or year or 0), int(m[2])
        if 1 <= month <= 12:
            return "date", dt.date(y, month, calendar.monthrange(y, month)[1])
    raise ValueError(f"「{text or '空'}」无效，应为日期（如 2026-06-30）或 年底、每季度、长期")


_GOAL = re.compile(r"(-?\d+(?:\.\d+)?)\s*([^\d\s，,。；;]{0,8})\s*$")


def parse_goal(text: str) -> tuple[Decimal | None, str, str]:
    """(number, unit, what) of a 量化目标 such as 新改造农村户用卫生厕所 500 座 or 85%; empty → (None, "", "")."""
    text = text.strip()
    if not text:
        return None, "", ""
    m = _GOAL.search(text)
    if not m:
        raise ValueError(f"「{text}」中没有数字，量化目标应写为“数字+单位”，如 500座、85%")
    try:
        value = Decimal(m[1])
    except InvalidOperation as exc:  # pragma: no cover - the pattern only matches numbers
        raise ValueError(f"「{text}」中的数字无效") from exc
    what = text[: m.start()].strip().rstrip("：:达到为")
    return value, m[2].strip(), what


# ---------------------------------------------------------------- periods and overdue


@dataclass(frozen=True)
class Period:
    key: str  # 2026-Q1 / 2026-M03
    label: str
    start: dt.date
    end: dt.date

    def due(self, grace_days: int = DEFAULT_GRACE_DAYS) -> dt.date:
        return self.end + dt.timedelta(days=grace_days)


def periods(year: int, kind: str) -> list[Period]:
    """The reporting periods of `year`: four quarters or twelve months."""
    return list(_periods(year, kind))


@functools.lru_cache(maxsize=256)
def _periods(year: int, kind: str) -> tuple[Period, ...]:
    """Built once per year and kind: the 督办 page asks for them for every unit of every task."""
    if kind == "month":
        return tuple(
            Period(f"{year}-M{m:02d}", f"{year}年{m}月", dt.date(year, m, 1),
                   dt.date(year, m, calendar.monthrange(year, m)[1]))
            for m in range(1, 13)
        )  # fmt: skip
    if kind != "quarter":
        raise ValueError(f"未知的报送周期「{kind}」，应为 quarter 或 month")
    return tuple(
        Period(f"{year}-Q{q}", f"{year}年第{q}季度", dt.date(year, 3 * q - 2, 1),
               dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1]))
        for q in range(1, 5)
    )  # fmt: skip


def period_by_key(key: str) -> Period:
    m = re.fullmatch(r"(\d{4})-(Q[1-4]|M(?:0[1-9]|1[0-2]))", key)
    if not m:
        raise ValueError(f"「{key}」不是报送期（如 2026-Q1、2026-M03）")
    kind = "quarter" if m[2][0] == "Q" else "month"
    return next(p for p in periods(int(m[1]), kind) if p.key == key)


def due_periods(year: int, kind: str, today: dt.date, grace_days: int = DEFAULT_GRACE_DAYS) -> list[Period]:
    """Periods of `year` whose report is due by `today`."""
    return [p for p in periods(year, kind) if p.due(grace_days) <= today]


def overdue_days(deadline: dt.date | None, completed: bool, today: dt.date) -> int:
    """Days a task is past its deadline (0 with no deadline, when completed, or not yet due)."""
    if deadline is None or completed:
        return 0
    return max(0, (today - deadline).days)


def required_periods(
    year: int,
    kind: str,
    today: dt.date,
    grace_days: int = DEFAULT_GRACE_DAYS,
    completed: dt.date | None = None,
) -> list[Period]:
    """The due periods a unit must report for: none after the task was completed."""
    return [
        p for p in due_periods(year, kind, today, grace_days) if completed is None or p.start <= completed
    ]


def missing_reports(
    year: int,
    kind: str,
    reported: Iterable[str],
    today: dt.date,
    grace_days: int = DEFAULT_GRACE_DAYS,
    completed: dt.date | None = None,
) -> list[tuple[Period, int]]:
    """(period, days overdue) for the due periods without a counting report, most overdue first."""
    have = set(reported)
    late = [
        (p, (today - p.due(grace_days)).days)
        for p in required_periods(year, kind, today, grace_days, completed)
    ]
    return sorted([(p, d) for p, d in late if p.key not in have], key=lambda item: -item[1])


def completed_on_time(deadline: dt.date | None, completed_on: dt.date | None) -> bool | None:
    """Whether a task with a deadline was completed by it (None: no deadline to judge against)."""
    if deadline is None:
        return None
    return completed_on is not None and completed_on <= deadline


def current_status(latest: str | None, deadline: dt.date | None, today: dt.date) -> str:
    """The status shown: the latest approved report's, or 滞后 once the deadline passed without 已完成."""
    status = latest or NOT_STARTED
    if status != DONE and deadline is not None and today > deadline:
        return LAGGING
    return status


# ---------------------------------------------------------------- the workbook


def read_tasks(
    source: bytes | str | os.PathLike[str],
    filename: str = "",
    unit_of: Callable[[str], Unit | None] | None = None,
    all_townships: Callable[[], list[Unit]] | None = None,
    chapter_of: Callable[[str], Any] | None = None,
    *,
    today: dt.date | None = None,
    max_errors: int = MAX_ERRORS,
) -> TaskSheet:
    """Read and check sheet 任务; every row parsed, or every problem with row, column and message.

    unit_of maps a 牵头单位/配合单位 name to a department or township (None: unknown → an error);
    all_townships gives the townships meant by 各镇（街道）; chapter_of maps 所属规划条目 to a plan task
    (None: kept as text only).
    """
    today = today or dt.date.today()
    problems = Problems(SHEET, max_errors)
    add = problems.add
    try:
        data = read_sheet(source, filename, SHEET, COLUMNS, what="任务分解表", max_bytes=MAX_FILE_BYTES,
                          max_unpacked=MAX_UNCOMPRESSED_BYTES, max_rows=MAX_ROWS)  # fmt: skip
    except TableError as exc:
        return Checked.failed(str(exc))
    cache: dict[str, Unit | None] = {}

    def units(number: int, column: str, text: str) -> list[Unit]:
        out: list[Unit] = []
        for name in split_units(text):
            if name.replace("(", "（").replace(")", "）") in {
                n.replace("(", "（").replace(")", "）") for n in ALL_TOWNSHIPS
            }:
                out.extend(all_townships() if all_townships else [])
                continue
            if name not in cache:
                cache[name] = unit_of(name) if unit_of else Unit(name)
            if cache[name] is None:
                add(number, column, f"「{name}」不是本县的部门或乡镇（部门可在“管理·部门”中添加别名）")
            else:
                out.append(cache[name])  # type: ignore[arg-type]
        return out

    first_row: dict[tuple[str, str], int] = {}
    rows: list[dict[str, Any]] = []
    for number, cells in data:
        texts = {c: cell_text(v) for c, v in zip(COLUMNS, cells, strict=False)}
        for column, limit in MAX_CHARS.items():
            if len(texts.get(column, "")) > limit:
                add(number, column, f"内容过长（超过 {limit} 个字）")
        row: dict[str, Any] = {"_row": number}
        year_text = texts["年度"]
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not 2000 <= year <= today.year + 5:
            add(number, "年度", f"「{year_text or '空'}」不是有效年度（2000–{today.year + 5}）")
            year = None
        row["year"] = year
        code = texts["任务编号"][: MAX_CHARS["任务编号"]]
        if not code:
            add(number, "任务编号", "不能为空")
        elif (code, year_text) in first_row:
            add(number, "任务编号", f"「{code}」与第{first_row[(code, year_text)]}行重复")
        else:
            first_row[(code, year_text)] = number
        row["code"] = code
        row["content"] = texts["任务内容"][: MAX_CHARS["任务内容"]]
        if not row["content"]:
            add(number, "任务内容", "不能为空")
        row["chapter"] = texts["所属规划条目"][: MAX_CHARS["所属规划条目"]]
        row["plan_item"] = chapter_of(row["chapter"]) if chapter_of and row["chapter"] else None
        try:
            row["goal_value"], row["goal_unit"], row["goal_text"] = parse_goal(texts["量化目标"])
        except ValueError as exc:
            add(number, "量化目标", str(exc))
        lead_text = texts["牵头单位"]
        if not lead_text:
            add(number, "牵头单位", "不能为空")
        row["lead"] = units(number, "牵头单位", lead_text)
        lead_names = {u.name for u in row["lead"]}
        row["cooperating"] = [
            u for u in units(number, "配合单位", texts["配合单位"]) if u.name not in lead_names
        ]
        try:
            row["deadline_kind"], row["deadline"] = parse_deadline(texts["完成时限"], year)
        except ValueError as exc:
            add(number, "完成时限", str(exc))
        rows.append(row)
    if not data:
        add(0, "", f"「{SHEET}」表没有数据行")
    return problems.result(rows)


def template_rows() -> list[list[str]]:
    """The header and one example row, for the template download."""
    return [
        list(COLUMNS),
        ["2026-01", "（二）推进农村户厕精准化改造", "新改造农村户用卫生厕所", "500座", "农业农村局",
         "乡村振兴局、卫健局、各镇（街道）", "年底", "2026"],
    ]  # fmt: skip


# ---------------------------------------------------------------- evidence files

EVIDENCE_KINDS = {"pdf", "docx", "xlsx", "jpg", "png"}
EVIDENCE_TYPES = uploads.CONTENT_TYPES
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_FILES = 10


def evidence_kind(filename: str, data: bytes, max_bytes: int = MAX_EVIDENCE_BYTES) -> str:
    """The kind of an evidence file after checking its content, not only its name (`uploads.check`);
    ValueError with a Chinese message."""
    name = Path(filename or "").name or "文件"
    if uploads.KINDS.get(Path(name).suffix.lower()) not in EVIDENCE_KINDS:
        raise ValueError(f"「{name}」：佐证材料只接受 pdf、docx、xlsx、jpg、png 文件")
    return uploads.check(name, data, EVIDENCE_KINDS, max_bytes)
