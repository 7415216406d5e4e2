"""Audit integrity: the log is chained by hash and `xiangcun audit-verify` finds the first broken link."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.audit import chain
from xiangcun.audit.models import AuditSeal
from xiangcun.households.services import import_households

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(county, users):  # type: ignore[no-untyped-def]
    data = workbook(
        [household(f"A00{n}") for n in range(1, 4)],
        [member(f"A00{n}", id_number("19800101", n)) for n in range(1, 4)],
        [finance(f"A00{n}", 2025) for n in range(1, 4)],
    )
    assert import_households(data, "r.xlsx", actor=users["county_admin"]).ok
    county.village_a1.name = "改名村"
    county.village_a1.save()  # an entry written by auditlog's signal, not the bulk writer
    chain.seal()
    assert LogEntry.objects.count() == AuditSeal.objects.count() >= 7
    return list(LogEntry.objects.order_by("id").values_list("id", flat=True))


def sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_intact_log_verifies_and_sealing_again_adds_nothing(sealed) -> None:  # type: ignore[no-untyped-def]
    verdict = chain.verify()
    assert verdict.ok and verdict.checked == len(sealed) and verdict.unsealed == 0
    assert chain.seal() == 0
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "审计日志完整" in out.getvalue() and verdict.last_digest in out.getvalue()


def test_a_changed_entry_is_the_first_broken_link(sealed) -> None:  # type: ignore[no-untyped-def]
    target = sealed[3]
    sql(f"UPDATE {LogEntry._meta.db_table} SET object_repr = %s WHERE id = %s", "A009 伪造", target)
    verdict = chain.verify()
    assert not verdict.ok and verdict.checked == 3
    assert f"日志编号 {target}" in verdict.message and "内容已被改动" in verdict.message
    with pytest.raises(CommandError, match="内容已被改动"):
        call_command("audit_verify", stdout=io.StringIO())


def test_a_changed_actor_is_detected(sealed, users) -> None:  # type: ignore[no-untyped-def]
    sql(f"UPDATE {LogEntry._meta.db_table} SET actor_id = %s WHERE id = %s", users["leader"].pk, sealed[-1])
    assert "内容已被改动" in chain.verify().message


def test_a_deleted_entry_is_detected(sealed) -> None:  # type: ignore[no-untyped-def]
    sql(f"DELETE FROM {LogEntry._meta.db_table} WHERE id = %s", sealed[2])
    verdict = chain.verify()
    assert not verdict.ok and "已被删除" in verdict.message and f"日志编号 {sealed[2]}" in verdict.message


def test_an_entry_deleted_with_its_seal_breaks_the_next_link(sealed) -> None:  # type: ignore[no-untyped-def]
    sql(f"DELETE FROM {LogEntry._meta.db_table} WHERE id = %s", sealed[2])
    sql(f"DELETE FROM {AuditSeal._meta.db_table} WHERE entry_id = %s", sealed[2])
    verdict = chain.verify()
    assert not verdict.ok and "链接断开" in verdict.message and f"日志编号 {sealed[3]}" in verdict.message


def test_a_recomputed_seal_still_breaks_the_following_link(sealed) -> None:  # type: ignore[no-untyped-def]
    sql(f"UPDATE {LogEntry._meta.db_table} SET object_repr = %s WHERE id = %s", "伪造", sealed[1])
    sql(f"UPDATE {AuditSeal._meta.db_table} SET digest = %s WHERE entry_id = %s", "f" * 64, sealed[1])
    verdict = chain.verify()
    assert not verdict.ok and f"日志编号 {sealed[1]}" in verdict.message


def test_new_entries_are_reported_until_sealed(sealed, county) -> None:  # type: ignore[no-untyped-def]
    county.village_a2.name = "又改名"
    county.village_a2.save()
    assert chain.verify().unsealed == 1
    assert chain.seal() == 1 and chain.verify().ok and chain.verify().unsealed == 0
