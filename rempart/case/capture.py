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

import contextlib
import dataclasses
import functools
import gc
import hashlib
import multiprocessing
import os
import platform as _platform
import signal
import socket
import sys
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar
from urllib.parse import urlsplit

import orjson

from ..derive.replay import Ready, apply_items, prepare_accounts, prepare_items
from ..errors import ParseError, SourceError
from ..evidence.log import EntryTemplate, LogWriter
from ..evidence.transparency import StampReport
from ..hashing import canonical, file_digest, sha256_hex
from ..models import Item, JSONObject, iso, positional_maker
from ..settings import url_list
from ..sources.base import (
    ParseContext,
    Source,
    Unit,
    check_encoding,
    parse_safely,
    with_encoding,
)
from ..sources.detect import detect, get_source, walk_inputs
from ..storage.base import RawRecord, StoredMessage
from ..storage.sqlite import Checkpointer, SQLiteStore
from ..version import __version__
from .evidence import case_key, sign_case_tree_head, timestamp
from .folder import Case

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
    #: the text encoding read (CSV), when not UTF-8 or forced with ``--encoding``
    encoding: str | None = None


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


#: The log entry kinds a capture run writes (sealed in its ``capture-start``, so that verify
#: knows which observations of that run must have their own ``status-change`` entry).
CAPTURE_KINDS = ("capture-start", "record", "reject", "status-change", "capture-end")
#: How a capture run fills the ``status_changes`` table (sealed in its ``capture-start`` as
#: ``status_rows``): one row per ``status-change`` entry, so that verify counts them one for
#: one. Runs of older versions (no ``status_rows``) stored one row per status notice instead.
STATUS_ROWS = "one per status-change entry"


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
        "status_rows": STATUS_ROWS,
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
    return {
        "tool": "twarc2",
        "tool_version": meta.get("version"),
        "api": f"{parts.scheme}://{parts.netloc}{parts.path}",
        "query": parts.query,
    }


_F = TypeVar("_F", bound=Callable[..., Any])

#: Allocations between two young-generation collections while an import runs (Python's default
#: is 700). An import allocates millions of short-lived, acyclic objects that reference counting
#: frees at once; collecting every 700 allocations re-scans the live batch for nothing (a seventh
#: of the import's time). The count is of objects still alive (a freed one is taken off it), so
#: at 200,000 a batch of a few thousand records hardly ever triggers a collection, where 50,000
#: made it re-scan the batch's messages and accounts a few times per batch (5% of the time).
#: Cycles are still collected, less often; acyclic objects are freed at once whatever the
#: threshold, so memory does not grow.
_IMPORT_GC_THRESHOLD = 200_000


