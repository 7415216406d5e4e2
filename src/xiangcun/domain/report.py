"""The yearly evaluation report's content: plain data in, sections out (no Django).

`ReportData` holds what the Django layer collected from live data (aggregates only: no person, no
户编号, no 身份证号 ever reaches this module). `build(data)` turns it into `Section`s made of headings,
paragraphs, tables and chart specifications; the docx renderer (xiangcun.reports.docx) writes them and
the chart module draws the charts. Every sentence is a template filled with the data, and the
problems and suggestions of 七 are rules over lagging targets, warnings, overdue steps and tasks:
nothing is invented. The outline is documented in docs/report.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from xiangcun.domain.formatting import format_number, format_op

DIMENSIONS = ("产业兴旺", "生态宜居", "乡风文明", "治理有效", "生活富裕")
STATUSES = ("已达标", "正常推进", "进度偏慢", "严重滞后", "倒退", "未达标", "数据不足")
BEHIND = ("严重滞后", "倒退", "未达标")
NUMERALS = "一二三四五六七八九十"
TITLES = (
    "一、总体情况",
    "二、主要指标完成情况",
    "三、约束性指标预警",
    "四、防返贫动态监测",
    "五、项目与资金",
    "六、任务落实与考核",
    "七、存在的问题和下一步建议",
)
TARGET_COLUMNS = ("指标", "目标", "应达到值", "实际值", "状态", "说明")


@dataclass
class TargetLine:
    """One target with its assessment (the numbers of indicators.dashboard.rows)."""

    indicator: str
    dimension: str
    unit: str
    year: int
    op: str
    value: float | None
    text: str
    binding: bool
    expected: float | None
    latest: float | None
    latest_year: int | None
    status: str
    warning: bool
    explanation: str
    department: str = ""


@dataclass
class ProjectFigures:
    """The year's projects and 衔接资金 (from projects.selectors), amounts as strings in 万元."""

    year: int
    total: str
    by_type: dict[str, str]
    industry_share: float
    status_counts: dict[str, int]
    by_township: list[dict[str, Any]]  # {"township", "count", "link_fund"}
    warnings: list[str]


@dataclass
class TaskFigures:
    """Tasks and scorecards (from tasks.selectors), when the capability is there."""

    total: int
    by_status: dict[str, int]
    overdue: list[dict[str, Any]]  # {"task", "department", "days"}
    scorecards: dict[str, list[dict[str, Any]]]  # kind label → [{"name", "score", "rank"}]
    on_time_rate: float | None = None
    missing_reports: int = 0
    by_department: list[dict[str, Any]] = field(
        default_factory=list
    )  # {"unit", "total", "completed", "lagging"}


@dataclass
class ReportData:
    region: str
    level: str  # "county" | "township"
    year: int
    as_of: int
    generated: str  # the date, written as people write it
    index_overall: float | None = None
    index_dimensions: list[float | None] = field(default_factory=list)
    index_rank: int | None = None
    index_of: int | None = None
    trend: list[tuple[int, float | None]] = field(default_factory=list)
    ranking: list[tuple[str, float | None]] = field(default_factory=list)
    targets: list[TargetLine] = field(default_factory=list)
    households: dict[str, Any] = field(default_factory=dict)
    projects: ProjectFigures | None = None
    projects_note: str = ""
    tasks: TaskFigures | None = None
    tasks_note: str = ""


# A ranking chart shows every township up to twice this many; beyond, the first and the last this many.
RANKING_ENDS = 15


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # centimetres, optional


@dataclass
class Chart:
    """A chart to draw: kind line | bar | barh; `series` name → values aligned with `labels`."""

    key: str
    caption: str
    kind: str
    labels: list[str]
    series: dict[str, list[float | None]]
    unit: str = ""
    highlight: str = ""


Block = Heading | Paragraph | Table | Chart


@dataclass
class Section:
    title: str
    blocks: list[Block]


def n(value: Any, unit: str | int | None = None) -> str:
    return format_number(value, unit)


def target_text(line: TargetLine) -> str:
    """The target as written in the table: "2025年 ≥ 85 %"."""
    if line.op == "text" or line.value is None:
        return f"{line.year}年 {line.text or '—'}"
    unit = f" {line.unit}" if line.unit else ""
    return f"{line.year}年 {format_op(line.op)} {n(line.value, line.unit)}{unit}"


