"""The evidence bundle: a zip that a court expert checks offline, with no case and no network.

Layout (members in this order, fixed timestamps, so the same export gives the same bytes)::

    VERIFY.txt              how to check the bundle, in French and English
    manifest.json           what is inside and the proofs (format ``rempart-bundle-v1``)
    public-key.pem          the case's Ed25519 public key (compare its fingerprint out of band)
    records/<seq>.bin       the exact raw bytes of each selected record
    entries/<seq>.json      the canonical body of each selected record's log entry, of each
                            incident's, and of the export entry; leaf hash = SHA-256(0x00 || body)
                            (RFC 9162)
    attachments/<seq>-<n>.<ext>  the exact bytes of attachment n of the incident sealed by entry
                            seq (the extension comes from its sealed media type, ``.bin`` for
                            any type not listed in ``rempart.models.ATTACHMENT_EXTENSIONS``)
    tree-heads/<i>.json     signing input of signed tree head i (what the signature and the
    tree-heads/<i>.sig      timestamp tokens cover) and its raw 64-byte Ed25519 signature
    timestamps/<n>.tsr      RFC 3161 tokens over a tree head's signing input
    tsa-roots/<n>.pem       the TSA root certificates the tokens chain to

``manifest.json`` (2-space indented, sorted keys; any other spelling is refused) holds
``export`` (case, targets, time, tool, selection, public key fingerprint, file hashes and one
entry per item: seq, kind, SHA-256 of the raw bytes, entry body SHA-256, leaf hash, source file
name and SHA-256, line, format, capture time; and ``incidents``, only when the export carries
some: per incident its entry's seq, file and hashes and its attachments' files, SHA-256 and size)
and the proofs: ``export_entry``, ``tree_heads``
(oldest first; every inclusion proof is against the last), ``consistency_proofs`` between
consecutive heads, ``inclusion_proofs`` by seq, ``timestamps``.

Exporting is a chain-of-custody event: an ``export`` log entry records ``by`` (the operator),
``at`` and ``what``: the file name, the selection, the item count and ``manifest_sha256`` =
SHA-256 of the canonical JSON of the manifest's ``export`` object (which also counts the heads
and tokens that existed before); a tree head (reason ``export``) is then signed in the same
transaction, and the bundle's proofs are against it. So the signature covers, through the export
entry, every byte of the manifest's ``export`` part; the proofs, heads and tokens are checked
against signed roots; every other member is hashed in the manifest.

Example::

    report = export_bundle(case, Path("dossier.zip"), Selection(message_ids=("x:123",)))
    check = verify_bundle(Path("dossier.zip"))
    check.ok, check.problems
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import orjson

from ..errors import EvidenceError
from ..hashing import canonical, sha256_hex
from ..models import Incident, JSONObject, attachment_extension, sortable
from ..timebounds import bound_iso, bound_key
from ..version import __version__
from .log import append_custody
from .merkle import leaf_hash, verify_consistency, verify_inclusion
from .signing import (
    CaseKey,
    SignedTreeHead,
    short_fingerprint,
    verify_public_key_fingerprint,
    verify_tree_head,
)
from .timestamps import TimestampError, TimestampToken, request_tokens, verify_token
from .transparency import TSA_ROOTS_DIR, keep_tokens, sign_head, stored_tree, tree_heads

if TYPE_CHECKING:
    from ..storage.base import LogEntry, RawRecord, Store

__all__ = [
    "BUNDLE_FORMAT",
    "BundleCheck",
    "BundleReport",
    "Exporter",
    "Selection",
    "export_bundle",
    "verify_bundle",
]

BUNDLE_FORMAT = "rempart-bundle-v1"

#: Caps that keep a hostile zip from exhausting memory (zip bombs, millions of members).
MAX_MEMBERS = 2_000_000
MAX_MEMBER_BYTES = 512 << 20
MAX_TOTAL_BYTES = 4 << 30
MAX_RATIO = 1000  # uncompressed / compressed, for members over 1 MiB

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
_RECORD_KINDS = ("record", "reject")
ATTACHMENTS_DIR = "attachments"
_SEALED = ("source", "line", "format", "captured_at")  # item fields copied from the entry body
_MANIFEST_OPTS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


# ------------------------------------------------------------------------------ selection


@dataclass(frozen=True)
class Exporter:
    """Who exports what: the case's store and signing key, the case's name and targets (shown
    in the manifest), the operator the custody entry names, and the timestamp authorities'
    root certificates the case trusts (shipped in the bundle)."""

    store: Store
    key: CaseKey
    case_name: str
    targets: tuple[str, ...]
    operator: str
    roots: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class Selection:
    """Which records go into a bundle: all of them (no criterion), or those of the messages
    matching every criterion given.

    ``message_ids`` are ``PLATFORM:ID`` (``x:123``); ``since`` / ``until`` bound the messages'
    creation time (ISO 8601 instants, ``until`` excluded; see :mod:`rempart.timebounds`);
    ``author`` is a handle (with or without ``@``) or an author id. A message's records are
    every record it was seen in.
    """

    message_ids: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    author: str | None = None

    @classmethod
    def parse(
        cls,
        select: str | None = None,
        since: str | None = None,
        until: str | None = None,
        author: str | None = None,
    ) -> Selection:
        """From command-line text: ``select`` is ``x:123,x:456``; ``since`` / ``until`` are
        read as instants (see :mod:`rempart.timebounds`; a date alone is a whole day) and kept
        as exact UTC times, so the bundle records the bounds it applied."""
        ids = tuple(s.strip() for s in (select or "").split(",") if s.strip())
        return cls(
            ids,
            bound_iso(since, name="--since"),
            bound_iso(until, end=True, name="--until"),
            author or None,
        )

    @property
    def everything(self) -> bool:
        return not (self.message_ids or self.since or self.until or self.author)

    def describe(self) -> JSONObject:
        """The selection as recorded in the export entry and the manifest."""
        if self.everything:
            return {"all": True}
        return {
            "all": False,
            "message_ids": list(self.message_ids),
            "since": self.since,
            "until": self.until,
            "author": self.author,
        }


def _message_key(ref: str) -> tuple[str, str]:
    platform, sep, mid = ref.partition(":")
    if not sep or not platform or not mid:
        raise EvidenceError(f"{ref!r}: write message ids as PLATFORM:ID, e.g. x:123")
    return platform, mid


def selected_seqs(store: Store, select: Selection) -> list[int]:
    """The seqs of the records a selection names, ascending; unknown message ids raise."""
    if select.everything:
        return sorted(r.seq for r in store.records())
    keys = [_message_key(ref) for ref in select.message_ids]
    if keys:
        found = store.get_messages(keys)
        missing = [f"{p}:{i}" for p, i in keys if (p, i) not in found]
        if missing:
            raise EvidenceError(
                f"no message {', '.join(missing)} in this case; use PLATFORM:ID "
                "as listed by `rempart messages --json`"
            )
    wanted = set(keys)
    author = (select.author or "").lstrip("@").lower()
    seqs: set[int] = set()
    for stored in store.messages(since=select.since, until=select.until):
        m = stored.message
        if wanted and (m.platform, m.id) not in wanted:
            continue
        if author and author not in ((m.author_handle or "").lstrip("@").lower(), m.author_id):
            continue
        seqs.update(store.record_seqs((m.platform, m.id)))
    return sorted(seqs)


def selected_incidents(store: Store, select: Selection) -> list[Incident]:
    """The incidents a selection carries: all of them when it selects everything, those that
    happened within its time window when it is a window only (``since`` / ``until``), none
    when it names messages or an author (an incident has neither)."""
    if select.message_ids or select.author:
        return []
    low, high = bound_key(select.since), bound_key(select.until, end=True)
    chosen = []
    for incident in store.incidents():
        when = sortable(incident.when) or ""
        if (low is None or when >= low) and (high is None or when < high):
            chosen.append(incident)
    return chosen


@dataclass(frozen=True)
class _Incidents:
    """The incidents a bundle carries: their part of the manifest (``export.incidents``) and
    their members (each entry body, then its attachments' bytes), in the order written."""

    part: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, bytes] = field(default_factory=dict)

    @property
    def seqs(self) -> list[int]:
        return [int(p["seq"]) for p in self.part]

    @property
    def attachments(self) -> int:
        return sum(len(p["attachments"]) for p in self.part)


