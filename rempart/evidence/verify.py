"""Recompute everything in a case's evidence and say exactly what, if anything, was tampered with.

Three passes:

1. **The log**: every entry's hash is recomputed from its predecessor and its body; sequence
   numbers (inside the hashed bodies) must run 1, 2, 3, …; every link must point at the entry
   before. A break is classified as *altered*, *missing*, *inserted* or *reordered*, with the
   sequence number where it happens. The last recorded head must still be in the log
   (truncation).
2. **The raw records**: each payload's SHA-256 is recomputed and must match the log entry that
   seals it, together with its source file's hash, line, format, context, capture time and clock.
3. **The derived data**: every record is parsed again from its stored bytes and merged afresh in
   memory; the messages and accounts must equal the stored ones, data and columns alike
   (``created_at``, ``captured_as``… which listings filter on), and each message must be linked
   to exactly the records the replay saw it in (what a bundle carries). The stored status
   change rows are counted one for one against the replayed changes.

**Status changes**: the replay also yields the status observations of the records (a message
deleted, an account suspended…); every ``status-change`` entry must be one of them, and a capture
run that lists ``status-change`` among the kinds it writes must have an entry for each.

**Incidents**: every stored incident must be the one its ``incident`` entry seals, field for
field, and each attachment's kept bytes must hash to the SHA-256 the entry seals (see
:mod:`rempart.evidence.incidents`).

**Timestamps**: every stored RFC 3161 token must verify offline (imprint, CMS signature,
certificate chain) over the signing input of the head it names, against the trusted TSA roots
given; its genTime must be the one stored, and tokens and ``timestamp`` entries must match one to
one (a deleted or slipped-in token is found).

Between passes 1 and 2, **the Merkle tree**: it is rebuilt from the entry bodies (leaf ``n - 1``
is ``leaf_hash(body(n))``); every stored leaf hash must be the hash of its entry's body, and every
signed tree head must verify with the case's public key, have the rebuilt root at its size, never
shrink, and extend the last head whose root held (an RFC 9162 consistency proof, which narrows a
change down to the entries signed in between). Heads are numbered without gaps and every import
signs one, so a deleted head is found too.

All passes read one snapshot (:meth:`Store.snapshot`, one read transaction): an import
committing meanwhile on another connection is not seen. A capture run with no ``capture-end``
(killed, or still running) is a *notice* (``report.notices``), not a problem.

Example::

    report = verify_case(case.store)
    if not report.ok: print(report.problems[0])
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

import orjson

from ..errors import EvidenceError, ParseError, SourceError
from ..hashing import GENESIS, canonical, chain_hash, sha256_hex
from ..models import StatusChange, iso, json_dict, json_list
from ..storage.base import (
    ACCOUNT_COLUMNS,
    MESSAGE_COLUMNS,
    LogEntry,
    RawRecord,
    Store,
    StoredMessage,
    account_columns,
    message_columns,
)
from ..storage.memory import MemoryStore
from ..storage.sqlite import dump
from .incidents import INCIDENT_KIND, check_incidents
from .marks import MARK_KIND, check_marks
from .merkle import EMPTY_ROOT, MerkleTree, leaf_hash, verify_consistency
from .results import ResultProblem, check_results, check_status_rows
from .signing import SignedTreeHead, verify_tree_head
from .timestamps import verify_token
from .transparency import tree_heads

Progress = Callable[[str, int], None]
_RECORD_KINDS = ("record", "reject")
_SEALED_KINDS = (
    "capture-start",
    "status-change",
    "timestamp",  # kept for the later checks
    "analysis",
    "annotation",
    INCIDENT_KIND,
    MARK_KIND,
)


@dataclass(frozen=True)
class Problem:
    """One verification failure: what (log entry, record, message), where, and how."""

    what: str
    where: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.what} {self.where}: {self.kind}: {self.detail}"


@dataclass
class VerifyReport:
    """The outcome of :func:`verify_case`."""

    entries: int = 0
    records: int = 0
    rejects: int = 0
    messages: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    tree_size: int = 0
    tree_root: str = EMPTY_ROOT.hex()
    tree_heads: int = 0
    timestamps: int = 0
    status_changes: int = 0
    incidents: int = 0
    replayed: bool = False
    noted_head_seq: int | None = None  # the entry whose hash ``head`` (or its prefix) is
    problems: list[Problem] = field(default_factory=list)
    #: what is worth knowing but proves no tampering (an interrupted capture run)
    notices: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def verify_case(
    store: Store,
    replay: bool = True,
    progress: Progress | None = None,
    head: str | None = None,
    public_key: bytes | None = None,
    tsa_roots: Sequence[bytes] = (),
) -> VerifyReport:
    """Verify a case's log, Merkle tree, signed tree heads, raw records and derived data.

    ``head`` is an entry hash the user noted earlier (printed after each import): it must still
    be in the log. ``public_key`` (PEM) checks the signed tree heads; without it, a case that has
    heads fails as unverifiable. ``tsa_roots`` (PEM or DER) are the timestamp authorities'
    root certificates the case trusts; without them, stored tokens fail as unverifiable.
    """
    report = VerifyReport()
    sealed: dict[str, list[tuple[int, dict[str, Any]]]] = {k: [] for k in _SEALED_KINDS}
    # One read transaction: every pass judges the same committed state, whatever an import
    # running on another connection commits meanwhile.
    with store.snapshot():
        bodies, leaves = _check_log(store, report, progress, sealed)
        _check_heads(store, report, bodies, head)
        _check_tree(store, report, leaves, public_key)
        _check_timestamps(store, report, sealed["timestamp"], tsa_roots)
        _check_records(store, report, bodies, progress)
        _check_results(store, report, sealed)
        _check_incidents(store, report, sealed[INCIDENT_KIND])
        for p in check_marks(store, sealed[MARK_KIND]):
            _add(report, p.what, p.where, p.kind, p.detail)
        if replay and not any(p.what == "record" for p in report.problems):
            observed = _replay(store, report, progress, sealed["capture-start"])
            _check_status_changes(report, observed, sealed)
            report.replayed = True
    return report


# --------------------------------------------------------------------------- pass 1: the log


def _check_log(
    store: Store,
    report: VerifyReport,
    progress: Progress | None,
    sealed: dict[str, list[tuple[int, dict[str, Any]]]],
) -> tuple[dict[int, Any], list[tuple[int, bytes]]]:
    """Walk the chain; return ``seq -> summary`` of record entries for pass 2 and the
    ``(seq, leaf hash)`` of every entry, in log order, for the Merkle tree. The bodies of the
    kinds in ``sealed`` are added to it, as ``(seq, body)``."""
    rows: list[tuple[int, int | None, str, str, bool]] = []  # row seq, body seq, prev, hash, ok
    summaries: dict[int, Any] = {}
    leaves: list[tuple[int, bytes]] = []
    by_hash: dict[str, int] = {}
    open_captures: set[Any] = set()
    starts: dict[Any, tuple[int, Any]] = {}  # capture runs not ended (yet): seq, started_at
    for entry in store.entries():
        leaves.append((entry.seq, leaf_hash(entry.body)))
        body_seq, body = _body(entry)
        ok = chain_hash(entry.prev_hash, entry.body) == entry.entry_hash if _hex(entry) else False
        rows.append((entry.seq, body_seq, entry.prev_hash, entry.entry_hash, ok))
        by_hash.setdefault(entry.entry_hash, len(rows) - 1)
        if body is not None:
            kind = body.get("kind")
            if kind == "capture-start":
                open_captures.add(body.get("capture"))
                starts[body.get("capture")] = (entry.seq, body.get("started_at"))
            elif kind == "capture-end":
                starts.pop(body.get("capture"), None)
            elif kind in _RECORD_KINDS:
                # keyed by the sealed number, so a swap is reported once, on the log
                summaries[body_seq if body_seq is not None else entry.seq] = body
                if body.get("capture") not in open_captures:
                    _add(
                        report,
                        "log entry",
                        entry.seq,
                        "inserted",
                        "seals a record outside any capture run",
                    )
            if kind in sealed:
                sealed[kind].append((entry.seq, body))
            if kind != entry.kind:
                _add(
                    report,
                    "log entry",
                    entry.seq,
                    "altered",
                    f"kind column says {entry.kind!r} but the sealed body says {kind!r}",
                )
        if progress and len(rows) % 10000 == 0:
            progress("log", 10000)
    report.entries = len(rows)
    _classify_links(rows, by_hash, report)
    _note_interrupted(report, starts)
    if rows:
        report.head_seq, report.head_hash = rows[-1][0], rows[-1][3]
    return summaries, leaves


def _note_interrupted(report: VerifyReport, starts: dict[Any, tuple[int, Any]]) -> None:
    """A capture run with a ``capture-start`` but no ``capture-end`` was killed (or is still
    running): a notice, not a failure, since every transaction it committed is whole and
    checked like any other; importing the same files again completes the work, in a new run
    (the notice stays: that run was interrupted)."""
    for capture, (seq, started) in sorted(starts.items(), key=lambda item: item[1][0]):
        report.notices.append(
            Problem(
                "capture",
                f"{capture} (entry {seq}, started {started})",
                "interrupted",
                "it has no capture-end: the import was interrupted, or is still running; the "
                "records it sealed are kept and checked (import the same files again to complete "
                "the work)",
            )
        )


def _hex(entry: LogEntry) -> bool:
    try:
        bytes.fromhex(entry.prev_hash)
        return True
    except ValueError:
        return False


def _body(entry: LogEntry) -> tuple[int | None, dict[str, Any] | None]:
    try:
        body = orjson.loads(entry.body)
        return (body.get("seq") if isinstance(body.get("seq"), int) else None), body
    except (orjson.JSONDecodeError, AttributeError):
        return None, None


def _classify_links(
    rows: list[tuple[int, int | None, str, str, bool]],
    by_hash: dict[str, int],
    report: VerifyReport,
) -> None:
    expected_seq, prev_hash = 1, GENESIS
    for i, (seq, body_seq, prev, own, ok) in enumerate(rows):
        if seq > expected_seq:
            span = str(expected_seq) if seq == expected_seq + 1 else f"{expected_seq}-{seq - 1}"
            _add(
                report,
                "log entry",
                span,
                "missing",
                f"the log jumps from {expected_seq - 1} to {seq}: entries were deleted",
            )
        if not ok:
            _add(report, "log entry", seq, "altered", "its content no longer matches its hash")
        if body_seq is None:
            _add(report, "log entry", seq, "altered", "its body is not a valid sealed entry")
        elif body_seq != seq:
            delta = body_seq - seq
            previous_delta = (rows[i - 1][1] or 0) - rows[i - 1][0] if i else 0
            if not (abs(delta) == 1 and delta == previous_delta):  # one report per renumbering
                where, kind, detail = _misplaced(rows, i)
                _add(report, "log entry", where, kind, detail)
        elif prev != prev_hash and ok:
            _broken_link(rows, i, by_hash, report)
        expected_seq, prev_hash = seq + 1, own


def _misplaced(rows: list[tuple[int, int | None, str, str, bool]], i: int) -> tuple[int, str, str]:
    """Where, kind and detail for an entry whose sealed number is not its position."""
    seq, body_seq = rows[i][0], rows[i][1]
    if body_seq == seq - 1 and _shifted(rows, i, -1):
        return seq - 1, "inserted", f"entry {seq - 1} was inserted and the rest renumbered"
    if body_seq == seq + 1 and _shifted(rows, i, +1):
        return seq, "missing", f"entry {seq} was deleted and the rest renumbered"
    return seq, "reordered", f"position {seq} holds the entry sealed as number {body_seq}"


def _broken_link(
    rows: list[tuple[int, int | None, str, str, bool]],
    i: int,
    by_hash: dict[str, int],
    report: VerifyReport,
) -> None:
    """Entry ``i`` is intact and in place but does not chain to the one before it."""
    seq = rows[i][0]
    j = by_hash.get(rows[i][2])
    if j is not None and rows[j][1] != rows[j][0]:
        return  # it chains into a reordered stretch, already reported there
    if j is None:
        _add(
            report,
            "log entry",
            seq,
            "missing",
            "it chains to an entry that is not in the log (one was removed)",
        )
    elif j > i:
        _add(
            report,
            "log entry",
            seq,
            "reordered",
            f"it chains to entry {rows[j][0]}, which comes after it",
        )
    elif j < i - 1:
        _add(
            report,
            "log entry",
            rows[j + 1][0],
            "inserted",
            f"entry {seq} chains to {rows[j][0]}: what lies between was inserted",
        )


def _shifted(rows: list[tuple[int, int | None, str, str, bool]], i: int, delta: int) -> bool:
    """Whether every later row is off by ``delta`` too (a renumbering, not a swap)."""
    return all(r[1] is not None and r[1] - r[0] == delta for r in rows[i : i + 3])


def _check_heads(
    store: Store, report: VerifyReport, bodies: dict[int, Any], head: str | None
) -> None:
    known = {h["entry_hash"]: h["seq"] for h in store.heads()}
    heads = store.heads()
    if heads and heads[-1]["seq"] > report.head_seq:
        _add(
            report,
            "log entry",
            f"{report.head_seq + 1}-{heads[-1]['seq']}",
            "missing",
            f"a head was recorded at entry {heads[-1]['seq']} but the log ends at "
            f"{report.head_seq} (truncated)",
        )
    if head is not None:
        noted = normalise_head(head)
        found = sorted({e.seq for e in store.entries() if e.entry_hash.startswith(noted)})
        if len(found) > 1:
            raise EvidenceError(
                f"--head {noted}: {len(found)} log entries ({_seqs(found)}) "
                "have a hash that begins so; give more characters"
            )
        if found:
            report.noted_head_seq = found[0]
        else:
            where = next((seq for h, seq in known.items() if h.startswith(noted)), "?")
            _add(
                report,
                "log head",
                where,
                "missing",
                f"the head {noted[:16]}… you noted is no longer in the log",
            )


#: The fewest hex characters of a head accepted by ``verify --head``: 48 bits, so that a
#: prefix the user copied matches no other entry by chance, even in a log of millions.
HEAD_PREFIX_MIN = 12


def normalise_head(text: str) -> str:
    """A head hash as the user noted it, in the form the log stores it: surrounding spaces
    dropped, lower case; a prefix of at least :data:`HEAD_PREFIX_MIN` hex characters is kept
    as is. Anything else raises :class:`EvidenceError`."""
    noted = text.strip().lower()
    if not HEAD_PREFIX_MIN <= len(noted) <= 64 or any(c not in "0123456789abcdef" for c in noted):
        raise EvidenceError(
            f"--head {text.strip()[:80]!r} is not a log head: give the hash "
            "printed after an import (64 hexadecimal characters, or at least "
            f"its first {HEAD_PREFIX_MIN})"
        )
    return noted


def _seqs(seqs: list[int]) -> str:
    shown = ", ".join(str(s) for s in seqs[:5])
    return shown + (", …" if len(seqs) > 5 else "")


# --------------------------------------------------------------------------- the Merkle tree


def _check_tree(
    store: Store, report: VerifyReport, leaves: list[tuple[int, bytes]], public_key: bytes | None
) -> None:
    """Check the stored leaf hashes and every signed tree head against the rebuilt tree."""
    _check_leaves(store, report, leaves)
    tree = MerkleTree.from_packed(b"".join(digest for _, digest in leaves))
    report.tree_size, report.tree_root = tree.size, tree.root().hex()
    heads = tree_heads(store)
    report.tree_heads = len(heads)
    if not heads:
        if public_key is not None:
            _add(
                report,
                "tree head",
                "-",
                "missing",
                "the case has a signing key but no signed tree head: they were deleted",
            )
        return
    _check_head_ids(report, [i for i, _ in heads])
    previous: tuple[int, SignedTreeHead] | None = None  # the last head whose root held
    for head_id, sth in heads:
        if _check_tree_head(report, tree, head_id, sth, public_key, previous):
            previous = (head_id, sth)
    _check_imports_signed(store, report, [sth for _, sth in heads])


def _check_leaves(store: Store, report: VerifyReport, leaves: list[tuple[int, bytes]]) -> None:
    """Walk the stored leaf hashes beside the recomputed ones, both in seq order."""
    recomputed = iter(leaves)
    want = next(recomputed, None)
    for seq, stored in store.merkle_leaves():
        while want is not None and want[0] < seq:
            _add(report, "merkle leaf", want[0], "missing", "the entry has no stored leaf hash")
            want = next(recomputed, None)
        if want is None or want[0] > seq:
            _add(
                report,
                "log entry",
                seq,
                "missing",
                "its Merkle leaf is stored but the entry is gone",
            )
            continue
        if stored != want[1]:
            _add(
                report,
                "merkle leaf",
                seq,
                "altered",
                "the stored leaf hash is not the hash of the entry's body",
            )
        want = next(recomputed, None)
    while want is not None:
        _add(report, "merkle leaf", want[0], "missing", "the entry has no stored leaf hash")
        want = next(recomputed, None)


def _check_head_ids(report: VerifyReport, ids: list[int]) -> None:
    """Heads are numbered 1, 2, 3, …: a gap is a deleted head."""
    expected = 1
    for head_id in ids:
        if head_id > expected:
            span = str(expected) if head_id == expected + 1 else f"{expected}-{head_id - 1}"
            _add(
                report,
                "tree head",
                f"#{span}",
                "missing",
                f"the signed tree heads jump from #{expected - 1} to #{head_id}",
            )
        expected = head_id + 1


def _check_tree_head(
    report: VerifyReport,
    tree: MerkleTree,
    head_id: int,
    sth: SignedTreeHead,
    public_key: bytes | None,
    previous: tuple[int, SignedTreeHead] | None,
) -> bool:
    """One signed head: its signature, its root at its size, its link to the last good head.

    Returns whether its root is the rebuilt tree's at its size. The consistency proof from the
    last head whose root held then narrows a mismatch down to the entries added in between.
    """
    where = f"#{head_id} (size {sth.tree_size})"
    if public_key is None:
        _add(
            report,
            "tree head",
            where,
            "unverifiable",
            "the case's public key (keys/case-ed25519.pub.pem) is gone",
        )
    elif not verify_tree_head(sth, public_key):
        _add(
            report,
            "tree head",
            where,
            "altered",
            "its signature does not verify with the case's public key",
        )
    if type(sth.tree_size) is not int or not 0 <= sth.tree_size <= tree.size:
        _add(
            report,
            "tree head",
            where,
            "missing",
            f"it signs {sth.tree_size} entries but the log has {tree.size} (truncated)",
        )
        return False
    if previous is not None and sth.tree_size < previous[1].tree_size:
        _add(
            report,
            "tree head",
            where,
            "reordered",
            f"it is smaller than the earlier head #{previous[0]} (size {previous[1].tree_size})",
        )
    held = tree.root(sth.tree_size).hex() == sth.root_hash
    if not held:
        _add(
            report,
            "tree head",
            where,
            "altered",
            f"the first {sth.tree_size} log entries no longer hash to its signed root: one was "
            "altered, removed, inserted or moved",
        )
    if previous is not None and previous[1].tree_size < sth.tree_size:
        prev_id, prev = previous
        proof = tree.consistency_proof(prev.tree_size, sth.tree_size)
        if not verify_consistency(
            prev.tree_size, sth.tree_size, _unhex(prev.root_hash), _unhex(sth.root_hash), proof
        ):
            _add(
                report,
                "tree head",
                where,
                "inconsistent",
                f"it does not extend head #{prev_id}: the change lies in entries "
                f"{prev.tree_size + 1}-{sth.tree_size}",
            )
    return held


def _unhex(text: str) -> bytes:
    """Bytes of a hex hash; empty (which no proof accepts) when it is not hex."""
    try:
        return bytes.fromhex(text)
    except (TypeError, ValueError):
        return b""


def _check_imports_signed(store: Store, report: VerifyReport, heads: list[SignedTreeHead]) -> None:
    """Every import since the first signed head signed a head of its final size."""
    signed = {sth.tree_size for sth in heads}
    first = heads[0].tree_size
    for head in store.heads():
        if head["reason"] == "capture" and head["seq"] > first and head["seq"] not in signed:
            _add(
                report,
                "tree head",
                f"size {head['seq']}",
                "missing",
                f"the import that ended at entry {head['seq']} signed a tree head that is gone",
            )


# --------------------------------------------------------------------------- timestamps


def _check_timestamps(
    store: Store,
    report: VerifyReport,
    logged: list[tuple[int, dict[str, Any]]],
    roots: Sequence[bytes],
) -> None:
    """Each stored token verifies over its head's signing input and has its log entry."""
    heads = dict(tree_heads(store))
    sealed = {body.get("token_sha256"): (seq, body) for seq, body in logged}
    for row in store.timestamps():
        report.timestamps += 1
        where = f"#{row['id']} ({row['url']}, head #{row['head_id']})"
        if sealed.pop(sha256_hex(row["token_der"]), None) is None:
            _add(report, "timestamp", where, "inserted", "no timestamp log entry seals it")
        sth = heads.get(row["head_id"])
        if sth is None or (sth.tree_size, sth.root_hash) != (row["tree_size"], row["root_hash"]):
            _add(
                report,
                "timestamp",
                where,
                "altered",
                f"it names a head of size {row['tree_size']} that is not a kept signed head",
            )
            continue
        if not roots:
            _add(
                report,
                "timestamp",
                where,
                "unverifiable",
                "no trusted TSA root in "
                "keys/tsa-roots; add one with `rempart tsa add-root FILE.pem`",
            )
            continue
        check = verify_token(row["token_der"], sth.signing_input(), roots)
        if not check.ok:
            _add(report, "timestamp", where, "altered", "; ".join(check.problems))
        elif check.gen_time != row["gen_time"]:
            _add(
                report,
                "timestamp",
                where,
                "altered",
                f"its genTime is {check.gen_time} but {row['gen_time']} is stored",
            )
    for seq, body in sealed.values():
        _add(
            report,
            "timestamp",
            f"entry {seq} ({body.get('url')}, head #{body.get('head')})",
            "missing",
            "the log seals a token that is no longer stored",
        )


