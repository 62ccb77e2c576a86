"""The Python API: every capability of the command line, as plain functions.

Example::

    case = init_case("my-case", targets=["@alice"])
    ingest(case, ["mentions.jsonl"])
    report = verify(case)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from .case import Case, find_case_path
from .evidence import bundle as _bundle
from .evidence import transparency
from .evidence.bundle import BundleCheck, BundleReport, Selection
from .evidence.log import append_custody
from .evidence.log import custody as custody_entries
from .evidence.signing import SignedTreeHead
from .evidence.verify import VerifyReport, verify_case
from .models import Message, iso
from .pipeline import IngestReport
from .pipeline import ingest as _ingest
from .timebounds import bound_iso


def init_case(path: str | Path, targets: list[str], name: str | None = None) -> Case:
    """Create a case directory for ``targets`` and open it."""
    return Case.create(path, targets, name=name)


def open_case(path: str | Path | None = None) -> Case:
    """Open a case: ``path``, else ``$REMPART_CASE``, else ``./rempart-case``."""
    return Case.open(find_case_path(path))


def ingest(case: Case, paths: Iterable[str | Path], format: str | None = None,
           **kwargs: Any) -> IngestReport:
    """Capture files or folders into the case (see :func:`rempart.ingest.ingest`)."""
    return _ingest(case, list(paths), format=format, **kwargs)


def verify(case: Case, replay: bool = True, head: str | None = None) -> VerifyReport:
    """Recompute every hash, link, Merkle root, signed tree head and derived message, in one
    read snapshot; see :mod:`rempart.evidence.verify`. ``head`` is a hash noted earlier: any
    letter case, spaces around it, or a prefix of at least 12 hex characters (an ambiguous or
    malformed one raises :class:`rempart.errors.EvidenceError`)."""
    return verify_case(case.store, replay=replay, head=head,
                       public_key=transparency.case_public_key(case.path),
                       tsa_roots=transparency.tsa_roots(case.path))


def tree_head(case: Case, reason: str = "on demand") -> SignedTreeHead:
    """Sign and keep the head of the case's evidence Merkle tree as it stands now."""
    return transparency.sign_case_tree_head(case, reason)


def timestamp(case: Case, urls: list[str] | None = None) -> transparency.StampReport:
    """Have the timestamp authorities (default: the ``tsa_urls`` setting) stamp the latest
    signed head; failures come back in ``errors``, the tokens obtained are kept."""
    return transparency.timestamp_latest_head(case, urls)


def add_tsa_root(case: Case, pem: bytes) -> Path:
    """Trust a timestamp authority's root certificate (PEM) for ``rempart verify``."""
    return transparency.add_tsa_root(case.path, pem)


def record_custody(case: Case, action: str, details: dict[str, Any]) -> None:
    """Seal a chain-of-custody event (``view``, ``export`` or ``report``) by the operator, now.

    Example::

        record_custody(case, "report", {"what": "dossier", "file": "exports/dossier.pdf"})
    """
    append_custody(case.store, action, case.settings["operator"], iso(case.clock.now()) or "",
                   details)


def custody(case: Case) -> list[dict[str, Any]]:
    """The chain of custody from the log: who (``by``) did what (``kind``, ``what``) when."""
    return custody_entries(case.store)


def latest_tree_head(case: Case) -> SignedTreeHead | None:
    """The last signed head kept in the case (None when it has none yet)."""
    return transparency.latest_tree_head(case.store)


def public_key(case: Case) -> dict[str, str]:
    """The case's public key (``public_key_pem``), its ``fingerprint`` and
    ``short_fingerprint``; a case made before signed heads gets its key now."""
    return transparency.public_key_info(case)


def inclusion_proof(case: Case, seq: int, tree_size: int | None = None) -> dict[str, Any]:
    """The RFC 9162 audit path of log entry ``seq`` (default size: the latest signed head's)."""
    return transparency.inclusion_proof(case, seq, tree_size)