def _incident_files(store: Store, select: Selection) -> _Incidents:
    """The selected incidents' entries and attachments. What is listed comes from the sealed
    entry bodies (what the log vouches for) and each SHA-256 is recomputed from the kept bytes,
    so a damaged case yields a bundle that fails verification; bytes that are gone stop the
    export."""
    chosen = selected_incidents(store, select)
    bodies = _bodies(store, {i.seq for i in chosen}) if chosen else {}
    out = _Incidents()
    for incident in chosen:
        seq = incident.seq
        body = bodies.get(seq)
        if body is None:
            raise EvidenceError(
                f"incident {incident.number}: its log entry {seq} is gone; run `rempart verify`"
            )
        entry = f"entries/{seq}.json"
        out.members[entry] = body
        files = []
        for n, sealed in enumerate(_sealed_attachments(body), start=1):
            data = store.attachment_data(str(sealed.get("sha256")))
            if data is None:
                raise EvidenceError(
                    f"incident {incident.number}: the bytes of attachment {n} are gone; "
                    "run `rempart verify`"
                )
            name = (
                f"{ATTACHMENTS_DIR}/{seq}-{n}{attachment_extension(str(sealed.get('media_type')))}"
            )
            out.members[name] = data
            files.append({"file": name, "sha256": sha256_hex(data), "size": len(data)})
        out.part.append(
            {
                "seq": seq,
                "entry": entry,
                "entry_sha256": sha256_hex(body),
                "leaf_hash": leaf_hash(body).hex(),
                "attachments": files,
            }
        )
    return out


def _sealed_attachments(body: bytes) -> list[dict[str, Any]]:
    """The ``attachments`` an incident entry seals (an empty list when it has none)."""
    try:
        sealed = orjson.loads(body).get("attachments")
    except (orjson.JSONDecodeError, AttributeError):
        sealed = None
    return [a if isinstance(a, dict) else {} for a in sealed] if isinstance(sealed, list) else []


# ------------------------------------------------------------------------------ export


@dataclass(frozen=True)
class BundleReport:
    """What :func:`export_bundle` wrote: where, how many items, under which signed head."""

    path: Path
    items: int
    sha256: str
    manifest_sha256: str
    export_seq: int
    tree_head: SignedTreeHead
    fingerprint: str
    timestamps: int
    incidents: int = 0
    attachments: int = 0


def export_bundle(
    src: Exporter,
    out: Path,
    select: Selection | None = None,
    force: bool = False,
    now: str = "",
    tsa_urls: Iterable[str] = (),
) -> BundleReport:
    """Write the evidence bundle of ``select`` (default: every record) to ``out``.

    The bundle's last signed head covers the ``export`` custody entry, and the entry is
    committed only once the zip is complete and renamed into place: an export that fails
    (no space, no permission) leaves no file, not even a partial one, and no entry. ``out``
    must not exist, unless ``force`` (a folder is never replaced). When ``tsa_urls`` is set,
    the authorities stamp the export head before anything is committed, while no
    transaction is held (see :func:`_plan_head`); their tokens go in the bundle. ``now`` is
    the export's time (ISO 8601).
    """
    select = select or Selection()
    out = Path(out)
    store = src.store
    seqs = selected_seqs(store, select)
    _check_target(out, force)
    key = src.key
    records = _records(store, seqs)
    bodies = _bodies(store, set(records))
    carried = _incident_files(store, select)
    roots = list(src.roots)
    verify_txt = _verify_text(key.fingerprint()).encode("utf-8")
    urls = list(tsa_urls)
    planned, tokens = None, []
    if urls:
        planned = _plan_head(src, select, now, out, records, bodies, carried, roots, verify_txt)
        tokens = request_tokens(urls, planned.signing_input())[0]
    with _removed_on_failure(out) as written:
        with store.transaction():  # nothing is committed before the file is in place
            export, entry, head = _seal_export(
                src, select, now, out, records, bodies, carried, roots, verify_txt
            )
            if planned is not None and head != planned:
                raise EvidenceError(
                    "the case changed while the timestamp authorities answered "
                    f"(another command wrote to it); {out} was not written: "
                    "run the export again"
                )
            if tokens:
                keep_tokens(store, tree_heads(store)[-1][0], head, tokens, src.operator, now)
            members = _members(
                store,
                export,
                entry.seq,
                entry.body,
                key.public_pem(),
                verify_txt,
                records,
                bodies,
                carried,
                roots,
            )
            _write_zip(out, members, force, written)
    return BundleReport(
        out,
        len(records),
        sha256_hex(out.read_bytes()),
        sha256_hex(canonical(export)),
        entry.seq,
        head,
        key.fingerprint(),
        sum(n.startswith("timestamps/") for n in members),
        len(carried.part),
        carried.attachments,
    )