# --------------------------------------------------------------------------- results


def _check_results(
    store: Store, report: VerifyReport, sealed: dict[str, list[tuple[int, dict[str, Any]]]]
) -> None:
    """Scores, findings and labels against the hashes their log entries sealed (see
    :mod:`rempart.evidence.results`); results made before sealing are noticed, not failed."""
    problems, notes = check_results(store, sealed["analysis"], sealed["annotation"])
    report.problems += [Problem(p.what, p.where, p.kind, p.detail) for p in problems]
    report.notices += [Problem(p.what, p.where, p.kind, p.detail) for p in notes]


def _check_incidents(
    store: Store, report: VerifyReport, sealed: list[tuple[int, dict[str, Any]]]
) -> None:
    """Incidents and their attachments' bytes against the ``incident`` entries."""
    report.incidents = len(sealed)
    report.problems += [
        Problem(p.what, p.where, p.kind, p.detail) for p in check_incidents(store, sealed)
    ]


# --------------------------------------------------------------------------- pass 2: records


def _check_records(
    store: Store, report: VerifyReport, bodies: dict[int, Any], progress: Progress | None
) -> None:
    sources = {s.id: s for s in store.sources().values()}
    seen: set[int] = set()
    for rec in store.records():
        seen.add(rec.seq)
        if rec.reject_reason is None:
            report.records += 1
        else:
            report.rejects += 1
        actual = hashlib.sha256(rec.raw).hexdigest()
        if actual != rec.sha256:
            _add(
                report,
                "record",
                rec.seq,
                "altered",
                f"payload SHA-256 is {actual[:16]}… but {rec.sha256[:16]}… was recorded"
                f"{_where(rec, sources)}",
            )
            continue
        body = bodies.get(rec.seq)
        if body is None:
            if rec.seq <= report.head_seq:
                _add(
                    report,
                    "record",
                    rec.seq,
                    "missing",
                    f"the log entry that sealed this record is gone{_where(rec, sources)}",
                )
            else:
                _add(
                    report,
                    "record",
                    rec.seq,
                    "inserted",
                    f"no log entry seals this record{_where(rec, sources)}",
                )
            continue
        mismatch = _compare(rec, body, sources)
        if mismatch:
            _add(report, "record", rec.seq, "altered", mismatch + _where(rec, sources))
        if progress and (report.records + report.rejects) % 1000 == 0:
            progress("records", 1000)
    for seq in sorted(set(bodies) - seen):
        src = bodies[seq].get("source", {})
        _add(
            report,
            "record",
            seq,
            "missing",
            f"the log seals a record from {src.get('name')} line {bodies[seq].get('line')} "
            "but its bytes are gone",
        )


