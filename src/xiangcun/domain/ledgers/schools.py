"""The schools ledger (学校台账): one row per school and year, as plans count them by township
(学校名称, 规模, 在校人数, 教职人数, 占地面积（亩）), with utilisation against standards.

The standards are a county setting; the defaults are the national staffing ratios (students per teacher,
中央编办 2014: 高中 12.5, 初中 13.5, 小学 19) and a land area per student to check against. A school far
under the ratio or with very few pupils is the "学生教师都较少，对教育资源造成浪费" that plans name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .columns import Column

LEVELS = ("小学", "初中", "小初一体", "高中", "完全中学", "教学点")
SQUARE_METRES_PER_MU = 10000 / 15  # 1 亩 = 666.67 m²
# level: (students per teacher at most, land m² per student at least)
DEFAULT_STANDARDS: dict[str, dict[str, float]] = {
    "小学": {"students_per_teacher": 19.0, "area_per_student": 18.0},
    "初中": {"students_per_teacher": 13.5, "area_per_student": 20.0},
    "小初一体": {"students_per_teacher": 16.0, "area_per_student": 19.0},
    "高中": {"students_per_teacher": 12.5, "area_per_student": 22.0},
    "完全中学": {"students_per_teacher": 13.0, "area_per_student": 21.0},
    "教学点": {"students_per_teacher": 19.0, "area_per_student": 18.0},
}
DEFAULT_MIN_STUDENTS = 20

COLUMNS: tuple[Column, ...] = (
    Column("学校名称", required=True, name="name", max_length=100),
    Column("所在乡镇", required=True, name="township", max_length=100),
    Column("规模", "choice", required=True, choices=LEVELS, name="level"),
    Column("年度", "integer", required=True, name="year", minimum=Decimal(2000)),
    Column("在校人数", "integer", required=True, name="students", minimum=Decimal(0), maximum=Decimal(20000)),
    Column("教职人数", "integer", required=True, name="teachers", minimum=Decimal(0), maximum=Decimal(2000)),
    Column("占地面积", "decimal", unit="亩", name="area", minimum=Decimal(0), maximum=Decimal(10000)),
)
FIELDS = tuple(c.key for c in COLUMNS)


@dataclass(frozen=True)
class Utilisation:
    students_per_teacher: float | None
    area_per_student: float | None  # m² of land per pupil
    notes: tuple[str, ...]


def standards_with_defaults(saved: Mapping[str, Mapping[str, Any]] | None) -> dict[str, dict[str, float]]:
    """The county's standards, a level missing from them taking the default."""
    out = {level: dict(values) for level, values in DEFAULT_STANDARDS.items()}
    for level, values in (saved or {}).items():
        if level in out:
            out[level].update({k: float(v) for k, v in values.items() if k in out[level] and v is not None})
    return out


def utilisation(
    level: str,
    students: int,
    teachers: int,
    area_mu: Decimal | float | None,
    standards: Mapping[str, Mapping[str, float]],
    min_students: int = DEFAULT_MIN_STUDENTS,
) -> Utilisation:
    """Students per teacher and land per student, and what is off against the standards (in Chinese)."""
    rule = standards.get(level, DEFAULT_STANDARDS["小学"])
    notes: list[str] = []
    ratio = round(students / teachers, 1) if teachers else None
    area = round(float(area_mu) * SQUARE_METRES_PER_MU / students, 1) if area_mu and students else None
    limit = rule["students_per_teacher"]
    if ratio is not None and ratio > limit:
        notes.append(f"生师比 {ratio} 高于标准 {limit:g}，教师不足")
    elif ratio is not None and ratio < limit / 2:
        notes.append(f"生师比 {ratio} 不到标准 {limit:g} 的一半，教师富余")
    if teachers == 0 and students:
        notes.append("有学生但没有教职人员")
    if area is not None and area < rule["area_per_student"]:
        notes.append(f"生均占地 {area} 平方米，低于标准 {rule['area_per_student']:g} 平方米")
    if students < min_students:
        notes.append(f"在校生少于 {min_students} 人（小规模学校，考虑撤并或教学点）")
    return Utilisation(ratio, area, tuple(notes))


AREA_TO_MU = {"亩": 1.0, "平方米": 1 / SQUARE_METRES_PER_MU, "万平方米": 10000 / SQUARE_METRES_PER_MU}


@dataclass(frozen=True)
class PlanRow:
    """A school the plan's table counts, as a starting row of the ledger, or why it cannot be one."""

    name: str
    township: str
    level: str | None
    students: int | None
    teachers: int | None
    area_mu: Decimal | None
    problems: tuple[str, ...]
    notes: tuple[str, ...]


def plan_row(data: Mapping[str, Any]) -> PlanRow:
    """What the ledger can take from one reviewed school row of a plan (`extraction.schools` fields).

    A row per township (no school named) cannot be a school; the level must be one the ledger knows;
    pupils and staff are required as in an import. Land area is converted to 亩; a building area (建筑面积,
    校舍面积) is not land and is left out, with a note.
    """
    problems: list[str] = []
    notes: list[str] = []
    name = str(data.get("name") or "").strip()
    township = str(data.get("township") or "").strip()
    if not name:
        problems.append("这一行是乡镇汇总（没有学校名称），不能作为学校台账的一行")
    if not township:
        problems.append("没有写明所在乡镇")
    level = data.get("level") if data.get("level") in LEVELS else None
    if name and level is None:
        problems.append("规模（小学、初中、小初一体……）未注明：请在规划审核中更正")
    students, teachers = data.get("students"), data.get("teachers")
    for label, value in (("在校人数", students), ("教职人数", teachers)):
        if value is None:
            problems.append(f"没有{label}")
    area: Decimal | None = None
    if data.get("area") is not None:
        factor = AREA_TO_MU.get(str(data.get("area_unit") or ""))
        if data.get("area_kind") == "建筑":
            notes.append("表中是建筑面积，不是占地面积，未写入")
        elif factor is None:
            notes.append("面积没有注明单位，未写入")
        else:
            area = Decimal(str(round(float(data["area"]) * factor, 2)))
            if data.get("area_unit") != "亩":
                notes.append(f"占地 {data['area']:g} {data['area_unit']} 折合 {float(area):g} 亩")
    return PlanRow(
        name, township, level,
        int(students) if students is not None else None, int(teachers) if teachers is not None else None,
        area, tuple(problems), tuple(notes),
    )  # fmt: skip
