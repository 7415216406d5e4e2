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