def _where(rec: RawRecord, sources: dict[int, Any]) -> str:
    src = sources.get(rec.source_id)
    name = src.name if src else f"source #{rec.source_id}"
    return f" ({name}, line {rec.line})"


def _compare(rec: RawRecord, body: dict[str, Any], sources: dict[int, Any]) -> str | None:
    if body.get("record_sha256") != rec.sha256:
        return "the stored payload is not the one the log sealed"
    src = sources.get(rec.source_id)
    if src is None or body.get("source", {}).get("sha256") != src.sha256:
        return "its source file's hash differs from the one sealed in the log"
    checks = {
        "format": rec.format,
        "line": rec.line,
        "captured_at": rec.captured_at,
        "clock": rec.clock,
        "reason": rec.reject_reason,
    }
    for key, value in checks.items():
        if body.get(key) != value:
            return f"field {key!r} is {value!r} but the log sealed {body.get(key)!r}"
    ctx_sha = sha256_hex(rec.context.encode()) if rec.context else None
    if body.get("context_sha256") != ctx_sha:
        return "its parsing context differs from the one sealed in the log"
    return None


# --------------------------------------------------------------------------- pass 3: replay


def _replay(
    store: Store,
    report: VerifyReport,
    progress: Progress | None,
    starts: Sequence[tuple[int, dict[str, Any]]] = (),
) -> list[tuple[int, dict[str, Any]]]:
    """Re-derive messages and accounts; return the status observations with their capture.
    ``starts`` are the sealed ``capture-start`` bodies (they say how each run stored its
    status changes)."""
    from ..derive.replay import apply_items, reparse
    from ..sources.detect import get_source

    memory = MemoryStore()
    sources = store.sources()
    batch: list[tuple[int, str, list[Any]]] = []
    observed: list[dict[str, Any]] = []
    capture_of: dict[int, int] = {}
    notices: Counter[tuple[Any, ...]] = Counter()  # every status notice a record carries
    for rec in store.records():
        capture_of[rec.seq] = rec.capture_id
        if rec.reject_reason is not None:
            continue
        try:
            items = reparse(get_source(rec.format), rec, sources[rec.source_id].name)
        except (ParseError, SourceError, KeyError) as exc:
            _add(report, "record", rec.seq, "altered", f"no longer parses: {exc}")
            continue
        notices.update(_change_key(i, rec.seq) for i in items if isinstance(i, StatusChange))
        batch.append((rec.seq, rec.format, items))
        if len(batch) >= 2000:
            observed += apply_items(memory, batch)
            batch = []
            if progress:
                progress("replay", 2000)
    if batch:
        observed += apply_items(memory, batch)
    older = _older_runs(starts)
    _compare_derived(
        store,
        memory,
        report,
        notices,
        {seq for seq, capture in capture_of.items() if capture in older},
    )
    return [(capture_of[o["record"]], o) for o in observed]


