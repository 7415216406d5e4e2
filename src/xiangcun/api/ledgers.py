"""API over ledgers (docs/api.md): the county's ledgers (户厕台账, 学校台账 and its own), their rows paged and
scoped like the pages, household heads' names and 户编号 masked like the pages for roles without personal
data, and the toilet conversions by year against the plan."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from xiangcun.accounts.scopes import county_of, get_scoped_or_404, scoped
from xiangcun.domain.households.idcard import mask_name
from xiangcun.domain.ledgers import schools, toilets
from xiangcun.ledgers import services
from xiangcun.ledgers.models import Ledger, LedgerRow, SchoolRecord, ToiletRecord
from xiangcun.regions.models import Region

from .common import amount, answer, day, int_param, methods, page
from .views import token_required

BUILT_IN = {"toilets": "户厕台账", "schools": "学校台账"}


def _county(request: HttpRequest) -> Region:
    county = county_of(request.user)
    if county is None:
        raise Http404
    return county


def _place(request: HttpRequest, rows: QuerySet[Any], field: str) -> QuerySet[Any]:
    """?township= / ?village= (12-digit codes): a place outside the user's scope is a 404, as on the pages."""
    for name, depth in (("township", 4), ("village", 5)):
        if code := request.GET.get(name, "").strip():
            region = get_scoped_or_404(Region.objects.filter(depth=depth), request.user, code=code)
            rows = rows.filter(**{f"{field}__startswith": region.path})
    return rows


def _year(request: HttpRequest, rows: QuerySet[Any]) -> QuerySet[Any]:
    if (year := int_param(request, "year", 1900, 2200)) is not None:
        rows = rows.filter(year=year)
    return rows


def _columns(ledger: Ledger) -> list[dict[str, Any]]:
    return [c.as_json() for c in ledger.column_list]


@token_required
def ledgers(request: HttpRequest) -> HttpResponse:
    """The ledgers of the user's county with the rows the user may see in each."""
    methods(request, "GET")
    county = _county(request)
    user = request.user
    own = list(scoped(Ledger.objects.filter(county=county), user))
    counts = services.ledger_counts(own, scoped(LedgerRow.objects.all(), user))
    rows: list[dict[str, Any]] = [
        {"id": "toilets", "name": BUILT_IN["toilets"], "kind": "toilets", "unit": "household", "yearly": True,
         "rows": scoped(ToiletRecord.objects.filter(county=county), user).count()},
        {"id": "schools", "name": BUILT_IN["schools"], "kind": "schools", "unit": "facility", "yearly": True,
         "rows": scoped(SchoolRecord.objects.filter(county=county), user).count()},
    ] + [
        {"id": ledger.pk, "name": ledger.name, "kind": "custom", "unit": ledger.unit, "yearly": ledger.yearly,
         "description": ledger.description, "columns": _columns(ledger), "rows": counts.get(ledger.pk, 0)}
        for ledger in own
    ]  # fmt: skip
    return page(request, rows, lambda r: r)


def _toilet(people: bool) -> Any:
    def serialize(r: ToiletRecord) -> dict[str, Any]:
        return {
            "id": r.pk, "village": r.village.code, "village_name": r.village.name,
            "household": (r.household.code if r.household_id else None) if people else None,
            "registered": r.household_id is not None,
            "name": r.name if people else mask_name(r.name), "year": r.year, "model": r.model,
            "cost": amount(r.cost, 2), "subsidy": amount(r.subsidy, 2),
            "acceptance": {stage: {"date": day(getattr(r, f"{stage}_date")), "by": getattr(r, f"{stage}_by")}
                           for stage, _ in toilets.STAGES},
            "state": toilets.state(r.__dict__), "use_status": r.use_status, "problems": r.problems,
        }  # fmt: skip

    return serialize


def _school(standards: dict[str, dict[str, float]], min_students: int) -> Any:
    def serialize(s: SchoolRecord) -> dict[str, Any]:
        use = schools.utilisation(s.level, s.students, s.teachers, s.area, standards, min_students)
        return {
            "id": s.pk, "township": s.township.code, "township_name": s.township.name, "name": s.name,
            "level": s.level, "year": s.year, "students": s.students, "teachers": s.teachers,
            "area_mu": amount(s.area, 2), "students_per_teacher": use.students_per_teacher,
            "area_per_student": use.area_per_student, "notes": list(use.notes),
        }  # fmt: skip

    return serialize


def _custom(ledger: Ledger, people: bool) -> Any:
    masked = ledger.unit == "household" and not people

    def serialize(r: LedgerRow) -> dict[str, Any]:
        return {
            "id": r.pk, "region": r.region.code, "region_name": r.region.name,
            "household": None if masked or not r.household_id else r.household.code,
            "label": mask_name(r.label) if masked else r.label, "year": r.year, "values": r.values,
        }  # fmt: skip

    return serialize


@token_required
def ledger_rows(request: HttpRequest, key: str) -> HttpResponse:
    """?year= ?township= ?village= ; paged. `key`: toilets, schools, or a county ledger's id."""
    methods(request, "GET")
    county = _county(request)
    user = request.user
    people = services.sees_people(user)
    if key == "toilets":
        rows = scoped(ToiletRecord.objects.filter(county=county), user).select_related("village", "household")
        rows = _year(request, _place(request, rows, "village__path"))
        return page(request, rows.order_by("village__path", "name", "pk"), _toilet(people), ledger="toilets")
    if key == "schools":
        rows = scoped(SchoolRecord.objects.filter(county=county), user).select_related("township")
        rows = _year(request, _place(request, rows, "township__path"))
        standards, min_students = services.school_standards(county)
        return page(request, rows.order_by("township__path", "name", "-year"), _school(standards, min_students),
                    ledger="schools")  # fmt: skip
    if not key.isdigit():
        raise Http404
    ledger = get_scoped_or_404(Ledger.objects.filter(county=county), user, pk=int(key))
    rows = scoped(LedgerRow.objects.filter(ledger=ledger), user).select_related("region", "household")
    rows = _year(request, _place(request, rows, "region__path"))
    return page(request, rows.order_by("region__path", "label", "year", "pk"), _custom(ledger, people),
                ledger=ledger.pk)  # fmt: skip


@token_required
def toilet_progress(request: HttpRequest) -> HttpResponse:
    """Conversions and county acceptances per year of the rows the user may see, against the plan's yearly
    numbers (the whole county's plan: for a township account `planned` is the county's, as on the page)."""
    methods(request, "GET")
    county = _county(request)
    records = _place(
        request, scoped(ToiletRecord.objects.filter(county=county), request.user), "village__path"
    )
    _, total, source = services.planned_years(county)
    years = services.toilet_progress(county, records)
    return answer(
        {"source": source, "planned_total": total,
         "years": [{"year": p.year, "planned": p.planned, "converted": p.converted, "accepted": p.accepted,
                    "cumulative_planned": p.cumulative_planned, "cumulative_converted": p.cumulative_converted,
                    "cumulative_accepted": p.cumulative_accepted} for p in years]}
    )  # fmt: skip
