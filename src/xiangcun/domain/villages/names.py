"""Matching the villages a plan names to the region tree: plans write 官庄 for 官庄村, 天宁镇 for 天宁镇人民政府."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_SUFFIX = re.compile(r"(村民委员会|村委会|居民委员会|居委会|社区|行政村|村|镇|乡|街道办事处|街道|办事处)$")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


def place_key(name: str | None) -> str:
    """The part of a place name that plans and registers agree on."""
    text = _BRACKETS.sub("", re.sub(r"\s+", "", name or ""))
    return _SUFFIX.sub("", text) or text


@dataclass(frozen=True)
class Place:
    """A village of the tree, as the matcher needs it."""

    id: int
    name: str
    township: str


class VillageIndex:
    """Finds a tree village by (township, name) as a plan writes them; by name alone when it is unique."""

    def __init__(self, villages: Iterable[Place]) -> None:
        self.by_pair: dict[tuple[str, str], int] = {}
        by_name: dict[str, list[int]] = {}
        for v in villages:
            self.by_pair[(place_key(v.township), place_key(v.name))] = v.id
            by_name.setdefault(place_key(v.name), []).append(v.id)
        self.unique_name = {name: ids[0] for name, ids in by_name.items() if len(ids) == 1}

    def find(self, township: str | None, name: str) -> int | None:
        if township:
            found = self.by_pair.get((place_key(township), place_key(name)))
            if found is not None:
                return found
        return self.unique_name.get(place_key(name))


def find_line(lines: list[str], township: str | None, villages: list[str], title: str = "") -> int | None:
    """The 1-based source line that lists `villages` (of `township`), for plans read before lists kept lines.

    The best line holds the township and the most of the villages; a line with none of them is no answer.
    """
    best: tuple[int, int] | None = None
    keys = [place_key(v) for v in villages if place_key(v)]
    for number, text in enumerate(lines, start=1):
        hits = sum(1 for k in keys if k in text)
        if not hits:
            continue
        score = (
            hits * 2
            + (1 if township and place_key(township) in text else 0)
            + (1 if title and title in text else 0)
        )
        if best is None or score > best[0]:
            best = (score, number)
    return best[1] if best else None
