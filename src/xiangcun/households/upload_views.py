"""The registry upload page: an .xlsx or three CSV files, a column mapping saved per county, a preview.

"检查并导入" imports at once when the file reads under the county's saved mapping (or the template's own
headers); when a header does not match, or on "预览", the page shows every file column with the template
column it feeds, and the first rows as the import will read them with their errors. Nothing is written
before "确认导入"; the mapping used by a successful import is saved for the county (audited). "取消" deletes the
uploaded file at once (it holds plain 身份证号); nothing else changes, so nothing is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from xiangcun.accounts.scopes import county_of, scope_of
from xiangcun.core.permissions import require
from xiangcun.domain.households.mapping import ColumnMapping, MappingError, parse_mapping, suggest
from xiangcun.domain.households.workbook import (
    MAX_FILE_BYTES,
    SHEETS,
    CellError,
    Registry,
    RegistryFileError,
    registry_headers,
)

from . import services, uploads

CSV_FIELDS = {"csv_households": "户", "csv_members": "成员", "csv_finances": "收支"}


class UploadForm(forms.Form):
    file = forms.FileField(label="农户登记表（.xlsx 工作簿：户、成员、收支三张工作表）", required=False)
    csv_households = forms.FileField(label="或 CSV：「户」表", required=False)
    csv_members = forms.FileField(label="「成员」表", required=False)
    csv_finances = forms.FileField(label="「收支」表", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [k for k in CSV_FIELDS if data.get(k)]
        if data.get("file") and given:
            raise forms.ValidationError("请上传一个 .xlsx 工作簿，或三个 CSV 文件，不要同时上传")
        if not data.get("file") and not given:
            raise forms.ValidationError("请选择农户登记表（.xlsx），或 户、成员、收支 三个 CSV 文件")
        if given and len(given) < len(CSV_FIELDS):
            missing = "、".join(CSV_FIELDS[k] for k in CSV_FIELDS if k not in given)
            raise forms.ValidationError(f"CSV 需要三个文件，还缺「{missing}」表")
        for key in ("file", *given):
            f = data.get(key)
            if f is not None and f.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    f"文件「{f.name}」过大，上限为 {MAX_FILE_BYTES // 1024 // 1024} MB，请按乡镇分批导入"
                )
        return data

    def files_by_key(self) -> dict[str, Any]:
        if self.cleaned_data.get("file"):
            return {"xlsx": self.cleaned_data["file"]}
        return {sheet: self.cleaned_data[k] for k, sheet in CSV_FIELDS.items()}


@dataclass
class SheetView:
    """One sheet on the mapping page: each file column with its choice, and the preview rows."""

    name: str
    own_name: str
    columns: tuple[str, ...]
    choices: list[tuple[int, str, str | None, bool]] = field(default_factory=list)  # k, header, chosen, known
    rows: list[tuple[int, list[str], list[str]]] = field(default_factory=list)  # row, cells, errors
    found: bool = True


def _sheets_from_post(request: HttpRequest) -> ColumnMapping:
    sheets = {s: request.POST.get(f"sheet:{s}", "").strip() for s in SHEETS}
    return parse_mapping({"sheets": {s: n for s, n in sheets.items() if n and n != s}}, SHEETS)


def _mapping_from_post(
    request: HttpRequest, sheets: ColumnMapping, headers: dict[str, list[str]]
) -> ColumnMapping:
    """The mapping the selects describe: only what differs from the template's own names is kept."""
    columns: dict[str, dict[str, str | None]] = {}
    for sheet, header in headers.items():
        own: dict[str, str | None] = {}
        for k, name in enumerate(header):
            name = name.strip()
            key = f"map:{sheet}:{k}"
            if not name or key not in request.POST:
                continue
            target = request.POST[key].strip() or None
            if target != name:
                own[name] = target
        columns[sheet] = own
    return parse_mapping({"sheets": sheets.sheets, "columns": columns}, SHEETS)