def _change_key(change: StatusChange, seq: int) -> tuple[Any, ...]:
    return (
        change.platform,
        change.subject,
        change.id,
        change.status,
        iso(change.observed_at),
        change.detail,
        seq,
    )


def _check_status_changes(
    report: VerifyReport,
    observed: list[tuple[int, dict[str, Any]]],
    sealed: dict[str, list[tuple[int, dict[str, Any]]]],
) -> None:
    """Every ``status-change`` entry is an observation its record makes, and every observation
    of a capture run that writes such entries has one."""
    logged_kinds = {
        body.get("capture"): body.get("entries") or [] for _, body in sealed["capture-start"]
    }
    expected = {canonical(o): capture for capture, o in observed}
    report.status_changes = len(sealed["status-change"])
    for seq, body in sealed["status-change"]:
        fields = {k: v for k, v in body.items() if k not in ("v", "seq", "kind")}
        if expected.pop(canonical(fields), None) is None:
            _add(
                report,
                "status change",
                seq,
                "inserted",
                f"record {fields.get('record')} does not show {fields.get('subject')} "
                f"{fields.get('platform')}:{fields.get('id')} as {fields.get('status')!r}",
            )
    for key, capture in expected.items():
        if "status-change" in logged_kinds.get(capture, []):
            fields = orjson.loads(key)
            _add(
                report,
                "status change",
                f"record {fields['record']}",
                "missing",
                f"it shows {fields['subject']} {fields['platform']}:{fields['id']} as "
                f"{fields['status']!r} but no status-change entry records it",
            )


