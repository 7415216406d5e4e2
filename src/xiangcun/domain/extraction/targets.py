"""Quantitative targets stated in running text and 专栏 boxes, read by `../shared/extraction-spec.md`.

A target is a number the plan commits the county (or a named part of it) to reach:

- a state verb before it: "农村卫生厕所普及率达到85%以上", "粮食总产稳定在4.9万吨以上";
- an action count: a verb, what is counted and a number with a unit ("建设产地集配中心9个",
  "新建2个农村养老服务中心", "闲置废弃房拆除1408栋");
- a growth or share: "年均增长20%以上", "提高5个百分点", "占比达到50%", or a rate stated bare in a
  sentence about the future ("规划期末，农村乡镇燃气气化率70%").

Left out: the past (a section on 发展基础, "已建成", "“十三五”时期", years before the plan starts),
ranges ("3—5个"), thresholds that qualify a noun ("800人以上的村"), loan terms, numbers inside quotation
marks (names such as "“1111”格局"), numbers that are not followed by a unit, and redacted values ("x座").

The year: a year (到2025年, 2025年底, 规划期末, “十四五”末) applies to the rest of its sentence; a yearly
document (a "2022年…工作要点") or the plan's own note "未说明年份的均为2025年目标值" gives its year to
targets that state none. A paragraph that wraps across lines is read as one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .document import Document
from .outline import heading
from .quantities import Quantity, find_quantities

_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")
_CLAUSE = re.compile(r"[^，,；;：:]+[，,；;：:]*")
_YEAR = re.compile(
    r"(?P<lead>到|至|截至|截止到?|于|在)?\s*(?:(?:19|20)\d{2}\s*[—\-–－~～至到]\s*)?"
    r"(?P<year>(?:19|20)\d{2})(?:\s*年(?:底|末|前|内|度)?|(?<=[到至]\d{4})(?=[\u4e00-\u9fff]))(?!\s*\d{1,2}\s*月)"
)
_BASE_YEAR = re.compile(r"(?:比|较|与|同|从|自|以|由|相对于)\s*$")
_YEAR_AFTER_NOT_TARGET = re.compile(r"^\s*(?:起|以来|开始|基础上|相比|水平|的)")
_PLAN_END = re.compile(r"规划期末|规划末期|期末|“?十四五”?末|“?十四五”?(?:期间|时期)|到规划期")
_FIVE_YEAR_END = {"十三五": 2020, "十四五": 2025, "十五五": 2030}
_DEFAULT_YEAR_NOTE = re.compile(
    r"(?:未(?:说明|注明|标明|标注|明确)(?:年份|年度|时间)的?(?:目标)?(?:值)?|除(?:特别)?(?:注明|说明|标注)(?:年份)?(?:外|者外))"
    r"[，,]?(?:均|都|皆)?(?:为|是|指)\s*((?:19|20)\d{2})\s*年"
)
_COUNTY_PREFIX = re.compile(
    r"(?:我县|本县|[\u4e00-\u9fff]{2,3}县)(?![级域城委直属内外乡镇])(?=[\u4e00-\u9fff]{3})"
)
_BRACKETED = re.compile(r"（[^（）]{0,30}）|\([^()]{0,30}\)")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_CN_YEAR = re.compile(r"[〇零○一二三四五六七八九]{4}(?=\s*年)")
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
_DOCUMENT_KIND = re.compile(
    r"工作要点|工作计划|工作方案|实施方案|任务清单|任务分解|计划|要点|安排|资金|公告|公示|通知|方案"
)

# Verbs after which a number is a commitment.
_STATE = (
    "提高到|提高至|提升到|提升至|增长到|增长至|增加到|增加至|增至|扩大到|扩大至|发展到|发展至|达到|达(?=\\s*[约近]?\\s*\\d)|"
    "稳定在|保持在|维持在|不得超过|不得高于|超过|突破|不低于|不少于|不得低于|不得少于|至少|不高于|不超过|控制在|"
    "降低到|降低至|降到|降至|下降到|下降至|减少到|减少至|缩小到|缩小至"
)
_ACTION = (
    "改扩建|新改建|新建改造|更新改造|建设|新建|改建|扩建|改造|创建|创成|建成|建立|培育|打造|扶持|新发展|发展|"
    "引进|引育|选派|培训|培养|实施|新增|完成|治理|整治|拆除|回引|吸引|认证|申报|开展|举办|组织|遴选|转移|"
    "吸纳|带动|安置|种植|栽植|造林|修建|铺设|硬化|安装|配备|配齐|推广|收集|创制|研发|选育|覆盖|整合|流转|"
    "托管|开发|招引|储备|增加|提升|有机转换|消除|聘用|新开工|投入|落实|帮扶|建|改|整理|复垦|恢复|"
    "评选|选树|命名|认定|打通|清理|清运|清除|(?<!力)争创|组建|推进(?=\\s*\\d)|提供|安排|培植|扩大|新增加|转化|输出|回收|处理|补植|营造|绿化|保护|修复|监测|检测|保持|"
    r"(?<=[乡镇村户校院室区])有"
)
_GROWTH = "年均增长|年增长|增长|提高|提升|增加|下降|降低|减少|缩小"
_VERB = re.compile(
    rf"(?P<growth>{_GROWTH})(?=\s*(?:约|近|超)?\s*[\d百])|(?P<state>{_STATE})|(?P<action>{_ACTION})"
)
_MAY_HOLD_FIGURE = re.compile(
    r"\d|[两二三四五六七八九十百千万][个条座所家户名人项处支套类种场次轮起亩吨元]|百分之"
)
_HAS_FIGURE = re.compile(r"\d|[两二三四五六七八九十百千万][个条座所家户名人项处支套类种场次]|百分之|期末")
_HAS_YEAR = re.compile(r"(?:19|20)\d\d|期末|十[三四五]五")
_VERB_AT_END = re.compile(rf"(?:{_STATE}|{_ACTION}|约)$")
_ACTION_THEN_OBJECT_AT_END = re.compile(rf"(?:{_ACTION})[\u4e00-\u9fff]{{2,12}}$")
_NOT_A_VERB_AFTER = re.compile(r"^(?:不到|成效|效果|的|了|不)")
_NOT_REACHED = re.compile(r"^(?:标|不)")  # "达标", "达不到"
_OP_BY_VERB = {
    "超过": ">", "突破": ">", "不低于": ">=", "不少于": ">=", "不得低于": ">=", "不得少于": ">=", "至少": ">=",
    "不高于": "<=", "不超过": "<=", "不得超过": "<=", "不得高于": "<=", "控制在": "<=", "降低到": "<=", "降低至": "<=", "降到": "<=", "降至": "<=",
    "下降到": "<=", "下降至": "<=", "减少到": "<=", "减少至": "<=", "缩小到": "<=", "缩小至": "<=",
}  # fmt: skip
_OP_BY_SUFFIX = {"以上": ">=", "以下": "<=", "以内": "<=", "之内": "<=", "左右": "="}

# A bare rate in a sentence about the future: "规划期末，农村乡镇燃气气化率70%".
_RATIO_SUBJECT = re.compile(r"(?:比|指数|系数)$")
_RATE_SUBJECT = re.compile(r"(?:率|比重|比例|占比|覆盖面)$")
# The past: a clause or the sentence before the number says it has happened.
_PAST = re.compile(
    r"已经|已(?:建成|完成|实现|达到|累计|有|形成|创建|培育|投入|获得|通过)|累计(?:投入|完成|建成|实现|资助|惠及|发放|"
    r"投放|谋划|培训|带动|改造|新增|创建)|共(?:建成|完成|有)|现有|目前|截至|截止|“?十三五”?(?:时期|期间|以来)|以来|"
    r"近年来|过去|普查|显示|排名|位列|全部脱贫"
)
_PAST_IN_CLAUSE = re.compile(
    r"(?:实现|完成|建成|达到|取得|形成|创建|投入|发放|惠及|资助|带动|培训|解决|改造|搬迁|脱贫|打造|获得)了"
)
_PAST_SECTION = re.compile(
    r"(?:发展|现实|工作|良好|坚实)基础|现状|成就|成绩|回顾|取得|面临|形势|发展环境|背景|概况|县情|基本情况|主要成效"
)
_COMMIT = re.compile(r"确保|力争|争取|保持|实现")
# Benefit and eligibility terms of a policy (reimbursement rates, caps), like loan terms, are not targets.
_BENEFIT = re.compile(
    r"报销|起付|封顶|自付|救助|资助|缴费|目录内|目录外|支付比例|限额|单个项目|补助(?:资金)?(?:不超过|不高于|最高|上限)"
)
_LOAN = re.compile(r"期限|利率|贴息|授信|（含）|\(含\)")
_QUOTED = re.compile(r"“[^”]{0,30}”|\"[^\"]{0,30}\"|《[^》]*》|〔[^〕]{0,12}〕|\[[^\]]{0,12}\]")
_SCOPE_COUNTY = re.compile(r"全县|全区|全市|全旗")
_SCOPE_GROUP = re.compile(
    r"(每个[\u4e00-\u9fff]{0,4}?(?:乡镇（街道）|乡镇\(街道\)|乡镇|行政村|村|社区|镇|乡|街道|户)|每村|每镇|每乡|每户|"
    r"各乡镇(?:（街道）)?|各行政村|各村|[\u4e00-\u9fff]{2}(?:地区|片区)(?=[^\u4e00-\u9fff]|内|共|要|实现|建设|新建))"
)
_TOWNSHIP = re.compile(
    r"^(?:在)?([\u4e00-\u9fff]{2,5}?(?:镇|乡|街道))(?![\u4e00-\u9fff]{0,1}(?:村|级|域|镇|土|愁))"
)
# What a scope covers, read from how it ends: "每个乡镇（街道）", "各乡镇" are every township; "每个行政村",
# "各村" every village; "每户" every household; "平川地区" a part of the county; "甲镇" one township.
SCOPE_KINDS = ("county", "township", "every_township", "every_village", "every_household", "area")
_EVERY = re.compile(r"^(?:每|各)")
_KIND_BY_END = (
    (re.compile(r"(?:镇|乡|街道)$"), "every_township"),
    (re.compile(r"(?:行政村|村|社区)$"), "every_village"),
    (re.compile(r"户$"), "every_household"),
)
_NOT_TOWNSHIP = re.compile(
    r"(?:城镇|村镇|乡镇|集镇|小城镇|城乡|全乡|全镇|各镇|各乡|重点镇|特色小镇|示范镇|示范乡|家乡|下乡|返乡|回乡|本乡|城市|美丽乡)$"
)
_SUBJECT_NOISE = re.compile(
    r"^(?:其中|力争|确保|争取|努力|基本|全面|逐步|进一步|持续|稳步|继续|同时|并|使|让|推动|推进|实现|年均|累计|"
    r"全县|全区|全市|到|至|将|要|总体|当年|每年|计划|预计|以上|完成|及时|着力|重点|积极|大力|的|"
    r"以|和|与|及|、|“|”|\s)+"
)
_SUBJECT_TAIL = re.compile(
    r"(?:要|须|必须|应|应当|将|均|都|总体|平均|分别|稳步|逐年|逐步|力争|争取|确保|基本|全部|每年|年均|年|可|能|达|实现|至少|不低于)+$"
)
_COUNT_UNITS = frozenset(
    [
        "个",
        "家",
        "户",
        "座",
        "所",
        "处",
        "条",
        "项",
        "村",
        "支",
        "队",
        "批",
        "套",
        "台",
        "辆",
        "艘",
        "盏",
        "栋",
        "幢",
        "间",
        "眼",
        "口",
        "宗",
        "件",
        "份",
        "部",
        "本",
        "种",
        "类",
        "期",
        "张",
        "块",
        "站",
        "园",
        "场",
    ]
)
_PEOPLE_UNITS = frozenset(("人", "名", "位", "万人", "人次", "万人次", "名次"))
_AREA_UNITS = frozenset(("亩", "万亩", "公顷", "平方公里", "平方米", "万平方米"))
_LENGTH_UNITS = frozenset(("公里", "千米", "米", "延米", "km"))
_CHANGE_VERBS = frozenset(
    (
        "新建",
        "改建",
        "扩建",
        "改扩建",
        "新改建",
        "改造",
        "更新改造",
        "新增",
        "拆除",
        "整治",
        "治理",
        "培训",
        "认证",
    )
)
_JOIN_END = re.compile(r"[。！？!?；;：:）)」』”]$")


@dataclass
class _Text:
    """A paragraph, or a paragraph that wrapped onto the following lines, with the line of each character."""

    text: str = ""
    starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, line)

    def add(self, text: str, line: int) -> None:
        self.starts.append((len(self.text), line))
        self.text += text

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, number in self.starts:
            if start > offset:
                break
            line = number
        return line


@dataclass
class _Context:
    start_year: int | None
    end_year: int | None
    default_year: int | None
    document_year: int | None


def extract_targets(
    document: Document, end_year: int | None = None, start_year: int | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every prose target of `document`, in document order, each with its quote and source line."""
    document_year = _document_year(document)
    note = _DEFAULT_YEAR_NOTE.search("\n".join(b.text for b in document.blocks if not b.is_row))
    context = _Context(
        start_year=document_year or start_year,
        end_year=end_year,
        default_year=int(note.group(1)) if note else document_year,
        document_year=document_year,
    )
    targets: list[dict[str, Any]] = []
    seen: set[tuple[int, str, float, str | None, int | None]] = set()
    for paragraph, past_section in _paragraphs(document):
        for target in _paragraph_targets(paragraph, past_section, context):
            key = (target["line"], target["subject"], target["value"], target["unit"], target["year"])
            if key in seen:
                continue
            seen.add(key)
            targets.append(target)
    return targets, []


