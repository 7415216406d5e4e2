from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiangcun import __version__
from xiangcun.accounts.models import ROLE_PERMISSIONS

from .models import SiteFlag

# The main navigation: (label, url name or None while the module is not yet available).
NAVIGATION: list[tuple[str, str | None]] = [
    ("首页", "home"),
    ("规划", "plans:list"),
    ("指标", "indicators:catalog"),
    ("防返贫监测", "households:registry"),
    ("项目资产", "projects:library"),
    ("任务考核", "tasks:list"),
    ("村庄", "villages:list"),
    ("台账", "ledgers:index"),
    ("报告", "reports:index"),
    ("管理", "regions:tree"),
]


# Menu entries shown only to roles holding the permission (the page itself answers 404 to the others).
NAV_PERMISSIONS = {"reports:index": "read_reports"}


def site(request: HttpRequest) -> dict[str, Any]:
    demo = SiteFlag.objects.filter(name="demo").values_list("value", flat=True).first()
    user = getattr(request, "user", None)
    can = set(ROLE_PERMISSIONS.get(user.role, ())) if user is not None and user.is_authenticated else set()
    if user is not None and user.is_superuser:
        can = set().union(*ROLE_PERMISSIONS.values())
    # `app_version`, not `version`: views pass their own `version` (a plan version) and would shadow it.
    navigation = [
        (label, target) for label, target in NAVIGATION if NAV_PERMISSIONS.get(target or "", "") in can | {""}
    ]
    return {"navigation": navigation, "demo_data": demo or None, "can": can, "app_version": __version__}
