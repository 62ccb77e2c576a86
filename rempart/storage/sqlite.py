"""The embedded default store: one SQLite file in WAL mode.

Example::

    store = SQLiteStore(Path("case/case.db"))
    with store.transaction():
        store.append_entries([...])
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import orjson

from ..errors import StoreError
from ..hashing import GENESIS, leaf_hash
from ..models import (
    Account,
    Incident,
    IncidentAttachment,
    StatusChange,
    account_from_dict,
    iso,
    message_from_dict,
    parse_iso,
    sortable,
)
from ..timebounds import bound_key
from . import migrations
from .base import (
    ACCOUNT_COLUMNS,
    MESSAGE_COLUMNS,
    PENDING_RUN,
    FindingsRun,
    HumanLabel,
    LogEntry,
    MarkRow,
    RawRecord,
    ScoreRow,
    SourceFile,
    StoredMessage,
    UserRow,
    account_columns,
    account_data,
    message_columns,
    message_data,
)

_STH_FIELDS = ("tree_size", "root_hash", "timestamp", "key_fingerprint", "signature", "reason")
_STAMP_FIELDS = (
    "head_id",
    "tree_size",
    "root_hash",
    "url",
    "token_der",
    "gen_time",
    "requested_at",
)
_CHUNK = 500  # keys per "in (...)" query, under SQLite's variable limit
_KEY_CHUNK = 400  # (platform, id) pairs per "in (values ...)" query

_DUMP = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS

#: How a commit is made durable: write-ahead log, synced at checkpoints (a power cut may lose
#: the last commits, never corrupt the database). ``bench/ingest.py`` gives its floor the same.
DURABILITY = ("journal_mode=wal", "synchronous=normal")
#: Every setting of a case database's connection. ``page_size`` applies to a new database only
#: (it must come before WAL mode): 16 KiB pages hold the ~1 KB raw records and log entries in a
#: quarter of the pages (and WAL frames) that 4 KiB ones need, which halves the cost of writing
#: an import. Checkpoints come every 64 MiB of WAL: fewer, larger ones during a bulk import.
_PAGE = 16384
_CHECKPOINT_BYTES = 64 << 20
PRAGMAS = (
    f"page_size={_PAGE}",
    *DURABILITY,
    "busy_timeout=30000",
    "cache_size=-65536",
    "temp_store=memory",
    f"wal_autocheckpoint={_CHECKPOINT_BYTES // _PAGE}",
)


def dump(obj: Any) -> bytes:
    """Serialise a record (dataclass or dict) to compact JSON."""
    return orjson.dumps(obj, option=_DUMP)


#: A score's severity as its rank (see SEVERITY_RANKS), written as index ``scores_triage``
#: has it (of the scores aliased ``s``).
_RANK = migrations.SEVERITY_RANK.replace("case severity", "case s.severity")
#: Hostile messages per author (``platform``, ``author_id``, ``n``): see hostile_messages.
_HOSTILE_AUTHORS = (
    "select platform, author_id, count(*) as n from hostile_messages "
    "where author_id <> '' group by platform, author_id"
)

#: One lock per database file and process, taken around each write transaction: the threads
#: of a process (a web server's) wait their turn on it, in order, rather than in SQLite's busy
#: handler, which sleeps up to 100 ms between tries. Other processes still meet SQLite's lock.
_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_GUARD = threading.Lock()


def _writer_lock(path: str) -> threading.RLock:
    key = path if path == ":memory:" else str(Path(path).absolute())
    with _WRITERS_GUARD:
        return _WRITERS.setdefault(key, threading.RLock())


#: What :meth:`SQLiteStore.counts` counts, each read from an index, not the rows (a table's
#: count(*) reads its smallest index; the rejects have a partial index of their own). The log's
#: entries are counted by their Merkle leaves (one each, written with it): counting the log's
#: own rows reads every page of it, the records' bodies included, each time another connection
#: has written (a web server's views do, each one).
_COUNTS = {
    "log_entries": "select count(*) from merkle_leaves",
    "records": "select (select count(*) from records) - "
    "(select count(*) from records where reject_reason is not null)",
    "rejects": "select count(*) from records where reject_reason is not null",
    "sources": "select count(*) from sources",
    "messages": "select count(*) from messages",
    "messages_primary": "select (select count(*) from messages) - "
    "(select count(*) from messages where captured_as <> 'primary')",
    "accounts": "select count(*) from accounts",
    "status_changes": "select count(*) from status_changes",
    "scores": "select count(*) from scores",
    "labels": "select count(*) from labels",
    "incidents": "select count(*) from incidents",
}

_USER_COLUMNS = "email, role, password_hash, created_at, token_sha256, failures, locked_until"

_INSERT_MESSAGE = (
    "insert into messages (platform, id, author_id, created_at, status, captured_as, format, "
    "first_seq, last_seq, data) values (?,?,?,?,?,?,?,?,?,?)"
)
# a row updated where it stands: "insert or replace" deletes it and inserts it again, which
# rewrites every index entry of the row, changed or not
_UPSERT_MESSAGE = (
    f"{_INSERT_MESSAGE} on conflict (platform, id) do update set author_id = excluded.author_id, "
    "created_at = excluded.created_at, status = excluded.status, "
    "captured_as = excluded.captured_as, format = excluded.format, "
    "first_seq = excluded.first_seq, last_seq = excluded.last_seq, data = excluded.data"
)
_UPSERT_ACCOUNT = (
    "insert into accounts (platform, id, handle, status, data) values (?,?,?,?,?) "
    "on conflict (platform, id) do update set handle = excluded.handle, "
    "status = excluded.status, data = excluded.data"
)


class Checkpointer:
    """Copies what is committed in a database's write-ahead log into the database, on a thread
    with its own connection, each time it is asked (:meth:`request`), without waiting for or
    holding up a writer or a reader (SQLite's PASSIVE checkpoint). The copy and its wait for
    the disk run beside the asking thread (SQLite works without Python's lock). A checkpoint
    that fails leaves the pages in the log, where readers find them: nothing is lost."""

    def __init__(self, path: str) -> None:
        self._wanted = threading.Event()
        self._asked = False
        self._closing = False
        self._thread = threading.Thread(
            target=self._run, args=(path,), name="rempart-checkpoint", daemon=True
        )
        self._thread.start()

    def request(self) -> None:
        self._asked = True
        self._wanted.set()

    def close(self) -> None:
        """Make the checkpoint asked for, if it is not done yet, and stop the thread."""
        self._closing = True
        self._wanted.set()
        self._thread.join()

    def _run(self, path: str) -> None:
        try:
            db = sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            while True:
                self._wanted.wait()
                self._wanted.clear()
                if self._asked:
                    self._asked = False
                    try:
                        db.execute("pragma wal_checkpoint(PASSIVE)").fetchall()
                    except sqlite3.Error:
                        pass  # the pages stay in the log: the next checkpoint copies them
                if self._closing:
                    return
        finally:
            db.close()


class SQLiteStore:
    """A case's data in one SQLite database (see :class:`rempart.storage.base.Store`)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            for pragma in PRAGMAS:
                self.db.execute(f"pragma {pragma}")
            page = int(self.db.execute("pragma page_size").fetchone()[0])
            self._checkpoint_pages = _CHECKPOINT_BYTES // page
            if page != _PAGE:  # a case made with other pages: checkpoints still every 64 MiB
                self.db.execute(f"pragma wal_autocheckpoint={self._checkpoint_pages}")
            migrations.apply(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the case database ({exc})") from exc
        self._depth = 0
        self._reading = 0
        self._writer = _writer_lock(self.path)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def checkpoints_aside(self) -> Iterator[Checkpointer]:
        """Inside the block, this connection's commits never copy the write-ahead log into the
        database (an automatic checkpoint, every 64 MiB of log, holds up the commit that
        triggers it and waits for the disk); the :class:`Checkpointer` given does it on a
        thread of its own when asked. Other connections are unchanged."""
        self.db.execute("pragma wal_autocheckpoint=0")
        aside = Checkpointer(self.path)
        try:
            yield aside
        finally:
            aside.close()
            self.db.execute(f"pragma wal_autocheckpoint={self._checkpoint_pages}")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every query inside sees the database as it stood at the first
        one. Writers on other connections go on (WAL mode); their commits stay invisible here.
        Inside a write transaction (or another snapshot) it simply joins it."""
        if self._depth or self._reading:
            self._reading += 1
            try:
                yield
            finally:
                self._reading -= 1
            return
        self.db.execute("begin deferred")
        self._reading = 1
        try:
            yield
        finally:
            self._reading = 0
            self.db.execute("rollback")  # it wrote nothing: ending it is all there is to do

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        if self._reading:
            raise StoreError("cannot write inside a read snapshot")
        with self._writer:
            self.db.execute("begin immediate")
            self._depth = 1
            try:
                yield
            except BaseException:
                self.db.execute("rollback")
                raise
            else:
                self.db.execute("commit")
            finally:
                self._depth = 0

    # evidence log -------------------------------------------------------------------------
    def log_head(self) -> tuple[int, str]:
        row = self.db.execute(
            "select seq, entry_hash from evidence_log order by seq desc limit 1"
        ).fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def append_entries(self, entries: Iterable[LogEntry]) -> None:
        batch = list(entries)
        self.db.executemany(
            "insert into evidence_log (seq, kind, body, prev_hash, entry_hash) values (?,?,?,?,?)",
            ((e.seq, e.kind, e.body, e.prev_hash, e.entry_hash) for e in batch),
        )
        self.db.executemany(
            "insert into merkle_leaves (seq, hash) values (?,?)",
            ((e.seq, leaf_hash(e.body)) for e in batch),
        )

    def entries(self, start: int = 1) -> Iterator[LogEntry]:
        cur = self.db.execute(
            "select seq, kind, body, prev_hash, entry_hash from evidence_log where seq >= ? "
            "order by seq",
            (start,),
        )
        for row in cur:
            yield LogEntry(row[0], row[1], bytes(row[2]), row[3], row[4])

    def entries_of(
        self, kinds: Iterable[str], last: int | None = None, start: int = 1
    ) -> list[LogEntry]:
        wanted, marks = _kinds(kinds)
        if last is not None and last <= 0:
            return []
        limit = "" if last is None else " order by seq desc limit ?"
        cur = self.db.execute(
            "select seq, kind, body, prev_hash, entry_hash from evidence_log where seq in "
            f"(select seq from evidence_log where {marks} and seq >= ?{limit}) order by seq",
            (*wanted, start, *(() if last is None else (last,))),
        )
        return [LogEntry(row[0], row[1], bytes(row[2]), row[3], row[4]) for row in cur]

    def count_entries(self, kinds: Iterable[str], start: int = 1) -> int:
        wanted, marks = _kinds(kinds)
        cur = self.db.execute(
            f"select count(*) from evidence_log where {marks} and seq >= ?", (*wanted, start)
        )
        return int(cur.fetchone()[0])

    def record_head(self, seq: int, entry_hash: str, at: str, reason: str) -> None:
        self.db.execute(
            "insert into heads (seq, entry_hash, at, reason) values (?,?,?,?)",
            (seq, entry_hash, at, reason),
        )

    def heads(self) -> list[dict[str, Any]]:
        cur = self.db.execute("select seq, entry_hash, at, reason from heads order by rowid")
        return [dict(zip(("seq", "entry_hash", "at", "reason"), row)) for row in cur]

    def merkle_leaves(self) -> Iterator[tuple[int, bytes]]:
        for seq, digest in self.db.execute("select seq, hash from merkle_leaves order by seq"):
            yield seq, bytes(digest)

    def add_tree_head(self, head: dict[str, Any]) -> int:
        cur = self.db.execute(
            f"insert into tree_heads ({', '.join(_STH_FIELDS)}) values (?,?,?,?,?,?)",
            tuple(head[k] for k in _STH_FIELDS),
        )
        return int(cur.lastrowid or 0)

    def tree_heads(self) -> list[dict[str, Any]]:
        cur = self.db.execute(f"select id, {', '.join(_STH_FIELDS)} from tree_heads order by id")
        return [dict(zip(("id", *_STH_FIELDS), row)) for row in cur]

    def add_timestamp(self, stamp: dict[str, Any]) -> int:
        cur = self.db.execute(
            f"insert into timestamps ({', '.join(_STAMP_FIELDS)}) values (?,?,?,?,?,?,?)",
            tuple(stamp[k] for k in _STAMP_FIELDS),
        )
        return int(cur.lastrowid or 0)

    def timestamps(self) -> list[dict[str, Any]]:
        cur = self.db.execute(f"select id, {', '.join(_STAMP_FIELDS)} from timestamps order by id")
        out = [dict(zip(("id", *_STAMP_FIELDS), row)) for row in cur]
        for row in out:
            row["token_der"] = bytes(row["token_der"])
        return out

    # sources, records, captures -----------------------------------------------------------
    def source_for(self, name: str, sha256: str, size: int, seen: str) -> int:
        row = self.db.execute("select id from sources where sha256 = ?", (sha256,)).fetchone()
        if row:
            return int(row[0])
        cur = self.db.execute(
            "insert into sources (name, sha256, size, first_seen) values (?,?,?,?)",
            (name, sha256, size, seen),
        )
        return int(cur.lastrowid or 0)

    def sources(self) -> dict[int, SourceFile]:
        cur = self.db.execute("select id, name, sha256, size, first_seen from sources")
        return {row[0]: SourceFile(*row) for row in cur}

    def known_records(self, shas: Iterable[str]) -> set[str]:
        found: set[str] = set()
        shas = list(shas)
        for i in range(0, len(shas), _CHUNK):
            chunk = shas[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.db.execute(
                    f"select sha256 from records where sha256 in ({marks})", chunk
                )
            )
        return found

    def rejected_records(self, shas: Iterable[str]) -> dict[str, set[tuple[str, str | None]]]:
        tried: dict[str, set[tuple[str, str | None]]] = {}
        accepted: set[str] = set()
        shas = list(shas)
        for i in range(0, len(shas), _CHUNK):
            chunk = shas[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for sha, fmt, context, reason in self.db.execute(
                f"select sha256, format, context, reject_reason from records "
                f"where sha256 in ({marks})",
                chunk,
            ):
                if reason is None:
                    accepted.add(sha)
                else:
                    tried.setdefault(sha, set()).add((fmt, context))
        return {sha: ways for sha, ways in tried.items() if sha not in accepted}

    def add_records(self, records: Iterable[RawRecord]) -> None:
        self.db.executemany(
            'insert into records (seq, sha256, raw, format, source_id, capture_id, line, "offset", '
            "member, context, captured_at, clock, reject_reason) "
            "values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    r.seq,
                    r.sha256,
                    r.raw,
                    r.format,
                    r.source_id,
                    r.capture_id,
                    r.line,
                    r.offset,
                    r.member,
                    r.context,
                    r.captured_at,
                    r.clock,
                    r.reject_reason,
                )
                for r in records
            ),
        )

    def record_hashes(self, seqs: Iterable[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        wanted = sorted(set(seqs))
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            out.update(
                self.db.execute(f"select seq, sha256 from records where seq in ({marks})", chunk)
            )
        return out

    def records(self, rejects_only: bool = False) -> Iterator[RawRecord]:
        where = "where reject_reason is not null " if rejects_only else ""
        cur = self.db.execute(
            'select seq, sha256, raw, format, source_id, capture_id, line, "offset", member, '
            f"context, captured_at, clock, reject_reason from records {where}order by seq"
        )
        for row in cur:
            yield RawRecord(row[0], row[1], bytes(row[2]), *row[3:])

    def new_capture(self, info: dict[str, Any]) -> int:
        cur = self.db.execute("insert into captures (info) values (?)", (dump(info),))
        return int(cur.lastrowid or 0)

    def finish_capture(self, capture_id: int, info: dict[str, Any]) -> None:
        self.db.execute("update captures set result = ? where id = ?", (dump(info), capture_id))

    def captures(self) -> list[dict[str, Any]]:
        out = []
        cur = self.db.execute("select id, info, result from captures order by id")
        for cid, info, result in cur:
            out.append(
                {
                    "id": cid,
                    **orjson.loads(info),
                    "result": orjson.loads(result) if result else None,
                }
            )
        return out

    # derived data -------------------------------------------------------------------------
    def get_messages(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], StoredMessage]:
        out: dict[tuple[str, str], StoredMessage] = {}
        for platform, ids in _by_platform(keys).items():
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                cur = self.db.execute(
                    "select data, format, first_seq, last_seq from messages "
                    f"where platform = ? and id in ({marks})",
                    (platform, *chunk),
                )
                for data, fmt, first, last in cur:
                    m = message_from_dict(orjson.loads(data))
                    out[m.key] = StoredMessage(m, fmt, first, last)
        return out

    def messages_with_ids(self, ids: Iterable[str]) -> list[StoredMessage]:
        # looked up by key on each platform of the case (a case has few)
        wanted = list(dict.fromkeys(ids))
        platforms = self._platforms("messages") if wanted else []
        found = self.get_messages((p, i) for p in platforms for i in wanted)
        return sorted(found.values(), key=_listed)

    def put_messages(
        self, messages: Iterable[StoredMessage], new: bool, data: Mapping[int, bytes] | None = None
    ) -> None:
        known = data or {}
        # hostile_messages follows the messages only once there are scores (the first import
        # of a case has none; and a new message is hostile only if scored before stored)
        follow = self._any_score()
        batch = list(messages) if follow else messages
        self.db.executemany(
            _INSERT_MESSAGE if new else _UPSERT_MESSAGE,
            (
                (*message_columns(s), known.get(id(s.message)) or message_data(s.message))
                for s in batch
            ),
        )
        if follow:
            self._follow_hostile([s.message.key for s in batch], replace=not new)

    def _any_score(self) -> bool:
        return bool(self.db.execute("select exists (select 1 from scores)").fetchone()[0])

    def _follow_hostile(self, keys: list[tuple[str, str]], replace: bool) -> None:
        """Make table ``hostile_messages`` (the primary messages scored hostile, with their
        day and author: see migration 0011) right for these messages, whose score or row was
        just written; ``replace``: they may be in it already."""
        if replace:
            self.db.executemany("delete from hostile_messages where platform = ? and id = ?", keys)
        for start in range(0, len(keys), _KEY_CHUNK):
            chunk = keys[start : start + _KEY_CHUNK]
            # the keys first ("cross join" keeps that order), then each one's score and row
            self.db.execute(
                f"with k(platform, id) as (values {','.join(['(?,?)'] * len(chunk))}) "
                "insert or replace into hostile_messages (platform, id, day, author_id) "
                "select m.platform, m.id, substr(m.created_at, 1, 10), m.author_id from k "
                "cross join scores s on s.platform = k.platform and s.id = k.id "
                "cross join messages m on m.platform = s.platform and m.id = s.id "
                f"where m.captured_as = 'primary' and s.{migrations.HOSTILE}",
                [part for key in chunk for part in key],
            )

    def link_records(self, links: Iterable[tuple[str, str, int]]) -> None:
        self.db.executemany(
            "insert or ignore into message_records (platform, id, seq) values (?,?,?)", links
        )

    def record_seqs(self, key: tuple[str, str]) -> list[int]:
        row = self.db.execute(
            "select first_seq from messages where platform = ? and id = ?", key
        ).fetchone()
        if row is None:
            return []
        more = self.db.execute("select seq from message_records where platform = ? and id = ?", key)
        return sorted({row[0], *(r[0] for r in more)})

    def get_accounts(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Account]:
        out: dict[tuple[str, str], Account] = {}
        for platform, ids in _by_platform(keys).items():
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                cur = self.db.execute(
                    f"select data from accounts where platform = ? and id in ({marks})",
                    (platform, *chunk),
                )
                for (data,) in cur:
                    a = account_from_dict(orjson.loads(data))
                    out[a.key] = a
        return out

    def accounts_with_ids(self, ids: Iterable[str]) -> list[Account]:
        wanted = list(dict.fromkeys(ids))
        platforms = self._platforms("accounts") if wanted else []
        found = self.get_accounts((p, i) for p in platforms for i in wanted)
        return [found[k] for k in sorted(found)]

    def _platforms(self, table: str) -> list[str]:
        """The platforms of ``table`` (messages or accounts), each found by one seek in its
        key index (platform, id) rather than by reading the index through."""
        cur = self.db.execute(
            f"with recursive p(platform) as (select (select min(platform) from {table}) "
            f"union all select (select min(platform) from {table} where platform > p.platform) "
            "from p where p.platform is not null) select platform from p "
            "where platform is not null"
        )
        return [str(row[0]) for row in cur]

    def put_accounts(
        self, accounts: Iterable[Account], data: Mapping[int, bytes] | None = None
    ) -> None:
        known = data or {}
        self.db.executemany(
            _UPSERT_ACCOUNT,
            ((*account_columns(a), known.get(id(a)) or account_data(a)) for a in accounts),
        )

    def add_status_changes(self, changes: Iterable[tuple[StatusChange, int]]) -> None:
        self.db.executemany(
            "insert into status_changes (platform, subject, id, status, observed_at, detail, seq) "
            "values (?,?,?,?,?,?,?)",
            (
                (c.platform, c.subject, c.id, c.status, iso(c.observed_at), c.detail, seq)
                for c, seq in changes
            ),
        )

    def messages(
        self,
        platform: str | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        include_referenced: bool = True,
    ) -> Iterator[StoredMessage]:
        where, args = [], []
        low, high = bound_key(since), bound_key(until, end=True)  # instants, not text
        if platform:
            where.append("platform = ?")
            args.append(platform)
        if low:
            where.append("created_at >= ?")
            args.append(low)
        if high:
            where.append("created_at < ?")
            args.append(high)
        if not include_referenced:
            where.append("captured_as = 'primary'")
        clause = ("where " + " and ".join(where)) if where else ""
        cur = self.db.execute(
            "select data, format, first_seq, last_seq from messages "
            f"{clause} order by created_at is null, created_at, platform, id",
            args,
        )
        for data, fmt, first, last in cur:
            yield StoredMessage(message_from_dict(orjson.loads(data)), fmt, first, last)

    def message_dicts(self) -> Iterator[dict[str, Any]]:
        cur = self.db.execute(
            "select data from messages order by created_at is null, created_at, platform, id"
        )
        loads = orjson.loads
        for (data,) in cur:
            yield loads(data)

    def score_summaries(self) -> Iterator[tuple[str, str, float, float, tuple[str, ...]]]:
        cur = self.db.execute(
            "select platform, id, abusive, "
            "coalesce(json_extract(cast(data as text), '$.scores.support'), 0), labels "
            "from scores"
        )
        for p, i, abusive, support, labels in cur:
            yield p, i, abusive, float(support), tuple(orjson.loads(labels))

    def accounts(self) -> Iterator[Account]:
        for (data,) in self.db.execute("select data from accounts order by platform, id"):
            yield account_from_dict(orjson.loads(data))

    def status_changes(self) -> Iterator[tuple[StatusChange, int]]:
        cur = self.db.execute(
            "select platform, subject, id, status, observed_at, detail, seq from status_changes "
            "order by seq, rowid"
        )
        for p, subj, i, st, obs, det, seq in cur:
            yield StatusChange(p, subj, i, st, parse_iso(obs), det), seq

    def message_rows(self) -> Iterator[tuple[tuple[Any, ...], StoredMessage]]:
        cur = self.db.execute(
            f"select {', '.join(MESSAGE_COLUMNS)}, data from messages order by platform, id"
        )
        for *columns, data in cur:
            m = message_from_dict(orjson.loads(data))
            yield tuple(columns), StoredMessage(m, columns[6], columns[7], columns[8])

    def message_links(self) -> Iterator[tuple[str, str, int]]:
        cur = self.db.execute(
            "select platform, id, seq from message_records order by platform, id, seq"
        )
        for p, i, seq in cur:
            yield str(p), str(i), int(seq)

    def account_rows(self) -> Iterator[tuple[tuple[Any, ...], Account]]:
        cur = self.db.execute(
            f"select {', '.join(ACCOUNT_COLUMNS)}, data from accounts order by platform, id"
        )
        for *columns, data in cur:
            yield tuple(columns), account_from_dict(orjson.loads(data))

    def put_scores(self, rows: Iterable[ScoreRow]) -> None:
        batch = list(rows)
        self.db.executemany(
            "insert or replace into scores (platform, id, model, lang, abusive, severity, labels, "
            "data, scored_at, run) values (?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    r.platform,
                    r.id,
                    r.model,
                    r.lang,
                    r.abusive,
                    r.severity,
                    dump(list(r.labels)),
                    dump(r.data),
                    r.scored_at,
                    r.run,
                )
                for r in batch
            ),
        )
        self._follow_hostile([(r.platform, r.id) for r in batch], replace=True)

    def assign_score_run(self, run: int) -> None:
        self.db.execute("update scores set run = ? where run = ?", (run, PENDING_RUN))

    def scores(self) -> Iterator[ScoreRow]:
        cur = self.db.execute(
            "select platform, id, model, lang, abusive, severity, labels, data, scored_at, run "
            "from scores order by platform, id"
        )
        for p, i, m, lang, ab, sev, labels, data, at, run in cur:
            yield ScoreRow(
                p, i, m, lang, ab, sev, tuple(orjson.loads(labels)), orjson.loads(data), at, run
            )

    def get_scores(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], ScoreRow]:
        out = {}
        for platform, ids in _by_platform(keys).items():
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                cur = self.db.execute(
                    "select platform, id, model, lang, abusive, severity, labels, data, "
                    f"scored_at, run from scores where platform = ? and id in "
                    f"({','.join('?' * len(chunk))})",
                    (platform, *chunk),
                )
                for plat, mid, model, lang, abusive, severity, labels, data, at, run in cur:
                    out[(plat, mid)] = ScoreRow(
                        plat,
                        mid,
                        model,
                        lang,
                        abusive,
                        severity,
                        tuple(orjson.loads(labels)),
                        orjson.loads(data),
                        at,
                        run,
                    )
        return out

    def put_findings(self, at: str, data: dict[str, Any], log_size: int | None = None) -> int:
        cur = self.db.execute(
            "insert into findings (created_at, data, log_size) values (?, ?, ?)",
            (at, dump(data), log_size),
        )
        return int(cur.lastrowid or 0)

    def latest_findings(self) -> dict[str, Any] | None:
        row = self.db.execute("select data from findings order by id desc limit 1").fetchone()
        return orjson.loads(row[0]) if row else None

    def findings_runs(self) -> Iterator[FindingsRun]:
        cur = self.db.execute("select id, created_at, log_size, data from findings order by id")
        for fid, at, size, data in cur:
            yield FindingsRun(fid, at, size, orjson.loads(data))

    def latest_findings_run(self) -> FindingsRun | None:
        row = self.db.execute(
            "select id, created_at, log_size, data from findings order by id desc limit 1"
        ).fetchone()
        return FindingsRun(row[0], row[1], row[2], orjson.loads(row[3])) if row else None

    def add_labels(self, labels: Iterable[HumanLabel]) -> None:
        self.db.executemany(
            "insert into labels (platform, id, category, value, author, at, note) "
            "values (?,?,?,?,?,?,?)",
            ((x.platform, x.id, x.category, x.value, x.author, x.at, x.note) for x in labels),
        )

    def labels(self) -> list[HumanLabel]:
        cur = self.db.execute(
            "select platform, id, category, value, author, at, note from labels order by rowid"
        )
        return [HumanLabel(*row) for row in cur]

    def labels_of(self, keys: Iterable[tuple[str, str]]) -> list[HumanLabel]:
        found: list[tuple[int, HumanLabel]] = []
        for platform, listed in _by_platform(keys).items():
            ids = list(dict.fromkeys(listed))  # a label read twice would count twice
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                cur = self.db.execute(
                    "select rowid, platform, id, category, value, author, at, note from labels "
                    f"where platform = ? and id in ({','.join('?' * len(chunk))})",
                    (platform, *chunk),
                )
                found.extend((row[0], HumanLabel(*row[1:])) for row in cur)
        found.sort(key=lambda pair: pair[0])
        return [label for _, label in found]

    # incidents ----------------------------------------------------------------------------
    def add_incident(self, incident: Incident, files: Mapping[str, bytes]) -> None:
        self.db.executemany(
            "insert or ignore into attachments (sha256, size, data) values (?,?,?)",
            ((sha, len(data), data) for sha, data in files.items()),
        )
        self.db.execute(
            "insert into incidents (number, seq, happened_at, when_given, place, what, "
            "recorded_at, recorded_by, attachments) values (?,?,?,?,?,?,?,?,?)",
            (
                incident.number,
                incident.seq,
                iso(incident.when),
                incident.when_given,
                incident.where,
                incident.what,
                iso(incident.recorded_at),
                incident.recorded_by,
                dump([_attachment_row(a) for a in incident.attachments]),
            ),
        )

    def set_marks(self, rows: Iterable[MarkRow], on: bool) -> None:
        if on:
            self.db.executemany(
                "insert or replace into marks (subject, platform, id, mark, seq, by, at) "
                "values (?,?,?,?,?,?,?)",
                ((r.subject, r.platform, r.id, r.mark, r.seq, r.by, r.at) for r in rows),
            )
        else:
            self.db.executemany(
                "delete from marks where subject = ? and platform = ? and id = ? and mark = ?",
                ((r.subject, r.platform, r.id, r.mark) for r in rows),
            )

    def marks(self) -> list[MarkRow]:
        cur = self.db.execute(
            "select subject, platform, id, mark, seq, by, at from marks "
            "order by subject, platform, id, mark"
        )
        return [MarkRow(*row) for row in cur]

    def put_user(self, user: UserRow) -> None:
        self.db.execute(
            "insert or replace into users (email, role, password_hash, created_at, "
            "token_sha256, failures, locked_until) values (?,?,?,?,?,?,?)",
            (
                user.email,
                user.role,
                user.password_hash,
                user.created_at,
                user.token_sha256,
                user.failures,
                user.locked_until,
            ),
        )

    def get_user(self, email: str) -> UserRow | None:
        row = self.db.execute(f"select {_USER_COLUMNS} from users where email = ?", (email,))
        found = row.fetchone()
        return UserRow(*found) if found else None

    def delete_user(self, email: str) -> None:
        self.db.execute("delete from users where email = ?", (email,))

    def users(self) -> list[UserRow]:
        cur = self.db.execute(f"select {_USER_COLUMNS} from users order by email")
        return [UserRow(*row) for row in cur]

    def user_by_token(self, token_sha256: str) -> UserRow | None:
        row = self.db.execute(
            f"select {_USER_COLUMNS} from users where token_sha256 = ?", (token_sha256,)
        ).fetchone()
        return UserRow(*row) if row else None

    def incidents(self) -> list[Incident]:
        cur = self.db.execute(
            "select number, seq, happened_at, when_given, place, what, recorded_at, "
            "recorded_by, attachments from incidents order by number"
        )
        out = []
        for number, seq, when, given, place, what, at, by, files in cur:
            try:
                attached = tuple(
                    IncidentAttachment(f["name"], f["size"], f["sha256"], f["media_type"], seq)
                    for f in orjson.loads(files)
                )
                moments = _instant(when), _instant(at)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                # a row edited by hand: verify reports it, naming the incident
                raise StoreError(
                    f"incident {number}: its stored row cannot be read ({exc})"
                ) from None
            out.append(
                Incident(number, seq, moments[0], place, what, moments[1], by, given, attached)
            )
        return out

    def attachment_data(self, sha256: str) -> bytes | None:
        row = self.db.execute("select data from attachments where sha256 = ?", (sha256,)).fetchone()
        return bytes(row[0]) if row else None

    def attachment_keys(self) -> list[str]:
        return [r[0] for r in self.db.execute("select sha256 from attachments order by sha256")]

    def counts(self, only: Iterable[str] | None = None) -> dict[str, int]:
        names = _COUNTS if only is None else tuple(only)
        return {k: int(self.db.execute(_COUNTS[k]).fetchone()[0]) for k in names}

    def day_counts(self) -> list[tuple[str | None, int, int]]:
        # the days one after the other, each counted in index messages_created without
        # reading a message, less the few messages that are not primary (their own index);
        # the hostile ones from table hostile_messages
        others: dict[str | None, int] = dict(
            self.db.execute(
                "select substr(created_at, 1, 10) as day, count(*) from messages "
                "where captured_as <> 'primary' group by day"
            )
        )
        days: list[tuple[str | None, int]] = []
        low = ""
        while True:
            row = self.db.execute(
                "select substr(created_at, 1, 10) from messages where created_at >= ? "
                "order by created_at limit 1",
                (low,),
            ).fetchone()
            if row is None:
                break
            day = str(row[0])
            if len(day) != 10 or not day.isascii():  # not a time rempart wrote: count at once
                return self._day_counts_scanned()
            low = day[:-1] + chr(ord(day[-1]) + 1)  # the least text above the day's times
            (n,) = self.db.execute(
                "select count(*) from messages where created_at >= ? and created_at < ?",
                (day, low),
            ).fetchone()
            if n > others.get(day, 0):
                days.append((day, n - others.get(day, 0)))
        (undated,) = self.db.execute(
            "select count(*) from messages where created_at is null"
        ).fetchone()
        if undated > others.get(None, 0):
            days.append((None, undated - others.get(None, 0)))
        hostile: dict[str | None, int] = dict(
            self.db.execute("select day, count(*) from hostile_messages group by day")
        )
        return [(day, n, int(hostile.get(day, 0))) for day, n in days]

    def _day_counts_scanned(self) -> list[tuple[str | None, int, int]]:
        cur = self.db.execute(
            "select substr(m.created_at, 1, 10) as day, count(*), "
            "sum(coalesce(s.severity in ('medium', 'high', 'critical'), 0)) from messages m "
            "left join scores s on s.platform = m.platform and s.id = m.id "
            "where m.captured_as = 'primary' group by day order by day is null, day"
        )
        return [(day, int(n), int(h or 0)) for day, n, h in cur]

    def triage_keys(
        self,
        limit: int,
        offset: int = 0,
        min_rank: int = 0,
        author: tuple[str, str] | None = None,
    ) -> list[tuple[str, str]]:
        if author is not None:  # one account's messages first (index messages_author)
            cur = self.db.execute(
                "select s.platform, s.id from messages m join scores s "
                "on s.platform = m.platform and s.id = m.id where m.platform = ? "
                f"and m.author_id = ? and m.captured_as = 'primary' and {_RANK} >= ? "
                f"order by {_RANK} desc, s.abusive desc, s.platform, s.id limit ? offset ?",
                (author[0], author[1], min_rank, max(0, limit), max(0, offset)),
            )
            return [(p, i) for p, i in cur]
        # the scores in the order of index scores_triage; whether each one's message is
        # primary from the indexes, not its row: it is in messages_key, and not among the
        # few others (messages_referenced, read once)
        cur = self.db.execute(
            f"select s.platform, s.id from scores s where {_RANK} >= ? "
            "and exists (select 1 from messages m where m.platform = s.platform "
            "and m.id = s.id) and (s.platform, s.id) not in (select platform, id "
            "from messages where captured_as <> 'primary') "
            f"order by {_RANK} desc, s.abusive desc, s.platform, s.id limit ? offset ?",
            (min_rank, max(0, limit), max(0, offset)),
        )
        return [(p, i) for p, i in cur]

    def author_counts(self, limit: int) -> list[tuple[str, str, int, int]]:
        # hostile messages per author from table hostile_messages (index by author)
        if limit <= 0:
            return []
        # when ``limit`` authors have hostile messages, the first ``limit`` are among those
        # with at least as many as the last of them: their messages are counted one by one
        # (index messages_author), the other authors' are not
        chosen = [
            (str(p), str(a), int(h))
            for p, a, h in self.db.execute(
                f"with hostile as ({_HOSTILE_AUTHORS}) select platform, author_id, n "
                "from hostile where n >= (select n from hostile order by n desc limit 1 offset ?)",
                (limit - 1,),
            )
        ]
        if not chosen or len(chosen) > 8 * limit:
            return self._author_counts_scanned(limit)
        authored: dict[tuple[str, str], int] = {}
        for platform, ids in _by_platform((p, a) for p, a, _ in chosen).items():
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                authored.update(
                    ((platform, a), int(n))
                    for a, n in self.db.execute(
                        "select author_id, count(*) from messages where platform = ? and "
                        f"author_id in ({','.join('?' * len(chunk))}) "
                        "and captured_as = 'primary' group by author_id",
                        (platform, *chunk),
                    )
                )
        rows = [(p, a, authored.get((p, a), 0), h) for p, a, h in chosen]
        rows.sort(key=lambda row: (-row[3], -row[2], row[0], row[1]))
        return rows[:limit]

    def _author_counts_scanned(self, limit: int) -> list[tuple[str, str, int, int]]:
        """:meth:`author_counts` with every author's messages counted (index
        messages_author)."""
        cur = self.db.execute(
            f"with hostile as ({_HOSTILE_AUTHORS}), authored as (select platform, author_id, "
            "count(*) as n from messages where captured_as = 'primary' and author_id <> '' "
            "group by platform, author_id) select a.platform, a.author_id, a.n, "
            "coalesce(h.n, 0) as hostile from authored a left join hostile h "
            "on h.platform = a.platform and h.author_id = a.author_id "
            "order by hostile desc, a.n desc, a.platform, a.author_id limit ?",
            (max(0, limit),),
        )
        return [(p, a, int(n), int(h)) for p, a, n, h in cur]

    def stats_rows(self) -> list[tuple[str | None, str, str, int]]:
        """``(day, platform, format, messages)`` for primary messages."""
        cur = self.db.execute(
            "select substr(created_at, 1, 10) as day, platform, format, count(*) from messages "
            "where captured_as = 'primary' group by day, platform, format "
            "order by day, platform, format"
        )
        return [tuple(r) for r in cur]


def _attachment_row(a: IncidentAttachment) -> dict[str, Any]:
    """An attachment as an incident row lists it (its ``seq`` is the row's)."""
    return {"name": a.name, "size": a.size, "sha256": a.sha256, "media_type": a.media_type}


def _instant(text: Any) -> datetime:
    """A time the store wrote with :func:`rempart.models.iso`; ValueError if it is not one."""
    moment = parse_iso(text)
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"{text!r} is not a time in UTC")
    return moment


def _by_platform(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for platform, key_id in keys:
        out.setdefault(platform, []).append(key_id)
    return out


def _kinds(kinds: Iterable[str]) -> tuple[tuple[str, ...], str]:
    """The log entry kinds asked for, and the condition that selects them (through index
    ``evidence_kinds`` when records are not among them)."""
    wanted = tuple(dict.fromkeys(kinds))
    if not wanted:
        return (), "0"
    marks = f"kind in ({','.join('?' * len(wanted))})"
    return wanted, marks if "record" in wanted else f"kind <> 'record' and {marks}"


def _listed(stored: StoredMessage) -> tuple[bool, str, str, str]:
    """A message's place in :meth:`SQLiteStore.messages`' order (undated last)."""
    created = sortable(stored.message.created_at)
    return (created is None, created or "", stored.message.platform, stored.message.id)