def _older_runs(starts: Sequence[tuple[int, dict[str, Any]]]) -> set[Any]:
    """The capture runs of older rempart versions, which stored a status change row per status
    notice of their records rather than one per ``status-change`` entry (their
    ``capture-start`` has no ``status_rows``; see :data:`rempart.case.capture.STATUS_ROWS`)."""
    return {body.get("capture") for _, body in starts if not body.get("status_rows")}


def _compare_derived(
    store: Store,
    memory: MemoryStore,
    report: VerifyReport,
    notices: Counter[tuple[Any, ...]] | None = None,
    older: set[int] | None = None,
) -> None:
    """Stored messages, accounts, message-to-record links and status changes against the
    replayed ones, column by column: the data and every column beside it that listings,
    filters and bundles read (``created_at``, ``captured_as``, ``first_seq``…). ``notices``
    are the status notices the records carry and ``older`` the records of runs of older
    versions (see :func:`_status_rows`)."""
    _compare_messages(store, memory, report)
    _compare_links(store, memory, report)
    _compare_accounts(store, memory, report)
    report.problems += [
        Problem(p.what, p.where, p.kind, p.detail)
        for p in _status_rows(store, memory, notices or Counter(), older or set())
    ]


def _compare_messages(store: Store, memory: MemoryStore, report: VerifyReport) -> None:
    expected = {s.message.key: s for s in memory.messages()}
    _note_conflicts(report, expected.values())
    for columns, stored in store.message_rows():
        report.messages += 1
        key = (str(columns[0]), str(columns[1]))  # the row's key: what lookups and filters see
        want = expected.pop(key, None)
        where = f"{key[0]}:{key[1]}"
        if want is None:
            _add(report, "message", where, "inserted", "no stored record yields this message")
        elif dump(want.message) != dump(stored.message):
            _add(
                report,
                "message",
                where,
                "altered",
                f"differs from its records ({_diff(want.message, stored.message)})",
            )
        elif bad := _columns_differ(MESSAGE_COLUMNS, message_columns(want), columns):
            _add(
                report,
                "message",
                where,
                "altered",
                f"its stored columns differ from its records (columns: {bad})",
            )
    for key in expected:
        _add(
            report,
            "message",
            f"{key[0]}:{key[1]}",
            "missing",
            "its records are stored but the message is gone",
        )


