"""Signed tree heads: a per-case Ed25519 key signs the size and root of the evidence Merkle tree.

A signed tree head (STH) says "the log of this case had ``tree_size`` leaves and root
``root_hash`` at ``timestamp``"; anyone holding the case's public key can check it offline, and
the key's fingerprint, published out of band (the dossier cover page, a lawyer's letter), ties the
key to the case.

Example::

    key = CaseKey.create(case_dir / "keys")          # once per case
    sth = sign_tree_head(key, 42, root_hex, clock.now(), "import")
    verify_tree_head(sth, key.public_pem())          # True
    SignedTreeHead.from_json(sth.to_json()) == sth   # True

Signing input, format ``rempart-sth-v1`` (fixed; a new layout gets a new tag)::

    canonical JSON (sorted keys, compact, UTF-8) of
    {"format": "rempart-sth-v1", "key_fingerprint": <64 hex>, "reason": <text or null>,
     "root_hash": <64 hex>, "timestamp": "YYYY-MM-DDTHH:MM:SS[.ffffff]Z", "tree_size": <int>}

The signature is pure Ed25519 (RFC 8032) over those bytes, stored as 128 hex digits.

Key files, in the case's ``keys/`` folder: ``case-ed25519.pem`` (PKCS#8, unencrypted, mode 0600)
and ``case-ed25519.pub.pem`` (SubjectPublicKeyInfo). No function here returns the private key:
it is used in place to sign, and stays in its file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import stat
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import EvidenceError
from ..hashing import canonical
from ..models import iso

__all__ = [
    "PRIVATE_KEY_FILE",
    "PUBLIC_KEY_FILE",
    "STH_FORMAT",
    "CaseKey",
    "SignedTreeHead",
    "fingerprint",
    "short_fingerprint",
    "sign_tree_head",
    "verify_public_key_fingerprint",
    "verify_tree_head",
]

STH_FORMAT = "rempart-sth-v1"
PRIVATE_KEY_FILE = "case-ed25519.pem"
PUBLIC_KEY_FILE = "case-ed25519.pub.pem"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
_UTC_Z = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
_SHORT_HEX = 32  # the short fingerprint: the first 128 bits, in groups of four hex digits


def fingerprint(public_raw: bytes) -> str:
    """SHA-256 of a raw 32-byte Ed25519 public key, as 64 lowercase hex digits."""
    return hashlib.sha256(public_raw).hexdigest()


def short_fingerprint(full: str) -> str:
    """The first 128 bits of a fingerprint in groups of four, for reading aloud or printing.

    ``short_fingerprint("3f0a9c5e" + ...)`` -> ``"3f0a 9c5e ...."`` (eight groups).
    """
    head = full[:_SHORT_HEX]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


def _load_public(public_key: bytes | str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (text or bytes), DER SubjectPublicKeyInfo or 32 raw bytes."""
    data = public_key.encode("ascii") if isinstance(public_key, str) else public_key
    if len(data) == 32:
        return Ed25519PublicKey.from_public_bytes(data)
    if data.lstrip().startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(data)
    else:
        key = serialization.load_der_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verify_public_key_fingerprint(public_pem: bytes | str, expected: str) -> bool:
    """Whether a public key has the fingerprint published out of band.

    ``expected`` may be the full 64 hex digits or the short 32-digit form, with or without the
    spaces or colons used to group it, in either case. Malformed keys or fingerprints give False.
    """
    wanted = re.sub(r"[\s:]", "", expected).lower()
    if len(wanted) not in (64, _SHORT_HEX) or not re.fullmatch(r"[0-9a-f]+", wanted):
        return False
    try:
        actual = fingerprint(_raw(_load_public(public_pem)))
    except ValueError:
        return False
    return hmac.compare_digest(actual[: len(wanted)], wanted)


class CaseKey:
    """A case's Ed25519 signing key, kept in its folder; only public material comes out.

    Build one with :meth:`create` (new case) or :meth:`load` (existing case).
    """

    def __init__(self, folder: Path, private: Ed25519PrivateKey) -> None:
        self.folder = folder
        self.__private = private
        self._public = private.public_key()

    @classmethod
    def create(cls, folder: Path) -> CaseKey:
        """Generate a key in ``folder`` (created if missing); refuses to replace an existing one."""
        folder.mkdir(parents=True, exist_ok=True)
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path = folder / PRIVATE_KEY_FILE
        try:
            # O_EXCL: never overwrite a case key; 0o600 from the first byte written.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise EvidenceError(f"{path}: a case key already exists; load it instead") from None
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        os.chmod(path, 0o600)  # the umask may have narrowed it further; make it exact
        key = cls(folder, private)
        (folder / PUBLIC_KEY_FILE).write_bytes(key.public_pem())
        return key

    @classmethod
    def load(cls, folder: Path) -> CaseKey:
        """Load the key of ``folder``; its public file, when present, must match it."""
        path = folder / PRIVATE_KEY_FILE
        try:
            private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except FileNotFoundError:
            raise EvidenceError(f"{path}: no case key; create one first") from None
        except ValueError as exc:
            raise EvidenceError(f"{path}: not a readable PEM private key ({exc})") from None
        if not isinstance(private, Ed25519PrivateKey):
            raise EvidenceError(f"{path}: the case key is not an Ed25519 key")
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            raise EvidenceError(f"{path}: readable by others; run chmod 600 on it")
        key = cls(folder, private)
        pub_path = folder / PUBLIC_KEY_FILE
        if pub_path.exists() and pub_path.read_bytes() != key.public_pem():
            raise EvidenceError(f"{pub_path}: does not match {path}")
        return key

    def public_pem(self) -> bytes:
        """The public key as PEM SubjectPublicKeyInfo (what an export carries)."""
        return self._public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def public_raw(self) -> bytes:
        """The 32 raw bytes of the public key."""
        return _raw(self._public)

    def fingerprint(self) -> str:
        """SHA-256 of :meth:`public_raw`, 64 hex digits."""
        return fingerprint(self.public_raw())

    def short_fingerprint(self) -> str:
        """The grouped 128-bit prefix of :meth:`fingerprint`, for humans."""
        return short_fingerprint(self.fingerprint())

    def sign(self, data: bytes) -> bytes:
        """An Ed25519 signature (64 bytes) of ``data``."""
        return self.__private.sign(data)

    def __repr__(self) -> str:
        return f"CaseKey({str(self.folder)!r}, fingerprint={self.short_fingerprint()!r})"

    def __reduce__(self) -> NoReturn:
        # Pickling would copy the private key out of its folder.
        raise TypeError("a CaseKey cannot be pickled; load it from its folder instead")


