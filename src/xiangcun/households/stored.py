"""Screening results kept for the 风险筛查 page, never shown once the registry has changed.

Screening 300 000 households takes seconds however it is computed, so the page keeps its result in
`StoredScreening`, keyed by scope, year, threshold and enabled rules, and valid only for the registry stamp it
was computed at (`triggers.py`: database triggers raise the stamp on every write, by any writer). A view reads
the stamp first and then the rows, so a write that lands in between makes the stored result newer than its
stamp, never older. After an import, the results viewed in the last week are computed again at once, so the
first view after an import is fast too. Where the triggers are missing (another database vendor, a table
rebuilt outside `migrate`) nothing is stored and every view computes.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, overload

import numpy as np
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from xiangcun.domain.households.screening import RULE_CODES, codes_of
from xiangcun.regions.models import subtree_q

from . import triggers
from .models import Household, StoredScreening

KEEP_DAYS = 7  # results viewed within this many days are recomputed right after an import
BIT = {code: 1 << i for i, code in enumerate(RULE_CODES)}


def households_of(scope: str | None) -> QuerySet[Household]:
    """The households of a scope (a region path; None = all), as `accounts.scopes.scoped` selects them."""
    households = Household.objects.all()
    return (
        households
        if scope is None
        else households.filter(subtree_q(scope, field=Household.scope_region_path))
    )


class Rows(Sequence[dict[str, Any]]):
    """Flagged households as the page and the export read them, built only for the slice asked for."""

    def __init__(self, result: Screening, index: np.ndarray) -> None:
        self.result, self.index = result, index

    def __len__(self) -> int:
        return len(self.index)

    def _row(self, i: int) -> dict[str, Any]:
        r = self.result
        return {
            "household": r.codes[i],
            "rules": codes_of(int(r.flags[i])),
            "per_capita_income": r.incomes[i],
        }

    @overload
    def __getitem__(self, item: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, item: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, item: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(item, slice):
            return [self._row(int(i)) for i in self.index[item]]
        return self._row(int(self.index[item]))


@dataclass
class Screening:
    """One screening of a scope: the flagged households (by 户编号) with their rule bits and 人均纯收入."""

    codes: list[str]
    flags: np.ndarray  # uint16, bit i = RULE_CODES[i]
    incomes: list[float | None]
    screened: int  # households in the scope

    @classmethod
    def of(cls, rows: list[dict[str, Any]], screened: int) -> Screening:
        flags = np.array([sum(BIT[c] for c in r["rules"]) for r in rows], dtype=np.uint16)
        return cls([r["household"] for r in rows], flags, [r["per_capita_income"] for r in rows], screened)

    def counts(self) -> dict[str, int]:
        return {code: int(np.count_nonzero(self.flags & bit)) for code, bit in BIT.items()}

    def rows(self, rule: str = "") -> Rows:
        """All flagged rows, or those where `rule` fired."""
        if rule in BIT:
            return Rows(self, np.flatnonzero(self.flags & BIT[rule]))
        return Rows(self, np.arange(len(self.codes)))

    def dump(self) -> bytes:
        data = {
            "codes": self.codes,
            "flags": self.flags.tolist(),
            "incomes": self.incomes,
            "screened": self.screened,
        }
        return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 1)

    @classmethod
    def load(cls, blob: bytes) -> Screening:
        data = json.loads(zlib.decompress(blob))
        flags = np.array(data["flags"], dtype=np.uint16)
        return cls(data["codes"], flags, data["incomes"], data["screened"])


def _key(scope: str | None, year: int, threshold_fen: int, enabled: tuple[str, ...]) -> str:
    text = json.dumps([scope, year, threshold_fen, sorted(enabled)])
    return hashlib.sha256(text.encode()).hexdigest()


def _compute(scope: str | None, year: int, threshold_fen: int, enabled: tuple[str, ...]) -> Screening:
    from .services import run_screening  # services imports this module

    households = households_of(scope)
    rows = run_screening(households, year, threshold_fen / 100, enabled)
    return Screening.of(rows, households.count())


def _store(
    stamp: int,
    scope: str | None,
    year: int,
    threshold_fen: int,
    enabled: tuple[str, ...],
    result: Screening,
    used_at: Any = None,
) -> None:
    """Keep `result` for `stamp` and drop results of older stamps; a busy database only means it is not kept."""
    try:
        with transaction.atomic():
            StoredScreening.objects.exclude(stamp=stamp).delete()
            StoredScreening.objects.update_or_create(
                key=_key(scope, year, threshold_fen, enabled),
                defaults={"stamp": stamp, "scope": scope or "", "year": year, "threshold_fen": threshold_fen,
                          "enabled": list(enabled), "result": result.dump(), "used_at": used_at or timezone.now()},
            )  # fmt: skip
    except DatabaseError:  # e.g. SQLite locked by a long import in another process: serve without keeping
        pass


def screening(scope: str | None, year: int, threshold: float, enabled: tuple[str, ...]) -> Screening:
    """The screening of a scope, from the stored result when the registry has not changed since it was made."""
    threshold_fen = round(float(threshold) * 100)
    stamp = triggers.stamp(connection)  # read before the rows: see the module docstring
    if stamp is not None:
        stored = (
            StoredScreening.objects.filter(key=_key(scope, year, threshold_fen, enabled), stamp=stamp)
            .values_list("result", "used_at")
            .first()
        )
        if stored is not None:
            if stored[1] < timezone.now() - timedelta(hours=1):
                StoredScreening.objects.filter(key=_key(scope, year, threshold_fen, enabled)).update(
                    used_at=timezone.now()
                )
            return Screening.load(bytes(stored[0]))
    result = _compute(scope, year, threshold_fen, enabled)
    if stamp is not None:
        _store(stamp, scope, year, threshold_fen, enabled, result)
    return result


def refresh() -> int:
    """Compute again the results viewed in the last `KEEP_DAYS` days (after an import); the others are dropped.

    Returns how many were computed.
    """
    stamp = triggers.stamp(connection)
    if stamp is None:
        return 0
    recent = timezone.now() - timedelta(days=KEEP_DAYS)
    StoredScreening.objects.filter(used_at__lt=recent).delete()
    wanted = list(
        StoredScreening.objects.exclude(stamp=stamp).values_list(
            "scope", "year", "threshold_fen", "enabled", "used_at"
        )
    )
    for path, year, threshold_fen, enabled, used_at in wanted:
        scope = path or None
        codes = tuple(c for c in RULE_CODES if c in enabled)
        _store(stamp, scope, year, threshold_fen, codes, _compute(scope, year, threshold_fen, codes), used_at)
    return len(wanted)