def _check_target(out: Path, force: bool) -> None:
    """Refuse a folder always, and an existing file unless ``force``."""
    if out.is_dir():
        raise EvidenceError(
            f"{out} is a folder; give the path of the zip file to write, e.g. {out / 'bundle.zip'}"
        )
    if out.exists() or out.is_symlink():
        if not force:
            raise EvidenceError(
                f"{out} already exists; choose another name, or pass --force to replace it"
            )
        if not out.is_file():
            raise EvidenceError(f"{out} is not a regular file; it is never replaced")


class _Planned(Exception):
    """Carries the export head out of a transaction that must leave nothing behind."""

    def __init__(self, head: SignedTreeHead) -> None:
        super().__init__("planned")
        self.head = head


def _plan_head(
    src: Exporter,
    select: Selection,
    now: str,
    out: Path,
    records: dict[int, RawRecord],
    bodies: dict[int, bytes],
    carried: _Incidents,
    roots: list[bytes],
    verify_txt: bytes,
) -> SignedTreeHead:
    """The head the export will sign, computed in a transaction that is rolled back.

    The export entry and its head are functions of the case and ``now`` (Ed25519 signatures
    are deterministic), so the committing transaction signs the same head, unless another
    command wrote in between, which it then detects. The timestamp authorities can thus stamp
    the head while no lock is held, and before anything is recorded.
    """
    try:
        with src.store.transaction():
            head = _seal_export(src, select, now, out, records, bodies, carried, roots, verify_txt)[
                2
            ]
            raise _Planned(head)
    except _Planned as planned:
        return planned.head


def _seal_export(
    src: Exporter,
    select: Selection,
    now: str,
    out: Path,
    records: dict[int, RawRecord],
    bodies: dict[int, bytes],
    carried: _Incidents,
    roots: list[bytes],
    verify_txt: bytes,
) -> tuple[dict[str, Any], LogEntry, SignedTreeHead]:
    """In the caller's transaction: the manifest's ``export`` part, the ``export`` custody
    entry that seals it, and the tree head (reason ``export``) signed right after it."""
    store = src.store
    key = src.key
    before = [sth for _, sth in tree_heads(store)]
    export = _export_part(src, select, now, records, bodies, key.public_pem(), verify_txt, roots)
    if carried.part:  # absent when none: a bundle without incidents is as it always was
        export["incidents"] = carried.part
    export["earlier"] = {"tree_heads": len(before), "timestamps": len(_tokens(store, before))}
    what = {
        "file": out.name,
        "selection": select.describe(),
        "items": len(records),
        "manifest_sha256": sha256_hex(canonical(export)),
    }
    entry = append_custody(store, "export", src.operator, now, what)
    head = sign_head(store, key, now, "export")
    return export, entry, head


@contextmanager
def _removed_on_failure(out: Path) -> Iterator[list[Path]]:
    """Yields a list: a file put there is deleted again if the block fails (its custody
    entry was not committed, so the file must not stay either)."""
    written: list[Path] = []
    try:
        yield written
    except BaseException:
        for path in written:
            _discard(path)
        raise


def _records(store: Store, seqs: list[int]) -> dict[int, RawRecord]:
    wanted = set(seqs)
    return {r.seq: r for r in store.records() if r.seq in wanted}


def _bodies(store: Store, seqs: set[int]) -> dict[int, bytes]:
    return {e.seq: e.body for e in store.entries() if e.seq in seqs}


def _export_part(
    src: Exporter,
    select: Selection,
    now: str,
    records: dict[int, RawRecord],
    bodies: dict[int, bytes],
    public_pem: bytes,
    verify_txt: bytes,
    roots: list[bytes],
) -> dict[str, Any]:
    """The manifest's ``export`` object: everything known before the export entry is sealed.

    Item fields come from the sealed entry bodies (what the log vouches for) and the SHA-256 is
    recomputed from the raw bytes, so a damaged case yields a bundle that fails verification.
    """
    items = [_item(seq, records[seq].raw, bodies[seq]) for seq in sorted(records)]
    return {
        "case": {"name": src.case_name, "targets": list(src.targets)},
        "generated_at": now,
        "tool": "rempart",
        "tool_version": __version__,
        "selection": select.describe(),
        "public_key": {
            "file": "public-key.pem",
            "sha256": sha256_hex(public_pem),
            "fingerprint": src.key.fingerprint(),
        },
        "files": {"VERIFY.txt": sha256_hex(verify_txt)},
        "tsa_roots": [
            {"file": f"{TSA_ROOTS_DIR}/{i}.pem", "sha256": sha256_hex(pem)}
            for i, pem in enumerate(roots, start=1)
        ],
        "items": items,
    }


def _item(seq: int, raw: bytes, body: bytes) -> dict[str, Any]:
    sealed = orjson.loads(body)
    return {
        "seq": seq,
        "kind": sealed.get("kind"),
        "record": f"records/{seq}.bin",
        "sha256": sha256_hex(raw),
        "size": len(raw),
        "entry": f"entries/{seq}.json",
        "entry_sha256": sha256_hex(body),
        "leaf_hash": leaf_hash(body).hex(),
        **{k: sealed.get(k) for k in _SEALED},
    }