def consistency_proof(case: Case, old_size: int, new_size: int | None = None) -> dict[str, Any]:
    """The RFC 9162 proof that the tree of ``old_size`` entries is a prefix of ``new_size``'s."""
    return transparency.consistency_proof(case, old_size, new_size)


def export_bundle(case: Case, out: str | Path, select: Selection | None = None,
                  force: bool = False) -> BundleReport:
    """Write an evidence bundle (zip) of the selected records, checkable offline; see
    :mod:`rempart.evidence.bundle`. Exporting is logged and signs a tree head, once the file
    is complete; an existing ``out`` is replaced only with ``force`` (a folder never)."""
    return _bundle.export_bundle(case, Path(out), select, force=force)


def verify_bundle(path: str | Path, fingerprint: str | None = None) -> BundleCheck:
    """Check a bundle with no case and no network; ``fingerprint`` (published out of band)
    must then match its public key."""
    return _bundle.verify_bundle(Path(path), fingerprint)


def messages(case: Case, platform: str | None = None, since: str | datetime | None = None,
             until: str | datetime | None = None,
             include_referenced: bool = False) -> Iterator[Message]:
    """The case's normalised messages, oldest first (context posts only on request).

    ``since`` / ``until`` are instants: ISO 8601 with ``Z`` or an offset (none: UTC), or a
    date alone for a whole day (``until`` then includes that day); ``until`` is excluded
    otherwise. What is not a date raises :class:`rempart.timebounds.TimeBoundError` at once.
    """
    low, high = bound_iso(since), bound_iso(until, end=True)
    return (stored.message for stored in case.store.messages(platform, low, high,
                                                                 include_referenced))


def rejects(case: Case) -> Iterator[dict[str, Any]]:
    """Records that could not be read: file, line, format, reason, and their kept bytes;
    ``read_again`` is true once the same bytes were read as a record since (imported again
    with the right ``--format`` or ``--encoding``)."""
    sources = case.store.sources()
    rejected = list(case.store.records(rejects_only=True))
    only_rejected = case.store.rejected_records({rec.sha256 for rec in rejected})
    for rec in rejected:
        src = sources.get(rec.source_id)
        yield {"seq": rec.seq, "file": src.name if src else None, "line": rec.line,
               "format": rec.format, "reason": rec.reject_reason, "sha256": rec.sha256,
               "read_again": rec.sha256 not in only_rejected, "raw": rec.raw}


def findings(case: Case, score: bool = True) -> Any:
    """Run the raid analysis (scoring unscored messages first, with ``score``) and store its
    findings; returns a :class:`rempart.analysis.raid.findings.Findings`."""
    from .analysis.raid.findings import analyze_case

    return analyze_case(case, score=score)


def findings_json(case: Case, rerun: bool = False) -> dict[str, Any]:
    """The last stored findings as the ``rempart findings --json`` object (analysing the case
    first when it never was, or with ``rerun``), with their ``freshness``: whether data came
    in after them (``stale``), at which log size they were computed, and what is new."""
    from .analysis.raid.findings import freshness

    run = None if rerun else case.store.latest_findings_run()
    if run is None:
        findings(case)
        run = case.store.latest_findings_run()
        assert run is not None
    return {**run.data, "freshness": freshness(case.store, run)}


def stats(case: Case) -> dict[str, Any]:
    """Counts per day, platform and format, plus totals, and the capture runs that never
    ended (``interrupted_captures``: killed, or still running)."""
    rows = [{"day": d or "unknown", "platform": p, "format": f, "messages": n}
            for d, p, f, n in case.store.stats_rows()]
    return {"per_day": rows, "totals": case.store.counts(),
            "interrupted_captures": interrupted_captures(case)}


def interrupted_captures(case: Case) -> list[dict[str, Any]]:
    """Capture runs with no end recorded: ``capture`` (id), ``started_at``, ``files``. The
    records they sealed are kept; importing the same files again completes the work."""
    return [{"capture": c["id"], "started_at": c.get("started_at"),
             "files": len(c.get("inputs") or [])}
            for c in case.store.captures() if c.get("result") is None]