def _document_year(document: Document) -> int | None:
    """The one year of a yearly document, from its title ("2022年乡村振兴工作要点")."""
    for block in document.blocks[:8]:
        text = block.text
        if block.is_row or len(text) > 60 or heading(text):
            continue
        if re.search(r"(?:19|20)\d{2}\s*[—\-–－~～至到]\s*(?:19|20)\d{2}|十[三四五]五", text):
            return None
        match = re.search(r"((?:19|20)\d{2})\s*年(?:度)?(?!\s*\d{1,2}\s*月)", text)
        if match and _DOCUMENT_KIND.search(text[match.end() :]):
            return int(match.group(1))
    return None


def _paragraphs(document: Document) -> Iterator[tuple[_Text, bool]]:
    """Paragraphs joined across wrapped lines, each with whether it sits in a section on the past."""
    current: _Text | None = None
    past_level: int | None = None
    past = False
    for block in document.blocks:
        if block.is_row:
            if current is not None:
                yield current, past
                current = None
            continue
        found = heading(block.text)
        if found:
            level = found[0]
            if past_level is not None and level <= past_level:
                past_level = None
            if past_level is None and _PAST_SECTION.search(found[2]) and len(found[2]) <= 20:
                past_level = level
        joins = (
            current is not None
            and not found
            and len(current.text) >= 30
            and not _JOIN_END.search(current.text)
        )
        if current is not None and not joins:
            yield current, past
            current = None
        if current is None:
            current = _Text()
            past = past_level is not None
        current.add(block.text, block.line)
    if current is not None:
        yield current, past


