"""Backups that restore: one .tar file with the database, the uploaded files and a manifest of checksums.

    xiangcun backup --out /backups/xiangcun-$(date +%F).tar
    xiangcun restore /backups/xiangcun-2026-12-01.tar          # into an empty database and data folder

The database is a consistent snapshot taken while the site runs: SQLite's online backup API (a page-by-page
copy under a read transaction) or `pg_dump --format=custom` for PostgreSQL (one repeatable-read snapshot).
Uploaded files are copied from MEDIA_ROOT. `manifest.json` lists every member with its SHA-256 and size, plus
the row count of every table at backup time; `restore` checks the checksums before touching anything, refuses a
database or media folder that is not empty, and compares the restored row counts with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

FORMAT = "xiangcun-backup/1"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message is in Chinese."""


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            h.update(chunk)
    return h.hexdigest()


def table_counts(alias: str = "default") -> dict[str, int]:
    """Row count of every table Django knows in the database `alias`."""
    conn = connections[alias]
    with conn.cursor() as cursor:
        names = sorted(conn.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(name)}")
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（Debian/Ubuntu：apt-get install postgresql-client）"
        )
    return found


def _media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def backup(out: Path) -> dict[str, Any]:
    """Write the backup to `out` (a .tar); returns the manifest."""
    db = connection.settings_dict
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if connection.vendor == "sqlite":
            member = SQLITE_MEMBER
            connection.ensure_connection()
            target = sqlite3.connect(work / member)
            try:
                connection.connection.backup(target)  # online backup: consistent even while others write
            finally:
                target.close()
        elif connection.vendor == "postgresql":
            member = PG_MEMBER
            run = subprocess.run(
                [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={work / member}", str(db["NAME"])],
                env=_pg_env(db), capture_output=True, text=True,
            )  # fmt: skip
            if run.returncode:
                raise BackupError(f"pg_dump 失败：{run.stderr.strip()[:500]}")
        else:
            raise BackupError(f"不支持的数据库：{connection.vendor}")
        files = {member: {"sha256": _sha256(work / member), "size": (work / member).stat().st_size}}
        media = list(_media_files(media_root))
        for path in media:
            name = "media/" + path.relative_to(media_root).as_posix()
            files[name] = {"sha256": _sha256(path), "size": path.stat().st_size}
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "tables": table_counts(),
            "files": files,
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(work / member, arcname=member)
            for path in media:
                tar.add(path, arcname="media/" + path.relative_to(media_root).as_posix())
        partial.replace(out)  # a crash never leaves a half-written file under the final name
    return manifest


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest = json.loads(member.read())
    except (tarfile.TarError, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"不是 xiangcun 备份文件或文件已损坏：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("备份文件格式不对（manifest.json 的 format 不是 xiangcun-backup/1）")
    return manifest


def _extract_checked(archive: Path, manifest: dict[str, Any], into: Path) -> None:
    """Unpack every member named in the manifest and check its SHA-256 and size; nothing else is unpacked."""
    with tarfile.open(archive, "r") as tar:
        names = set(tar.getnames()) - {"manifest.json"}
        if names != set(manifest["files"]):
            raise BackupError("备份文件内容与清单不符（文件缺失或多出）")
        tar.extractall(into, members=[tar.getmember(n) for n in manifest["files"]], filter="data")
    for name, meta in manifest["files"].items():
        path = into / name
        if path.stat().st_size != meta["size"] or _sha256(path) != meta["sha256"]:
            raise BackupError(f"备份文件中的「{name}」校验失败（文件已损坏或被改动），未做任何恢复")


# A database only migrated (content types, permissions, catalog seeds) holds nothing worth protecting; one
# with a user, a region or an audit entry does.
_USER_DATA = ("accounts_user", "regions_region", "auditlog_logentry")


def _empty_database(alias: str = "default") -> bool:
    conn = connections[alias]
    with conn.cursor() as cursor:
        names = set(conn.introspection.table_names(cursor))
        for name in _USER_DATA:
            if name in names:
                cursor.execute(f"SELECT 1 FROM {conn.ops.quote_name(name)} LIMIT 1")
                if cursor.fetchone() is not None:
                    return False
    return True


def restore(archive: Path, alias: str = "default", media_root: Path | None = None) -> RestoreResult:
    """Restore `archive` into the (empty) database `alias` and the (empty) media folder."""
    manifest = read_manifest(archive)
    conn = connections[alias]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if manifest["database"] != conn.vendor:
        raise BackupError(f"备份来自 {manifest['database']}，当前数据库是 {conn.vendor}，不能直接恢复")
    if not _empty_database(alias):
        raise BackupError("目标数据库不是空的：恢复只写入新建的空数据库（请先新建数据库或换一个数据目录）")
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"上传文件目录 {media_root} 不是空的，恢复不会覆盖已有文件")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        _extract_checked(archive, manifest, work)
        if conn.vendor == "sqlite":
            name = str(conn.settings_dict["NAME"])
            conn.close()
            source = sqlite3.connect(work / SQLITE_MEMBER)
            target = sqlite3.connect(name)
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            db = conn.settings_dict
            conn.close()
            run = subprocess.run(
                [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--clean", "--if-exists",
                 "--exit-on-error", f"--dbname={db['NAME']}", str(work / PG_MEMBER)],
                env=_pg_env(db), capture_output=True, text=True,
            )  # fmt: skip
            if run.returncode:
                raise BackupError(f"pg_restore 失败：{run.stderr.strip()[:500]}")
        media = work / "media"
        files = 0
        if media.is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            for path in _media_files(media):
                target_path = media_root / path.relative_to(media)
                target_path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target_path)
                files += 1
    counts = table_counts(alias)
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        details = "、".join(f"{t}（备份 {a} 行，恢复后 {b} 行）" for t, (a, b) in list(wrong.items())[:5])
        raise BackupError(f"恢复后的行数与备份不符：{details}")
    return RestoreResult(len(counts), sum(counts.values()), files)