def _members(
    store: Store,
    export: dict[str, Any],
    export_seq: int,
    export_body: bytes,
    public_pem: bytes,
    verify_txt: bytes,
    records: dict[int, RawRecord],
    bodies: dict[int, bytes],
    carried: _Incidents,
    roots: list[bytes],
) -> dict[str, bytes]:
    """Every member of the zip, in the order written, with the proofs against the last head."""
    heads = [sth for _, sth in tree_heads(store)]
    last = heads[-1]
    tree = stored_tree(store)
    seqs = sorted(records) + carried.seqs + [export_seq]
    tokens = _tokens(store, heads)
    manifest = {
        "format": BUNDLE_FORMAT,
        "export": export,
        "export_entry": {
            "seq": export_seq,
            "entry": f"entries/{export_seq}.json",
            "entry_sha256": sha256_hex(export_body),
            "leaf_hash": leaf_hash(export_body).hex(),
        },
        "tree_heads": [orjson.loads(h.to_json()) for h in heads],
        "consistency_proofs": [
            [p.hex() for p in tree.consistency_proof(a.tree_size, b.tree_size)]
            for a, b in zip(heads, heads[1:])
        ],
        "inclusion_proofs": {
            str(s): [p.hex() for p in tree.inclusion_proof(s - 1, last.tree_size)] for s in seqs
        },
        "timestamps": [
            {
                "file": f"timestamps/{n}.tsr",
                "sha256": sha256_hex(der),
                "tree_head": index,
                "gen_time": gen_time,
            }
            for n, (index, der, gen_time) in enumerate(tokens, start=1)
        ],
    }
    members = {
        "VERIFY.txt": verify_txt,
        "manifest.json": _manifest_bytes(manifest),
        "public-key.pem": public_pem,
    }
    members.update({f"records/{s}.bin": records[s].raw for s in sorted(records)})
    members.update({f"entries/{s}.json": bodies[s] for s in sorted(records)})
    members.update(carried.members)
    members[f"entries/{export_seq}.json"] = export_body
    for i, sth in enumerate(heads):
        members[f"tree-heads/{i}.json"] = sth.signing_input()
        members[f"tree-heads/{i}.sig"] = bytes.fromhex(sth.signature)
    members.update({f"timestamps/{n}.tsr": der for n, (_, der, _) in enumerate(tokens, start=1)})
    members.update({f"{TSA_ROOTS_DIR}/{i}.pem": pem for i, pem in enumerate(roots, start=1)})
    return members


def _tokens(store: Store, heads: list[SignedTreeHead]) -> list[tuple[int, bytes, str]]:
    """``(head index, token DER, genTime)`` of every stored token whose imprint is a head's
    signing input (the rows of ``store.timestamps()``)."""
    out = []
    for row in store.timestamps():
        try:
            token = TimestampToken.from_der(bytes(row["token_der"]))
        except TimestampError:
            continue
        for index, sth in enumerate(heads):
            try:
                digest = hashlib.new(token.hash_algorithm, sth.signing_input()).hexdigest()
            except ValueError:  # a hash hashlib does not know cannot match any head
                break
            if digest == token.imprint:
                out.append((index, token.der, token.gen_time))
                break
    return out


def _manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The one accepted spelling of a manifest: 2-space indent, sorted keys, final newline."""
    return orjson.dumps(manifest, option=_MANIFEST_OPTS) + b"\n"


def _write_zip(
    out: Path, members: dict[str, bytes], force: bool = False, written: list[Path] | None = None
) -> None:
    """Write the zip beside ``out`` under a temporary name, then rename it into place (and
    add ``out`` to ``written``); on any failure the temporary file is removed and an
    :class:`EvidenceError` names ``out``."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(tmp, "x") as zf:
            for name, data in members.items():
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        _check_target(out, force)  # it may have appeared meanwhile
        os.replace(tmp, out)
        if written is not None:
            written.append(out)
    except OSError as exc:
        _discard(tmp)
        raise EvidenceError(
            f"{out}: cannot write the bundle ({exc.strerror or exc}); "
            "nothing was exported or recorded"
        ) from None
    except BaseException:
        _discard(tmp)
        raise


def _discard(path: Path) -> None:
    """Remove a file we wrote, if it is there at all."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


# ------------------------------------------------------------------------------ verification


@dataclass
class BundleCheck:
    """The result of :func:`verify_bundle`: ``ok`` when ``problems`` is empty.

    Each problem names the file, the item and the check that failed. The other fields say what
    was verified, for the summary.
    """

    problems: list[str] = field(default_factory=list)
    items: int = 0
    case: str | None = None
    generated_at: str | None = None
    tree_size: int | None = None
    root_hash: str | None = None
    head_time: str | None = None
    fingerprint: str | None = None
    tree_heads: int = 0
    timestamps: list[str] = field(default_factory=list)
    incidents: int = 0
    attachments: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """A few lines for people: what holds, and the key fingerprint to compare."""
        stamps = "; ".join(self.timestamps) or "none"
        return "\n".join(
            [
                f"OK: {self.items} items of case {self.case!r}, exported {self.generated_at}",
                f"signed tree head: size {self.tree_size}, root {self.root_hash}, "
                f"signed {self.head_time}; {self.tree_heads} heads consistent",
                f"public key fingerprint: {self.fingerprint}",
                f"  short: {short_fingerprint(self.fingerprint or '')} "
                "(compare with the one published out of band)",
                f"timestamp tokens: {stamps}",
            ]
            + (
                [f"incidents: {self.incidents}, with {self.attachments} attachments"]
                if self.incidents
                else []
            )
        )


class _Stop(Exception):
    """A problem after which nothing else can be checked."""


def verify_bundle(
    source: Path | str | bytes, expected_fingerprint: str | None = None
) -> BundleCheck:
    """Check a bundle offline: the zip, the manifest, every hash, proof, signature and token.

    ``source`` is the zip's path or its bytes. ``expected_fingerprint``, when given (the one
    published out of band, full or short), must match the bundled key. Never raises on a bad
    bundle: every failure is a line of ``problems``.
    """
    check = BundleCheck()
    members: dict[str, bytes] = {}
    try:
        members = _read_zip(source, check)
        manifest = _manifest(members)
        _check_bundle(members, manifest, check)
    except _Stop as stop:
        check.problems.append(str(stop))
    except Exception as exc:  # hostile input must fail the check, never crash the verifier
        check.problems.append(f"bundle: could not be checked ({type(exc).__name__}: {exc})")
    if (
        expected_fingerprint
        and check.fingerprint
        and not verify_public_key_fingerprint(
            members.get("public-key.pem", b""), expected_fingerprint
        )
    ):
        check.problems.append(
            f"public-key.pem: fingerprint {check.fingerprint} is not the "
            f"expected {expected_fingerprint}"
        )
    return check


def _read_zip(source: Path | str | bytes, check: BundleCheck) -> dict[str, bytes]:
    """Every member's bytes, after refusing unsafe names, duplicates and oversized members."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _Stop(f"bundle: not a readable zip file ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _Stop(f"bundle: {len(infos)} members, more than the {MAX_MEMBERS} allowed")
        _check_names(infos)
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise _Stop(f"bundle: {total} bytes uncompressed, more than {MAX_TOTAL_BYTES}")
        members: dict[str, bytes] = {}
        for info in infos:
            data = _read_member(zf, info)
            if data is None:
                check.problems.append(f"{info.filename}: unreadable or corrupt member")
            else:
                members[info.filename] = data
        return members