def _paragraph_targets(paragraph: _Text, past_section: bool, context: _Context) -> Iterator[dict[str, Any]]:
    text = paragraph.text
    past_paragraph = past_section
    for number, sentence_match in enumerate(_SENTENCE.finditer(text)):
        sentence = sentence_match.group(0)
        if not _MAY_HOLD_FIGURE.search(sentence):
            continue
        if number == 0 and _PAST.search(sentence.split("，")[0]):
            past_paragraph = True
        yield from _sentence_targets(sentence, sentence_match.start(), paragraph, past_paragraph, context)


def _sentence_targets(
    sentence: str, offset: int, paragraph: _Text, past_paragraph: bool, context: _Context
) -> Iterator[dict[str, Any]]:
    plain = _plain(sentence)
    masked = _QUOTED.sub(lambda m: "□" * len(m.group(0)), plain)
    # A note in brackets ("（2020年已完成）") speaks of itself: its year and its past stay inside it.
    unbracketed = _BRACKETED.sub(lambda m: "□" * len(m.group(0)), plain)
    year: int | None = None
    year_at = -1  # where in the sentence the year in force was stated
    future_year = False  # a year the plan looks forward to is in force
    sentence_past = False
    scope = "全县" if _SCOPE_COUNTY.search(sentence) else None
    township = _township(sentence)
    last_subject: str | None = None
    carried_verb: str | None = None  # "创建省级龙头产业3个，市级示范合作社10个": the verb goes on
    for clause_match in _CLAUSE.finditer(masked):
        clause = clause_match.group(0)
        start = clause_match.start()
        text = sentence[start : clause_match.end()]
        plain_text = plain[start : clause_match.end()]
        if not _HAS_FIGURE.search(clause) and not _HAS_YEAR.search(plain_text):
            continue
        outside = unbracketed[start : clause_match.end()]
        years = _years(outside, context) if _HAS_YEAR.search(outside) else []
        previous_end = 0
        found: list[dict[str, Any]] = []
        quantities = find_quantities(clause)
        if not quantities:
            if years and (year_at < start + years[-1][0]):
                year, year_at = years[-1][1], start + years[-1][0]
                future_year = _future(year, years[-1][2], context)
            continue
        clause_verbs = list(_VERB.finditer(clause))
        past_before = bool(_PAST.search(unbracketed[:start]))
        for quantity in quantities:
            for cut_at, value, ahead in years:
                if cut_at <= quantity.start:
                    year, year_at = value, start + cut_at
                    future_year = _future(value, ahead, context)
            in_clause = outside[: quantity.start]
            if _PAST.search(in_clause) or _PAST_IN_CLAUSE.search(in_clause) or past_before:
                sentence_past = True
            past = (
                (past_paragraph and not future_year)
                or (sentence_past and not future_year)
                or (year is not None and context.start_year is not None and year < context.start_year)
            )
            target = _target(
                clause, text, quantity, bool(years), last_subject, previous_end, carried_verb, clause_verbs
            )
            if target is None:
                continue  # a figure that is no target ("由28%提高到…") does not end the next one's subject
            previous_end = quantity.end
            last_subject = target["subject"]  # "…达到26.3万吨，到2025年达到27万吨": the same subject
            carried_verb = target.pop("_verb")
            if past:
                continue
            own_group = _SCOPE_GROUP.search(text[: quantity.start])
            group = own_group or _SCOPE_GROUP.search(sentence[:start])
            every_year = [m.end() for m in re.finditer(r"每年|年年|逐年", masked[: start + quantity.start])]
            target_scope = (
                (own_group.group(1) if own_group else None)
                or scope
                or (group.group(1) if group else None)
                or township
            )
            target.update(
                year=year if year is not None else context.default_year,
                scope=target_scope,
                scope_kind=scope_kind(target_scope),
                per_year=bool(every_year) and every_year[-1] > year_at,
                quote=text.rstrip("，,；;：:。！？!?").strip(),
                line=paragraph.line_at(offset + start + quantity.start),
            )
            found.append(target)
        yield from _respectively(clause, found)
        if years and (year_at < start + years[-1][0]):  # a year in a clause of its own ("到2022年，")
            year, year_at = years[-1][1], start + years[-1][0]
            future_year = _future(year, years[-1][2], context)


