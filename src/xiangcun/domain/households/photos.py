"""Photos from a visit: checked by their content, resized, the camera's time and GPS position kept.

Plain Pillow, no Django: `prepare(data, name)` returns a JPEG and what the camera recorded, or raises
PhotoError with a message in Chinese.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024  # a phone camera's photo is 2–8 MB
MAX_PHOTOS = 8
MAX_PIXELS = 60_000_000  # larger images are refused before decoding (decompression bombs)
MAX_SIDE = 1600  # stored photos are at most this many pixels on the long side
FORMATS = {"JPEG": "JPG", "PNG": "PNG", "WEBP": "WebP", "MPO": "JPG"}  # MPO: JPEGs of some phone cameras
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
DATETIME_ORIGINAL, DATETIME = 0x9003, 0x0132


class PhotoError(ValueError):
    """A file that cannot be kept as a photo; the message names the file, in Chinese."""


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    width: int
    height: int
    taken_at: dt.datetime | None  # the camera's local time, naive
    latitude: Decimal | None
    longitude: Decimal | None


def _degrees(value: object, ref: object) -> Decimal | None:
    try:
        d, m, s = (float(x) for x in value)  # type: ignore[union-attr]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    if str(ref).upper() in ("S", "W"):
        result = -result
    return Decimal(f"{result:.6f}")


def _position(exif: Image.Exif) -> tuple[Decimal | None, Decimal | None]:
    gps = exif.get_ifd(GPS_IFD)
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat, lon = _degrees(gps[2], gps.get(1, "N")), _degrees(gps[4], gps.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _taken_at(exif: Image.Exif) -> dt.datetime | None:
    text = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    try:
        return dt.datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def prepare(data: bytes, name: str) -> Photo:
    if not data:
        raise PhotoError(f"照片「{name}」是空文件")
    if len(data) > MAX_BYTES:
        raise PhotoError(f"照片「{name}」超过 {MAX_BYTES // 1024 // 1024} MB，请降低相机分辨率后重拍")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError(f"照片「{name}」像素过多（{probe.width}×{probe.height}），无法保存")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if kind not in FORMATS:
            raise PhotoError(f"「{name}」不是支持的照片格式（支持 JPG、PNG、WebP）")
        exif = image.getexif()
        latitude, longitude = _position(exif)
        taken_at = _taken_at(exif)
        image = ImageOps.exif_transpose(image)
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, optimize=True)
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError(f"「{name}」不是可识别的图片（支持 JPG、PNG、WebP），请重新拍摄或选择照片") from exc
    return Photo(out.getvalue(), image.width, image.height, taken_at, latitude, longitude)
