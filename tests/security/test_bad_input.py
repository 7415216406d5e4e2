"""Bad input everywhere: every query-string parameter a page reads and every field of every form a page offers,
swept with hostile values (20- and 5 000-digit numbers, NUL, 10 000 characters, a list, NaN, an impossible
date), as the county, a township, a village and a department account of the demo county. No answer may be a
server error, and afterwards no stored text is longer than its column, holds a NUL, or lies outside its field's
choices, and no stored year is absurd — on SQLite and on PostgreSQL (run with DATABASE_URL).

The parameters are not listed by hand: the sweep records what each page reads from request.GET while it is
rendered and parses the forms out of its HTML, so a new page or field is swept without touching this file.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.db.models.functions import Length
from django.http import QueryDict
from django.test import Client

from xiangcun.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)  # a refused write must not poison the next request

ROLES = ("county", "village", "nongye", "township")
PAGES_PER_ROLE = 60
SKIP = re.compile(r"^/(logout|admin|static|accounts/(password|sessions|totp))|/logout/|/revoke/|/delete/")
DOWNLOAD = re.compile(r"(export|download|\.xlsx|\.docx|\.csv|\.pdf|\.zip|/photos?/|/file/|format=)", re.I)
HUGE = "9" * 5000
LONG = "甲" * 10_000
QUERY_VALUES = ("9" * 20, LONG, "[]", "NaN", "2024-13-45")
FORM_VALUES = ("9" * 20, HUGE, LONG, "NaN", "1e309", "99999-01-01", "not-a-choice", "[]")
FIELD_VALUES = ("9" * 20, LONG)
YEAR_FIELDS = re.compile(r"(^|_)year$")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class FormsAndLinks(HTMLParser):
    """The links and the forms (field names with the values the page put in them) of one page."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            self._form = Form(urljoin(self.url, a.get("action") or self.url), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form.files.append(a["name"])
            elif kind not in ("checkbox", "radio", "submit", "button") or "checked" in a:
                self._form.fields.setdefault(a["name"], a.get("value", ""))
            elif kind in ("checkbox", "radio", "submit"):
                self._form.fields.setdefault(a["name"], a.get("value", "on"))
        elif tag == "select":
            self._select = a["name"]
            self._form.fields.setdefault(a["name"], "")
        elif tag == "option" and self._select and self._form is not None:
            if not self._form.fields.get(self._select) or "selected" in a:
                self._form.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.fields.setdefault(a["name"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data


def pattern(path: str, query: str = "") -> str:
    """/households/A001/visit/?case=3 → /households/*/visit/?case"""
    parts = [re.sub(r"^[A-Za-z]*\d[\w.-]*$", "*", p) for p in path.split("/")]
    keys = sorted({kv.split("=")[0] for kv in query.split("&") if kv})
    return "/".join(parts) + ("?" + "&".join(keys) if keys else "")


class ReadKeys:
    """Records the keys views read from any QueryDict while `on`."""

    def __init__(self, monkeypatch: Any) -> None:
        self.on = False
        self.keys: set[str] = set()
        for name in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(QueryDict, name)

            def spy(qd: QueryDict, key: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
                if self.on and isinstance(key, str):
                    self.keys.add(key)
                return _original(qd, key, *args, **kwargs)

            monkeypatch.setattr(QueryDict, name, spy)


def client_for(username: str) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
    return c


def crawl(c: Client, spy: ReadKeys) -> tuple[dict[str, set[str]], list[Form]]:
    """Pages reachable by links (one per URL pattern): the GET keys each reads, and the forms they offer."""
    queue, seen = ["/"], set()
    reads: dict[str, set[str]] = {}
    forms: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    while queue and len(reads) < PAGES_PER_ROLE:
        url = queue.pop(0)
        parts = urlsplit(url)
        key = pattern(parts.path, parts.query)
        if key in seen or SKIP.search(parts.path) or parts.netloc not in ("", "testserver"):
            continue
        seen.add(key)
        spy.on, spy.keys = True, set()
        response = c.get(parts.path + ("?" + parts.query if parts.query else ""))
        spy.on = False
        assert response.status_code < 500, f"{url}: {response.status_code}"
        reads[parts.path] = reads.get(parts.path, set()) | spy.keys
        if DOWNLOAD.search(url) or "html" not in response.get("Content-Type", ""):
            continue
        page = FormsAndLinks("http://testserver" + parts.path)
        page.feed(response.content.decode())
        queue += [u for u in page.links if not u.startswith(("mailto:", "tel:", "#"))]
        for form in page.forms:
            action = urlsplit(form.action)
            if SKIP.search(action.path) or action.netloc not in ("", "testserver"):
                continue
            form.action = action.path
            forms.setdefault((pattern(action.path), form.method, tuple(sorted(form.fields))), form)
    return reads, list(forms.values())


def stored_problems() -> list[str]:
    """Text longer than its column, NUL characters (PostgreSQL cannot store them at all), values outside a
    field's choices, absurd years."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in {"regions", "departments", "accounts", "indicators", "plans", "medical",
                                         "households", "projects", "assets", "tasks", "reports", "api",
                                         "ledgers", "villages"}:  # fmt: skip
            continue
        manager = model._base_manager
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField | models.TextField):
                if connection.vendor == "sqlite" and any(  # SQLite's LIKE cannot look for NUL: read them
                    "\x00" in v for v in manager.values_list(f.name, flat=True) if isinstance(v, str)
                ):
                    found.append(f"{model.__name__}.{f.name} 含 NUL")
                if f.max_length:
                    over = manager.annotate(_n=Length(f.name)).filter(_n__gt=f.max_length)
                    if over.exists():
                        found.append(f"{model.__name__}.{f.name} 超过 {f.max_length} 字")
                if f.choices:
                    allowed = [c for c, _ in f.flatchoices]
                    outside = manager.exclude(**{f"{f.name}__in": allowed})
                    if not f.blank or "" not in allowed:
                        outside = outside.exclude(**{f.name: ""})
                    if outside.exists():
                        found.append(f"{model.__name__}.{f.name} 不在可选值内")
            elif (
                isinstance(f, models.IntegerField)
                and YEAR_FIELDS.search(f.name)
                and manager.filter(Q_out_of(f.name, 1900, 2200)).exists()
            ):
                found.append(f"{model.__name__}.{f.name} 年份超出范围")
    return found


def Q_out_of(name: str, low: int, high: int) -> models.Q:  # noqa: N802 — reads like the Q it returns
    return models.Q(**{f"{name}__lt": low}) | models.Q(**{f"{name}__gt": high})


@pytest.fixture
def demo(transactional_db: Any) -> None:
    call_command("demo", "--villages", "6", "--households", "60", "--quiet", stdout=io.StringIO())


def test_no_page_form_or_query_parameter_gives_a_server_error(demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spy = ReadKeys(monkeypatch)
    failures: dict[str, list[str]] = defaultdict(list)
    swept = {"pages": 0, "params": 0, "forms": 0, "fields": 0, "requests": 0}
    done: set[str] = set()  # a page's parameter or a form is swept once, by the first role that sees it
    before = set(stored_problems())  # the demo's own data is judged by the other tests

    def check(response: Any, where: str, value: str) -> None:
        swept["requests"] += 1
        if response.status_code >= 500:
            failures[where].append(value[:24])
            print("500:", where, value[:24], flush=True)

    for role in ROLES:
        c = client_for(role)
        reads, forms = crawl(c, spy)
        swept["pages"] += len(reads)
        for path, keys in reads.items():
            for key in sorted(k for k in keys if f"{pattern(path)}?{k}" not in done):
                done.add(f"{pattern(path)}?{key}")
                swept["params"] += 1
                for value in QUERY_VALUES:
                    check(c.get(path, {key: value}), f"GET {pattern(path)}?{key}=", value)
        for form in forms:
            names = [n for n in form.fields if n != "csrfmiddlewaretoken"]
            key = f"{form.method} {pattern(form.action)} {sorted(names)}"
            if key in done:
                continue
            done.add(key)
            swept["forms"] += 1
            swept["fields"] += len(names)
            send = c.get if form.method == "get" else c.post
            where = f"{form.method.upper()} {pattern(form.action)}"
            for value in FORM_VALUES:  # every field bad at once
                check(
                    send(form.action, {**form.fields, **dict.fromkeys(names, value)}),
                    f"{where} 全部字段=",
                    value,
                )
            for name in names:  # then each field alone, the others as the page filled them
                for value in FIELD_VALUES:
                    check(send(form.action, {**form.fields, name: value}), f"{where} {name}=", value)
            c = client_for(role)  # a form may have changed the session
    print(swept)
    assert swept["pages"] >= 40 and swept["forms"] >= 20, swept
    assert not failures, dict(failures)
    assert not set(stored_problems()) - before
