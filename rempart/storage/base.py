"""The Store interface: what every backend (SQLite now, PostgreSQL later) must provide.

A store keeps four kinds of data:

- the **evidence log**: append-only entries (:class:`LogEntry`) chained by hash, the RFC 9162
  leaf hash of each entry's body (written with it), the signed heads of that Merkle tree and
  the RFC 3161 timestamp tokens of those heads;
- **raw records**: the exact bytes of every captured record (:class:`RawRecord`), keyed by the
  log sequence number of their entry, and the **sources** (input files) they came from;
- **captures**: one row per capture run (who, when, with what tool and clock);
- **derived data**: normalised messages, accounts and status changes, rebuilt deterministically
  from the raw records (see :mod:`rempart.derive`);
- **incidents**: what happened off the platforms (:class:`rempart.models.Incident`), each
  sealed by its own log entry, and the exact bytes of their attachments, by SHA-256.

Stores are dumb: hashing lives in :mod:`rempart.hashing`, merging in :mod:`rempart.derive`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Iterator, Mapping, Protocol

import orjson

from ..models import Account, Incident, Message, StatusChange, message_compact, sortable


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One evidence-log entry: ``entry_hash = SHA-256(prev_hash || body)``, body canonical JSON."""

    seq: int
    kind: str
    body: bytes
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True, slots=True)
class RawRecord:
    """The exact bytes of one captured record and where they came from.

    ``seq`` is the sequence number of the log entry that seals it. ``reject_reason`` is set when
    the record could not be parsed (it is kept all the same).
    """

    seq: int
    sha256: str
    raw: bytes
    format: str
    source_id: int
    capture_id: int
    line: int | None
    offset: int | None
    member: str | None
    context: str | None
    captured_at: str
    clock: str
    reject_reason: str | None = None


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An input file as first seen: its name, size and SHA-256."""

    id: int
    name: str
    sha256: str
    size: int
    first_seen: str


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message with the bookkeeping the store keeps beside it."""

    message: Message
    format: str
    first_seq: int
    last_seq: int


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """A message's classifier output: ``data`` is the Score JSON (see classify.categories)."""

    platform: str
    id: str
    model: str
    lang: str | None
    abusive: float
    severity: str
    labels: tuple[str, ...]
    data: dict[str, Any]
    scored_at: str
    #: The seq of the log entry that sealed the run which stored this row (``PENDING_RUN``
    #: until that entry is written; None for rows stored before results were sealed).
    run: int | None = None


#: The ``run`` of score rows stored by a scoring run whose log entry is not written yet.
PENDING_RUN = 0


@dataclass(frozen=True, slots=True)
class FindingsRun:
    """One stored run of the raid analysis: ``log_size`` is the log's size when it ran (the
    seq of the entry that seals it; None for runs made before results were sealed)."""

    id: int
    created_at: str
    log_size: int | None
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class HumanLabel:
    """A case user's judgement on one category of one message (1 yes, 0 no)."""

    platform: str
    id: str
    category: str
    value: int
    author: str | None
    at: str
    note: str | None = None