def _plain(text: str) -> str:
    """Full-width digits and years in Chinese digits ("二〇二五年") as ASCII, keeping every offset."""
    text = text.translate(_FULL_WIDTH)
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


def _years(clause: str, context: _Context) -> list[tuple[int, int, bool]]:
    """(position, year, looks ahead) of each year the clause sets for what follows it.

    A year looks ahead when it is a deadline ("到2025年", "2024年底前", "规划期末"); a bare "2022年" may be
    a report of the past, which only the plan's start year can tell.
    """
    found: list[tuple[int, int, bool]] = []
    for match in _YEAR.finditer(clause):
        before = clause[: match.start()]
        if _BASE_YEAR.search(before) or _YEAR_AFTER_NOT_TARGET.match(clause[match.end() :]):
            continue
        ahead = bool(match.group("lead") in ("到", "至")) or bool(
            re.match(r"(?:底|末)?前|末", clause[match.end() :])
        )
        ahead = ahead or bool(re.search(r"(?:底|末|前)$", match.group(0)))
        found.append((match.start(), int(match.group("year")), ahead))
    for match in _PLAN_END.finditer(clause):
        name = next((n for n in _FIVE_YEAR_END if n in match.group(0)), None)
        year = _FIVE_YEAR_END[name] if name else context.end_year
        if year is not None:
            found.append((match.start(), year, True))
    found.sort()
    return found


