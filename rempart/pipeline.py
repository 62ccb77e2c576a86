"""Import files into a case: every raw record sealed in the evidence log, then normalised.

For each input file: hash it, pick its source (``--format`` or auto-detection), split it into raw
records, and in transactions of a few thousand records: skip records already stored (same
SHA-256), parse the new ones, append one log entry per record (a ``reject`` entry when parsing
failed, keeping the bytes), store the raw bytes, and merge the normalised items into the case.
When a record shows a message or account's status changed (deleted, suspended, withheld…, or
available again) a ``status-change`` entry follows its batch; nothing is erased. At the end the
case key signs the new head of the evidence Merkle tree (reason ``import``) and, when timestamp
authorities are configured (``tsa_urls``), they stamp it (see
:func:`rempart.evidence.transparency.timestamp_latest_head`).
A run killed half-way leaves whole transactions only; running it again completes it.

Example::

    report = ingest(case, [Path("mentions.jsonl")])
    print(report.new_records, report.rejects)
"""

from __future__ import annotations

import hashlib
import os
import platform as _platform
import socket
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit

import orjson

from . import __version__
from .case import Case
from .errors import ParseError, SourceError
from .evidence.log import LogWriter, canonical, sha256_hex
from .evidence.transparency import (
    StampReport,
    case_key,
    sign_case_tree_head,
    timestamp_latest_head,
)
from .merge import (
    account_with_status,
    apply_status,
    finish_message,
    merge_accounts,
    merge_messages,
    normalise_account,
)
from .models import Account, Item, Message, StatusChange, iso, parse_iso
from .settings import url_list
from .sources.base import ParseContext, Source, Unit
from .sources.detect import detect, expand_paths, get_source
from .storage.base import RawRecord, Store, StoredMessage

TOOL = "rempart"
Progress = Callable[[int], None]


@dataclass
class FileReport:
    """What one input file contributed."""

    path: str
    format: str | None
    sha256: str
    size: int
    records: int = 0
    new_records: int = 0
    new_rejects: int = 0
    items: int = 0
    skipped: str | None = None


@dataclass
class RejectNote:
    """A record kept as a reject: where it was and why it could not be read."""

    path: str
    line: int | None
    reason: str


@dataclass
class IngestReport:
    """The outcome of one capture run."""

    capture_id: int
    files: list[FileReport] = field(default_factory=list)
    rejects: list[RejectNote] = field(default_factory=list)
    head_seq: int = 0
    head_hash: str = ""
    stamps: StampReport | None = None

    @property
    def new_records(self) -> int:
        return sum(f.new_records for f in self.files)

    @property
    def known_records(self) -> int:
        return sum(f.records - f.new_records - f.new_rejects for f in self.files)

    @property
    def items(self) -> int:
        return sum(f.items for f in self.files)


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, streamed."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


#: The log entry kinds a capture run writes (sealed in its ``capture-start``, so that verify
#: knows which observations of that run must have their own ``status-change`` entry).
CAPTURE_KINDS = ("capture-start", "record", "reject", "status-change", "capture-end")


def capture_context(case: Case, command: str | None) -> dict[str, Any]:
    """Who captured, where, with what tool and clock (NF Z67-147 spirit).

    ``clock_offset_s`` is the clock's known offset from a reference time; rempart reads no
    reference clock, so it is None (the clock's own description says whether NTP keeps it).
    """
    return {
        "tool": TOOL,
        "tool_version": __version__,
        "python": sys.version.split()[0],
        "host": socket.gethostname(),
        "os": f"{_platform.system()} {_platform.release()}",
        "platform": _platform.platform(),
        "operator": case.settings["operator"],
        "clock": case.clock.describe(),
        "clock_offset_s": None,
        "command": command,
        "pid": os.getpid(),
        "entries": list(CAPTURE_KINDS),
    }


def input_info(path: Path, sha256: str, size: int) -> dict[str, Any]:
    """An input file as the capture context cites it: path, name, SHA-256, size, and where the
    data came from when the file says so (see :func:`capture_origin`)."""
    info: dict[str, Any] = {"name": str(path), "file": path.name, "sha256": sha256, "size": size}
    origin = capture_origin(path)
    if origin is not None:
        info["origin"] = origin
    return info


