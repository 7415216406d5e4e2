"""Audit entries as a person reads them: Chinese names, readable values, local times, personal data masked.

auditlog stores each change as text: field names (``head_name``), ``True``/``False``, the primary key of a
related record (``actor 2``), JSON with unicode escapes and UTC times. `readable` turns a page of entries
into rows a template only has to print (no ``dict.items`` in templates: a model field called ``items``
would shadow it), looking up related records in one query per related model.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from xiangcun.domain.formatting import format_number
from xiangcun.domain.households.idcard import mask_id, mask_phone

ACTIONS = {0: "新增", 1: "修改", 2: "删除", 3: "查看/导出"}
MISSING = "—"
MAX_VALUE_CHARS = 300
# Personal data stays masked in the log whatever wrote the entry (bulk imports bypass auditlog's masking).
# A birth date next to a masked 身份证号 narrows a person down to two or three: the log shows the year only.
MASKS: dict[str, Callable[[str], str]] = {
    "phone": mask_phone,
    "id_number": mask_id,
    "birth_date": lambda text: f"{text[:4]}年" if text[:4].isdigit() else "****",
}
# Names for models and fields that have no Chinese verbose_name.
MODEL_NAMES = {"logentry": "审计日志", "user": "用户"}
FIELD_NAMES = {
    "export": "导出", "download": "下载",
    "id": "编号", "path": "区划路径", "updated_at": "更新时间", "created_at": "创建时间", "created_by": "创建人",
    "reported_by": "填报人", "reviewed_by": "审核人", "reviewed_at": "审核时间", "plan": "规划", "file": "文件",
    "sha256": "文件校验码", "uploaded_by": "上传人", "uploaded_at": "上传时间", "confirmed_by": "确认人",
    "confirmed_at": "确认时间", "version": "规划版本", "household": "农户", "case": "案件", "actor": "操作人",
    "at": "时间", "department": "部门", "user": "用户", "prefix": "密钥前缀", "key_hash": "密钥摘要",
    "last_used_at": "最近使用时间", "source": "来源",
}  # fmt: skip
_MASKED_NONE = "**ne"  # auditlog's mask_fields masks the text "None" too
_NOT_GROUPED = ("year", "number", "code", "depth", "step", "quarter")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class Row:
    entry: LogEntry
    timestamp: dt.datetime
    actor: str
    action: str
    model: str
    object_repr: str
    changes: list[Change] = field(default_factory=list)


def model_name(model: type[models.Model] | None, fallback: str = "") -> str:
    """The model's Chinese name (its verbose_name, or a name from MODEL_NAMES)."""
    if model is None:
        return MODEL_NAMES.get(fallback, fallback)
    name = str(model._meta.verbose_name)
    return MODEL_NAMES.get(model._meta.model_name or "", name) if name.isascii() else name