def _future(year: int, ahead: bool, context: _Context) -> bool:
    """Whether a year is a deadline the plan looks forward to; only such a year makes a sentence in a
    section or paragraph on the past ("2021年以来……", "一、发展现状") state a target."""
    return ahead and (context.start_year is None or year >= context.start_year)


def scope_kind(scope: str | None) -> str | None:
    """What a target's scope covers, one of `SCOPE_KINDS` (None without a scope).

    The reader gives it with each target; a scope a reviewer typed, or one stored before targets carried
    their kind, is read the same way.
    """
    text = re.sub(r"\s+", "", scope or "")
    if not text:
        return None
    if _SCOPE_COUNTY.fullmatch(text):
        return "county"
    if _EVERY.match(text):
        text = re.sub(r"[（(][^（）()]*[)）]$", "", text)  # "每个镇（街道）"
        for pattern, kind in _KIND_BY_END:
            if pattern.search(text):
                return kind
        return "area"
    if re.search(r"(?:镇|乡|街道)$", text) and not _NOT_TOWNSHIP.search(text):
        return "township"
    return "area"


def _township(sentence: str) -> str | None:
    match = _TOWNSHIP.match(sentence.strip())
    if not match or _NOT_TOWNSHIP.search(match.group(1)):
        return None
    return match.group(1)