def _columns_differ(names: Sequence[str], want: Sequence[Any], have: Sequence[Any]) -> str:
    return ", ".join(n for n, a, b in zip(names, want, have, strict=True) if a != b)


def _compare_links(store: Store, memory: MemoryStore, report: VerifyReport) -> None:
    """The records each message is linked to (its evidence, which a bundle carries) must be
    exactly those the replay saw it in."""
    want: dict[tuple[str, str], set[int]] = {}
    have: dict[tuple[str, str], set[int]] = {}
    for links, out in ((memory.message_links(), want), (store.message_links(), have)):
        for platform, mid, seq in links:
            out.setdefault((platform, mid), set()).add(seq)
    for key in sorted(set(want) | set(have)):
        gone, added = (
            want.get(key, set()) - have.get(key, set()),
            have.get(key, set()) - want.get(key, set()),
        )
        parts = (
            [f"record(s) {_seqs(sorted(gone))} it was seen in are unlinked"] if gone else []
        ) + ([f"record(s) {_seqs(sorted(added))} that do not show it are linked"] if added else [])
        if parts:
            _add(
                report,
                "message",
                f"{key[0]}:{key[1]}",
                "missing"
                if gone and not added
                else "inserted"
                if added and not gone
                else "altered",
                "its links to records differ from the replay: " + "; ".join(parts),
            )


