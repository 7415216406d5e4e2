"""axe-core on the main pages: no serious or critical accessibility violations.

axe-core comes from the npm registry into .cache/axe (not committed; .ci/run fetches it with `npm pack`).
Without it the test is skipped and says how to fetch it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.households.conftest import registry  # noqa: F401 - households for the household pages

from .conftest import login

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = [ROOT / ".cache/axe/package/axe.min.js", ROOT / "node_modules/axe-core/axe.min.js"]
AXE = next((p for p in CANDIDATES if p.is_file()), None)
PAGES = [
    "/",
    "/indicators/",
    "/indicators/dashboard/",
    "/indicators/index/",
    "/households/",
    "/households/screening/",
    "/households/cases/",
    "/households/A001/",
    "/households/A001/visit/",
    "/medical/",
    "/plans/",
    "/regions/",
    "/villages/",
    "/ledgers/",
]

pytestmark = pytest.mark.skipif(
    AXE is None,
    reason="axe-core 未下载：mkdir -p .cache/axe && cd .cache/axe && npm pack axe-core && tar xzf axe-core-*.tgz",
)


@pytest.mark.usefixtures("registry")
def test_main_pages_have_no_serious_violations(browser_page: Any, live_server: Any, users: Any) -> None:
    assert AXE is not None
    script = AXE.read_text(encoding="utf-8")
    browser_page.set_default_timeout(60_000)
    login(browser_page, live_server, "county", "pw-county")
    # an init script, not a <script> tag: the site's Content-Security-Policy (rightly) refuses inline script
    browser_page.context.add_init_script(script)
    found = []
    for url in PAGES:
        browser_page.goto(live_server.url + url)
        violations = browser_page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => `${v.id}（${v.impact}）：${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('；')}`)"
        )
        found += [f"{url} {v}" for v in violations]
    assert not found, "\n".join(found)
