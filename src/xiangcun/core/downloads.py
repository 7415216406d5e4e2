"""File downloads: every export is a file response and an audit entry."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse, HttpRequest, HttpResponse

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


# A kept upload is never run in the site's origin, even if a browser were to render it: no script, no plugin,
# a unique origin (sandbox), and the type is not guessed from the content.
UPLOAD_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def upload_response(
    handle: IO[bytes], filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """Send an uploaded file: as an attachment (inline only for images the system re-encoded itself), with
    nosniff and a policy that forbids script, so an HTML or SVG saved under a harmless name cannot run."""
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = UPLOAD_POLICY
    return response
