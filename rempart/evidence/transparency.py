"""A case's transparency log: its Merkle tree, signed tree heads, and proofs to hand out,
and the RFC 3161 timestamp tokens of its heads.

Every log entry, whatever its kind, is a leaf of the case's RFC 9162 tree: leaf ``n - 1`` is
``leaf_hash(body)`` of entry ``n``, written by the store with the entry itself. The tree is
rebuilt from those leaf hashes when needed (about a second per million entries); it extends the
hash chain of :mod:`rempart.evidence.log`, it does not replace it.

A per-case Ed25519 key (``case/keys/``, see :mod:`rempart.evidence.signing`) signs a tree head
when the case is created, after every import and on demand; the heads are kept, append-only, in
the store. When timestamp authorities are configured (setting ``tsa_urls``) each of them stamps
the head's signing input; the tokens are kept (table ``timestamps``) and each one is also a
``timestamp`` log entry, which lands after the head it stamps and is therefore covered by the
next head. Invariant that :mod:`rempart.evidence.verify` relies on: a case that has a key has at
least one signed tree head, because making the key signs one.

Example::

    sth = sign_head(store, key, now, "on demand")
    proof = inclusion_proof(store, seq=12, tree_size=sth.tree_size)
    verify_inclusion(bytes.fromhex(proof["leaf_hash"]), proof["leaf_index"], sth.tree_size,
                     [bytes.fromhex(h) for h in proof["path"]], bytes.fromhex(sth.root_hash))
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ..errors import EvidenceError
from ..hashing import sha256_hex
from ..models import JSONObject
from ..storage.base import EvidenceStore
from .log import LogWriter
from .merkle import MerkleTree
from .signing import PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, CaseKey, SignedTreeHead, sign_tree_head
from .timestamps import TimestampError, TimestampToken, request_tokens

__all__ = [
    "KEYS_DIR",
    "TSA_ROOTS_DIR",
    "StampReport",
    "add_tsa_root",
    "load_or_create_key",
    "case_public_key",
    "consistency_proof",
    "create_case_key",
    "inclusion_proof",
    "keep_tokens",
    "latest_tree_head",
    "public_key_info",
    "sign_head",
    "stored_tree",
    "timestamp_latest_head",
    "tree_heads",
    "tsa_roots",
]

#: The folder of a case that holds its signing key.
KEYS_DIR = "keys"
#: Under ``KEYS_DIR``: the root certificates (PEM) of the timestamp authorities the case trusts.
TSA_ROOTS_DIR = "tsa-roots"


def stored_tree(store: EvidenceStore) -> MerkleTree:
    """The case's Merkle tree, rebuilt from the stored leaf hashes in seq order."""
    return MerkleTree.from_packed(b"".join(digest for _, digest in store.merkle_leaves()))


def create_case_key(path: Path, store: EvidenceStore, when: datetime | str) -> CaseKey:
    """Make the key of the case at ``path`` and sign its current tree head ("key created")."""
    key = CaseKey.create(path / KEYS_DIR)
    with store.transaction():
        _sign(store, key, when, "key created")
    return key


def load_or_create_key(path: Path, store: EvidenceStore, when: datetime | str) -> CaseKey:
    """The signing key of the case at ``path``; a case made before signed tree heads gets one
    now (its first head signed at ``when``)."""
    if (path / KEYS_DIR / PRIVATE_KEY_FILE).exists():
        return CaseKey.load(path / KEYS_DIR)
    return create_case_key(path, store, when)


def case_public_key(path: Path) -> bytes | None:
    """The PEM public key kept in the case at ``path``, or None when it has no key yet."""
    try:
        return (path / KEYS_DIR / PUBLIC_KEY_FILE).read_bytes()
    except FileNotFoundError:
        return None


def public_key_info(key: CaseKey) -> dict[str, str]:
    """The public key (PEM), its fingerprint and the short form to read aloud."""
    return {
        "public_key_pem": key.public_pem().decode("ascii"),
        "fingerprint": key.fingerprint(),
        "short_fingerprint": key.short_fingerprint(),
    }


def sign_head(
    store: EvidenceStore, key: CaseKey, when: datetime | str, reason: str
) -> SignedTreeHead:
    """Sign and keep the head of the store's tree as it stands.

    Runs in one transaction (joining the caller's, when there is one) so that no entry lands
    between reading the leaves and keeping the head.
    """
    with store.transaction():
        return _sign(store, key, when, reason)


def _sign(store: EvidenceStore, key: CaseKey, when: datetime | str, reason: str) -> SignedTreeHead:
    tree = stored_tree(store)
    sth = sign_tree_head(key, tree.size, tree.root().hex(), when, reason)
    store.add_tree_head(asdict(sth))
    return sth


def tree_heads(store: EvidenceStore) -> list[tuple[int, SignedTreeHead]]:
    """Every kept head with its id, oldest first (as stored: verify them before trusting)."""
    return [(row["id"], _from_row(row)) for row in store.tree_heads()]


def latest_tree_head(store: EvidenceStore) -> SignedTreeHead | None:
    """The last kept head, or None when there is none."""
    rows = store.tree_heads()
    return _from_row(rows[-1]) if rows else None


def _from_row(row: dict[str, Any]) -> SignedTreeHead:
    return SignedTreeHead(
        row["tree_size"],
        row["root_hash"],
        row["timestamp"],
        row["key_fingerprint"],
        row["signature"],
        row["reason"],
    )