def _compare_accounts(store: Store, memory: MemoryStore, report: VerifyReport) -> None:
    want_accounts = {a.key: a for a in memory.accounts()}
    for columns, acc in store.account_rows():
        key = (str(columns[0]), str(columns[1]))
        want_acc = want_accounts.pop(key, None)
        where = f"{key[0]}:{key[1]}"
        if want_acc is None:
            _add(report, "account", where, "inserted", "differs from its records")
        elif dump(want_acc) != dump(acc):
            _add(report, "account", where, "altered", "differs from its records")
        elif bad := _columns_differ(ACCOUNT_COLUMNS, account_columns(want_acc), columns):
            _add(
                report,
                "account",
                where,
                "altered",
                f"its stored columns differ from its records (columns: {bad})",
            )
    for key in want_accounts:
        _add(report, "account", f"{key[0]}:{key[1]}", "missing", "gone from the case")


def _status_rows(
    store: Store, memory: MemoryStore, notices: Counter[tuple[Any, ...]], older: set[int]
) -> list[Any]:
    """The stored status changes, one for one: those of a current capture run are exactly the
    replayed changes (one per ``status-change`` entry), so a duplicated row is *inserted*.
    A run of an older version stored one row per status notice its records carry (a
    suspension repeated on every page): each of its records must have one row per notice it
    carries, plus at most the changes the replay finds there, and no more."""
    replayed = list(memory.status_changes())
    stored = list(store.status_changes())
    problems = check_status_rows(
        [r for r in stored if r[1] not in older], [r for r in replayed if r[1] not in older]
    )
    old_rows = Counter(_change_key(c, seq) for c, seq in stored if seq in older)
    if not old_rows and not any(key[-1] in older for key in notices):
        return problems
    carried = Counter({k: n for k, n in notices.items() if k[-1] in older})
    allowed = carried | Counter(_change_key(c, seq) for c, seq in replayed if seq in older)
    for key, n in sorted((old_rows - allowed).items(), key=repr):
        problems.append(
            ResultProblem(
                "status change",
                f"{key[1]} {key[0]}:{key[2]}",
                "inserted",
                f"{n} stored row(s) say {key[3]!r} (record {key[-1]}) beyond what the record shows",
            )
        )
    for key in sorted(carried - old_rows, key=repr):
        problems.append(
            ResultProblem(
                "status change",
                f"{key[1]} {key[0]}:{key[2]}",
                "missing",
                f"record {key[-1]} shows it {key[3]!r} but the stored row is gone",
            )
        )
    return problems


