# Data step on its own: on PostgreSQL, indexes (Django creates foreign-key indexes at the end of a
# migration) cannot be built in the transaction that just changed rows with deferred foreign-key checks.

from django.db import migrations


def link_and_restore(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Targets made by plan confirmation name their version in `source`: link them to it. Then give each
    plan's latest confirmed version back the targets a later plan overwrote (they were keyed by indicator,
    region and year only). Targets whose source names no version stay hand targets."""
    Target = apps.get_model("indicators", "Target")
    Indicator = apps.get_model("indicators", "Indicator")
    PlanVersion = apps.get_model("plans", "PlanVersion")
    PlanItem = apps.get_model("plans", "PlanItem")
    versions = list(PlanVersion.objects.select_related("plan").order_by("plan_id", "number"))
    by_label = {f"{v.plan.title}（第{v.number}版）"[:300]: v for v in versions}
    for target in Target.objects.filter(plan_version__isnull=True).exclude(source=""):
        version = by_label.get(target.source)
        if version is not None and version.plan.region_id == target.region_id:
            target.plan_version = version
            target.save(update_fields=["plan_version"])
    latest: dict[int, object] = {}
    for version in versions:
        if version.status == "confirmed":
            latest[version.plan_id] = version
    for version in latest.values():
        county_id = version.plan.region_id
        label = f"{version.plan.title}（第{version.number}版）"[:300]
        items = PlanItem.objects.filter(version=version, kind="indicator", status="confirmed")
        for item in items:
            data = {**item.data, **item.corrections}
            indicator = (
                Indicator.objects.filter(pk=item.indicator_id).first()
                if item.indicator_id
                else Indicator.objects.filter(region_id=county_id, name=str(data.get("name") or "")).first()
            )
            if indicator is None:
                continue
            values = data.get("values") or []
            baseline = next(
                (v for v in values if v.get("kind") == "baseline" and v.get("value") is not None), None
            )
            attribute = data.get("attribute") if data.get("attribute") in ("约束性", "预期性") else "预期性"
            for value in values:
                if value.get("kind") != "target" or not value.get("year"):
                    continue
                year = int(value["year"])
                same = Target.objects.filter(indicator=indicator, region_id=county_id, year=year)
                if same.filter(plan_version=version).exists():
                    continue
                op = value.get("op") or "="
                other = same.first()
                Target.objects.create(
                    indicator=indicator,
                    region_id=county_id,
                    year=year,
                    plan_version=version,
                    value=value.get("value"),
                    op=op if op in ("=", ">", ">=", "<", "<=", "text") else "=",
                    text=str(value.get("raw") or "")[:100] if op == "text" else "",
                    attribute=attribute,
                    baseline_year=baseline.get("year") if baseline else None,
                    baseline_value=baseline.get("value") if baseline else None,
                    department_id=other.department_id if other else None,
                    source=label,
                )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_target_plan_version"),
        ("plans", "0002_plan_archive"),
    ]

    operations = [
        migrations.RunPython(link_and_restore, migrations.RunPython.noop),
    ]