def inclusion_proof(store: EvidenceStore, seq: int, tree_size: int | None = None) -> JSONObject:
    """The RFC 9162 audit path of entry ``seq`` in the tree of ``tree_size`` leaves.

    ``tree_size`` defaults to the latest signed head's (so the proof checks against a signed
    root), else the whole tree. Hashes are hex; ``leaf_index`` is ``seq - 1``.
    """
    tree = stored_tree(store)
    size = _default_size(store, tree, tree_size)
    if not 1 <= seq <= size:
        raise EvidenceError(
            f"entry {seq} is not in the tree of {size} entries; pick a seq in 1..{size}"
        )
    return {
        "seq": seq,
        "leaf_index": seq - 1,
        "tree_size": size,
        "leaf_hash": tree.leaf(seq - 1).hex(),
        "root_hash": tree.root(size).hex(),
        "path": [h.hex() for h in tree.inclusion_proof(seq - 1, size)],
    }


def consistency_proof(
    store: EvidenceStore, old_size: int, new_size: int | None = None
) -> JSONObject:
    """The RFC 9162 proof that the tree of ``old_size`` leaves is a prefix of ``new_size``'s.

    ``new_size`` defaults as ``tree_size`` does in :func:`inclusion_proof`.
    """
    tree = stored_tree(store)
    size = _default_size(store, tree, new_size)
    if not 0 <= old_size <= size:
        raise EvidenceError(f"old size {old_size} is not within 0..{size}")
    return {
        "old_size": old_size,
        "new_size": size,
        "old_root": tree.root(old_size).hex(),
        "new_root": tree.root(size).hex(),
        "proof": [h.hex() for h in tree.consistency_proof(old_size, size)],
    }


def _default_size(store: EvidenceStore, tree: MerkleTree, size: int | None) -> int:
    if size is None:
        latest = latest_tree_head(store)
        size = latest.tree_size if latest is not None else tree.size
    if not 0 <= size <= tree.size:
        raise EvidenceError(f"tree size {size} is not within 0..{tree.size} (the log's size)")
    return size


# --------------------------------------------------------------------------- trusted time


@dataclass(frozen=True)
class StampReport:
    """What stamping one signed head gave: the tokens kept and the authorities that failed."""

    head_id: int
    tree_size: int
    tokens: list[TimestampToken]
    errors: list[TimestampError]


def tsa_roots(path: Path) -> list[bytes]:
    """The PEM root certificates of the timestamp authorities the case at ``path`` trusts."""
    folder = path / KEYS_DIR / TSA_ROOTS_DIR
    return [p.read_bytes() for p in sorted(folder.glob("*.pem"))] if folder.is_dir() else []


def add_tsa_root(path: Path, pem: bytes) -> Path:
    """Trust the root certificate(s) in ``pem`` for the case at ``path``; return the file kept.

    The file is named after the SHA-256 of its content, so adding the same root twice keeps one.
    """
    try:
        certs = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise EvidenceError(
            f"not a PEM certificate ({exc}); give the TSA's root certificate as a .pem file"
        ) from None
    folder = path / KEYS_DIR / TSA_ROOTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"root-{hashlib.sha256(pem).hexdigest()[:16]}.pem"
    target.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in certs))
    return target


def timestamp_latest_head(
    store: EvidenceStore, urls: list[str], by: str, now: Callable[[], str], timeout: float = 10.0
) -> StampReport:
    """Ask every timestamp authority in ``urls`` to stamp the latest signed head; keep each
    token with a ``timestamp`` log entry by ``by`` at ``now()`` (read once they answered).

    No transaction is held while the authorities answer; one that fails is in ``errors`` and
    the others' tokens are kept all the same.
    """
    if not urls:
        raise EvidenceError(
            "no timestamp authority configured: set tsa_urls in the case's "
            "[settings] or $REMPART_TSA_URLS (comma-separated URLs)"
        )
    heads = tree_heads(store)
    if not heads:
        raise EvidenceError("no signed tree head to stamp; run `rempart tree-head` first")
    head_id, sth = heads[-1]
    tokens, errors = request_tokens(urls, sth.signing_input(), timeout)
    if tokens:
        keep_tokens(store, head_id, sth, tokens, by, now())
    return StampReport(head_id, sth.tree_size, tokens, errors)


def keep_tokens(
    store: EvidenceStore,
    head_id: int,
    sth: SignedTreeHead,
    tokens: list[TimestampToken],
    operator: str,
    at: str,
) -> None:
    """Store the tokens of head ``head_id`` and seal each in the log (by ``operator``, at
    ``at``), in one transaction (joining the caller's, when there is one)."""
    with store.transaction():
        writer = LogWriter(store)
        for token in tokens:
            store.add_timestamp(
                {
                    "head_id": head_id,
                    "tree_size": sth.tree_size,
                    "root_hash": sth.root_hash,
                    "url": token.url,
                    "token_der": token.der,
                    "gen_time": token.gen_time,
                    "requested_at": at,
                }
            )
            writer.append(
                "timestamp",
                {
                    "head": head_id,
                    "tree_size": sth.tree_size,
                    "root_hash": sth.root_hash,
                    "url": token.url,
                    "token_sha256": sha256_hex(token.der),
                    "gen_time": token.gen_time,
                    "tsa": token.tsa_name,
                    "serial": str(token.serial),
                    "by": operator,
                    "at": at,
                },
            )
        writer.flush()
