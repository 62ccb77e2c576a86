"""The case's evidence, as use cases: its signing key, signed tree heads, trusted timestamps,
proofs, verification, bundles and the chain of custody.

The domain (:mod:`rempart.evidence`) works on a store and a key; these functions give it the
case's own: its folder's key, its clock for every time written, its operator for every custody
entry, and its ``tsa_urls`` setting.

Example::

    head = tree_head(case)                       # sign the tree as it stands
    proof = inclusion_proof(case, seq=12)        # against the latest signed head
    assert verify(case).ok
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..evidence import transparency
from ..evidence.bundle import BundleCheck, BundleReport, Exporter, Selection
from ..evidence.bundle import export_bundle as _export_bundle
from ..evidence.bundle import verify_bundle as _verify_bundle
from ..evidence.log import CUSTODY_KINDS, CustodyEvent, append_custody, custody_events
from ..evidence.signing import CaseKey, SignedTreeHead
from ..evidence.transparency import StampReport
from ..evidence.verify import VerifyReport, verify_case
from ..models import JSONObject, iso
from ..settings import url_list
from .folder import Case

__all__ = [
    "add_tsa_root",
    "case_key",
    "consistency_proof",
    "custody",
    "export_bundle",
    "inclusion_proof",
    "latest_tree_head",
    "public_key",
    "record_custody",
    "sign_and_stamp",
    "sign_case_tree_head",
    "stamp_if_configured",
    "timestamp",
    "tree_head",
    "verify",
    "verify_bundle",
]


def now_iso(case: Case) -> str:
    """The case clock's time now, as the ISO 8601 text sealed in entries."""
    return iso(case.clock.now()) or ""


def case_key(case: Case) -> CaseKey:
    """The case's signing key; a case made before signed tree heads gets one now."""
    return transparency.load_or_create_key(case.path, case.store, case.clock.now())


def sign_case_tree_head(
    case: Case, reason: str, when: datetime | str | None = None
) -> SignedTreeHead:
    """Sign and keep the head of the case's tree as it stands; ``when`` defaults to the clock.

    Runs in one transaction (joining the caller's, when there is one) so that no entry lands
    between reading the leaves and keeping the head.
    """
    key = case_key(case)
    return transparency.sign_head(
        case.store, key, case.clock.now() if when is None else when, reason
    )


def tree_head(case: Case, reason: str = "on demand") -> SignedTreeHead:
    """Sign and keep the head of the case's evidence Merkle tree as it stands now."""
    return sign_case_tree_head(case, reason)


def sign_and_stamp(case: Case) -> tuple[SignedTreeHead, StampReport | None]:
    """``rempart tree-head``: sign the head now, and have it stamped when the case has
    timestamp authorities (``tsa_urls``; None otherwise)."""
    return tree_head(case), stamp_if_configured(case)


def latest_tree_head(case: Case) -> SignedTreeHead | None:
    """The last signed head kept in the case (None when it has none yet)."""
    return transparency.latest_tree_head(case.store)


def stamps(case: Case, last: int = 20) -> list[JSONObject]:
    """The last ``last`` RFC 3161 timestamps kept, newest first: which signed head (tree size,
    root hash) each authority (url) stamped, and when (gen_time); the tokens themselves stay in
    the case (bundles carry them)."""
    rows = case.store.timestamps()[-last:] if last > 0 else []
    return [
        {k: row.get(k) for k in ("head_id", "tree_size", "root_hash", "url", "gen_time")}
        for row in reversed(rows)
    ]


def timestamp(case: Case, urls: list[str] | None = None) -> StampReport:
    """Have the timestamp authorities (default: the ``tsa_urls`` setting) stamp the latest
    signed head; failures come back in ``errors``, the tokens obtained are kept."""
    chosen = url_list(case.settings["tsa_urls"]) if urls is None else urls
    return transparency.timestamp_latest_head(
        case.store, chosen, case.settings["operator"], lambda: now_iso(case)
    )


