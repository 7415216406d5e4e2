"""Sealing and lookup hashes: what a copied database shows, and what a wrong or rotated key does."""

from __future__ import annotations

import pytest

from xiangcun.domain.sealing import Hasher, Sealer, SealError, new_key, parse_key

NUMBER = "140101198001011234"


def _key() -> bytes:
    return parse_key(new_key())


def test_a_sealed_number_opens_and_shows_nothing_of_itself() -> None:
    sealer = Sealer([_key()])
    sealed = sealer.seal(NUMBER)
    assert NUMBER not in sealed and sealed.startswith("enc1:")
    assert sealed != sealer.seal(NUMBER)  # random nonce: equal numbers look different at rest
    assert sealer.open(sealed) == NUMBER
    assert sealer.seal_many([NUMBER, "", None])[1:] == ["", ""]
    assert sealer.open(sealer.seal_many([NUMBER])[0]) == NUMBER


def test_a_changed_byte_or_a_wrong_key_is_refused_in_chinese() -> None:
    sealer = Sealer([_key()])
    sealed = sealer.seal(NUMBER)
    body = sealed.rsplit(":", 1)[1]
    tampered = sealed[: -len(body)] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(SealError, match="数据被改动或密钥不对"):
        sealer.open(tampered)
    with pytest.raises(SealError, match="不在当前设置的密钥中"):
        Sealer([_key()]).open(sealed)


def test_rotation_opens_old_values_and_says_which_need_resealing() -> None:
    old, new = _key(), _key()
    sealed_old = Sealer([old]).seal(NUMBER)
    rotated = Sealer([new, old])
    assert rotated.open(sealed_old) == NUMBER
    assert not rotated.is_current(sealed_old)
    assert rotated.is_current(rotated.seal(NUMBER))
    assert rotated.open("13812345678") == "13812345678"  # a row from before the migration reads as it is


def test_lookup_hash_is_stable_per_key_and_useless_without_it() -> None:
    key = _key()
    assert Hasher(key)(NUMBER) == Hasher(key)(NUMBER) == Hasher(key).many([NUMBER])[0]
    assert Hasher(key)(NUMBER) != Hasher(_key())(NUMBER)
    assert len(Hasher(key)(NUMBER)) == 64 and Hasher(key)("") == ""


@pytest.mark.parametrize("text", ["", "not base64 !!", "YWJj", new_key() + "AAAA"])
def test_a_malformed_key_is_refused(text: str) -> None:
    with pytest.raises(SealError, match="加密密钥"):
        parse_key(text, "加密密钥")


@pytest.mark.parametrize("key", [bytes(range(32)), b"k" * 64, b"long key " * 10])
def test_lookup_hash_is_hmac_sha256_so_stored_hashes_still_match(key: bytes) -> None:
    import hashlib
    import hmac

    texts = [NUMBER, "13812345678", "中文", "", None]
    expected = [hmac.new(key, t.encode(), hashlib.sha256).hexdigest() if t else "" for t in texts]
    assert Hasher(key).many(texts) == expected
    assert [Hasher(key)(t) for t in texts] == expected


def test_a_column_sealed_at_once_opens_value_by_value_each_with_its_own_nonce() -> None:
    sealer = Sealer([_key()])
    texts = [NUMBER, "", "13812345678", None, NUMBER, "中文"]
    sealed = sealer.seal_many(iter(texts))  # any iterable, read once
    assert [sealer.open(s) for s in sealed] == [t or "" for t in texts]
    assert sealed[0] != sealed[4] and sealed[0][:-4] != sealed[4][:-4]
    assert sealed[1] == sealed[3] == ""