class Transactional(Protocol):
    """Transactions and snapshots: what every role of a store shares."""

    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction; everything inside commits or rolls back together."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """A read transaction: every read inside sees one consistent state of the case, what
        was committed when it began, whatever other connections write meanwhile."""
        ...

    def close(self) -> None: ...


class EvidenceStore(Transactional, Protocol):
    """The evidence log, its Merkle leaves, signed tree heads and timestamp tokens: strictly
    append-only (a server back end must keep sequence numbers gap-free under concurrent
    writers)."""

    # evidence log -----------------------------------------------------------------------
    def log_head(self) -> tuple[int, str]:
        """``(seq, entry_hash)`` of the last entry, or ``(0, GENESIS)`` when empty."""
        ...

    def append_entries(self, entries: Iterable[LogEntry]) -> None:
        """Add entries and, in the same transaction, their Merkle leaf hashes."""
        ...

    def entries(self, start: int = 1) -> Iterator[LogEntry]: ...

    def entries_of(
        self, kinds: Iterable[str], last: int | None = None, start: int = 1
    ) -> list[LogEntry]:
        """The entries of these kinds from seq ``start`` on, by seq; only the ``last`` of them
        when given (read without going through the others: records make most of a log)."""
        ...

    def count_entries(self, kinds: Iterable[str], start: int = 1) -> int:
        """How many entries of these kinds the log holds from seq ``start`` on."""
        ...

    def record_head(self, seq: int, entry_hash: str, at: str, reason: str) -> None:
        """Remember a head the user was shown (detects truncation later)."""
        ...

    def heads(self) -> list[dict[str, Any]]: ...

    # transparency log (see rempart.evidence.transparency) ------------------------------
    def merkle_leaves(self) -> Iterator[tuple[int, bytes]]:
        """``(seq, leaf hash)`` of every entry, by seq; :meth:`append_entries` writes them."""
        ...

    def add_tree_head(self, head: dict[str, Any]) -> int:
        """Keep a signed tree head (the fields of ``SignedTreeHead``); return its id."""
        ...

    def tree_heads(self) -> list[dict[str, Any]]:
        """Every signed tree head kept, oldest first, each with its ``id``."""
        ...

    def add_timestamp(self, stamp: dict[str, Any]) -> int:
        """Keep an RFC 3161 token of a signed head: ``head_id``, ``tree_size``, ``root_hash``,
        ``url``, ``token_der`` (bytes), ``gen_time``, ``requested_at``; return its id."""
        ...

    def timestamps(self) -> list[dict[str, Any]]:
        """Every kept timestamp token, oldest first, each with its ``id``."""
        ...


class RecordStore(Transactional, Protocol):
    """Raw records (exact bytes), the source files they came from and the capture runs."""

    # raw records and sources ------------------------------------------------------------
    def source_for(self, name: str, sha256: str, size: int, seen: str) -> int:
        """The id of the source file with that hash, registering it if new."""
        ...

    def sources(self) -> dict[int, SourceFile]: ...

    def known_records(self, shas: Iterable[str]) -> set[str]:
        """Those of ``shas`` already stored."""
        ...

    def rejected_records(self, shas: Iterable[str]) -> dict[str, set[tuple[str, str | None]]]:
        """Those of ``shas`` stored only as rejects, each with the ``(format, context)`` pairs
        it was rejected under (a record read with another one is tried again)."""
        ...

    def add_records(self, records: Iterable[RawRecord]) -> None: ...

    def records(self, rejects_only: bool = False) -> Iterator[RawRecord]: ...

    def record_hashes(self, seqs: Iterable[int]) -> dict[int, str]:
        """The SHA-256 of the records sealed by these log entries (the others left out),
        without reading their bytes."""
        ...

    def new_capture(self, info: dict[str, Any]) -> int: ...

    def finish_capture(self, capture_id: int, info: dict[str, Any]) -> None: ...

    def captures(self) -> list[dict[str, Any]]: ...


class DerivedStore(Transactional, Protocol):
    """Messages, accounts and status changes: derived from the records, replayable."""

    # derived data -------------------------------------------------------------------------
    def get_messages(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], StoredMessage]: ...

    def put_messages(
        self, messages: Iterable[StoredMessage], new: bool, data: Mapping[int, bytes] | None = None
    ) -> None:
        """Insert (``new=True``) or replace stored messages. ``data``: the stored data of some
        of them, worked out beforehand (by ``id`` of the message; see :func:`message_data`)."""
        ...

    def link_records(self, links: Iterable[tuple[str, str, int]]) -> None:
        """Remember further records a message ``(platform, id)`` was seen in (after first_seq)."""
        ...

    def record_seqs(self, key: tuple[str, str]) -> list[int]:
        """Every record seq a message was seen in, ascending (its evidence)."""
        ...

    def messages_with_ids(self, ids: Iterable[str]) -> list[StoredMessage]:
        """Every message whose id is one of ``ids``, whatever its platform, in the order of
        :meth:`messages`."""
        ...

    def get_accounts(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Account]: ...

    def accounts_with_ids(self, ids: Iterable[str]) -> list[Account]:
        """Every account whose id is one of ``ids``, whatever its platform, in the order of
        :meth:`accounts`."""
        ...

    def put_accounts(
        self, accounts: Iterable[Account], data: Mapping[int, bytes] | None = None
    ) -> None:
        """Insert or replace accounts; ``data`` as in :meth:`put_messages`."""
        ...

    def add_status_changes(self, changes: Iterable[tuple[StatusChange, int]]) -> None: ...

    def messages(
        self,
        platform: str | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        include_referenced: bool = True,
    ) -> Iterator[StoredMessage]:
        """Messages oldest first. ``since`` / ``until`` are instants (see
        :mod:`rempart.timebounds`: ISO 8601 with an offset or not, a date alone is a whole
        day); ``until`` is excluded; what is not a date raises ``TimeBoundError``."""
        ...

    def message_dicts(self) -> Iterator[dict[str, Any]]:
        """Every message as :func:`rempart.models.message_to_dict` writes it, in the order of
        :meth:`messages` (for analyses that read columns, not objects)."""
        ...

    def accounts(self) -> Iterator[Account]: ...

    def status_changes(self) -> Iterator[tuple[StatusChange, int]]: ...

    # the derived tables as stored, for verify -------------------------------------------
    def message_rows(self) -> Iterator[tuple[tuple[Any, ...], StoredMessage]]:
        """Every stored message: the columns it is listed and filtered by (see
        :func:`message_columns`) as they are stored, and the message its data decodes to."""
        ...

    def message_links(self) -> Iterator[tuple[str, str, int]]:
        """Every ``(platform, id, seq)`` link of :meth:`link_records`, as stored."""
        ...

    def account_rows(self) -> Iterator[tuple[tuple[Any, ...], Account]]:
        """Every stored account: its columns (see :func:`account_columns`) and its data."""
        ...


class ResultStore(Transactional, Protocol):
    """What analyses and people add: classifier scores, raid findings, human labels."""

    # analysis ---------------------------------------------------------------------------
    def put_scores(self, rows: Iterable[ScoreRow]) -> None:
        """Insert or replace the classifier's scores of messages."""
        ...

    def scores(self) -> Iterator[ScoreRow]: ...

    def get_scores(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], ScoreRow]:
        """The scores of these ``(platform, id)`` messages (the unscored ones left out)."""
        ...

    def score_summaries(self) -> Iterator[tuple[str, str, float, float, tuple[str, ...]]]:
        """``(platform, id, abusive, support, labels)`` of every scored message."""
        ...

    def assign_score_run(self, run: int) -> None:
        """Give the rows stored with ``run = PENDING_RUN`` their sealing entry's ``run``."""
        ...

    def put_findings(self, at: str, data: dict[str, Any], log_size: int | None = None) -> int:
        """Keep one run of the raid analysis (``rempart findings --json``'s object); return
        its id."""
        ...

    def latest_findings(self) -> dict[str, Any] | None: ...

    def findings_runs(self) -> Iterator[FindingsRun]:
        """Every stored run of the raid analysis, oldest first."""
        ...

    def latest_findings_run(self) -> FindingsRun | None: ...

    def add_labels(self, labels: Iterable[HumanLabel]) -> None: ...

    def labels(self) -> list[HumanLabel]:
        """Every human label, oldest first (later ones override earlier ones)."""
        ...

    def labels_of(self, keys: Iterable[tuple[str, str]]) -> list[HumanLabel]:
        """The human labels of these ``(platform, id)`` messages, oldest first."""
        ...


