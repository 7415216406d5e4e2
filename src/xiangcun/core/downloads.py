"""File downloads: every export is a file response and an audit entry."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from xiangcun.audit.services import record_access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(
    request: HttpRequest, data: bytes, filename: str, what: str, content_type: str = XLSX
) -> HttpResponse:
    """Send `data` as an attachment and record who exported `what`."""
    record_access(request.user, request.user, "export", what)  # type: ignore[arg-type]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
