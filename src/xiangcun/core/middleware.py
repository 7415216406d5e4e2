"""Headers and input checks every response and request goes through."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

# No inline script, no plugins, no framing, forms only to this site: a name or note that slipped past escaping
# still cannot run. Styles may be inline (style="" attributes carry no script).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

NUL_MESSAGE = "提交的内容含有不可见的控制字符（NUL），请删除后重新填写。"


def _has_nul(request: HttpRequest) -> bool:
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for data in sources:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return True
    return "\x00" in request.path


class SecurityHeadersMiddleware:
    """Content-Security-Policy (a view may set a stricter one, as downloads of uploaded files do) and
    Referrer-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.setdefault("Referrer-Policy", "same-origin")
        return response


class RejectNulMiddleware:
    """A NUL character in any query or form value is refused with 400 before a view sees it: PostgreSQL cannot
    store it and no field of this system has a use for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):  # a body too large or malformed raises here and Django answers 400
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": NUL_MESSAGE}, status=400, json_dumps_params={"ensure_ascii": False}
                )
            html = render_to_string("400.html", {"message": NUL_MESSAGE}, request=request)
            return HttpResponse(html, status=400)
        return self.get_response(request)