class IncidentStore(Transactional, Protocol):
    """Incidents recorded by people (off-platform events) and the bytes of their attachments."""

    def add_incident(self, incident: Incident, files: Mapping[str, bytes]) -> None:
        """Keep an incident and the bytes of its attachments, keyed by their SHA-256 (bytes
        kept already, attached to an earlier incident, are not stored twice)."""
        ...

    def incidents(self) -> list[Incident]:
        """Every incident, by number."""
        ...

    def attachment_data(self, sha256: str) -> bytes | None:
        """The attachment bytes kept under this SHA-256 (None when there are none)."""
        ...

    def attachment_keys(self) -> list[str]:
        """The SHA-256 key of every attachment's bytes kept, sorted."""
        ...


@dataclass(frozen=True, slots=True)
class UserRow:
    """A person who may open the case in the web workspace (see :mod:`rempart.case.users`).

    ``role`` is ``owner``, ``helper`` or ``viewer``; ``password_hash`` an argon2id hash;
    ``token_sha256`` the SHA-256 of their API token (None: none issued; the token itself is
    never kept); ``failures`` the failed logins in a row and ``locked_until`` (ISO 8601) when
    the lockout they caused ends (None: not locked).
    """

    email: str
    role: str
    password_hash: str
    created_at: str
    token_sha256: str | None = None
    failures: int = 0
    locked_until: str | None = None


@dataclass(frozen=True, slots=True)
class MarkRow:
    """A mark people put on a message or an account, kept while it is on (see
    :mod:`rempart.case.marks`): ``subject`` is ``message`` or ``account``; ``mark`` its name
    (``quarantine``, ``select``, ``block``); ``seq`` the ``mark`` log entry that put it on."""

    subject: str
    platform: str
    id: str
    mark: str
    seq: int
    by: str | None
    at: str