def _check_names(infos: Iterable[zipfile.ZipInfo]) -> None:
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if not _SAFE_NAME.fullmatch(name) or any(p in (".", "..") for p in name.split("/")):
            raise _Stop(
                f"bundle: unsafe member name {name!r} (absolute, traversal or odd characters)"
            )
        if name in seen:
            raise _Stop(f"bundle: member {name!r} appears twice")
        seen.add(name)
        ratio_too_high = info.file_size > (1 << 20) and (
            info.file_size > MAX_RATIO * max(info.compress_size, 1)
        )
        if info.file_size > MAX_MEMBER_BYTES or ratio_too_high:
            raise _Stop(f"{name}: {info.file_size} bytes uncompressed: refused (zip bomb cap)")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    try:
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    return data if len(data) == info.file_size else None


def _manifest(members: dict[str, bytes]) -> dict[str, Any]:
    raw = members.get("manifest.json")
    if raw is None:
        raise _Stop("manifest.json: missing")
    try:
        manifest = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _Stop(f"manifest.json: not JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise _Stop(f"manifest.json: not a {BUNDLE_FORMAT} manifest")
    if _manifest_bytes(manifest) != raw:
        raise _Stop("manifest.json: not in its canonical spelling (edited by hand?)")
    _check_shape(manifest)
    return manifest


# The manifest's shape: key -> type (a dict is a nested shape, a list [shape] a list of them).
_HEX = "hex64"
_ITEM = {
    "seq": int,
    "kind": str,
    "record": str,
    "sha256": _HEX,
    "size": int,
    "entry": str,
    "entry_sha256": _HEX,
    "leaf_hash": _HEX,
    "source": {"name": (str, None), "sha256": (str, None)},
    "line": (int, None),
    "format": (str, None),
    "captured_at": (str, None),
}
_SHAPE: dict[str, Any] = {
    "format": str,
    "export": {
        "case": {"name": str, "targets": [str]},
        "generated_at": str,
        "tool": str,
        "tool_version": str,
        "selection": dict,
        "public_key": {"file": str, "sha256": _HEX, "fingerprint": _HEX},
        "files": {"VERIFY.txt": _HEX},
        "tsa_roots": [{"file": str, "sha256": _HEX}],
        "items": [_ITEM],
        "earlier": {"tree_heads": int, "timestamps": int},
    },
    "export_entry": {"seq": int, "entry": str, "entry_sha256": _HEX, "leaf_hash": _HEX},
    "tree_heads": [dict],
    "consistency_proofs": [[_HEX]],
    "inclusion_proofs": dict,
    "timestamps": [{"file": str, "sha256": _HEX, "tree_head": int, "gen_time": str}],
}


#: An incident in ``export.incidents`` (a key present only when the export carries incidents).
_INCIDENT = {
    "seq": int,
    "entry": str,
    "entry_sha256": _HEX,
    "leaf_hash": _HEX,
    "attachments": [{"file": str, "sha256": _HEX, "size": int}],
}


def _check_shape(manifest: dict[str, Any]) -> None:
    shape = _SHAPE
    export = manifest.get("export")
    if isinstance(export, dict) and "incidents" in export:
        shape = {**_SHAPE, "export": {**_SHAPE["export"], "incidents": [_INCIDENT]}}
    problem = _shape_problem(manifest, shape, "manifest")
    if problem:
        raise _Stop(f"manifest.json: {problem}")


def _shape_problem(value: Any, shape: Any, where: str) -> str | None:
    """Where ``value`` departs from ``shape`` (exact key sets, exact types), or None."""
    if isinstance(shape, dict):
        if not isinstance(value, dict) or set(value) != set(shape):
            return f"{where}: expected the fields {sorted(shape)}"
        for key, sub in shape.items():
            problem = _shape_problem(value[key], sub, f"{where}.{key}")
            if problem:
                return problem
        return None
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{where}: expected a list"
        for i, v in enumerate(value):
            problem = _shape_problem(v, shape[0], f"{where}[{i}]")
            if problem:
                return problem
        return None
    options = shape if isinstance(shape, tuple) else (shape,)
    if any(_is(value, t) for t in options):
        return None
    return f"{where}: {value!r} has the wrong type"


def _is(value: Any, kind: Any) -> bool:
    if kind is None:
        return value is None
    if kind == _HEX:
        return isinstance(value, str) and _HEX64.fullmatch(value) is not None
    if kind is int:
        return type(value) is int
    return isinstance(value, kind)


def _check_bundle(members: dict[str, bytes], manifest: dict[str, Any], check: BundleCheck) -> None:
    """Every check after the manifest is known to be well formed."""
    export = manifest["export"]
    check.case, check.generated_at = export["case"]["name"], export["generated_at"]
    check.items = len(export["items"])
    expected = _expected_members(manifest)
    for name in sorted(set(members) - expected):
        check.problems.append(f"{name}: unexpected member (not listed in the manifest)")
    for name in sorted(expected - set(members)):
        check.problems.append(f"{name}: missing")
    _check_files(members, export, check)
    heads = _heads(manifest, members, check)
    _check_export_entry(members, manifest, heads, check)
    _check_items(members, manifest, heads, check)
    _check_incidents(members, manifest, heads, check)
    _check_timestamps(members, manifest, heads, check)
    _check_counts(manifest, check)


def _check_counts(manifest: dict[str, Any], check: BundleCheck) -> None:
    """No signed head and no token of an earlier head was left out (the export part, sealed by
    the export entry, counts them)."""
    earlier = manifest["export"]["earlier"]
    heads = len(manifest["tree_heads"])
    if heads != earlier["tree_heads"] + 1:
        check.problems.append(
            f"manifest.json: {heads} tree heads, but the case had "
            f"{earlier['tree_heads']} before the export head"
        )
    stamps = sum(t["tree_head"] < heads - 1 for t in manifest["timestamps"])
    if stamps != earlier["timestamps"]:
        check.problems.append(
            f"manifest.json: {stamps} timestamp tokens of earlier heads, but "
            f"the case had {earlier['timestamps']}"
        )


def _expected_members(manifest: dict[str, Any]) -> set[str]:
    export = manifest["export"]
    names = {
        "VERIFY.txt",
        "manifest.json",
        export["public_key"]["file"],
        manifest["export_entry"]["entry"],
    }
    for item in export["items"]:
        names |= {item["record"], item["entry"]}
    for incident in export.get("incidents", []):
        names |= {incident["entry"], *(a["file"] for a in incident["attachments"])}
    for i in range(len(manifest["tree_heads"])):
        names |= {f"tree-heads/{i}.json", f"tree-heads/{i}.sig"}
    names |= {t["file"] for t in manifest["timestamps"]}
    names |= {r["file"] for r in export["tsa_roots"]}
    return names


def _file_ok(members: dict[str, bytes], name: str, sha: str, check: BundleCheck, what: str) -> bool:
    data = members.get(name)
    if data is None:
        return False
    if sha256_hex(data) != sha:
        check.problems.append(
            f"{name}: {what}: SHA-256 {sha256_hex(data)} is not the manifest's {sha}"
        )
        return False
    return True


def _check_files(members: dict[str, bytes], export: dict[str, Any], check: BundleCheck) -> None:
    """VERIFY.txt, the public key (and its fingerprint) and the TSA roots match their hashes."""
    _file_ok(members, "VERIFY.txt", export["files"]["VERIFY.txt"], check, "explanation")
    key = export["public_key"]
    if key["file"] != "public-key.pem":
        check.problems.append(
            f"manifest.json: public key file {key['file']!r} is not public-key.pem"
        )
    check.fingerprint = key["fingerprint"]
    if _file_ok(members, key["file"], key["sha256"], check, "public key") and not (
        verify_public_key_fingerprint(members[key["file"]], key["fingerprint"])
    ):
        check.problems.append(
            f"{key['file']}: its fingerprint is not the manifest's {key['fingerprint']}"
        )
    for i, root in enumerate(export["tsa_roots"], start=1):
        if root["file"] != f"{TSA_ROOTS_DIR}/{i}.pem":
            check.problems.append(f"manifest.json: TSA root {i} is named {root['file']!r}")
        _file_ok(members, root["file"], root["sha256"], check, "TSA root certificate")


def _heads(
    manifest: dict[str, Any], members: dict[str, bytes], check: BundleCheck
) -> list[SignedTreeHead]:
    """The signed tree heads, each signed by the bundled key, consecutive ones consistent."""
    heads = []
    for i, obj in enumerate(manifest["tree_heads"]):
        try:
            heads.append(SignedTreeHead.from_json(canonical(obj)))
        except EvidenceError as exc:
            raise _Stop(f"manifest.json: tree head {i}: {exc}") from None
    if not heads:
        raise _Stop("manifest.json: no signed tree head")
    public = members.get(manifest["export"]["public_key"]["file"], b"")
    for i, sth in enumerate(heads):
        if not verify_tree_head(sth, public):
            check.problems.append(
                f"manifest.json: tree head {i} (size {sth.tree_size}): "
                "signature does not verify with public-key.pem"
            )
        if members.get(f"tree-heads/{i}.json", sth.signing_input()) != sth.signing_input():
            check.problems.append(f"tree-heads/{i}.json: not the signing input of tree head {i}")
        if members.get(f"tree-heads/{i}.sig", bytes.fromhex(sth.signature)) != bytes.fromhex(
            sth.signature
        ):
            check.problems.append(f"tree-heads/{i}.sig: not the signature of tree head {i}")
    _check_consistency(manifest["consistency_proofs"], heads, check)
    last = heads[-1]
    check.tree_size, check.root_hash, check.head_time = (
        last.tree_size,
        last.root_hash,
        last.timestamp,
    )
    check.tree_heads = len(heads)
    return heads


def _check_consistency(
    proofs: list[list[str]], heads: list[SignedTreeHead], check: BundleCheck
) -> None:
    if len(proofs) != len(heads) - 1:
        check.problems.append(
            f"manifest.json: {len(proofs)} consistency proofs for {len(heads)} tree heads"
        )
        return
    for i, (old, new, proof) in enumerate(zip(heads, heads[1:], proofs)):
        if not verify_consistency(
            old.tree_size,
            new.tree_size,
            bytes.fromhex(old.root_hash),
            bytes.fromhex(new.root_hash),
            [bytes.fromhex(p) for p in proof],
        ):
            check.problems.append(
                f"manifest.json: tree heads {i} (size {old.tree_size}) and "
                f"{i + 1} (size {new.tree_size}): consistency proof fails"
            )


def _included(
    members: dict[str, bytes],
    manifest: dict[str, Any],
    head: SignedTreeHead,
    seq: int,
    entry: dict[str, Any],
    check: BundleCheck,
) -> dict[str, Any] | None:
    """Check an entry body's hashes and inclusion proof; return the parsed body when sound."""
    name = entry["entry"]
    if name != f"entries/{seq}.json":
        check.problems.append(f"manifest.json: entry {seq} is named {name!r}")
    if not _file_ok(members, name, entry["entry_sha256"], check, f"log entry {seq}"):
        return None
    body = members[name]
    if leaf_hash(body).hex() != entry["leaf_hash"]:
        check.problems.append(f"{name}: its leaf hash is not the manifest's {entry['leaf_hash']}")
    path = manifest["inclusion_proofs"].get(str(seq))
    if not (
        isinstance(path, list)
        and all(_is(p, _HEX) for p in path)
        and verify_inclusion(
            leaf_hash(body),
            seq - 1,
            head.tree_size,
            [bytes.fromhex(p) for p in path],
            bytes.fromhex(head.root_hash),
        )
    ):
        check.problems.append(
            f"{name}: inclusion proof of entry {seq} fails against the tree "
            f"head of size {head.tree_size}"
        )
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict) or parsed.get("seq") != seq or canonical(parsed) != body:
        check.problems.append(f"{name}: not the canonical log entry number {seq}")
        return None
    return parsed


