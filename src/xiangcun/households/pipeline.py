"""The registry import on PostgreSQL as two threads: one reads, the other loads and merges.

The reader (checking every cell, sealing and hashing the personal numbers, formatting COPY text) is Python
and keeps one core busy; the merge is the database's work on the other core. Run one after the other they
took the sum of both (1M households: about 130 s of reading, then about 100 s of merging). Here the reader
runs in its own thread and appends each checked chunk's COPY text to a spool file per sheet, and the thread
holding the connection COPYs what has been spooled and merges a sheet as soon as the next sheet starts: the
households merge while the members are read, the members while the finances are read. The spool keeps
memory bounded when the reader runs ahead of a long merge (it lives in the page cache, not in the process).

All or nothing holds: everything happens in the caller's transaction, and the caller rolls it back unless the
whole file checked clean. A sheet merged before a later sheet turned out wrong is rolled back with the rest;
a merge that fails on rows the reader will report (a 户编号 twice in the file breaks the unique key) is not an
error of its own: the reader's report is returned. The reader thread touches no database connection.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import DatabaseError

from xiangcun.domain.households.workbook import SHEETS, CellError, Registry

from . import bulk


class _Cancelled(Exception):
    """Raised in the reader thread when the loading side has given up (an unexpected error)."""


class _Reader(threading.Thread):
    """Runs `read` with a sink that formats each chunk and appends it to the sheet's spool file; each append
    is announced on `events` as (sheet, bytes), and None ends the stream."""

    def __init__(self, read: Callable[[Callable[[str, Any], None]], Registry], format: bulk.CopyText) -> None:
        super().__init__(name="registry-reader", daemon=True)
        self.read, self.format = read, format
        self.events: queue.SimpleQueue[tuple[str, int] | None] = queue.SimpleQueue()
        self.spools: dict[str, IO[bytes]] = {}
        self.cancelled = threading.Event()
        self.result: Registry | None = None
        self.error: BaseException | None = None

    def sink(self, sheet: str, chunk: Any) -> None:
        if self.cancelled.is_set():
            raise _Cancelled
        data = self.format(sheet, chunk)
        if not data:
            return
        spool = self.spools.get(sheet)
        if spool is None:
            spool = self.spools[sheet] = tempfile.TemporaryFile(prefix="xiangcun-import-")  # noqa: SIM115 (closed by close())
        spool.write(data)
        spool.flush()
        self.events.put((sheet, len(data)))

    def run(self) -> None:
        try:
            self.result = self.read(self.sink)
        except _Cancelled:
            pass
        except BaseException as exc:  # handed to the loading thread, which raises it
            self.error = exc
        finally:
            self.events.put(None)

    def close(self) -> None:
        self.cancelled.set()
        self.join()
        for spool in self.spools.values():
            spool.close()


@dataclass
class Outcome:
    """What the import did (when `registry.ok` and no `errors`), else why nothing may be kept."""

    registry: Registry
    errors: list[CellError] = field(default_factory=list)
    counts: dict[str, tuple[int, ...]] = field(default_factory=dict)
    audit: bulk.Audit = field(default_factory=list)
    analysed: set[str] = field(default_factory=set)  # tables loaded the bulk way, analysed since


def run(
    cursor: Any,
    read: Callable[[Callable[[str, Any], None]], Registry],
    village_ids: dict[str, int],
    scope_ids: list[int],
    scoped: bool,
    message: str,
    counties: dict[int, int],
) -> Outcome:
    """Read with `read(sink)` in a thread while this one stages and merges; see the module docstring.

    scope_ids: the villages the importer may write; rows touching a household (and, when `scoped`, a person)
    outside them are refused with `message`. `counties`: each village id's county. The caller must roll back
    unless the outcome is clean."""
    reader = _Reader(read, bulk.CopyText(village_ids, counties))
    bulk.create_staging(cursor)
    bulk.start_merge(cursor)
    loader = _Loader(cursor, scope_ids, scoped, message)
    reader.start()
    try:
        with loader.open:  # an exception ends an open COPY as failed, so the transaction can roll back
            while (event := reader.events.get()) is not None:
                sheet, size = event
                loader.load(sheet, reader.spools[sheet], size)
            loader.finish_copy()
        reader.join()
        if reader.error is not None:
            raise reader.error
        registry = reader.result
        assert registry is not None
        if not registry.ok:
            return Outcome(registry)
        loader.merge_until(None)
        if loader.failure is not None:
            raise loader.failure
        if loader.errors:
            return Outcome(registry, loader.errors)
        bulk.drop_staging(cursor)
        return Outcome(registry, counts=loader.counts, audit=loader.audit, analysed=loader.analysed)
    finally:
        reader.close()


class _Loader:
    """The connection's side: one COPY per sheet from its spool, and each sheet merged once it is complete
    (the reader goes through the sheets in `SHEETS` order, so a sheet is complete when the next one starts)."""

    def __init__(self, cursor: Any, scope_ids: list[int], scoped: bool, message: str) -> None:
        self.cursor, self.scope_ids, self.scoped, self.message = cursor, scope_ids, scoped, message
        self.sheet: str | None = None
        self.copy: Any = None
        self.open = ExitStack()  # the sheet's COPY while one is open
        self.offset = 0
        self.merged: list[str] = []
        self.counts: dict[str, tuple[int, ...]] = {}
        self.audit: bulk.Audit = []
        self.analysed: set[str] = set()
        self.errors: list[CellError] = []  # rows outside the importer's scope
        self.failure: DatabaseError | None = None  # a merge that failed; the reader's report may explain it

    def load(self, sheet: str, spool: IO[bytes], size: int) -> None:
        if sheet != self.sheet:
            self.finish_copy()
            self.merge_until(sheet)
            self.sheet, self.offset = sheet, 0
            if self.stopped:
                return
            self.copy = self.open.enter_context(self.cursor.copy(bulk.copy_statement(sheet)))
        if self.copy is not None:  # None once the import is refused: the rest is only drained
            self.copy.write(os.pread(spool.fileno(), size, self.offset))
        self.offset += size

    def finish_copy(self) -> None:
        self.copy = None
        self.open.close()

    @property
    def stopped(self) -> bool:
        return bool(self.errors) or self.failure is not None

    def merge_until(self, sheet: str | None) -> None:
        """Merge every sheet before `sheet` in `SHEETS` order (all of them for None) not merged yet."""
        for name in SHEETS:
            if name == sheet:
                return
            if name in self.merged or self.stopped:
                continue
            self.merged.append(name)
            try:
                self._merge(name)
            except DatabaseError as exc:
                self.failure = exc

    def _merge(self, sheet: str) -> None:
        if sheet == "户":
            self.errors = bulk.households_outside(self.cursor, self.scope_ids, self.message)
            if not self.errors:
                self.counts["households"] = bulk.merge_households(self.cursor, self.audit, self.analysed)
        elif sheet == "成员":
            if self.scoped:
                self.errors = bulk.members_outside(self.cursor, self.scope_ids, self.message)
            if not self.errors:
                self.counts["members"] = bulk.merge_members(self.cursor, self.audit, self.analysed)
        else:
            self.counts["finances"] = bulk.merge_finances(self.cursor, self.audit, self.analysed)
