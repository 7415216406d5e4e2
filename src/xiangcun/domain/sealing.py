"""Personal numbers at rest: AES-256-GCM encryption and a keyed lookup hash (HMAC-SHA256).

A copied database file or backup must reveal no 身份证号 or phone number, yet the system still has to find a
person by number and refuse a number registered twice. So each value is stored twice: sealed (random nonce,
so equal numbers look different; only a holder of the key can open it) and hashed with a second key (equal
numbers give equal hashes, which an index can match; without the key nobody can compute the hash of a
guessed number, which for 18-digit IDs with a check digit would otherwise be a quick brute force).

A sealed value reads ``enc1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``. The key id (first 8 hex digits of
the key's SHA-256) lets old values open after a new key is put first (rotation), and `Sealer.current` tells
which values still need re-sealing. A value without the prefix is read as it is: rows written before the
encryption migration (or an empty field) stay readable until they are sealed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Iterable, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1:"
KEY_BYTES = 32
_NONCE = 12
_BLOCK = 64  # SHA-256 block size: the HMAC key pad


class SealError(ValueError):
    """A key that is malformed or missing, or a sealed value that does not open; the message is Chinese."""


def new_key() -> str:
    """A fresh key in the form the settings read (URL-safe base64 of 32 random bytes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=")


def parse_key(text: str, name: str = "密钥") -> bytes:
    """Decode a key written by `new_key`; anything else is refused with a message naming the setting."""
    value = text.strip()
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SealError(
            f"{name}格式不对：应为 32 字节密钥的 base64 文本（可用 `xiangcun keys --new` 生成）"
        ) from exc
    if len(raw) != KEY_BYTES:
        raise SealError(f"{name}长度不对：应为 32 字节（base64 后 43 个字符），现为 {len(raw)} 字节")
    return raw


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


class Sealer:
    """Seals with the first key, opens with any of them (newest first, as listed in the settings)."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise SealError("没有设置加密密钥")
        self._ids = [key_id(k) for k in keys]
        if len(set(self._ids)) != len(self._ids):
            raise SealError("加密密钥重复")
        self._aead = {kid: AESGCM(k) for kid, k in zip(self._ids, keys, strict=True)}
        self.current = self._ids[0]
        self._head = f"{PREFIX}{self.current}:"
        self._encrypt = self._aead[self.current].encrypt

    def seal(self, text: str | None) -> str:
        if not text:
            return ""
        nonce = os.urandom(_NONCE)
        return self._head + base64.b64encode(nonce + self._encrypt(nonce, text.encode(), None)).decode()

    def seal_many(self, texts: Iterable[str | None]) -> list[str]:
        """`seal` over a column (the registry import seals millions of numbers per file): one read of the
        random source for all nonces and the base64 step without the module's Python wrapper."""
        head, encrypt, b64 = self._head, self._encrypt, binascii.b2a_base64
        texts = list(texts)
        pool = os.urandom(_NONCE * len(texts))
        out = []
        append = out.append
        at = 0
        for text in texts:
            if text:
                nonce = pool[at : at + _NONCE]
                append(head + b64(nonce + encrypt(nonce, text.encode(), None), newline=False).decode())
            else:
                append("")
            at += _NONCE
        return out

    def open(self, value: str | None) -> str:
        if not value or not value.startswith(PREFIX):
            return value or ""
        try:
            kid, body = value[len(PREFIX) :].split(":", 1)
            raw = base64.b64decode(body, validate=True)
        except (ValueError, binascii.Error) as exc:
            raise SealError("加密字段已损坏，无法解密") from exc
        aead = self._aead.get(kid)
        if aead is None:
            raise SealError(
                f"加密字段使用的密钥（编号 {kid}）不在当前设置的密钥中：轮换密钥时旧密钥须保留到重新加密完成"
            )
        try:
            return aead.decrypt(raw[:_NONCE], raw[_NONCE:], None).decode()
        except InvalidTag as exc:
            raise SealError(f"加密字段无法用密钥 {kid} 解密：数据被改动或密钥不对") from exc

    def is_current(self, value: str | None) -> bool:
        """False for a value sealed with an older key or not sealed at all (it needs re-sealing)."""
        return not value or value.startswith(self._head)


class Hasher:
    """Keyed hash for exact lookup and duplicate detection: equal texts give equal 64-hex-digit hashes.

    HMAC-SHA256 (RFC 2104) computed from the two SHA-256 states of the padded key, copied per value:
    the same digests as `hmac.new(key, text, "sha256")` at about half the cost of copying an `hmac` object
    (millions of values per registry import)."""

    def __init__(self, key: bytes) -> None:
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        padded = key.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def __call__(self, text: str | None) -> str:
        return self.many([text])[0]

    def many(self, texts: Iterable[str | None]) -> list[str]:
        inner, outer = self._inner.copy, self._outer.copy
        out = []
        append = out.append
        for text in texts:
            if text:
                h = inner()
                h.update(text.encode())
                o = outer()
                o.update(h.digest())
                append(o.hexdigest())
            else:
                append("")
        return out
