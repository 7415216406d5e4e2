"""The optional second factor: a TOTP authenticator app (RFC 6238, 30-second codes, 6 digits).

Enrolment shows a QR code (inline SVG, no image request) and the secret in groups of four for typing in;
a code is accepted within one step either side (clock drift) and never twice (`TotpDevice.last_step`).
The secret is sealed at rest (`core.crypto`). Ten recovery codes, shown once when the app is bound (or
made anew), let the holder log in without the phone, each once; only their keyed hash is stored, so neither
the database nor a backup can give one away.
"""

from __future__ import annotations

import secrets
import time

import pyotp
from django.db import transaction
from django.utils import timezone

from xiangcun.core.crypto import lookup_hash

from .models import RecoveryCode, TotpDevice, User

ISSUER = "乡村振兴监测评估系统"
DRIFT = 1  # steps of 30 s accepted either side of now


def new_secret() -> str:
    return pyotp.random_base32()


def uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def qr_svg(user: User, secret: str) -> str:
    """The provisioning URI as an inline <svg> (generated from our own data: safe to mark safe)."""
    import segno  # only the enrolment page needs it: keep it out of every process's start-up

    return segno.make(uri(user, secret), error="m").svg_inline(scale=4, border=2, title="动态验证码二维码")


def grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step whose code is `code` (within the drift), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    step = int(now // totp.interval)
    for candidate in range(step - DRIFT, step + DRIFT + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
            return candidate
    return None


def enrolled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user).exists()


def verify(user: User, code: str) -> bool:
    """True when `code` is the user's current code and has not been used before (then it is used up)."""
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            return False
        step = matching_step(device.secret, code)
        if step is None or step <= device.last_step:
            return False
        device.last_step = step
        device.save(update_fields=["last_step"])
    return True


RECOVERY_COUNT = 10
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read off paper and typed back


def _recovery_hash(code: str) -> str:
    text = "".join(ch for ch in code.lower() if ch.isalnum())
    return lookup_hash(f"recovery:{text}") if len(text) == 12 else ""


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes (about 59 bits each) replacing any earlier ones; only their hashes are kept."""
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
             for _ in range(RECOVERY_COUNT)]  # fmt: skip
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(user=user, code_hash=_recovery_hash(c)) for c in codes]
        )
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def use_recovery_code(user: User, code: str) -> bool:
    """True when `code` is one of the user's unused recovery codes; it is then used up (row-locked, so two
    logins racing with the same code cannot both pass)."""
    digest = _recovery_hash(code)
    if not digest:
        return False
    with transaction.atomic():
        row = (
            RecoveryCode.objects.select_for_update().filter(user=user, code_hash=digest, used_at=None).first()
        )
        if row is None:
            return False
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
    return True


def remove(user: User) -> int:
    """Unbind the authenticator and drop the recovery codes with it; returns how many devices were removed."""
    RecoveryCode.objects.filter(user=user).delete()
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    return deleted
