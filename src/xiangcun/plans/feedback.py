"""What reviewers taught the plan reader: the targets they added (the reader's misses), the reader's targets
they rejected, and the fields they corrected — exported by `xiangcun ingest-feedback --json` so the rules in
xiangcun.domain.extraction can be improved from real use. The shape is documented in docs/extraction.md.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from xiangcun.domain.extraction.review import locate_quote

from .models import PlanItem

FORMAT = "xiangcun-ingest-feedback"
FORMAT_VERSION = 1
TARGET_FIELDS = ("subject", "value", "unit", "op", "approx", "year", "scope", "per_year")


def _target(data: dict[str, Any]) -> dict[str, Any]:
    return {field: data.get(field) for field in TARGET_FIELDS}


def _where(item: PlanItem) -> dict[str, Any]:
    version = item.version
    plan = version.plan
    data = item.effective
    lines = version.source_lines or []
    spans = locate_quote(
        lines, str(data.get("quote") or ""), data.get("line") if isinstance(data.get("line"), int) else None
    )
    numbers = sorted(spans) or (
        [data["line"]] if isinstance(data.get("line"), int) and 0 < data["line"] <= len(lines) else []
    )
    return {
        "county": plan.region.name,
        "county_code": plan.region.code,
        "plan": plan.title,
        "plan_version": version.number,
        "file": version.filename,
        "sha256": version.sha256,
        "item": item.pk,
        "status": item.status,
        "line": numbers[-1] if numbers else None,
        "source_lines": [lines[n - 1] for n in numbers],
        "quote": data.get("quote"),
    }


def _reader_nearby(item: PlanItem, line: int | None, reader: list[PlanItem]) -> list[dict[str, Any]]:
    """What the reader did read on the same line (or the next one): often a near miss."""
    if line is None:
        return []
    return [
        {**_target(r.data), "quote": r.data.get("quote"), "line": r.data.get("line")}
        for r in reader
        if isinstance(r.data.get("line"), int) and abs(r.data["line"] - line) <= 1
    ]


def collect(items: Any = None) -> dict[str, Any]:
    """The feedback of every plan (or of `items`, a PlanItem queryset): one entry per plan and item key,
    taken from the plan's latest version that has it (a reviewer's addition carried to a new version is
    reported once)."""
    queryset = items if items is not None else PlanItem.objects.all()
    queryset = queryset.filter(kind=PlanItem.Kind.TARGET).select_related("version__plan__region")
    latest: dict[tuple[int, str], PlanItem] = {}
    for item in queryset.order_by("version__plan_id", "version__number", "position"):
        latest[(item.version.plan_id, item.key)] = item
    by_version: dict[int, list[PlanItem]] = {}
    for item in latest.values():
        by_version.setdefault(item.version_id, []).append(item)
    missed, rejected, corrected = [], [], []
    for item in sorted(latest.values(), key=lambda i: (i.version.plan_id, i.version.number, i.position)):
        reader = [r for r in by_version[item.version_id] if not r.data.get("added_by_reviewer")]
        if item.data.get("added_by_reviewer"):
            entry = _where(item)
            entry["target"] = _target(item.effective)
            entry["reader_nearby"] = _reader_nearby(item, entry["line"], reader)
            entry["added_at"] = timezone.localtime(item.updated_at).date().isoformat()
            missed.append(entry)
        elif item.status == PlanItem.Status.REJECTED:
            rejected.append({**_where(item), "reader": _target(item.data)})
        else:
            changes = {k: v for k, v in item.corrections.items() if k in TARGET_FIELDS}
            if changes:
                corrected.append({**_where(item), "reader": _target(item.data), "reviewer": changes})
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "counts": {"missed": len(missed), "rejected": len(rejected), "corrected": len(corrected)},
        "missed": missed,
        "rejected": rejected,
        "corrected": corrected,
    }