def value_text(value: float | None, unit: str, year: int | None = None, with_unit: bool = False) -> str:
    if value is None:
        return "—"
    prefix = f"{year}年 " if year else ""
    suffix = f" {unit}" if with_unit and unit else ""
    return f"{prefix}{n(value, unit)}{suffix}"


def money(amount: str) -> str:
    """An amount in 万元 (a '0.0000' string from the project library) with separators, four decimals."""
    return n(amount, 4)


def target_row(line: TargetLine) -> list[str]:
    name = line.indicator + ("（约束性）" if line.binding else "")
    return [
        name,
        target_text(line),
        value_text(line.expected, line.unit),
        value_text(line.latest, line.unit, line.latest_year),
        line.status,
        line.explanation,
    ]


def status_counts(targets: list[TargetLine]) -> dict[str, int]:
    counted = Counter(t.status for t in targets)
    return {s: counted.get(s, 0) for s in STATUSES}


def _counts_sentence(counts: dict[str, int]) -> str:
    parts = [f"{s} {c} 项" for s, c in counts.items() if c]
    return "、".join(parts) if parts else "无"


def overview(data: ReportData) -> Section:
    blocks: list[Block] = []
    who = data.region
    if data.index_overall is not None:
        rank = ""
        if data.index_rank and data.index_of:
            rank = f"，在全县 {data.index_of} 个乡镇中居第 {data.index_rank} 位"
        blocks.append(
            Paragraph(
                f"{data.year}年，{who}乡村振兴指数为 {n(data.index_overall, '指数')} 分（满分 100 分，"
                f"按各指标从基期值到目标值的完成程度计算）{rank}。"
            )
        )
    else:
        blocks.append(
            Paragraph(
                f"{data.year}年，{who}已审核的指标数据不足以计算乡村振兴指数"
                "（每个维度须有足够指标有数据，五个维度均有得分时才计算总指数）。"
            )
        )
    if data.index_dimensions:
        blocks.append(
            Table(
                "表1 乡村振兴指数及分维度得分",
                ["维度", *DIMENSIONS, "总指数"],
                [["得分", *[n(v, "指数") for v in data.index_dimensions], n(data.index_overall, "指数")]],
            )
        )
        scored = [(d, v) for d, v in zip(DIMENSIONS, data.index_dimensions, strict=False) if v is not None]
        if len(scored) >= 2:
            best = max(scored, key=lambda p: p[1])
            worst = min(scored, key=lambda p: p[1])
            blocks.append(
                Paragraph(
                    f"分维度看，{best[0]}得分最高（{n(best[1], '指数')} 分），"
                    f"{worst[0]}得分最低（{n(worst[1], '指数')} 分）。"
                )
            )
    counts = status_counts(data.targets)
    total = len(data.targets)
    binding = sum(1 for t in data.targets if t.binding)
    warned = sum(1 for t in data.targets if t.warning)
    if total:
        blocks.append(
            Paragraph(
                f"纳入评估的指标目标共 {total} 项（其中约束性 {binding} 项），评估口径为截至{data.as_of}年已审核的数据："
                f"{_counts_sentence(counts)}。约束性指标预警 {warned} 项。"
            )
        )
        blocks.append(Table("表2 指标目标完成状态", ["状态", *STATUSES, "合计"],
                            [["项数", *[str(c) for c in counts.values()], str(total)]]))  # fmt: skip
    else:
        blocks.append(Paragraph(f"{who}尚未设定{data.year}年及以后的指标目标。"))
    trend = [(y, v) for y, v in data.trend]
    if any(v is not None for _, v in trend):
        blocks.append(Chart("trend", f"图1 {who}乡村振兴指数变化", "line", [f"{y}年" for y, _ in trend],
                            {"乡村振兴指数": [v for _, v in trend]}, unit="分"))  # fmt: skip
    if total:
        blocks.append(Chart("status", "图2 指标目标完成状态", "bar", list(STATUSES),
                            {"项数": [float(c) for c in counts.values()]}, unit="项"))  # fmt: skip
    if data.ranking and any(v is not None for _, v in data.ranking):
        shown, caption = data.ranking, f"图3 {data.year}年各乡镇乡村振兴指数排名"
        if len(shown) > 2 * RANKING_ENDS:  # hundreds of bars are unreadable (and slow to draw)
            shown = [*shown[:RANKING_ENDS], *shown[-RANKING_ENDS:]]
            caption += f"（共 {len(data.ranking)} 个乡镇，图中为前 {RANKING_ENDS} 名和后 {RANKING_ENDS} 名）"
        blocks.append(Chart("ranking", caption, "barh", [name for name, _ in shown],
                            {"乡村振兴指数": [v for _, v in shown]}, unit="分"))  # fmt: skip
    elif data.level == "township" and data.index_dimensions:
        blocks.append(Chart("ranking", f"图3 {data.year}年{who}分维度得分", "barh", list(DIMENSIONS),
                            {"得分": list(data.index_dimensions)}, unit="分"))  # fmt: skip
    return Section(TITLES[0], blocks)