def _check_export_entry(
    members: dict[str, bytes],
    manifest: dict[str, Any],
    heads: list[SignedTreeHead],
    check: BundleCheck,
) -> None:
    """The export entry is the last leaf of the last head and seals the manifest's export part."""
    entry, head = manifest["export_entry"], heads[-1]
    seq = entry["seq"]
    if seq != head.tree_size:
        check.problems.append(
            f"manifest.json: export entry {seq} is not the last of the tree "
            f"head of size {head.tree_size}"
        )
    body = _included(members, manifest, head, seq, entry, check)
    if body is None:
        return
    wanted = sha256_hex(canonical(manifest["export"]))
    what = body.get("what")
    what = what if isinstance(what, dict) else {}
    if body.get("kind") != "export" or what.get("manifest_sha256") != wanted:
        check.problems.append(
            f"{entry['entry']}: the export entry does not seal this manifest "
            f"(manifest_sha256 of the export part is {wanted})"
        )
    if what.get("items") != check.items or what.get("selection") != manifest["export"]["selection"]:
        check.problems.append(
            f"{entry['entry']}: item count or selection differs from the manifest's"
        )


def _check_items(
    members: dict[str, bytes],
    manifest: dict[str, Any],
    heads: list[SignedTreeHead],
    check: BundleCheck,
) -> None:
    """Each record's bytes, its entry body, leaf hash and inclusion proof."""
    items = manifest["export"]["items"]
    seqs = [item["seq"] for item in items]
    if seqs != sorted(set(seqs)) or (seqs and seqs[0] < 1):
        check.problems.append("manifest.json: item seqs are not unique, positive and ascending")
    export_seq = manifest["export_entry"]["seq"]
    incidents = [i["seq"] for i in manifest["export"].get("incidents", [])]
    if set(manifest["inclusion_proofs"]) != {str(s) for s in [*seqs, *incidents, export_seq]}:
        check.problems.append("manifest.json: inclusion proofs do not match the items")
    for item in items:
        _check_item(members, manifest, heads[-1], item, check)