def capture_origin(path: Path) -> dict[str, Any] | None:
    """The API endpoint and query of a twarc2 capture, from its first line's ``__twarc.url``.

    Other formats do not say where they were fetched from: None.
    """
    try:
        with open(path, "rb") as fh:
            first = fh.readline(1 << 20)
        if b'"__twarc"' not in first:
            return None
        meta = orjson.loads(first).get("__twarc")
    except (OSError, orjson.JSONDecodeError, AttributeError):
        return None
    url = meta.get("url") if isinstance(meta, dict) else None
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    return {"tool": "twarc2", "tool_version": meta.get("version"),
            "api": f"{parts.scheme}://{parts.netloc}{parts.path}", "query": parts.query}


def ingest(
    case: Case,
    paths: Iterable[Path | str],
    format: str | None = None,
    progress: Progress | None = None,
    command: str | None = None,
    on_file: Callable[[Path, int], None] | None = None,
) -> IngestReport:
    """Capture ``paths`` (files or folders) into ``case``; see the module docstring."""
    store = case.store
    settings = case.settings
    explicit = [Path(p) for p in paths]
    files = expand_paths(explicit)
    explicit_set = {p.resolve() for p in explicit if p.is_file()}
    chosen = get_source(format) if format else None
    digests = {p: file_digest(p) for p in files}
    started = case.clock.now()
    info = {
        **capture_context(case, command),
        "started_at": iso(started),
        "inputs": [input_info(p, *digests[p]) for p in files],
    }
    writer = LogWriter(store)
    with store.transaction():
        capture_id = store.new_capture(info)
        writer.sync()
        writer.append("capture-start", {"capture": capture_id, **info})
        writer.flush()
    report = IngestReport(capture_id)
    batch_size = int(settings["batch_size"])
    batch_bytes = int(settings["batch_bytes"])
    for path in files:
        sha, size = digests[path]
        if on_file:
            on_file(path, size)
        try:
            source = chosen or detect(path)
        except SourceError as exc:
            if path.resolve() not in explicit_set:
                report.files.append(FileReport(str(path), None, sha, size, skipped=str(exc)))
                if progress:
                    progress(size)
                continue
            source = _UNKNOWN
        freport = FileReport(str(path), source.name, sha, size)
        report.files.append(freport)
        with store.transaction():
            source_id = store.source_for(str(path), sha, size, iso(case.clock.now()) or "")
        _ingest_file(case, writer, source, path, sha, source_id, capture_id, freport, report,
                     batch_size, batch_bytes, progress)
    result = {
        "finished_at": iso(case.clock.now()),
        "files": len(report.files),
        "new_records": report.new_records,
        "new_rejects": len(report.rejects),
        "known_records": report.known_records,
    }
    case_key(case)  # made, with its first signed head, before the last transaction
    with store.transaction():
        writer.sync()
        writer.append("capture-end", {"capture": capture_id, **result})
        writer.flush()
        store.finish_capture(capture_id, result)
        at = iso(case.clock.now()) or ""
        store.record_head(writer.seq, writer.head, at, "capture")
        sign_case_tree_head(case, "import", at)
    report.head_seq, report.head_hash = writer.seq, writer.head
    if url_list(settings["tsa_urls"]):
        # after the commit: the import is kept whatever the timestamp authorities answer
        report.stamps = timestamp_latest_head(case)
    return report


class _Unknown:
    """Stands in for a file no source recognises: the whole file is kept as one reject."""

    name = "unknown"
    description = "unrecognised input (kept as a reject)"

    def sniff(self, head: bytes, path: Path) -> float:
        return 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        yield Unit(path.read_bytes(), 1, 0)

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        raise ctx.error("format not recognised; pass --format NAME (see `rempart formats`)")


_UNKNOWN = _Unknown()


def _batches(units: Iterator[Unit], size: int, max_bytes: int) -> Iterator[list[Unit]]:
    batch: list[Unit] = []
    total = 0
    for unit in units:
        batch.append(unit)
        total += len(unit.raw)
        if len(batch) >= size or total >= max_bytes:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def _units(source: Source, path: Path, report: IngestReport) -> Iterator[Unit]:
    try:
        yield from source.units(path)
    except SourceError as exc:
        # A file that cannot even be split is kept whole as a reject.
        report.rejects.append(RejectNote(str(path), None, str(exc)))
        yield Unit(path.read_bytes(), 1, 0, {"split_error": str(exc)})