def by_dimension(targets: list[TargetLine]) -> list[tuple[str, list[TargetLine]]]:
    groups: dict[str, list[TargetLine]] = {}
    for t in targets:
        groups.setdefault(t.dimension if t.dimension in DIMENSIONS else "其他", []).append(t)
    order = [*DIMENSIONS, "其他"]
    return [(d, groups[d]) for d in order if d in groups]


def indicators(data: ReportData) -> Section:
    if not data.targets:
        where = "；全县指标完成情况见县级评估报告" if data.level == "township" else ""
        return Section(TITLES[1], [Paragraph(f"{data.region}尚无{data.year}年及以后的指标目标{where}。")])
    blocks: list[Block] = [
        Paragraph(
            "各维度指标完成情况如下。“应达到值”为按基期值到目标值的路径在最新数据年份应达到的数值，"
            "“实际值”为已审核的最新数据，“说明”列出判定依据。"
        )
    ]
    for i, (dimension, lines) in enumerate(by_dimension(data.targets)):
        counts = status_counts(lines)
        blocks.append(Heading(f"（{NUMERALS[i]}）{dimension}", 2))
        blocks.append(Paragraph(f"{dimension}维度共 {len(lines)} 项指标目标：{_counts_sentence(counts)}。"))
        blocks.append(
            Table(
                f"{dimension}指标完成情况",
                list(TARGET_COLUMNS),
                [target_row(t) for t in lines],
                widths=[3.2, 2.6, 1.8, 2.2, 1.6, 5.6],
            )
        )
    return Section(TITLES[1], blocks)


def warnings(data: ReportData) -> Section:
    warned = [t for t in data.targets if t.warning]
    binding = [t for t in data.targets if t.binding]
    if not data.targets:
        return Section(TITLES[2], [Paragraph(f"{data.region}没有纳入评估的约束性指标目标。")])
    if not binding:
        return Section(TITLES[2], [Paragraph("纳入评估的指标目标中没有约束性指标。")])
    if not warned:
        return Section(TITLES[2], [Paragraph(f"{len(binding)} 项约束性指标均未触发预警。")])
    rows = [
        [t.indicator, target_text(t), value_text(t.latest, t.unit, t.latest_year), t.status,
         t.department or "—", t.explanation]
        for t in warned
    ]  # fmt: skip
    return Section(
        TITLES[2],
        [
            Paragraph(
                f"{len(binding)} 项约束性指标中，{len(warned)} 项触发预警（严重滞后、倒退、未达标，或按趋势外推到目标年不能达标）："
            ),
            Table(
                "约束性指标预警",
                ["指标", "目标", "实际值", "状态", "责任部门", "说明"],
                rows,
                widths=[3.0, 2.6, 2.2, 1.6, 2.0, 5.6],
            ),  # fmt: skip
        ],
    )


def _count_table(caption: str, head: str, counts: dict[str, int], unit: str = "户") -> Table:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return Table(caption, [head, f"数量（{unit}）"], [[k, str(v)] for k, v in items])


