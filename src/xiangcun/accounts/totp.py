"""The optional second factor: a TOTP authenticator app (RFC 6238, 30-second codes, 6 digits).

Enrolment shows a QR code (inline SVG, no image request) and the secret in groups of four for typing in;
a code is accepted within one step either side (clock drift) and never twice (`TotpDevice.last_step`).
"""

from __future__ import annotations

import time

import pyotp
from django.db import transaction

from .models import TotpDevice, User

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