def _collecting_less(fn: _F) -> _F:
    """Run ``fn`` with young-generation collections every :data:`_IMPORT_GC_THRESHOLD`
    allocations, then restore the thresholds as they were."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        old = gc.get_threshold()
        gc.set_threshold(max(old[0], _IMPORT_GC_THRESHOLD), *old[1:])
        try:
            return fn(*args, **kwargs)
        finally:
            gc.set_threshold(*old)

    return wrapper  # type: ignore[return-value]


@_collecting_less
def ingest(
    case: Case,
    paths: Iterable[Path | str],
    format: str | None = None,
    progress: Progress | None = None,
    command: str | None = None,
    on_file: Callable[[Path, int], None] | None = None,
    encoding: str | None = None,
) -> IngestReport:
    """Capture ``paths`` (files or folders) into ``case``; see the module docstring.

    ``encoding`` forces the text encoding of the files whose format has one to choose (CSV);
    by default it is detected per file and sealed with each record.
    """
    store = case.store
    settings = case.settings
    given = list(paths)
    if any(isinstance(p, str) and not p.strip() for p in given):
        # Path("") is the current folder: an empty argument must not import it
        raise SourceError("an empty path was given: name the files or folders to import")
    explicit = [Path(p) for p in given]
    files, left_out = walk_inputs(explicit, exclude=[case.path])
    explicit_set = {p.resolve() for p in explicit if p.is_file()}
    chosen = get_source(format) if format else None
    if encoding is not None:
        encoding = check_encoding(encoding)
    digests = {p: file_digest(p) for p in files}
    started = case.clock.now()
    info = {
        **capture_context(case, command),
        "started_at": iso(started),
        "inputs": [input_info(p, *digests[p]) for p in files],
        "skipped": [{"name": str(s.path), "reason": s.reason} for s in left_out],
    }
    if encoding is not None:
        info["encoding"] = encoding
    writer, report = _open_capture(case, info)
    capture_id = report.capture_id
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
        if encoding is not None:
            source = with_encoding(source, encoding)
        freport = FileReport(str(path), source.name, sha, size)
        report.files.append(freport)
        with store.transaction():
            source_id = store.source_for(str(path), sha, size, iso(case.clock.now()) or "")
        try:
            _ingest_file(
                case,
                writer,
                source,
                path,
                sha,
                source_id,
                capture_id,
                freport,
                report,
                batch_size,
                batch_bytes,
                progress,
            )
        except Exception as exc:  # noqa: BLE001 - one file's failure never stops the capture
            # what its committed batches hold stays; the whole file is kept as a reject
            reason = f"import of this file failed ({type(exc).__name__}: {exc})"
            _ingest_file(
                case,
                writer,
                _Failed(source.name, reason),
                path,
                sha,
                source_id,
                capture_id,
                freport,
                report,
                batch_size,
                batch_bytes,
                None,
            )
    for skip in left_out:
        report.files.append(FileReport(str(skip.path), None, "", skip.size, skipped=skip.reason))
    return _close_capture(case, writer, report)


def ingest_record(
    case: Case,
    raw: bytes,
    format: str,
    origin: str = "handed over",
    context: JSONObject | None = None,
    command: str | None = None,
) -> IngestReport:
    """Capture one raw record handed over by a server (an SMS webhook's body, an event of a
    watched stream): sealed in the evidence log, stored and merged, and covered by a signed
    tree head before this returns, exactly as a record of an imported file.

    ``format`` names the source that reads it (see ``rempart formats``); ``origin`` says where
    it came from (``webhook:twilio``, ``stream:bluesky``…) and stands for the file name in the
    log; ``context`` is what the source needs besides the bytes (stored with the record). A
    record already captured adds nothing; one that cannot be read is kept as a reject.

    Example::

        report = ingest_record(case, body, "sms", origin="webhook:twilio")
        assert report.new_records + len(report.rejects) <= 1
    """
    if not isinstance(raw, bytes):
        raise SourceError(f"{origin}: a record is bytes, not {type(raw).__name__}")
    source = get_source(format)
    sha, size = sha256_hex(raw), len(raw)
    info = {
        **capture_context(case, command),
        "started_at": iso(case.clock.now()),
        "inputs": [{"name": origin, "sha256": sha, "size": size, "handed_over": True}],
        "skipped": [],
    }
    writer, report = _open_capture(case, info)
    freport = FileReport(origin, source.name, sha, size)
    report.files.append(freport)
    with case.store.transaction():
        source_id = case.store.source_for(origin, sha, size, iso(case.clock.now()) or "")
    settings = case.settings
    _ingest_file(
        case,
        writer,
        _Given(source, raw, context),
        Path(origin),
        sha,
        source_id,
        report.capture_id,
        freport,
        report,
        int(settings["batch_size"]),
        int(settings["batch_bytes"]),
        None,
    )
    return _close_capture(case, writer, report)


class _Given:
    """One record handed over in memory, read by ``source``: its only unit."""

    def __init__(self, source: Source, raw: bytes, context: JSONObject | None) -> None:
        self.source, self.raw, self.context = source, raw, context
        self.name, self.description = source.name, source.description

    def sniff(self, head: bytes, path: Path) -> float:
        return 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        yield Unit(self.raw, 1, 0, self.context)

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        return self.source.parse(raw, ctx)


def _open_capture(case: Case, info: dict[str, Any]) -> tuple[LogWriter, IngestReport]:
    """Record a capture run and seal its ``capture-start`` entry."""
    store = case.store
    writer = LogWriter(store)
    with store.transaction():
        capture_id = store.new_capture(info)
        writer.sync()
        writer.append("capture-start", {"capture": capture_id, **info})
        writer.flush()
    return writer, IngestReport(capture_id)


def _close_capture(case: Case, writer: LogWriter, report: IngestReport) -> IngestReport:
    """Seal the ``capture-end`` entry, sign the head (reason ``import``) and have it stamped
    when timestamp authorities are configured."""
    store = case.store
    settings = case.settings
    capture_id = report.capture_id
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
        report.stamps = timestamp(case)
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


class _Failed:
    """Stands in for a source that failed on a file: the whole file is kept as one reject."""

    description = "a file whose import failed (kept as a reject)"

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    def sniff(self, head: bytes, path: Path) -> float:
        return 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        yield Unit(path.read_bytes(), 1, 0, {"split_error": self.reason})

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        raise ctx.error(self.reason)


def _read_again(
    tried: set[tuple[str, str | None]] | None, format: str, context: dict[str, Any] | None
) -> bool:
    """Whether a record already stored should be read again: only when every copy of it is a
    reject, and none was read with this format and context (so the advice of a reject, "pass
    --format NAME", works, and importing the same file the same way again adds nothing)."""
    if tried is None:
        return False
    return (format, canonical(context).decode() if context else None) not in tried


#: How many times smaller than a full batch the first batch of a file read by two processes
#: is; each next one is twice as large, up to the full size. Until the first batch is read,
#: nothing can be sealed: a small one lets the sealing start at once, and a batch twice as large
#: as the one before is read while that one is sealed.
_RAMP = 16


def _batches(
    units: Iterator[Unit], size: int, max_bytes: int, ramp: int = 1
) -> Iterator[list[Unit]]:
    """``units`` in batches of ``size`` units or ``max_bytes`` bytes, whichever comes first;
    with ``ramp``, the first batch is ``ramp`` times smaller and the next ones double."""
    batch: list[Unit] = []
    total = 0
    ramp = max(1, ramp)
    limit, limit_bytes = max(1, size // ramp), max(1, max_bytes // ramp)
    for unit in units:
        batch.append(unit)
        total += len(unit.raw)
        if len(batch) >= limit or total >= limit_bytes:
            yield batch
            batch, total = [], 0
            limit, limit_bytes = min(size, limit * 2), min(max_bytes, limit_bytes * 2)
    if batch:
        yield batch


def _units(source: Source, path: Path, report: IngestReport) -> Iterator[Unit]:
    """The source's units of ``path``; when splitting fails (a SourceError, or any failure of
    the reader), what was not yet split is kept as one reject, so nothing is dropped: the rest
    of the file after the last unit, or the whole file when no unit came or units are members
    of an archive."""
    end = 0
    whole = False
    try:
        for unit in source.units(path):
            if unit.member is None:
                end = max(end, unit.offset + len(unit.raw))
            else:
                whole = True
            yield unit
    except Exception as exc:  # noqa: BLE001 - a reader's failure is kept as a reject
        reason = (
            str(exc)
            if isinstance(exc, SourceError)
            else (
                f"the {source.name} reader could not split the file ({type(exc).__name__}: {exc})"
            )
        )
        data = path.read_bytes()
        start = 0 if whole else end
        start += len(data[start:]) - len(data[start:].lstrip(b"\r\n"))  # the line ending
        rest = data[start:]
        if rest.strip() or start == 0:
            yield Unit(rest, data.count(b"\n", 0, start) + 1, start, {"split_error": reason})


#: The fields of a ``record`` or ``reject`` entry that change from record to record (the
#: others: capture, source, format, clock, tool, tool_version; a reject adds its reason).
_RECORD_FIELDS = (
    "record_sha256",
    "size",
    "line",
    "offset",
    "member",
    "context_sha256",
    "captured_at",
)

# every field given, positionally (see positional_maker): a few of these per record
_new_context = positional_maker(ParseContext)
_new_record = positional_maker(RawRecord)
_new_stored = positional_maker(StoredMessage)


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
    name = str(path)
    cited = {"name": name, "sha256": file_sha}  # the same in every entry: encoded, not copied
    constant = {
        "capture": capture_id,
        "source": cited,
        "format": source.name,
        "clock": clock_name,
        "tool": TOOL,
        "tool_version": __version__,
    }
    # a record entry's body: the constant fields encoded once, the others spliced in
    record_entry = EntryTemplate("record", constant, _RECORD_FIELDS)
    batcher = _Batcher(
        case,
        source,
        path,
        name,
        constant,
        record_entry,
        source_id,
        capture_id,
        clock_name,
        freport,
        report,
    )
    if _in_two(case, freport.size, source):
        # the first batches small: the second process starts sealing sooner
        batches = _batches(_units(source, path, report), batch_size, batch_bytes, _RAMP)
        _alternating(case, writer, batcher, batches, progress)
        return
    batches = _batches(_units(source, path, report), batch_size, batch_bytes)
    done_bytes = 0
    for batch in batches:
        prepared = batcher.prepare(batch)
        with store.transaction():
            batcher.commit(prepared, writer)
        del prepared
        done_bytes = _advance(progress, batch, freport.size, done_bytes)
    if progress and freport.size > done_bytes:
        progress(freport.size - done_bytes)


def _advance(progress: Progress | None, batch: list[Unit], size: int, done: int) -> int:
    """Tell ``progress`` the bytes read up to the end of ``batch``; returns the bytes told."""
    last = batch[-1]
    position = min(last.offset + len(last.raw), size)
    if progress and position > done:
        progress(position - done)
        return position
    return done


def _in_two(case: Case, size: int, source: Source) -> bool:
    """Whether a file is read by two processes (see :func:`_alternating`): a large file, in a
    case on SQLite, where processes can fork, from a process running no other thread (a child
    forked from a threaded server could inherit a lock another thread held)."""
    settings = case.settings
    return (
        int(settings["ingest_processes"]) >= 2
        and size >= int(settings["parallel_bytes"])
        and isinstance(case.store, SQLiteStore)
        and hasattr(os, "fork")
        and sys.platform.startswith("linux")
        and threading.active_count() == 1
        and not isinstance(source, (_Unknown, _Failed, _Given))
    )


def _alternating(
    case: Case,
    writer: LogWriter,
    batcher: _Batcher,
    batches: Iterator[list[Unit]],
    progress: Progress | None,
) -> None:
    """Import a file's batches with two processes taking turns: this one has the even
    batches, a forked child the odd ones. Each reads (hashes, parses, prepares) its next batch
    while the other seals its own, then waits for its turn: batch ``k`` is committed only
    once batch ``k - 1`` is, so the log holds the records in file order, exactly as one
    process would have sealed them, each transaction re-checking what is known.

    The child has its own connection to the case database and leaves with ``os._exit`` (it
    never touches this process's connection); it sends back what it counted. A failure on
    either side stops both and is raised here (the caller keeps the file as a reject).
    """
    assert isinstance(case.store, SQLiteStore)
    turn_recv, turn_send = multiprocessing.Pipe(duplex=False)  # to the child: your turn
    news_recv, news_send = multiprocessing.Pipe(duplex=False)  # from the child
    pid = os.fork()
    if pid == 0:  # the child: odd batches
        code = 1
        try:
            turn_send.close()
            news_recv.close()
            _child(case, batcher, batches, turn_recv, news_send)
            code = 0
        finally:
            os._exit(code)
    turn_recv.close()
    news_send.close()
    try:
        with case.store.checkpoints_aside() as aside:
            _parent(case, writer, batcher, batches, progress, pid, turn_send, news_recv, aside)
    finally:
        turn_send.close()
        news_recv.close()
        os.waitpid(pid, 0)


def _parent(
    case: Case,
    writer: LogWriter,
    batcher: _Batcher,
    batches: Iterator[list[Unit]],
    progress: Progress | None,
    pid: int,
    turn_send: Connection,
    news_recv: Connection,
    aside: Checkpointer,
) -> None:
    """The parent's side of :func:`_alternating`: the even batches, each sealed on its turn."""
    store = case.store
    assert isinstance(store, SQLiteStore)
    freport = batcher.freport
    notes = batcher.report.rejects
    start = len(notes)
    tagged: list[tuple[int, RejectNote]] = []  # this file's rejects, by batch
    done_bytes = 0
    finished = False
    try:
        for k, batch in enumerate(batches):
            if k % 2:
                continue
            prepared = batcher.prepare(batch)
            if k and not finished:
                finished = _news(news_recv, batcher, tagged)  # the child sealed batch k - 1
            before = len(notes)
            with store.transaction():
                batcher.commit(prepared, writer)
            with contextlib.suppress(OSError):
                turn_send.send(True)  # first: the child waits for it, not for what follows
            aside.request()  # what a commit would otherwise stop to do
            tagged += [(k, note) for note in notes[before:]]
            del prepared
            done_bytes = _advance(progress, batch, freport.size, done_bytes)
        while not finished:
            finished = _news(news_recv, batcher, tagged)
        tagged.sort(key=lambda kn: kn[0])
        notes[start:] = [note for _, note in tagged]
    except BaseException:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        raise
    if progress and freport.size > done_bytes:
        progress(freport.size - done_bytes)


def _child(
    case: Case,
    batcher: _Batcher,
    batches: Iterator[list[Unit]],
    turn: Connection,
    news: Connection,
) -> None:
    """The forked child's side of :func:`_alternating`: the odd batches, each sealed on its
    turn; then what it counted (or what failed) goes back to the parent."""
    try:
        assert isinstance(case.store, SQLiteStore)
        store = SQLiteStore(case.store.path)
        with store.checkpoints_aside() as aside:
            _child_batches(case, store, batcher, batches, turn, news, aside)
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which raises it
        with contextlib.suppress(OSError):
            news.send(("error", f"{type(exc).__name__}: {exc}"))


def _child_batches(
    case: Case,
    store: SQLiteStore,
    batcher: _Batcher,
    batches: Iterator[list[Unit]],
    turn: Connection,
    news: Connection,
    aside: Checkpointer,
) -> None:
    """The odd batches, each sealed on its turn (see :func:`_child`)."""
    batcher.case = dataclasses.replace(case, store=store)
    batcher.freport = FileReport(batcher.freport.path, batcher.freport.format, "", 0)
    batcher.report = IngestReport(batcher.report.capture_id)
    writer = LogWriter(store)
    notes = batcher.report.rejects
    tagged: list[tuple[int, RejectNote]] = []
    for k, batch in enumerate(batches):
        if not k % 2:
            continue
        prepared = batcher.prepare(batch)
        try:
            turn.recv()
        except EOFError:  # the parent is gone: seal nothing more
            return
        before = len(notes)
        with store.transaction():
            batcher.commit(prepared, writer)
        news.send(("turn", None))  # first: the parent waits for it, not for what follows
        aside.request()  # see _parent
        tagged += [(k, note) for note in notes[before:]]
        del prepared
    news.send(("done", (batcher.freport, tagged)))


def _news(news: Connection, batcher: _Batcher, tagged: list[tuple[int, RejectNote]]) -> bool:
    """Wait for the child's next message; True once it is done (its counts added here)."""
    try:
        kind, data = news.recv()
    except EOFError:
        raise RuntimeError("the second import process stopped without a word") from None
    if kind == "error":
        raise RuntimeError(f"the second import process failed: {data}")
    if kind == "done":
        counted, theirs = data
        freport = batcher.freport
        freport.records += counted.records
        freport.new_records += counted.new_records
        freport.new_rejects += counted.new_rejects
        freport.items += counted.items
        freport.encoding = freport.encoding or counted.encoding
        tagged.extend(theirs)
        return True
    return False


@dataclass
class _Read:
    """A unit read outside the transaction: its hash, capture time and what parsing gave."""

    sha: str
    unit: Unit
    captured_at: str = ""
    items: list[Item] | None = None  # None: not read yet (known when the batch was read)
    reason: str | None = None
    context_json: str | None = None
    parts: tuple[bytes, bytes] | None = None  # the record entry's body around its seq


@dataclass
class _Prepared:
    """A batch read outside the transaction (see :class:`_Batcher`)."""

    reads: list[_Read]
    ready: Ready


class _Batcher:
    """One file's batches: read (hash, parse, prepare the rows) outside any transaction, then
    committed in a transaction that re-checks what is known and seals each new record.

    Reading first keeps the write transaction short; its result is exactly what reading in
    the transaction gave (parsing is a pure function of the bytes and the capture time).
    """

    def __init__(
        self,
        case: Case,
        source: Source,
        path: Path,
        name: str,
        constant: dict[str, Any],
        template: EntryTemplate,
        source_id: int,
        capture_id: int,
        clock_name: str,
        freport: FileReport,
        report: IngestReport,
    ) -> None:
        self.case, self.source, self.path, self.name = case, source, path, name
        self.constant, self.template = constant, template
        self.source_id, self.capture_id, self.clock_name = source_id, capture_id, clock_name
        self.freport, self.report = freport, report

    def prepare(self, batch: list[Unit]) -> _Prepared:
        freport = self.freport
        hashed = [_Read(hashlib.sha256(u.raw).hexdigest(), u) for u in batch]
        freport.records += len(hashed)
        if freport.encoding is None and batch[0].context:
            freport.encoding = batch[0].context.get("encoding")
        ready: Ready = {}
        for read in self.new(hashed):
            self.read(read, ready)
        prepare_accounts((r.items for r in hashed if r.items), ready)
        return _Prepared(hashed, ready)

    def new(self, hashed: list[_Read]) -> Iterator[_Read]:
        """The reads of records not stored yet, each once (the first of duplicates), and of
        those stored only as rejects that this format and context read again."""
        store, name = self.case.store, self.source.name
        known = store.known_records(r.sha for r in hashed)
        retry = store.rejected_records(known) if known else {}
        for read in hashed:
            sha = read.sha
            if sha in known and not _read_again(retry.get(sha), name, read.unit.context):
                continue
            known.add(sha)
            retry.pop(sha, None)
            yield read

    def read(self, read: _Read, ready: Ready) -> None:
        """Give ``read`` its capture time, parse it, and work out what its items and its log
        entry will be stored as (into ``ready``, and its ``parts``)."""
        unit, source = read.unit, self.source
        captured = self.case.clock.now()
        read.captured_at = iso(captured) or ""
        ctx = _new_context(captured, self.name, unit.line, unit.context, source.name)
        read.items = []
        if unit.context and "split_error" in unit.context:
            read.reason = unit.context["split_error"]
        else:
            try:
                read.items = parse_safely(source, unit.raw, ctx)
            except ParseError as exc:
                read.reason = exc.reason
        context_json = read.context_json = (
            canonical(unit.context).decode() if unit.context else None
        )
        if read.reason is None:
            prepare_items(read.items, ready)
            read.parts = self.template.around_seq(
                (
                    read.sha,
                    len(unit.raw),
                    unit.line,
                    unit.offset,
                    unit.member,
                    sha256_hex(context_json.encode()) if context_json else None,
                    read.captured_at,
                )
            )

    def commit(self, prepared: _Prepared, writer: LogWriter) -> None:
        """In the caller's transaction: seal and store the records not known yet."""
        store = self.case.store
        hashed, ready = prepared.reads, prepared.ready
        source, freport, report = self.source, self.freport, self.report
        writer.sync()
        records: list[RawRecord] = []
        parsed: list[tuple[int, str, list[Item]]] = []
        for read in self.new(hashed):  # checked again: another writer may have stored some
            sha, unit = read.sha, read.unit
            if read.items is None:  # known when read, no longer (another writer's doing)
                self.read(read, ready)
            items, reason, captured_at = read.items or [], read.reason, read.captured_at
            context_json = read.context_json
            values = (  # in the order of _RECORD_FIELDS
                sha,
                len(unit.raw),
                unit.line,
                unit.offset,
                unit.member,
                sha256_hex(context_json.encode()) if context_json else None,
                captured_at,
            )
            if read.parts is not None:
                entry = writer.append_around("record", *read.parts)
            elif reason is None:
                entry = writer.append_from(self.template, values)
            else:
                entry = writer.append(
                    "reject",
                    {**self.constant, **dict(zip(_RECORD_FIELDS, values)), "reason": reason},
                )
            records.append(
                _new_record(
                    entry.seq,
                    sha,
                    unit.raw,
                    source.name,
                    self.source_id,
                    self.capture_id,
                    unit.line,
                    unit.offset,
                    unit.member,
                    context_json,
                    captured_at,
                    self.clock_name,
                    reason,
                )
            )
            if reason is not None:
                freport.new_rejects += 1
                report.rejects.append(RejectNote(str(self.path), unit.line, reason))
            else:
                freport.new_records += 1
                freport.items += len(items)
                parsed.append((entry.seq, source.name, items))
        writer.flush()
        store.add_records(records)
        for observation in apply_items(store, parsed, ready):
            writer.append("status-change", observation)
        writer.flush()