def _target(
    masked: str,
    clause: str,
    quantity: Quantity,
    has_year: bool,
    last_subject: str | None,
    previous_end: int,
    carried_verb: str | None,
    clause_verbs: list[re.Match[str]],
) -> dict[str, Any] | None:
    """A target when a verb before the quantity commits to it (or a rate is stated bare); else None.

    `masked` is the clause with quoted names blanked (so their words are neither verbs nor numbers);
    subjects are read from `clause` itself.
    """
    before = masked[: quantity.start]
    after = masked[quantity.end :]
    if _LOAN.search(clause) or _LOAN.match(after) or _BENEFIT.search(clause):
        return None
    if re.match(
        r"\s*(?:的|之|多|余|后|前|内|[性式化]|[—\-–－~～至到或]\s*[\d一二三四五六七八九十]|[a-zA-Z])", after
    ):
        return None  # a threshold that qualifies a noun, a range, or part of a name ("4G", "一次性")
    right_after_verb = _VERB_AT_END.search(before.rstrip()[-8:])
    if quantity.suffix in ("以上", "以下") and re.match(r"[\u4e00-\u9fff]", after) and not right_after_verb:
        return None  # "1000只以上羊标准化养殖小区", "300人以下行政村": a threshold inside a name
    if re.search(
        r"[\d一二三四五六七八九十][^\d，,；;。年]{0,3}(?:[—\-–－~～或]|(?<![达高升长加大展降少小])[至到])\s*$",
        before,
    ):
        return None  # the upper end of a range
    if re.fullmatch(r"[\u4e00-\u9fff]{2,30}项目", re.split(r"[，,；;。、]", after, maxsplit=1)[0]):
        return None  # "永和县20万头肉牛养殖基地项目": a figure inside a project's name
    if re.match(r"\s*(?:提高|提升|增加|增长|下降|降低|减少|缩小|降到|降至|升至|上升)", after):
        return None  # "由28%提高到45%": the starting value
    if re.search(r"[第超逾近前后]$", before.rstrip()):
        return None
    chinese_after_object = _ACTION_THEN_OBJECT_AT_END.search(before[-20:]) and re.match(
        r"\s*(?:[，,；;。]|$)", after
    )
    if quantity.chinese and (
        clause[quantity.start] == "一" or not (right_after_verb or chinese_after_object)
    ):
        return None  # "一村一品", "打造一支队伍": a Chinese numeral counts only right after a verb
    verbs = [
        m
        for m in clause_verbs
        if m.end() <= quantity.start
        and not _NOT_A_VERB_AFTER.match(masked[m.end() :])
        and not (m.group(0).startswith("达") and _NOT_REACHED.match(masked[m.end() :]))
    ]
    stating = [m for m in verbs if (m.group("state") or m.group("growth")) and m.start() >= previous_end]
    acting = [m for m in verbs if m.group("action") and m.start() >= previous_end]
    # Of several action verbs, the first whose object runs up to the number ("建成…县、建设…基地4个": 建设).
    acting = [m for m in acting if "、" not in masked[max(m.end(), previous_end) : quantity.start]] or acting
    verb = stating[-1] if stating else (acting[0] if acting else (verbs[-1] if verbs else None))
    op = "="
    name: str | None = None
    own = before[previous_end:]
    between_words = ""
    if verb is not None:
        name = verb.group(0)
        between_at = max(verb.end(), previous_end)
        between = clause[between_at : quantity.start].strip()
        between = re.sub(r"^(?:约|近|超|了|、|和|及)", "", between)
        between_words = between
        if verb.group("state") or verb.group("growth"):
            if len(between) > 12:
                return None  # words between the verb and the number: not what the verb states
            subject = _clean_subject(
                clause[previous_end : verb.start()] if previous_end else clause[: verb.start()]
            )
            if not subject and between:
                subject = _readable("", _clean_object(between), quantity.unit)
            if not subject:
                # "X稳定在3.2万吨以上，到2025年稳定在3.5万吨以上": the second figure has no subject of its own
                subject = last_subject or ""
            if name == "达" and re.match(r"不", after):
                return None
            if verb.group("growth") and subject and not subject.endswith(name):
                subject += name  # "农民人均可支配收入年增长" 7%
            op = _OP_BY_VERB.get(name, "=")
        else:
            if _VERB.fullmatch(re.sub(r"\s", "", masked[between_at : quantity.start]) or "-"):
                between = ""  # "旧房整治提升4422户": only verbs between
            elif re.fullmatch(r"并[\u4e00-\u9fff]{2}", between):
                between = ""  # "完成并完善65个行政村益农信息社建设": a second verb
            following = re.split(
                r"[，,；;。\d]|[、和及与](?=[\d一二三四五六七八九十])", clause[quantity.end :], maxsplit=1
            )[0]
            following = _clean_object(following.rsplit("的", 1)[-1].split("（")[0])
            if previous_end > verb.end() and re.search(r"[、和及与]\s*$", between):
                obj = following or _clean_object(between)  # "覆盖100个行政村、10个社区": named after
            else:
                obj = _clean_object(between) or following
            if not obj and previous_end <= verb.start():
                obj = _clean_subject(clause[previous_end : verb.start()])
            if not obj:
                obj = last_subject or ""
                if not obj:
                    return None
                subject = obj
            else:
                subject = _readable(name, obj, quantity.unit)
    else:
        listed = _clean_object(clause[previous_end : quantity.start])
        rate = re.search(r"([\u4e00-\u9fff（）()]{2,30})$", before)
        breakdown = re.fullmatch(r"\s*(?:其中)?\s*(?:(?:19|20)\d{2}\s*年)?\s*", own)
        alone = re.match(r"\s*(?:[，,；;。、]|$)", after)
        if carried_verb and listed and alone and len(own.strip()) <= 20 and not _YEAR.search(own):
            name = carried_verb
            subject = _readable(carried_verb, listed, quantity.unit)
        elif breakdown and last_subject and alone and has_year:
            subject = last_subject  # "其中：2021年2000户，2022年1300户"
        elif rate and _RATE_SUBJECT.search(rate.group(1)) and quantity.unit in ("%", "个百分点"):
            subject = _clean_subject(clause[: quantity.start])
        elif rate and _COMMIT.search(before) and quantity.suffix and alone:
            subject = _clean_subject(clause[: quantity.start])  # "确保年均发电量2100万千瓦时以上"
        elif re.fullmatch(r"[、\s]*", own) and previous_end and last_subject and alone:
            subject = last_subject  # "各125个、85个以上": the next figure of the same list
        else:
            return None
    if not subject or len(subject) < 2 or re.fullmatch(r"[\d.%年月日]+", subject):
        return None
    if not quantity.unit and not (
        verb is not None and verb.group("state") and _RATIO_SUBJECT.search(subject) and not between_words
    ):
        return None  # "城乡居民收入比缩小到2.2以内": without a unit only a ratio or an index
    if quantity.unit in ("年", "天", "小时", "分钟", "个月"):
        return None  # a duration is a term of a procedure ("公示期不少于10天"), like a loan's
    suffix = quantity.suffix
    if suffix:
        op = _OP_BY_SUFFIX.get(suffix, op)
    if re.search(r"控制在[^，,；;。]*$", before) and suffix in ("以下", "以内", "之内"):
        op = "<="
    return {
        "subject": subject,
        "value": quantity.value,
        "unit": quantity.unit or None,
        "op": op,
        "approx": quantity.approx,
        "year": None,
        "scope": None,
        "scope_kind": None,
        "per_year": False,
        "quote": "",
        "line": 0,
        "_verb": name if verb is None or verb.group("action") else None,
    }