def _check_item(
    members: dict[str, bytes],
    manifest: dict[str, Any],
    head: SignedTreeHead,
    item: dict[str, Any],
    check: BundleCheck,
) -> None:
    seq = item["seq"]
    if item["record"] != f"records/{seq}.bin":
        check.problems.append(f"manifest.json: record {seq} is named {item['record']!r}")
    if (
        _file_ok(members, item["record"], item["sha256"], check, f"record {seq}")
        and len(members[item["record"]]) != item["size"]
    ):
        check.problems.append(f"{item['record']}: size is not the manifest's {item['size']}")
    body = _included(members, manifest, head, seq, item, check)
    if body is None:
        return
    sealed = {
        "kind": body.get("kind"),
        "sha256": body.get("record_sha256"),
        "size": body.get("size"),
        **{k: body.get(k) for k in _SEALED},
    }
    listed = {k: item[k] for k in sealed}
    if body.get("kind") not in _RECORD_KINDS or sealed != listed:
        diff = sorted(k for k in sealed if sealed[k] != listed[k]) or ["kind"]
        check.problems.append(
            f"{item['entry']}: the sealed entry of record {seq} differs from "
            f"the manifest in {', '.join(diff)}"
        )


def _check_incidents(
    members: dict[str, bytes],
    manifest: dict[str, Any],
    heads: list[SignedTreeHead],
    check: BundleCheck,
) -> None:
    """Each incident's entry (included in the last head) and its attachments' bytes, which
    must be the ones the entry seals, under the names made of its seq and sealed media type."""
    incidents = manifest["export"].get("incidents", [])
    seqs = [i["seq"] for i in incidents]
    items = {item["seq"] for item in manifest["export"]["items"]}
    if seqs != sorted(set(seqs)) or (seqs and seqs[0] < 1) or items & set(seqs):
        check.problems.append(
            "manifest.json: incident seqs are not unique, positive, ascending and apart from "
            "the items"
        )
    check.incidents = len(incidents)
    check.attachments = sum(len(i["attachments"]) for i in incidents)
    for incident in incidents:
        seq = incident["seq"]
        body = _included(members, manifest, heads[-1], seq, incident, check)
        if body is None:
            continue
        sealed = body.get("attachments")
        if body.get("kind") != "incident" or not isinstance(sealed, list):
            check.problems.append(f"{incident['entry']}: not the log entry of an incident")
            continue
        if len(sealed) != len(incident["attachments"]):
            check.problems.append(
                f"manifest.json: incident entry {seq} seals {len(sealed)} attachments but "
                f"{len(incident['attachments'])} are listed"
            )
        for n, (listed, seal) in enumerate(zip(incident["attachments"], sealed), start=1):
            _check_attachment(members, seq, n, listed, seal, check)


def _check_attachment(
    members: dict[str, bytes],
    seq: int,
    n: int,
    listed: dict[str, Any],
    sealed: Any,
    check: BundleCheck,
) -> None:
    """Attachment ``n`` of the incident of entry ``seq``: listed as sealed, bytes as listed."""
    sealed = sealed if isinstance(sealed, dict) else {}
    what = f"attachment {n} of incident entry {seq}"
    want = f"{ATTACHMENTS_DIR}/{seq}-{n}{attachment_extension(str(sealed.get('media_type')))}"
    if listed["file"] != want:
        check.problems.append(f"manifest.json: {what} is named {listed['file']!r}, not {want}")
    if (
        _file_ok(members, listed["file"], listed["sha256"], check, what)
        and len(members[listed["file"]]) != listed["size"]
    ):
        check.problems.append(f"{listed['file']}: size is not the manifest's {listed['size']}")
    if (listed["sha256"], listed["size"]) != (sealed.get("sha256"), sealed.get("size")):
        check.problems.append(
            f"entries/{seq}.json: the sealed SHA-256 or size of {what} differs from the manifest"
        )


def _check_timestamps(
    members: dict[str, bytes],
    manifest: dict[str, Any],
    heads: list[SignedTreeHead],
    check: BundleCheck,
) -> None:
    """Each token stamps its head's signing input and chains to a bundled TSA root."""
    roots = [members[r["file"]] for r in manifest["export"]["tsa_roots"] if r["file"] in members]
    for n, stamp in enumerate(manifest["timestamps"], start=1):
        name = stamp["file"]
        if name != f"timestamps/{n}.tsr":
            check.problems.append(f"manifest.json: timestamp {n} is named {name!r}")
        if not _file_ok(members, name, stamp["sha256"], check, "timestamp token"):
            continue
        index = stamp["tree_head"]
        if not 0 <= index < len(heads):
            check.problems.append(f"{name}: stamps tree head {index}, which is not in the bundle")
            continue
        result = verify_token(members[name], heads[index].signing_input(), roots)
        for problem in result.problems:
            check.problems.append(f"{name} (tree head {index}): {problem}")
        if result.ok and result.gen_time != stamp["gen_time"]:
            check.problems.append(
                f"{name}: genTime {result.gen_time} is not the manifest's {stamp['gen_time']}"
            )
        if result.ok:
            check.timestamps.append(f"tree head {index} at {result.gen_time} by {result.signer}")


# ------------------------------------------------------------------------------ VERIFY.txt


def _verify_text(fingerprint: str) -> str:
    """The bilingual explanation shipped as VERIFY.txt."""
    return _VERIFY_TEXT.replace("{fingerprint}", fingerprint).replace(
        "{short}", short_fingerprint(fingerprint)
    )