@dataclass(frozen=True)
class SignedTreeHead:
    """The signed size and root of a case's evidence Merkle tree at one time.

    ``tree_size`` leaves, ``root_hash`` (64 hex, RFC 9162 root), ``timestamp`` (ISO-8601 UTC with
    ``Z``, from the case clock), ``key_fingerprint`` of the signing key, ``signature`` (128 hex,
    Ed25519 over :meth:`signing_input`), ``reason`` ("import", "on demand", "export", ...).
    """

    tree_size: int
    root_hash: str
    timestamp: str
    key_fingerprint: str
    signature: str
    reason: str | None = None

    def signing_input(self) -> bytes:
        """The bytes the signature covers: format ``rempart-sth-v1`` (see the module docstring)."""
        return canonical(
            {
                "format": STH_FORMAT,
                "key_fingerprint": self.key_fingerprint,
                "reason": self.reason,
                "root_hash": self.root_hash,
                "timestamp": self.timestamp,
                "tree_size": self.tree_size,
            }
        )

    def to_json(self) -> str:
        """Canonical JSON of every field plus the format tag."""
        return canonical({"format": STH_FORMAT, **asdict(self)}).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> SignedTreeHead:
        """Parse :meth:`to_json` output; a wrong format, field or type raises EvidenceError."""
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise EvidenceError(f"signed tree head: not JSON ({exc})") from None
        if not isinstance(obj, dict) or obj.get("format") != STH_FORMAT:
            raise EvidenceError(f"signed tree head: not a {STH_FORMAT} object")
        fields = {k: v for k, v in obj.items() if k != "format"}
        expected = {"tree_size", "root_hash", "timestamp", "key_fingerprint", "signature", "reason"}
        if set(fields) != expected:
            raise EvidenceError(
                f"signed tree head: fields {sorted(fields)}, expected {sorted(expected)}"
            )
        sth = cls(**fields)
        problem = _field_problem(sth)
        if problem:
            raise EvidenceError(f"signed tree head: {problem}")
        return sth


def _field_problem(sth: SignedTreeHead) -> str | None:
    """What is malformed in ``sth`` (None when every field has its documented form)."""
    if type(sth.tree_size) is not int or not 0 <= sth.tree_size < 2**63:
        return f"tree_size {sth.tree_size!r} is not an integer in [0, 2**63)"
    for name in ("root_hash", "key_fingerprint"):
        value = getattr(sth, name)
        if not isinstance(value, str) or not _HEX64.fullmatch(value):
            return f"{name} {value!r} is not 64 lowercase hex digits"
    if not isinstance(sth.timestamp, str) or not _UTC_Z.fullmatch(sth.timestamp):
        return f"timestamp {sth.timestamp!r} is not ISO-8601 UTC ending in Z"
    if not isinstance(sth.signature, str) or not _HEX128.fullmatch(sth.signature):
        return "signature is not 128 lowercase hex digits"
    if sth.reason is not None and not isinstance(sth.reason, str):
        return f"reason {sth.reason!r} is not text"
    return None


def sign_tree_head(
    key: CaseKey,
    tree_size: int,
    root_hash: str,
    timestamp: datetime | str,
    reason: str | None = None,
) -> SignedTreeHead:
    """Sign ``(tree_size, root_hash, timestamp, reason)`` with the case key.

    ``timestamp`` is an aware datetime (written as ISO-8601 UTC with ``Z``) or such a string.
    Malformed fields raise ValueError: a signature must never cover something unverifiable.
    """
    if isinstance(timestamp, datetime) and timestamp.tzinfo is None:
        raise ValueError("timestamp has no time zone; the case clock gives aware UTC times")
    when = timestamp if isinstance(timestamp, str) else iso(timestamp)
    draft = SignedTreeHead(tree_size, root_hash, str(when), key.fingerprint(), "0" * 128, reason)
    problem = _field_problem(draft)
    if problem:
        raise ValueError(problem)
    signature = key.sign(draft.signing_input()).hex()
    return SignedTreeHead(
        tree_size, root_hash, draft.timestamp, draft.key_fingerprint, signature, reason
    )


def verify_tree_head(sth: SignedTreeHead, public_key: bytes | str) -> bool:
    """Whether ``sth`` is well formed, names ``public_key``'s fingerprint and is signed by it.

    ``public_key`` is PEM (bytes or text), DER SubjectPublicKeyInfo or the 32 raw bytes.
    """
    if _field_problem(sth):
        return False
    try:
        key = _load_public(public_key)
    except ValueError:
        return False
    if not hmac.compare_digest(fingerprint(_raw(key)), sth.key_fingerprint):
        return False
    try:
        key.verify(bytes.fromhex(sth.signature), sth.signing_input())
    except InvalidSignature:
        return False
    return True
