"""An uploaded registry kept on disk between the preview and the import (one per session).

The preview page shows how the file will be read; the import then runs on the same bytes, so the clerk
does not upload a large file twice. Files live under the data folder (never served), named by a random
token held in the session only. The files hold plain 身份证号, so they are kept no longer than needed: removed
after the import, at once on 取消, and otherwise kept at most a day (an older upload is no longer used, and
is removed the next time anyone opens the upload page).
"""

from __future__ import annotations

import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

SESSION_KEY = "households_upload"
MAX_AGE_SECONDS = 24 * 3600


def _root() -> Path:
    return Path(settings.DATA_DIR) / "uploads" / "households"


@dataclass
class StoredUpload:
    token: str
    names: dict[str, str]  # "xlsx" or a sheet name (户/成员/收支) → the uploaded file's own name

    @property
    def folder(self) -> Path:
        return _root() / self.token

    @property
    def is_csv(self) -> bool:
        return "xlsx" not in self.names

    @property
    def filename(self) -> str:
        if not self.is_csv:
            return self.names["xlsx"]
        return "、".join(self.names[s] for s in ("户", "成员", "收支") if s in self.names)

    def source(self) -> Path | dict[str, Path]:
        if not self.is_csv:
            return self.folder / "xlsx"
        return {sheet: self.folder / sheet for sheet in self.names}


def store(request: Any, files: dict[str, UploadedFile]) -> StoredUpload:
    """Write the uploaded files to disk (chunk by chunk) and remember them in the session."""
    discard(request)
    clean_old()
    token = secrets.token_hex(16)
    upload = StoredUpload(token, {key: f.name or key for key, f in files.items()})
    upload.folder.mkdir(parents=True, exist_ok=True)
    for key, f in files.items():
        with (upload.folder / key).open("wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
    request.session[SESSION_KEY] = {"token": token, "names": upload.names}
    return upload


def load(request: Any) -> StoredUpload | None:
    """The session's stored upload, if its files are still there."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict) or not isinstance(stored.get("token"), str):
        return None
    token = stored["token"]
    if len(token) != 32 or not all(c in "0123456789abcdef" for c in token):
        return None
    upload = StoredUpload(token, dict(stored.get("names") or {}))
    if not upload.names or not all((upload.folder / key).is_file() for key in upload.names):
        return None
    if _older_than_a_day(upload.folder):
        shutil.rmtree(upload.folder, ignore_errors=True)
        return None
    return upload


def discard(request: Any) -> None:
    """Remove the session's upload now (after the import, or when the clerk cancels the preview)."""
    upload = load(request)
    request.session.pop(SESSION_KEY, None)
    if upload is not None:
        shutil.rmtree(upload.folder, ignore_errors=True)


def _older_than_a_day(folder: Path) -> bool:
    try:
        return folder.stat().st_mtime < time.time() - MAX_AGE_SECONDS
    except OSError:
        return True


def clean_old() -> None:
    """Remove every upload older than a day, whoever left it (a preview never confirmed or cancelled)."""
    root = _root()
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if _older_than_a_day(folder):
            shutil.rmtree(folder, ignore_errors=True)