def field_label(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return FIELD_NAMES.get(name, name)
    try:
        f = model._meta.get_field(name)
    except FieldDoesNotExist:
        return FIELD_NAMES.get(name, name)
    label = str(getattr(f, "verbose_name", name))
    if not label.isascii():
        return label
    if name in FIELD_NAMES:
        return FIELD_NAMES[name]
    if f.is_relation and f.related_model is not None:
        return model_name(f.related_model)  # type: ignore[arg-type]
    return label


def readable(entries: Iterable[LogEntry]) -> list[Row]:
    """Rows for a template: time, who, what, and each change as (Chinese label, before, after)."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = _model_of(entry)
        for name, values in _changes(entry).items():
            f = _field(model, name)
            if f is not None and f.is_relation and f.related_model is not None and not f.many_to_many:
                wanted[f.related_model].update(v for v in values if _present(v))  # type: ignore[index]
    related = {model: _lookup(model, keys) for model, keys in wanted.items()}
    rows = []
    for entry in entries:
        model = _model_of(entry)
        changes = []
        for name, values in _changes(entry).items():
            before, after = (_value(model, name, v, related) for v in _pair(values))
            if before == after == MISSING and entry.action != LogEntry.Action.ACCESS:
                continue  # a new record's empty fields say nothing
            changes.append(Change(field_label(model, name), before, after))
        rows.append(
            Row(
                entry=entry,
                timestamp=timezone.localtime(entry.timestamp),
                actor=person(entry.actor) if entry.actor_id else "系统",
                action=ACTIONS.get(entry.action, str(entry.action)),
                model=model_name(model, ContentType.objects.get_for_id(entry.content_type_id).model),
                object_repr=entry.object_repr,
                changes=changes,
            )
        )
    return rows


def person(user: Any) -> str:
    """A user as colleagues know them: the full name when there is one, else the user name."""
    if user is None:
        return "系统"
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full or str(user)


def _model_of(entry: LogEntry) -> type[models.Model] | None:
    return ContentType.objects.get_for_id(entry.content_type_id).model_class()


def _changes(entry: LogEntry) -> dict[str, Any]:
    """The entry's changes without reverse relations (auditlog lists a new record's empty related sets)."""
    changes = entry.changes_dict
    if not isinstance(changes, dict):
        return {}
    model = _model_of(entry)
    kept = {}
    for name, values in changes.items():
        f = _field(model, name)
        if f is not None and (f.auto_created and not f.concrete or f.many_to_many):
            continue
        kept[name] = values
    return kept


def _pair(values: Any) -> tuple[Any, Any]:
    if isinstance(values, list | tuple) and len(values) == 2:
        return values[0], values[1]
    return None, values


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)  # type: ignore[return-value]
    except FieldDoesNotExist:
        return None


def _present(value: Any) -> bool:
    # auditlog writes an unsaved reverse relation as "app.Model.None": nothing a person can read
    return value not in (None, "None", "", _MASKED_NONE) and not str(value).endswith(".None")


def _lookup(model: type[models.Model], keys: set[str]) -> dict[str, str]:
    pk = model._meta.pk
    valid = []
    for key in keys:
        try:
            valid.append(pk.to_python(key))  # type: ignore[union-attr]
        except Exception:  # noqa: BLE001 - a key that is not a key is shown as it was stored
            continue
    return {str(obj.pk): person(obj) for obj in model._default_manager.filter(pk__in=valid)}


def _value(
    model: type[models.Model] | None, name: str, value: Any, related: dict[Any, dict[str, str]]
) -> str:
    if not _present(value):
        return MISSING
    f = _field(model, name)
    text = _text(f, name, value, related)
    if name in MASKS:
        text = MASKS[name](text)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "……"


def _text(f: models.Field[Any, Any] | None, name: str, value: Any, related: dict[Any, dict[str, str]]) -> str:
    if f is None:
        return _plain(_decoded(value))
    if f.is_relation and f.related_model is not None:
        found = related.get(f.related_model, {}).get(str(value))
        return found if found is not None else f"已删除的{model_name(f.related_model)}（编号 {value}）"  # type: ignore[arg-type]
    if isinstance(f, models.FileField):
        return str(value).rsplit("/", 1)[-1]  # the file's name, not where the server keeps it
    if f.choices:
        labels = {str(k): str(v) for k, v in f.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(f, models.BooleanField):
        return {"True": "是", "False": "否", "true": "是", "false": "否"}.get(str(value), str(value))
    if isinstance(f, models.DateTimeField):
        return _local_time(value)
    if isinstance(f, models.JSONField):
        labels = getattr(f.model, "audit_json_labels", {}).get(name, {})
        return _plain(_decoded(value), labels)
    if isinstance(f, models.IntegerField | models.FloatField | models.DecimalField):
        if name.endswith(_NOT_GROUPED) or "年" in str(f.verbose_name):
            return str(value)
        return format_number(value)
    return _plain(_decoded(value)) if isinstance(f, models.TextField) else str(value)


def _local_time(value: Any) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)  # auditlog stores naive UTC
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _decoded(value: Any) -> Any:
    """JSON text (possibly with unicode escapes) or a Python repr back to the value it stands for."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text or text[0] not in '[{"':
        return value
    for parse in (json.loads, ast.literal_eval):
        try:
            return parse(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return value


def _plain(value: Any, labels: dict[str, str] | None = None) -> str:
    """A decoded value in words; `labels` name a JSON object's keys (a model's ``audit_json_labels``)."""
    labels = labels or {}
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_plain(v, labels) for v in value) if value else "（空）"  # a list of objects
    if isinstance(value, dict):
        if not value:
            return "（空）"
        parts = [
            f"{labels.get(k, k)}：{_inner(v) if isinstance(v, dict) else _plain(v, labels)}"
            for k, v in value.items()
        ]
        return "；".join(parts)
    if isinstance(value, float | int):
        return format_number(value)
    return labels.get(value, value)  # a model may name its coded values too (a ledger column's type)


def _inner(value: dict[str, Any]) -> str:
    """A nested object inside an object: 县级 500、市级 600."""
    return "、".join(f"{k} {_plain(v)}" for k, v in value.items()) or "（空）"
