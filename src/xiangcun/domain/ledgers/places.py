"""Finding the village or township a ledger row names: by its 12-digit code or by its name when unique."""

from __future__ import annotations

from collections.abc import Iterable

AMBIGUOUS = -1


class PlaceIndex:
    """Regions the importer may use, by code and by name (a name two regions share must be given by code)."""

    def __init__(self, regions: Iterable[tuple[str, str, int]], what: str = "村") -> None:
        self.what = what
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        for code, name, pk in regions:
            self.by_code[code] = pk
            self.by_name[name] = AMBIGUOUS if name in self.by_name else pk

    def find(self, text: str) -> tuple[int | None, str | None]:
        """(region id, None) or (None, the Chinese reason)."""
        text = (text or "").strip()
        if text in self.by_code:
            return self.by_code[text], None
        found = self.by_name.get(text)
        if found == AMBIGUOUS:
            return None, f"有多个名为「{text}」的{self.what}，请填写 12 位统计代码"
        if found is not None:
            return found, None
        return None, f"「{text}」不是系统中的{self.what}，或不在您的管辖范围内"