class MarkStore(Transactional, Protocol):
    """The marks that are on (quarantined and selected messages, blocked accounts)."""

    def set_marks(self, rows: Iterable[MarkRow], on: bool) -> None:
        """Put these marks on (keeping the given rows) or take them off."""
        ...

    def marks(self) -> list[MarkRow]:
        """Every mark that is on, by subject, platform, id and mark."""
        ...


class UserStore(Transactional, Protocol):
    """The people who may open the case in the web workspace, with their role."""

    def put_user(self, user: UserRow) -> None:
        """Add a user, or replace the one with that e-mail."""
        ...

    def get_user(self, email: str) -> UserRow | None: ...

    def delete_user(self, email: str) -> None:
        """Remove the user with that e-mail (nothing when there is none)."""
        ...

    def users(self) -> list[UserRow]:
        """Every user, by e-mail."""
        ...

    def user_by_token(self, token_sha256: str) -> UserRow | None:
        """The user whose API token has this SHA-256 (None when none has)."""
        ...


class Store(
    EvidenceStore,
    RecordStore,
    DerivedStore,
    ResultStore,
    IncidentStore,
    UserStore,
    MarkStore,
    Protocol,
):
    """Persistence for one case: every role. Implementations: SQLiteStore, MemoryStore (the
    same contract tests run on both); a PostgreSQL store implements the same roles."""

    def counts(self, only: Iterable[str] | None = None) -> dict[str, int]:
        """How many ``log_entries``, ``records`` (accepted), ``rejects``, ``sources``,
        ``messages``, ``messages_primary``, ``accounts``, ``status_changes``, ``scores``,
        ``labels`` and ``incidents`` the case holds; only the counts named in ``only`` when
        given (KeyError for a name not in this list)."""
        ...

    def stats_rows(self) -> list[tuple[str | None, str, str, int]]:
        """``(day, platform, format, messages)`` for primary messages, sorted."""
        ...

    def day_counts(self) -> list[tuple[str | None, int, int]]:
        """``(day, messages, hostile)`` for primary messages, by day (undated last): hostile
        ones are those scored ``medium`` severity or more."""
        ...

    def triage_keys(
        self,
        limit: int,
        offset: int = 0,
        min_rank: int = 0,
        author: tuple[str, str] | None = None,
    ) -> list[tuple[str, str]]:
        """The keys of scored primary messages, most severe first (then most abusive), whose
        severity ranks at least ``min_rank`` in :data:`SEVERITY_RANKS`; only those of the
        account ``author`` (``(platform, id)``) when given."""
        ...

    def author_counts(self, limit: int) -> list[tuple[str, str, int, int]]:
        """``(platform, author_id, messages, hostile)`` for the authors of primary messages
        (those with an ``author_id``): the most hostile messages first (``medium`` severity
        or more), then the most messages, then by platform and id; ``limit`` of them."""
        ...


#: Severities, least to most severe: a severity's rank is its index.
SEVERITY_RANKS = ("none", "low", "medium", "high", "critical")

#: The columns of a stored message beside its data, in :func:`message_columns`' order.
MESSAGE_COLUMNS = (
    "platform",
    "id",
    "author_id",
    "created_at",
    "status",
    "captured_as",
    "format",
    "first_seq",
    "last_seq",
)
#: The columns of a stored account beside its data, in :func:`account_columns`' order.
ACCOUNT_COLUMNS = ("platform", "id", "handle", "status")


_DATA = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def message_data(message: Message) -> bytes:
    """The ``data`` a store keeps for a message: its non-empty fields as compact JSON."""
    return orjson.dumps(message_compact(message), option=_DATA)


def account_data(account: Account) -> bytes:
    """The ``data`` a store keeps for an account: its fields as compact JSON."""
    return orjson.dumps(account, option=_DATA)


def message_columns(stored: StoredMessage) -> tuple[Any, ...]:
    """The columns a store keeps beside a message's data (what listings filter and sort by,
    and the first and last records it was seen in), as it writes them."""
    m = stored.message
    return (
        m.platform,
        m.id,
        m.author_id,
        sortable(m.created_at),
        m.status,
        m.captured_as,
        stored.format,
        stored.first_seq,
        stored.last_seq,
    )


def account_columns(account: Account) -> tuple[Any, ...]:
    """The columns a store keeps beside an account's data, as it writes them."""
    return (account.platform, account.id, account.handle, account.status)