def _clean_subject(text: str) -> str:
    text = re.sub(
        r"^\s*(?:比|较|同比|与)\s*(?:(?:19|20)\d{2}\s*年(?:底|末)?)?(?:相比)?", "", text
    )  # "比2020年提高"
    text = _YEAR.sub("", text)
    text = _PLAN_END.sub("", text)
    text = re.split(r"由|从", text)[0] if re.search(r"由|从", text[1:]) else text
    text = _SUBJECT_NOISE.sub("", text.strip())
    county = _COUNTY_PREFIX.match(text)  # "城口县森林覆盖率"; not "培育县级以上龙头企业"
    if county and not _VERB.match(county.group(0)):
        text = text[county.end() :]
    text = _SUBJECT_NOISE.sub("", text)
    text = _SUBJECT_TAIL.sub("", text)
    text = _balanced(text.strip("“”\"' 、，,"))[-40:]
    if text.count("“") != text.count("”"):
        text = text.replace("“", "").replace("”", "")
    return text


def _balanced(text: str) -> str:
    """Strip brackets left open or closed at the ends ("（鲜品）" stays)."""
    text = text.strip()
    while (
        text
        and text[-1] in "（("
        or (
            text
            and text[-1] in "）)"
            and text.count("（") + text.count("(") < text.count("）") + text.count(")")
        )
    ):
        text = text[:-1].strip()
    while (
        text
        and text[0] in "）)"
        or (
            text
            and text[0] in "（("
            and text.count("（") + text.count("(") > text.count("）") + text.count(")")
        )
    ):
        text = text[1:].strip()
    return text