def stamp_if_configured(case: Case) -> StampReport | None:
    """:func:`timestamp` when the case has timestamp authorities (``tsa_urls``), else None."""
    return timestamp(case) if url_list(case.settings["tsa_urls"]) else None


def add_tsa_root(case: Case, pem: bytes) -> Path:
    """Trust a timestamp authority's root certificate (PEM) for ``rempart verify``."""
    return transparency.add_tsa_root(case.path, pem)


def public_key(case: Case) -> dict[str, str]:
    """The case's public key (``public_key_pem``), its ``fingerprint`` and
    ``short_fingerprint``; a case made before signed heads gets its key now."""
    return transparency.public_key_info(case_key(case))


def inclusion_proof(case: Case, seq: int, tree_size: int | None = None) -> JSONObject:
    """The RFC 9162 audit path of log entry ``seq`` (default size: the latest signed head's)."""
    return transparency.inclusion_proof(case.store, seq, tree_size)


def consistency_proof(case: Case, old_size: int, new_size: int | None = None) -> JSONObject:
    """The RFC 9162 proof that the tree of ``old_size`` entries is a prefix of ``new_size``'s."""
    return transparency.consistency_proof(case.store, old_size, new_size)


def verify(case: Case, replay: bool = True, head: str | None = None) -> VerifyReport:
    """Recompute every hash, link, Merkle root, signed tree head and derived message, in one
    read snapshot; see :mod:`rempart.evidence.verify`. ``head`` is a hash noted earlier: any
    letter case, spaces around it, or a prefix of at least 12 hex characters (an ambiguous or
    malformed one raises :class:`rempart.errors.EvidenceError`)."""
    return verify_case(
        case.store,
        replay=replay,
        head=head,
        public_key=transparency.case_public_key(case.path),
        tsa_roots=transparency.tsa_roots(case.path),
    )


def export_bundle(
    case: Case, out: str | Path, select: Selection | None = None, force: bool = False
) -> BundleReport:
    """Write an evidence bundle (zip) of the selected records, checkable offline, with the
    incidents and their attachments when it selects everything or a time window only; see
    :mod:`rempart.evidence.bundle`. Exporting is logged and signs a tree head, once the file
    is complete; an existing ``out`` is replaced only with ``force`` (a folder never)."""
    exporter = Exporter(
        case.store,
        case_key(case),
        str(case.config.get("case", {}).get("name", "")),
        tuple(case.targets),
        case.settings["operator"],
        tuple(transparency.tsa_roots(case.path)),
    )
    return _export_bundle(
        exporter,
        Path(out),
        select,
        force=force,
        now=now_iso(case),
        tsa_urls=url_list(case.settings.get("tsa_urls")),
    )


def verify_bundle(path: str | Path, fingerprint: str | None = None) -> BundleCheck:
    """Check a bundle with no case and no network; ``fingerprint`` (published out of band)
    must then match its public key."""
    return _verify_bundle(Path(path), fingerprint)


def record_custody(case: Case, action: str, details: JSONObject) -> None:
    """Seal a chain-of-custody event (``view``, ``export`` or ``report``) by the operator, now.

    Example::

        record_custody(case, "report", {"what": "dossier", "file": "exports/dossier.pdf"})
    """
    append_custody(case.store, action, case.settings["operator"], now_iso(case), details)


def custody(
    case: Case, record: bool = True, by: str = "library", last: int | None = None
) -> list[CustodyEvent]:
    """The chain of custody from the log: who (``by``) did what (``kind``, ``what``) when;
    only the ``last`` events when given (the log is not read through).

    Reading it is a view like any other: a ``view`` entry records it (after the events, all of
    which it counts), unless ``record`` is false; ``by`` names the interface."""
    with case.store.snapshot():  # the events and their count as of one moment
        events = custody_events(case.store, last)
        count = len(events) if last is None else case.store.count_entries(CUSTODY_KINDS)
    if record:
        record_custody(case, "view", {"command": "custody", "via": by, "count": count})
    return events