def households(data: ReportData) -> Section:
    h = data.households
    if not h or not (h.get("by_township") or h.get("opened") or h.get("closed")):
        return Section(TITLES[3], [Paragraph("本年度没有防返贫监测案件记录。")])
    phases = h.get("phases", {})
    monitored = sum(h.get("by_category", {}).values())
    blocks: list[Block] = [
        Paragraph(
            f"截至报告生成日，{data.region}在帮扶和风险消除审核阶段的监测对象 {monitored} 户；"
            f"识别中 {phases.get('识别', 0)} 户、帮扶中 {phases.get('帮扶', 0)} 户、消除审核中 {phases.get('消除', 0)} 户，"
            f"累计已消除风险 {phases.get('已消除', 0)} 户、经核实未纳入 {phases.get('未纳入', 0)} 户。"
            f"{data.year}年新发现 {h.get('opened', 0)} 户、新纳入 {h.get('admitted', 0)} 户、风险消除 {h.get('closed', 0)} 户；"
            f"{h.get('identification_label', '识别超过15天的案件')} {h.get('identification_overdue', 0)} 件，"
            f"办理步骤超过时限的案件 {h.get('overdue', 0)} 件。"
        )
    ]
    if h.get("by_category"):
        blocks.append(Heading("（一）监测对象类别", 2))
        blocks.append(_count_table("监测对象按类别", "类别", h["by_category"]))
    if h.get("by_cause"):
        blocks.append(Heading("（二）主要风险类型", 2))
        blocks.append(_count_table("监测对象按风险类型（一户可有多种）", "风险类型", h["by_cause"]))
    if h.get("by_measure"):
        blocks.append(Heading("（三）帮扶措施", 2))
        blocks.append(_count_table("帮扶措施", "措施", h["by_measure"], "项"))
    if h.get("by_township"):
        blocks.append(Heading("（四）分乡镇情况", 2))
        cols = ["识别", "帮扶", "消除", "已消除", "未纳入", "识别超期", "步骤超期"]
        late = h.get("identification_label", "识别超过15天的案件")
        blocks.append(
            Table(
                "分乡镇监测案件（户）",
                ["乡镇", "识别中", "帮扶中", "消除审核中", "已消除", "未纳入", late, "步骤超期的案件"],
                [[name, *[str(row.get(c, 0)) for c in cols]] for name, row in h["by_township"].items()],
            )
        )
    return Section(TITLES[3], blocks)


def projects(data: ReportData) -> Section:
    p = data.projects
    if p is None:
        return Section(TITLES[4], [Paragraph(data.projects_note or "项目库尚未启用，本节暂无数据。")])
    active = sum(p.status_counts.values())
    blocks: list[Block] = [
        Paragraph(
            f"{p.year}年项目库共有项目 {active} 个，安排衔接资金 {money(p.total)} 万元（已终止项目不计入金额），"
            f"其中产业发展项目占 {p.industry_share * 100:.2f}%。"
        ),
        Table(
            "衔接资金按项目类型（万元）",
            ["项目类型", "衔接资金"],
            [[k, money(v)] for k, v in p.by_type.items()] + [["合计", money(p.total)]],
        ),  # fmt: skip
        Table("项目进度（个）", list(p.status_counts), [[str(v) for v in p.status_counts.values()]]),
    ]
    if p.by_township:
        blocks.append(
            Table(
                "分乡镇项目和衔接资金",
                ["乡镇", "项目数（个）", "衔接资金（万元）"],
                [[r["township"], str(r["count"]), money(r["link_fund"])] for r in p.by_township],
            )
        )
    if p.warnings:
        blocks.append(Paragraph("资金使用提示：" + "；".join(p.warnings) + "。"))
    return Section(TITLES[4], blocks)


def tasks(data: ReportData) -> Section:
    t = data.tasks
    if t is None or not t.total:
        return Section(
            TITLES[5], [Paragraph(data.tasks_note or f"{data.year}年尚未登记任务分解和考核数据。")]
        )
    on_time = "" if t.on_time_rate is None else f"已到期任务按时完成率 {n(t.on_time_rate, '%')}%；"
    blocks: list[Block] = [
        Paragraph(
            f"{data.year}年登记任务 {t.total} 项：{_counts_sentence(t.by_status)}；{on_time}"
            f"逾期未完成 {len(t.overdue)} 项，应报未报的进度 {t.missing_reports} 次。"
        ),
        Table(
            "任务落实情况（项）",
            [*t.by_status, "合计"],
            [[*[str(v) for v in t.by_status.values()], str(t.total)]],
        ),
    ]
    if t.by_department:
        blocks.append(
            Table(
                "分牵头单位任务落实情况（项）",
                ["牵头单位", "任务", "已完成", "滞后"],
                [
                    [r["unit"], str(r["total"]), str(r["completed"]), str(r["lagging"])]
                    for r in t.by_department
                ],
            )
        )
    if t.overdue:
        blocks.append(
            Table(
                "逾期任务",
                ["任务", "牵头单位", "逾期天数"],
                [[o["task"], o.get("department", "") or "—", str(o["days"])] for o in t.overdue],
                widths=[9.0, 4.0, 2.0],
            )
        )
    for label, cards in t.scorecards.items():
        if cards:
            blocks.append(
                Table(
                    f"{label}考核得分",
                    ["排名", "单位", "得分"],
                    [[str(c.get("rank") or "—"), c["name"], n(c.get("score"), "分")] for c in cards],
                )
            )
    return Section(TITLES[5], blocks)


