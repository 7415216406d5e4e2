"""Backups that restore: back up a small county, restore it into a fresh database and data folder elsewhere,
and compare every table's row count and a checksum of its rows."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.core.backup import read_manifest
from xiangcun.households.services import import_households

pytestmark = pytest.mark.django_db(transaction=True)


def run_xiangcun(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xiangcun.cli", *args],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "xiangcun.settings", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def small_county(county, users) -> None:  # type: ignore[no-untyped-def]
    data = workbook(
        [household(f"A00{n}", 户主姓名=f"户主{n}") for n in range(1, 6)],
        [member(f"A00{n}", id_number("19800101", n)) for n in range(1, 6)],
        [finance(f"A00{n}", 2025) for n in range(1, 6)],
    )
    assert import_households(data, "r.xlsx", actor=users["county_admin"]).ok
    upload = Path(settings.MEDIA_ROOT) / "plans" / "规划.txt"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text("到2025年农村卫生厕所普及率达85%。", encoding="utf-8")


def sqlite_fingerprint(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Per table: row count and SHA-256 of its rows, every value cast to text (no type converters)."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    out = {}
    for table in tables:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        cast = ", ".join(f'CAST("{c}" AS TEXT)' for c in columns)
        rows = sorted(repr(r) for r in conn.execute(f'SELECT {cast} FROM "{table}"'))
        out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def pg_fingerprint(cursor) -> dict[str, tuple[int, str]]:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    out = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT COUNT(*), md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"
        )
        count, digest = cursor.fetchone()
        out[table] = (count, digest)
    return out


def test_backup_restores_elsewhere_with_every_table_identical(county, users, tmp_path) -> None:  # type: ignore[no-untyped-def]
    small_county(county, users)
    archive = tmp_path / "backup.tar"
    out = io.StringIO()
    call_command("backup", out=str(archive), stdout=out)
    assert "已备份" in out.getvalue()
    manifest = read_manifest(archive)
    assert manifest["tables"]["households_household"] == 5 and "media/plans/规划.txt" in manifest["files"]
    elsewhere = tmp_path / "elsewhere"
    if connection.vendor == "sqlite":
        expected = sqlite_fingerprint(connection.connection)
        target = elsewhere / "xiangcun.sqlite3"
        env = {"XIANGCUN_DATA_DIR": str(elsewhere), "DATABASE_URL": f"sqlite:///{target}"}
        done = run_xiangcun("restore", str(archive), env=env)
        assert done.returncode == 0, done.stderr
        restored = sqlite3.connect(target)
        try:
            assert sqlite_fingerprint(restored) == expected
        finally:
            restored.close()
    else:
        import psycopg

        with connection.cursor() as cursor:
            expected = pg_fingerprint(cursor)
        name = f"xc_restore_{uuid.uuid4().hex[:8]}"
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            done = run_xiangcun(
                "restore", str(archive), env={"XIANGCUN_DATA_DIR": str(elsewhere), "DATABASE_URL": url}
            )
            assert done.returncode == 0, done.stderr
            with psycopg.connect(url) as restored, restored.cursor() as cursor:
                assert pg_fingerprint(cursor) == expected
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert "已恢复" in done.stdout
    assert (elsewhere / "media" / "plans" / "规划.txt").read_text(encoding="utf-8").startswith("到2025年")


def test_a_tampered_backup_restores_nothing(county, users, tmp_path) -> None:  # type: ignore[no-untyped-def]
    small_county(county, users)
    archive = tmp_path / "backup.tar"
    call_command("backup", out=str(archive), stdout=io.StringIO())
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as target:
        for info in source.getmembers():
            data = source.extractfile(info).read()  # type: ignore[union-attr]
            if info.name.startswith("media/"):
                data = data.replace(b"85", b"58")
            target.addfile(info, io.BytesIO(data))
    elsewhere = tmp_path / "elsewhere"
    env = {"XIANGCUN_DATA_DIR": str(elsewhere), "DATABASE_URL": f"sqlite:///{elsewhere / 'x.sqlite3'}"}
    if connection.vendor != "sqlite":
        pytest.skip("the checksum check runs before the database is touched; one database suffices")
    done = run_xiangcun("restore", str(tampered), env=env)
    assert done.returncode != 0 and "校验失败" in done.stderr
    assert not (elsewhere / "media").exists()


def test_restore_refuses_a_database_that_is_not_empty(county, users, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management.base import CommandError

    small_county(county, users)
    archive = tmp_path / "backup.tar"
    call_command("backup", out=str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(archive), stdout=io.StringIO())