_VERIFY_TEXT = """\
RÉPERTOIRE DE PREUVES REMPART / REMPART EVIDENCE BUNDLE
=======================================================

Empreinte de la clé publique / Public key fingerprint (SHA-256 of the raw Ed25519 key):
  {fingerprint}
  ({short})
Comparez-la avec celle publiée ailleurs (courrier d'avocat, page de garde du dossier).
Compare it with the one published elsewhere (a lawyer's letter, the dossier's cover page).

----------------------------------------------------------------------------------------------
FRANÇAIS
----------------------------------------------------------------------------------------------
Ce fichier zip contient des enregistrements bruts capturés par rempart (records/<n>.bin, octet
pour octet), l'entrée du journal de preuves qui a scellé chacun d'eux (entries/<n>.json), et de
quoi vérifier, sans réseau ni accès au dossier d'origine, qu'ils n'ont pas changé depuis leur
capture.

Vérification automatique :   rempart verify-bundle CE_FICHIER.zip [--fingerprint EMPREINTE]
(code de sortie 0 si tout est correct ; 1 et une ligne par problème sinon).

Vérification à la main :
1. Empreintes : `sha256sum records/12.bin` doit donner le "sha256" de l'élément 12 dans
   manifest.json, et la valeur "record_sha256" de entries/12.json. Incidents hors ligne
   (s'il y en a) : attachments/57-1.png est la 1re pièce jointe de l'incident scellé par
   entries/57.json ("kind": "incident") ; son SHA-256 est celui de la 1re entrée de sa liste
   "attachments" (le nom de fichier d'origine y figure comme simple donnée).
2. Arbre de Merkle (RFC 9162) : le hachage de feuille est SHA-256(0x00 || entries/12.json),
   p. ex. `(printf '\\000'; cat entries/12.json) | sha256sum`. La preuve d'inclusion
   (manifest.json, "inclusion_proofs", "12") est la liste des nœuds frères de la feuille
   d'indice 11 jusqu'à la racine ; on recombine avec SHA-256(0x01 || gauche || droite)
   (algorithme RFC 9162 §2.1.3.2) et on doit retrouver "root_hash" de la dernière tête signée.
3. Signature Ed25519 : tree-heads/<i>.json est exactement ce que la clé a signé ;
   `openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in tree-heads/<i>.json
   -sigfile tree-heads/<i>.sig`. Les têtes successives sont reliées par des preuves de
   cohérence (RFC 9162 §2.1.4) : le journal n'a fait que s'allonger.
4. Horodatage (RFC 3161) : chaque jeton timestamps/<n>.tsr porte sur tree-heads/<i>.json ;
   `openssl ts -verify -data tree-heads/<i>.json -in timestamps/<n>.tsr -CAfile
   tsa-roots/1.pem`. Vérifiez que ce certificat racine est bien celui de l'autorité.
5. L'export est lui-même une entrée du journal ("kind": "export", dernière feuille de la
   dernière tête) dont "manifest_sha256" est le SHA-256 du JSON canonique (clés triées, sans
   espaces) de la partie "export" de manifest.json.

Ce que cela prouve : que ces octets sont ceux qui ont été scellés dans le journal lors de la
capture, qu'ils n'ont pas été modifiés depuis, que le journal n'a pas été réécrit entre deux
têtes signées, et (avec un jeton d'horodatage) que la tête signée existait à la date du jeton.
Ce que cela ne prouve pas : la véracité du contenu, l'identité réelle des auteurs, ni que la
plateforme a servi les mêmes octets à d'autres personnes (l'authenticité côté plateforme est
hors du champ de ce paquet) ; ni que rien n'a été fabriqué avant la capture. La clé de
signature appartient à l'opérateur du dossier : seule la comparaison de son empreinte avec une
empreinte publiée ailleurs la rattache à ce dossier.

----------------------------------------------------------------------------------------------
ENGLISH
----------------------------------------------------------------------------------------------
This zip holds raw records captured by rempart (records/<n>.bin, byte for byte), the evidence
log entry that sealed each one (entries/<n>.json), and what is needed to check, with no network
and no access to the original case, that they have not changed since capture.

Automatic check:   rempart verify-bundle THIS_FILE.zip [--fingerprint FINGERPRINT]
(exit status 0 when everything holds; 1 and one line per problem otherwise).

Checking by hand:
1. Hashes: `sha256sum records/12.bin` must print item 12's "sha256" in manifest.json, and the
   "record_sha256" of entries/12.json. Off-platform incidents (if any): attachments/57-1.png is
   the first file attached to the incident sealed by entries/57.json ("kind": "incident"); its
   SHA-256 is the one of the first element of that entry's "attachments" list (where the
   file's original name is kept, as data only).
2. Merkle tree (RFC 9162): the leaf hash is SHA-256(0x00 || entries/12.json), e.g.
   `(printf '\\000'; cat entries/12.json) | sha256sum`. The inclusion proof (manifest.json,
   "inclusion_proofs", "12") lists the siblings of leaf index 11 up to the root; fold them with
   SHA-256(0x01 || left || right) (RFC 9162 section 2.1.3.2) to get the "root_hash" of the last
   signed tree head.
3. Ed25519 signature: tree-heads/<i>.json is exactly what the key signed;
   `openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in tree-heads/<i>.json
   -sigfile tree-heads/<i>.sig`. Consecutive heads are linked by consistency proofs (RFC 9162
   section 2.1.4): the log only ever grew.
4. Timestamps (RFC 3161): each token timestamps/<n>.tsr stamps tree-heads/<i>.json;
   `openssl ts -verify -data tree-heads/<i>.json -in timestamps/<n>.tsr -CAfile
   tsa-roots/1.pem`. Check that this root certificate really is the authority's.
5. The export is itself a log entry ("kind": "export", the last leaf of the last head) whose
   "manifest_sha256" is the SHA-256 of the canonical JSON (sorted keys, no whitespace) of the
   "export" part of manifest.json.

What this proves: that these bytes are the ones sealed in the log at capture, that they have not
been changed since, that the log was not rewritten between two signed heads, and (with a
timestamp token) that the signed head existed at the token's time.
What it does not prove: that the content is true, who the authors really are, or that the
platform served the same bytes to anyone else (platform-side authenticity is out of scope); nor
that nothing was fabricated before capture. The signing key belongs to the case's operator:
only comparing its fingerprint with one published elsewhere ties it to this case.
"""
