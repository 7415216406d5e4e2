"""The national catalog's synonyms on databases created before they changed (issue 14).

`ensure_national` only creates missing national indicators, so existing rows keep the synonyms they were
created with. This adds the equivalences documented in `domain/catalog.py` and takes away the one that was
wrong (农村集中供水率 is another measure than 农村自来水普及率). A synonym a person added stays.
"""

from typing import Any

from django.db import migrations

ADD = {
    "N01": ["粮食总产量", "粮食总产", "粮食产量"],
    "N09": ["卫生厕所普及率"],
    "N11": ["县级及以上文明村镇创建率"],
    "N21": ["自来水普及率"],
    "N22": ["建制村通硬化路率"],
}
REMOVE = {"N21": ["农村集中供水率"]}


def forwards(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("indicators", "Indicator")
    for indicator in Indicator.objects.filter(region__isnull=True, code__in=set(ADD) | set(REMOVE)):
        synonyms = [s for s in indicator.synonyms or [] if s not in REMOVE.get(indicator.code, [])]
        synonyms += [s for s in ADD.get(indicator.code, []) if s not in synonyms]
        if synonyms != (indicator.synonyms or []):
            indicator.synonyms = synonyms
            indicator.save(update_fields=["synonyms"])


def backwards(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("indicators", "Indicator")
    for indicator in Indicator.objects.filter(region__isnull=True, code__in=set(ADD) | set(REMOVE)):
        synonyms = [s for s in indicator.synonyms or [] if s not in ADD.get(indicator.code, [])]
        synonyms += [s for s in REMOVE.get(indicator.code, []) if s not in synonyms]
        indicator.synonyms = synonyms
        indicator.save(update_fields=["synonyms"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_target_origin")]

    operations = [migrations.RunPython(forwards, backwards)]
