"""What other capabilities show on a village's profile (一村一档).

Projects, assets and tasks are shown by this app; a capability that lands later (the ledgers: 改厕, schools …)
registers a section here from its AppConfig.ready, so the profile needs no change:

    from xiangcun.villages.profile import Section, register
    register(lambda request, village: Section("户厕台账", "ledgers/_village.html", {...}))

A section provider returns None when it has nothing for this village or this user (scope, role).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from xiangcun.regions.models import Region


@dataclass
class Section:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[HttpRequest, Region], Section | None]
LEDGER_SECTIONS: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a section to the profile's 台账 part (idempotent, so a reloaded app does not show it twice)."""
    if provider not in LEDGER_SECTIONS:
        LEDGER_SECTIONS.append(provider)
    return provider


def ledger_sections(request: HttpRequest, village: Region) -> list[Section]:
    return [s for s in (provider(request, village) for provider in LEDGER_SECTIONS) if s is not None]