def suggestions(data: ReportData) -> Section:
    """Problems and next steps, each from a rule over the data (the rule is in the sentence's source)."""
    problems: list[str] = []
    actions: list[str] = []
    warned = [t for t in data.targets if t.warning]
    if warned:
        names = "、".join(f"{t.indicator}（{t.status}）" for t in warned)
        problems.append(f"约束性指标预警 {len(warned)} 项：{names}。")
        for t in warned:
            dept = t.department or "责任部门"
            actions.append(
                f"{dept}针对“{t.indicator}”（{target_text(t)}，实际 {value_text(t.latest, t.unit, t.latest_year, True)}）"
                "制定专项推进措施，按季度报告进展。"
            )
    lagging = [t for t in data.targets if t.status in BEHIND and not t.warning]
    for dimension, lines in by_dimension(lagging):
        names = "、".join(t.indicator for t in lines)
        problems.append(
            f"{dimension}维度有 {len(lines)} 项指标{'、'.join(sorted({t.status for t in lines}))}：{names}。"
        )
        depts = "、".join(sorted({t.department for t in lines if t.department})) or "各责任部门"
        actions.append(f"{depts}对照{dimension}维度滞后指标查找原因，明确年度推进目标。")
    slow = [t for t in data.targets if t.status == "进度偏慢"]
    if slow:
        problems.append(f"{len(slow)} 项指标进度偏慢：{'、'.join(t.indicator for t in slow)}。")
        actions.append("进度偏慢的指标列入季度调度，跟踪到目标年。")
    missing = [t for t in data.targets if t.status == "数据不足"]
    if missing:
        problems.append(
            f"{len(missing)} 项指标缺少已审核数据或无法计算进度：{'、'.join(t.indicator for t in missing)}。"
        )
        actions.append("相关部门按时报送并审核指标数据，补齐基期值。")
    scored = [(d, v) for d, v in zip(DIMENSIONS, data.index_dimensions, strict=False) if v is not None]
    if len(scored) >= 2:
        worst = min(scored, key=lambda p: p[1])
        if worst[1] < 60:
            problems.append(f"{worst[0]}维度得分 {n(worst[1], '指数')} 分，为五个维度中最低。")
            actions.append(f"把{worst[0]}作为下一年度的重点补短板方向。")
    overdue = int(data.households.get("overdue", 0) or 0)
    late = int(data.households.get("identification_overdue", 0) or 0)
    if late:
        problems.append(f"防返贫监测有 {late} 件案件自发现之日起超过识别时限仍未完成识别。")
    if overdue:
        problems.append(f"防返贫监测有 {overdue} 件案件的办理步骤超过时限。")
    if overdue or late:
        actions.append("有关乡镇对超期案件逐件督办，按时限完成核实、评议、审核和审定。")
    if data.projects is not None and data.projects.warnings:
        problems.append("项目资金：" + "；".join(data.projects.warnings) + "。")
        actions.append("按衔接资金使用规定调整项目安排，提高产业发展和劳务报酬比重。")
    if data.tasks is not None and data.tasks.overdue:
        problems.append(f"{len(data.tasks.overdue)} 项任务逾期未完成。")
        depts = "、".join(
            sorted({o.get("department", "") for o in data.tasks.overdue if o.get("department")})
        )
        actions.append(f"{depts or '牵头单位'}对逾期任务说明原因、限期完成，纳入年度考核。")
    if not problems:
        return Section(TITLES[6], [Paragraph("本年度评估未发现需要特别说明的问题，各项工作按计划推进。")])
    blocks: list[Block] = [Heading("（一）存在的问题", 2)]
    blocks += [Paragraph(f"{i}. {text}") for i, text in enumerate(problems, 1)]
    blocks.append(Heading("（二）下一步建议", 2))
    blocks += [Paragraph(f"{i}. {text}") for i, text in enumerate(actions, 1)]
    return Section(TITLES[6], blocks)


def title_of(data: ReportData) -> str:
    return f"{data.region}{data.year}年度乡村振兴规划实施评估报告"


def build(data: ReportData) -> list[Section]:
    """The report's seven sections, in order."""
    return [
        overview(data),
        indicators(data),
        warnings(data),
        households(data),
        projects(data),
        tasks(data),
        suggestions(data),
    ]