def _note_conflicts(report: VerifyReport, replayed: Iterable[StoredMessage]) -> None:
    """Records that give one message id different content (two SMS bodies under one id): a
    notice, not a failure. Both records are sealed and intact; the message keeps the first."""
    for stored in replayed:
        for c in json_list(stored.message.extra.get("conflicts")):
            if not isinstance(c, dict):
                continue
            key = stored.message.key
            fields = ", ".join(json_dict(c.get("fields")))
            report.notices.append(
                Problem(
                    "message",
                    f"{key[0]}:{key[1]}",
                    "conflict",
                    f"records {c.get('kept_record')} and {c.get('other_record')} give this id "
                    f"different {fields}; the first observed is kept, both records are sealed "
                    "(see extra.conflicts in `rempart messages --json`)",
                )
            )


def _diff(a: Any, b: Any) -> str:
    da, db = orjson.loads(dump(a)), orjson.loads(dump(b))
    fields = [k for k in da if da.get(k) != db.get(k)]
    return "fields: " + ", ".join(fields[:5])


def _add(report: VerifyReport, what: str, where: Any, kind: str, detail: str) -> None:
    report.problems.append(Problem(what, str(where), kind, detail))


def iter_problems(report: VerifyReport) -> Iterator[str]:
    """Problems as lines, first one first."""
    for p in report.problems:
        yield str(p)