def _sheet_views(
    sheet_names: list[str], headers: dict[str, list[str]], mapping: ColumnMapping, registry: Registry | None
) -> list[SheetView]:
    errors_by_row: dict[tuple[str, int], list[str]] = {}
    for error in registry.errors if registry is not None else []:
        errors_by_row.setdefault((error.sheet, error.row), []).append(
            f"「{error.column}」列：{error.message}" if error.column else error.message
        )
    views = []
    for name, columns in SHEETS.items():
        view = SheetView(name, mapping.sheet_name(name), columns, found=name in headers)
        renames = mapping.columns.get(name, {})
        header = headers.get(name, [])
        for k, (title, chosen) in enumerate(zip(header, suggest(header, columns, renames), strict=True)):
            if title.strip():
                view.choices.append((k, title, chosen, title.strip() in renames or title.strip() in columns))
        preview = registry.preview.get(name) if registry is not None else None
        for row, cells in preview.rows if preview is not None else []:
            view.rows.append((row, cells, errors_by_row.get((name, row), [])))
        views.append(view)
    return views


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    require(request, "edit_households")
    uploads.clean_old()
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "cancel":
        uploads.discard(request)
        messages.info(request, "已取消导入，上传的文件已从服务器删除。")
        return redirect("households:upload")
    scope = None if scope_of(request.user).everything else request.user.region  # type: ignore[union-attr]
    county = county_of(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    stored = uploads.load(request) if action in ("preview-again", "import") else None
    if request.method == "POST" and stored is None:
        if not form.is_valid():
            return render(request, "households/upload.html", {"form": form})
        stored = uploads.store(request, form.files_by_key())
        mapping = services.saved_mapping(county) or ColumnMapping()
        headers_given = False
    elif stored is not None:
        form = UploadForm()
        mapping = ColumnMapping()
        headers_given = True
    else:
        return render(request, "households/upload.html", {"form": form})

    try:
        if headers_given:
            mapping = _sheets_from_post(request)
        sheet_names, headers = registry_headers(stored.source(), stored.names.get("xlsx", ""), mapping)
        if headers_given:
            mapping = _mapping_from_post(request, mapping, headers)
    except MappingError as exc:
        return _mapping_page(request, form, stored, mapping, [], {}, None, [CellError("", 0, "", str(exc))])
    except RegistryFileError as exc:
        uploads.discard(request)
        report = services.ImportReport(errors=[CellError("", 0, "", str(exc))])
        return render(request, "households/upload.html", {"form": UploadForm(), "report": report})

    if action in ("", "import"):
        report = services.import_households(
            stored.source(), stored.filename, actor=request.user, scope=scope, mapping=mapping
        )
        if report.ok:
            uploads.discard(request)
            given = mapping.sheets or any(mapping.columns.values())
            if county is not None and given and services.save_mapping(county, mapping):
                messages.info(request, f"已保存{county.name}的登记表列对应，下次导入时自动使用。")
            messages.success(request, report.summary())
            return redirect("households:registry")
        header_problem = any(e.sheet and e.row <= 1 for e in report.errors)
        if action == "" and not header_problem:
            uploads.discard(request)
            return render(request, "households/upload.html", {"form": UploadForm(), "report": report})
    registry = services.preview_households(stored.source(), stored.filename, scope=scope, mapping=mapping)
    return _mapping_page(request, form, stored, mapping, sheet_names, headers, registry, registry.errors)


def _mapping_page(
    request: HttpRequest,
    form: UploadForm,
    stored: uploads.StoredUpload,
    mapping: ColumnMapping,
    sheet_names: list[str],
    headers: dict[str, list[str]],
    registry: Registry | None,
    errors: list[CellError],
) -> HttpResponse:
    context = {
        "form": UploadForm(),
        "stored": stored,
        "sheet_names": sheet_names,
        "sheets": _sheet_views(sheet_names, headers, mapping, registry),
        "errors": errors,
        "error_count": registry.error_count if registry is not None else len(errors),
    }
    return render(request, "households/upload.html", context)