def _clean_object(text: str) -> str:
    text = _balanced(text.strip("“”\"' 、，,"))
    if text.count("“") != text.count("”"):
        text = text.replace("“", "").replace("”", "")
    text = re.sub(r"^(?:了|为|成|到|在|出|起|好|各类|各)", "", text)
    text = re.sub(r"(?:约|近|共|达|计|各)$", "", text)
    if not text or re.search(r"[，,；;。]", text):
        return ""
    if (
        re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9（）()“”\-·、]{1,40}", text) is None
        or text[0].isdigit()
        and not re.match(r"\d+[A-Za-z]", text)
    ):
        return ""
    return text


def _readable(verb: str, obj: str, unit: str) -> str:
    """What an action count counts, as a reviewer reads it: "产地集配中心数量", "新增水土流失治理面积"."""
    base = unit[1:] if unit[:1] in "万亿" and len(unit) > 1 else unit
    if re.search(r"(?:数量|数|量|面积|率|长度|里程|规模|人次|产值|收入|金额|资金)$", obj) or unit in (
        "%",
        "个百分点",
    ):
        suffix = ""
    elif base in _PEOPLE_UNITS or base == "人次":
        suffix = "人数" if base not in ("人次", "名次") else "人次"
    elif unit in _AREA_UNITS:
        suffix = "面积"
    elif unit in _LENGTH_UNITS:
        suffix = "长度"
    elif base in _COUNT_UNITS or base in ("场次", "次"):
        suffix = "数量"
    else:
        suffix = ""
    prefix = verb if verb in _CHANGE_VERBS and not obj.startswith(verb) else ""
    return prefix + obj + suffix


def _respectively(clause: str, found: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """ "自来水普及率和集中供水率分别达到90%、95%": the n measures take the n figures in order."""
    subjects = {t["subject"] for t in found}
    respectively = "分别" in clause or re.search(r"各\s*[\d一二两三四五六七八九十]", clause)
    if respectively and len(found) > 1 and len(subjects) == 1:
        parts = [p for p in re.split(r"、|和", found[0]["subject"]) if p]
        suffix = re.search(r"(?:数量|人数|面积|长度)$", parts[-1])
        if len(parts) == len(found):
            for target, part in zip(found, parts, strict=True):
                if suffix and not part.endswith(suffix.group(0)):
                    part += suffix.group(0)  # "农村股份合作社和农村综合服务社各125个、85个"
                yield {**target, "subject": part}
            return
    for target in found:
        for subject in _subjects(target["subject"]):
            yield {**target, "subject": subject}


def _subjects(subject: str) -> list[str]:
    """ "通硬化路率、通客车率" states two measures; anything else is one."""
    parts = [p.strip() for p in re.split(r"、|和(?=[\u4e00-\u9fff]{2,}率$)", subject) if p.strip()]
    if len(parts) > 1 and all(_RATE_SUBJECT.search(p) and len(p) >= 3 for p in parts):
        return parts
    return [subject]