def _ingest_file(
    case: Case,
    writer: LogWriter,
    source: Source,
    path: Path,
    file_sha: str,
    source_id: int,
    capture_id: int,
    freport: FileReport,
    report: IngestReport,
    batch_size: int,
    batch_bytes: int,
    progress: Progress | None,
) -> None:
    store = case.store
    clock_name = case.clock.name
    done_bytes = 0
    for batch in _batches(_units(source, path, report), batch_size, batch_bytes):
        hashed = [(hashlib.sha256(u.raw).hexdigest(), u) for u in batch]
        freport.records += len(hashed)
        with store.transaction():
            known = store.known_records(sha for sha, _ in hashed)
            writer.sync()
            records: list[RawRecord] = []
            parsed: list[tuple[int, str, list[Item]]] = []
            for sha, unit in hashed:
                if sha in known:
                    continue
                known.add(sha)
                captured = case.clock.now()
                ctx = ParseContext(captured, str(path), unit.line, unit.context, source.name)
                reason = None
                items: list[Item] = []
                if unit.context and "split_error" in unit.context:
                    reason = unit.context["split_error"]
                else:
                    try:
                        items = source.parse(unit.raw, ctx)
                    except ParseError as exc:
                        reason = exc.reason
                context_json = canonical(unit.context).decode() if unit.context else None
                fields = {
                    "capture": capture_id,
                    "record_sha256": sha,
                    "size": len(unit.raw),
                    "source": {"name": str(path), "sha256": file_sha},
                    "format": source.name,
                    "line": unit.line,
                    "offset": unit.offset,
                    "member": unit.member,
                    "context_sha256": sha256_hex(context_json.encode()) if context_json else None,
                    "captured_at": iso(captured),
                    "clock": clock_name,
                    "tool": TOOL,
                    "tool_version": __version__,
                }
                if reason is not None:
                    fields["reason"] = reason
                entry = writer.append("reject" if reason is not None else "record", fields)
                records.append(RawRecord(
                    entry.seq, sha, unit.raw, source.name, source_id, capture_id, unit.line,
                    unit.offset, unit.member, context_json, iso(captured) or "", clock_name, reason,
                ))
                if reason is not None:
                    freport.new_rejects += 1
                    report.rejects.append(RejectNote(str(path), unit.line, reason))
                else:
                    freport.new_records += 1
                    freport.items += len(items)
                    parsed.append((entry.seq, source.name, items))
            writer.flush()
            store.add_records(records)
            for observation in apply_items(store, parsed):
                writer.append("status-change", observation)
            writer.flush()
        if progress:
            last = batch[-1]
            position = min(last.offset + len(last.raw), freport.size)
            if position > done_bytes:
                progress(position - done_bytes)
                done_bytes = position
    if progress and freport.size > done_bytes:
        progress(freport.size - done_bytes)


