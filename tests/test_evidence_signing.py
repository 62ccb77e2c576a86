"""Signed tree heads: the per-case Ed25519 key, its files and fingerprints, and STH checks."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import inspect
import pickle
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from rempart.errors import EvidenceError
from rempart.evidence.signing import (
    PRIVATE_KEY_FILE,
    PUBLIC_KEY_FILE,
    CaseKey,
    SignedTreeHead,
    sign_tree_head,
    verify_public_key_fingerprint,
    verify_tree_head,
)

ROOT = hashlib.sha256(b"root").hexdigest()
WHEN = datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC)


def fast(examples: int) -> settings:
    """Hypothesis settings: reproducible runs, no per-example deadline (signing is quick)."""
    return settings(max_examples=examples, deadline=None, derandomize=True)


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> CaseKey:
    return CaseKey.create(tmp_path_factory.mktemp("case") / "keys")


@pytest.fixture(scope="module")
def sth(key: CaseKey) -> SignedTreeHead:
    return sign_tree_head(key, 42, ROOT, WHEN, "import")


def private_material(folder: Path) -> list[bytes]:
    """The private key as its file holds it, and its 32 raw bytes (also as hex)."""
    pem = (folder / PRIVATE_KEY_FILE).read_bytes()
    private = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(private, Ed25519PrivateKey)
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return [pem, raw, raw.hex().encode()]


# ------------------------------------------------------------------------- the key


def test_create_writes_private_key_0600_and_public_key(tmp_path: Path) -> None:
    key = CaseKey.create(tmp_path / "keys")
    private = tmp_path / "keys" / PRIVATE_KEY_FILE
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8
    assert (tmp_path / "keys" / PUBLIC_KEY_FILE).read_bytes() == key.public_pem()
    assert key.public_pem().startswith(b"-----BEGIN PUBLIC KEY-----")


def test_load_gives_back_the_same_key(tmp_path: Path) -> None:
    key = CaseKey.create(tmp_path)
    again = CaseKey.load(tmp_path)
    assert again.public_raw() == key.public_raw()
    sth = sign_tree_head(again, 1, ROOT, WHEN)
    assert verify_tree_head(sth, key.public_pem())


def test_create_refuses_to_replace_a_key(tmp_path: Path) -> None:
    key = CaseKey.create(tmp_path)
    with pytest.raises(EvidenceError, match="already exists"):
        CaseKey.create(tmp_path)
    assert CaseKey.load(tmp_path).fingerprint() == key.fingerprint()


def test_load_problems_are_explained(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no case key"):
        CaseKey.load(tmp_path)
    CaseKey.create(tmp_path)
    (tmp_path / PRIVATE_KEY_FILE).chmod(0o644)
    with pytest.raises(EvidenceError, match="chmod 600"):
        CaseKey.load(tmp_path)
    (tmp_path / PRIVATE_KEY_FILE).chmod(0o600)
    (tmp_path / PUBLIC_KEY_FILE).write_bytes(CaseKey.create(tmp_path / "other").public_pem())
    with pytest.raises(EvidenceError, match="does not match"):
        CaseKey.load(tmp_path)
    (tmp_path / PRIVATE_KEY_FILE).write_bytes(b"not a key")
    with pytest.raises(EvidenceError, match="not a readable PEM"):
        CaseKey.load(tmp_path)


def test_fingerprint_is_sha256_of_the_raw_public_key(key: CaseKey) -> None:
    assert len(key.public_raw()) == 32
    assert key.fingerprint() == hashlib.sha256(key.public_raw()).hexdigest()
    groups = key.short_fingerprint().split(" ")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    assert "".join(groups) == key.fingerprint()[:32]


def test_fingerprint_check_accepts_the_published_forms_only(key: CaseKey, tmp_path: Path) -> None:
    pem, full = key.public_pem(), key.fingerprint()
    colons = ":".join(full[i : i + 2] for i in range(0, 64, 2)).upper()
    for form in (full, key.short_fingerprint(), colons):
        assert verify_public_key_fingerprint(pem, form)
        assert verify_public_key_fingerprint(pem.decode(), form)
    other = CaseKey.create(tmp_path)
    assert not verify_public_key_fingerprint(other.public_pem(), full)
    assert not verify_public_key_fingerprint(pem, full[:-1] + ("0" if full[-1] != "0" else "1"))
    assert not verify_public_key_fingerprint(pem, full[:20])  # too short to mean anything
    assert not verify_public_key_fingerprint(pem, "zz" * 32)
    assert not verify_public_key_fingerprint(b"-----BEGIN PUBLIC KEY-----\nxx\n", full)


def test_no_api_leaks_the_private_key(key: CaseKey) -> None:
    secrets = private_material(key.folder)
    outputs: list[Any] = [repr(key), str(key), key.folder]
    for name, member in inspect.getmembers(key, inspect.ismethod):
        if not name.startswith("_") and not inspect.signature(member).parameters:
            outputs.append(member())
    outputs.append(key.sign(b"message"))
    text = b"".join(o if isinstance(o, bytes) else str(o).encode() for o in outputs)
    assert all(secret not in text for secret in secrets)
    for attempt in (pickle.dumps, copy.copy, copy.deepcopy):
        with pytest.raises(TypeError, match="cannot be pickled"):
            attempt(key)


# ------------------------------------------------------------------------- tree heads


def test_sign_and_verify_round_trip(key: CaseKey, sth: SignedTreeHead) -> None:
    assert sth.timestamp == "2026-03-01T12:00:05Z"
    assert sth.key_fingerprint == key.fingerprint()
    assert len(bytes.fromhex(sth.signature)) == 64
    for public in (key.public_pem(), key.public_pem().decode(), key.public_raw()):
        assert verify_tree_head(sth, public)
    assert SignedTreeHead.from_json(sth.to_json()) == sth
    assert verify_tree_head(SignedTreeHead.from_json(sth.to_json()), key.public_raw())


def test_signing_input_is_the_documented_v1_layout(sth: SignedTreeHead) -> None:
    assert sth.signing_input() == (
        b'{"format":"rempart-sth-v1","key_fingerprint":"'
        + sth.key_fingerprint.encode()
        + b'","reason":"import","root_hash":"'
        + ROOT.encode()
        + b'","timestamp":"2026-03-01T12:00:05Z","tree_size":42}'
    )


def test_empty_tree_and_no_reason_sign_too(key: CaseKey) -> None:
    empty = sign_tree_head(key, 0, hashlib.sha256(b"").hexdigest(), "2026-03-01T12:00:00.250Z")
    assert empty.reason is None and b'"reason":null' in empty.signing_input()
    assert verify_tree_head(empty, key.public_pem())


@pytest.mark.parametrize(
    "size, root, when",
    [
        (-1, ROOT, WHEN),
        (True, ROOT, WHEN),
        (2**63, ROOT, WHEN),
        (1, ROOT.upper(), WHEN),
        (1, ROOT[:-2], WHEN),
        (1, ROOT, "2026-03-01 12:00:00"),
        (1, ROOT, "2026-03-01T12:00:00+01:00"),
        (1, ROOT, datetime(2026, 3, 1, 12)),
    ],
)
def test_malformed_heads_are_never_signed(key: CaseKey, size: Any, root: str, when: Any) -> None:
    with pytest.raises(ValueError):
        sign_tree_head(key, size, root, when)


def test_another_key_does_not_verify(sth: SignedTreeHead, tmp_path: Path) -> None:
    other = CaseKey.create(tmp_path)
    assert not verify_tree_head(sth, other.public_pem())
    # Even when the STH claims the other key's fingerprint, the signature gives it away.
    assert not verify_tree_head(
        dataclasses.replace(sth, key_fingerprint=other.fingerprint()), other.public_pem()
    )
    assert not verify_tree_head(sth, b"not a key")


def _hex(n: int) -> st.SearchStrategy[str]:
    return st.binary(min_size=n, max_size=n).map(bytes.hex)


TAMPERS: dict[str, st.SearchStrategy[Any]] = {
    "tree_size": st.integers(0, 2**63 - 1),
    "root_hash": _hex(32),
    "timestamp": st.datetimes(timezones=st.just(UTC)).map(
        lambda d: d.isoformat().replace("+00:00", "Z")
    ),
    "key_fingerprint": _hex(32),
    "signature": _hex(64),
    "reason": st.none() | st.text(max_size=20),
}


@fast(400)
@given(st.data())
def test_any_tampered_field_is_rejected(
    key: CaseKey, sth: SignedTreeHead, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(sorted(TAMPERS)))
    value = data.draw(TAMPERS[name].filter(lambda v: v != getattr(sth, name)))
    forged = dataclasses.replace(sth, **{name: value})
    assert not verify_tree_head(forged, key.public_pem())


@fast(300)
@given(st.data())
def test_any_flipped_byte_of_the_json_is_caught(
    key: CaseKey, sth: SignedTreeHead, data: st.DataObject
) -> None:
    text = bytearray(sth.to_json().encode())
    index = data.draw(st.integers(0, len(text) - 1))
    text[index] ^= data.draw(st.integers(1, 255))
    try:
        parsed = SignedTreeHead.from_json(bytes(text))
    except EvidenceError:
        return
    assert parsed != sth
    assert not verify_tree_head(parsed, key.public_pem())


@pytest.mark.parametrize(
    "text, message",
    [
        (b"{", "not JSON"),
        (b"[]", "not a rempart-sth-v1"),
        (b'{"format": "rempart-sth-v0"}', "not a rempart-sth-v1"),
        (b'{"format": "rempart-sth-v1", "tree_size": 1}', "fields"),
    ],
)
def test_from_json_explains_what_is_wrong(text: bytes, message: str) -> None:
    with pytest.raises(EvidenceError, match=message):
        SignedTreeHead.from_json(text)


def test_from_json_checks_field_types(sth: SignedTreeHead) -> None:
    forged = sth.to_json().replace('"tree_size":42', '"tree_size":"42"')
    with pytest.raises(EvidenceError, match="tree_size"):
        SignedTreeHead.from_json(forged)