def apply_items(
    store: Store, parsed: list[tuple[int, str, list[Item]]]
) -> list[dict[str, Any]]:
    """Merge the items of records (in log order) into the store's derived tables.

    Returns the status observations these records make, in order: one per message or account
    whose status a record changes (deleted, suspended, withheld…, or available again), as the
    fields of a ``status-change`` log entry. A record that only confirms the known status makes
    none, so importing the same observation twice records it once.
    """
    msg_keys: set[tuple[str, str]] = set()
    acc_keys: set[tuple[str, str]] = set()
    for _, _, items in parsed:
        for item in items:
            if isinstance(item, Message):
                msg_keys.add(item.key)
            elif isinstance(item, Account):
                acc_keys.add(item.key)
            elif item.subject == "account":
                acc_keys.add((item.platform, item.id))
            else:
                msg_keys.add((item.platform, item.id))
    existing = store.get_messages(msg_keys) if msg_keys else {}
    accounts_before = store.get_accounts(acc_keys) if acc_keys else {}
    pending: dict[tuple[str, str], StoredMessage] = {}
    accounts: dict[tuple[str, str], Account] = {}
    links: list[tuple[str, str, int]] = []
    changes: list[tuple[StatusChange, int]] = []
    observations: list[dict[str, Any]] = []

    def status(subject: str, key: tuple[str, str]) -> tuple[str | None, Any]:
        """The current status of a message or account (None: never seen) and its record."""
        if subject == "account":
            acc = accounts.get(key) or accounts_before.get(key)
            return (acc.status, acc) if acc else (None, None)
        cur = pending.get(key) or existing.get(key)
        return (cur.message.status, cur.message) if cur else (None, None)

    for seq, fmt, items in parsed:
        before = {s: status(s[0], s[1])[0] for s in _subjects(items)}
        for item in items:
            if isinstance(item, Message):
                key = item.key
                cur = pending.get(key) or existing.get(key)
                if cur is None:
                    # first sighting: first_seq is the link, no message_records row needed
                    pending[key] = StoredMessage(finish_message(item), fmt, seq, seq)
                else:
                    pending[key] = StoredMessage(
                        merge_messages(cur.message, item), cur.format, cur.first_seq, seq
                    )
                    if seq != cur.first_seq:
                        links.append((item.platform, item.id, seq))
            elif isinstance(item, Account):
                key = item.key
                prev = accounts.get(key) or accounts_before.get(key)
                merged = item if prev is None else merge_accounts(prev, item)
                accounts[key] = normalise_account(merged)
            else:
                changes.append((item, seq))
                key = (item.platform, item.id)
                if item.subject == "account":
                    prev = accounts.get(key) or accounts_before.get(key)
                    accounts[key] = account_with_status(prev, item)
                else:
                    cur = pending.get(key) or existing.get(key)
                    msg = apply_status(cur.message if cur else None, item)
                    pending[key] = StoredMessage(
                        msg, cur.format if cur else fmt, cur.first_seq if cur else seq, seq
                    )
                    if cur is not None and seq != cur.first_seq:
                        links.append((item.platform, item.id, seq))
        for (subject, key), previous in before.items():
            now, current = status(subject, key)
            if now != (previous or "available"):
                observations.append(_observation(subject, key, previous, now, current, items, seq))
    fresh = [s for k, s in pending.items() if k not in existing]
    changed = [s for k, s in pending.items() if k in existing and s != existing[k]]
    if fresh:
        store.put_messages(fresh, new=True)
    if changed:
        store.put_messages(changed, new=False)
    if links:
        store.link_records(links)
    changed_accounts = [a for k, a in accounts.items() if accounts_before.get(k) != a]
    if changed_accounts:
        store.put_accounts(changed_accounts)
    if changes:
        store.add_status_changes(changes)
    return observations


def _subjects(items: list[Item]) -> list[tuple[str, tuple[str, str]]]:
    """``(subject, key)`` of every message and account a record's items touch, in order."""
    out: dict[tuple[str, tuple[str, str]], None] = {}
    for item in items:
        if isinstance(item, Message):
            out[("message", item.key)] = None
        elif isinstance(item, Account):
            out[("account", item.key)] = None
        else:
            out[(item.subject, (item.platform, item.id))] = None
    return list(out)


def _observation(subject: str, key: tuple[str, str], previous: str | None, status: str | None,
                 current: Any, items: list[Item], seq: int) -> dict[str, Any]:
    """The fields of a ``status-change`` entry: what record ``seq`` showed about ``key``.

    ``observed_at`` and ``detail`` come from the record's own status notice when it has one,
    else from the message or account as the record showed it.
    """
    notice = next((i for i in reversed(items) if isinstance(i, StatusChange)
                   and i.subject == subject and (i.platform, i.id) == key), None)
    observed = notice.observed_at if notice else getattr(current, "observed_at", None)
    detail = notice.detail if notice else getattr(current, "status_detail", None)
    return {"platform": key[0], "subject": subject, "id": key[1], "status": status,
            "previous": previous, "observed_at": iso(observed), "detail": detail, "record": seq}


def reparse(source: Source, record: RawRecord, source_name: str) -> list[Item]:
    """Parse a stored record again exactly as at capture time (for verification)."""
    ctx = ParseContext(
        parse_iso(record.captured_at) or datetime.min,
        source_name,
        record.line,
        orjson.loads(record.context) if record.context else None,
        source.name,
    )
    return source.parse(record.raw, ctx)
