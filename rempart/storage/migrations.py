"""Schema migrations: decorated, transactional functions recorded in ``_migrations``.

Each migration runs once, in order, inside a transaction. Add new ones at the end; never edit
one that has shipped.

Example::

    @migration("0002_add_findings")
    def _(db): db.execute("create table findings (...)")
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Callable

from ..errors import MigrationError
from ..hashing import leaf_hash

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    """Register a migration under a unique, ordered name."""

    def register(fn: Migration) -> Migration:
        if any(n == name for n, _ in MIGRATIONS):
            raise ValueError(f"duplicate migration {name}")
        MIGRATIONS.append((name, fn))
        return fn

    return register


def apply(db: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; return the names applied."""
    db.execute(
        "create table if not exists _migrations (name text primary key, applied_at text not null)"
    )
    done = {row[0] for row in db.execute("select name from _migrations")}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        try:
            db.execute("begin immediate")
            fn(db)
            db.execute(
                "insert into _migrations (name, applied_at) values (?, ?)",
                (name, datetime.now(UTC).isoformat()),
            )
            db.execute("commit")
        except sqlite3.Error as exc:
            db.execute("rollback")
            raise MigrationError(f"migration {name} failed: {exc}") from exc
        applied.append(name)
    return applied


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Run several statements inside the current transaction (executescript would commit)."""
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


@migration("0001_initial")
def _initial(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        create table evidence_log (
            seq integer primary key,
            kind text not null,
            body blob not null,
            prev_hash text not null,
            entry_hash text not null
        );
        create table heads (
            seq integer not null,
            entry_hash text not null,
            at text not null,
            reason text not null
        );
        create table sources (
            id integer primary key,
            name text not null,
            sha256 text not null unique,
            size integer not null,
            first_seen text not null
        );
        create table captures (
            id integer primary key,
            info text not null,
            result text
        );
        create table records (
            seq integer primary key,
            sha256 text not null unique,
            raw blob not null,
            format text not null,
            source_id integer not null references sources(id),
            capture_id integer not null references captures(id),
            line integer,
            "offset" integer,
            member text,
            context text,
            captured_at text not null,
            clock text not null,
            reject_reason text
        );
        create index records_rejects on records(seq) where reject_reason is not null;
        create table messages (
            platform text not null,
            id text not null,
            author_id text,
            created_at text,
            status text not null,
            captured_as text not null,
            format text not null,
            first_seq integer not null,
            last_seq integer not null,
            data blob not null
        );
        create unique index messages_key on messages(platform, id);
        create index messages_created on messages(created_at);
        create table message_records (
            platform text not null,
            id text not null,
            seq integer not null,
            primary key (platform, id, seq)
        ) without rowid;
        create table accounts (
            platform text not null,
            id text not null,
            handle text,
            status text not null,
            data blob not null
        );
        create unique index accounts_key on accounts(platform, id);
        create index accounts_handle on accounts(handle);
        create table status_changes (
            platform text not null,
            subject text not null,
            id text not null,
            status text not null,
            observed_at text,
            detail text,
            seq integer not null
        );
        create index status_changes_id on status_changes(platform, id);
        """,
    )


@migration("0002_scores_and_labels")
def _scores_and_labels(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        create table scores (
            platform text not null,
            id text not null,
            model text not null,
            lang text,
            abusive real not null,
            severity text not null,
            labels text not null,
            data blob not null,
            scored_at text not null,
            primary key (platform, id)
        );
        create index scores_abusive on scores(abusive);
        create table labels (
            platform text not null,
            id text not null,
            category text not null,
            value integer not null,
            author text,
            at text not null,
            note text
        );
        create index labels_key on labels(platform, id)
        """,
    )


@migration("0003_findings")
def _findings(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        create table findings (
            id integer primary key,
            created_at text not null,
            data blob not null
        )
        """,
    )


@migration("0004_transparency")
def _transparency(db: sqlite3.Connection) -> None:
    """The Merkle leaves of the log (filled from the existing entries) and the signed tree heads.

    A case made before this migration keeps its hash chain untouched; its entries become the
    first leaves of its tree, in sequence order.
    """
    _script(
        db,
        """
        create table merkle_leaves (
            seq integer primary key,
            hash blob not null
        );
        create table tree_heads (
            id integer primary key,
            tree_size integer not null,
            root_hash text not null,
            timestamp text not null,
            key_fingerprint text not null,
            signature text not null,
            reason text
        )
        """,
    )
    rows = db.execute("select seq, body from evidence_log order by seq")
    db.executemany(
        "insert into merkle_leaves (seq, hash) values (?, ?)",
        ((seq, leaf_hash(bytes(body))) for seq, body in rows),
    )


@migration("0005_timestamps")
def _timestamps(db: sqlite3.Connection) -> None:
    """RFC 3161 tokens of signed tree heads, one row per token (a head may have several TSAs)."""
    _script(
        db,
        """
        create table timestamps (
            id integer primary key,
            head_id integer not null,
            tree_size integer not null,
            root_hash text not null,
            url text not null,
            token_der blob not null,
            gen_time text not null,
            requested_at text not null
        )
        """,
    )


@migration("0006_sealed_results")
def _sealed_results(db: sqlite3.Connection) -> None:
    """Which sealed run stored each score (the seq of its log entry; NULL for older rows), and
    the log's size when each raid analysis ran (to tell stale findings)."""
    _script(
        db,
        """
        alter table scores add column run integer;
        alter table findings add column log_size integer
        """,
    )


@migration("0007_rereadable_rejects")
def _rereadable_rejects(db: sqlite3.Connection) -> None:
    """A rejected record may be read again with another format (or encoding): its bytes are then
    stored again under the new log entry, so ``records.sha256`` is indexed, no longer unique.
    The table is rebuilt (SQLite cannot drop a constraint) with the same columns and rows."""
    columns = (
        'seq, sha256, raw, format, source_id, capture_id, line, "offset", member, '
        "context, captured_at, clock, reject_reason"
    )
    _script(
        db,
        f"""
        create table records_new (
            seq integer primary key,
            sha256 text not null,
            raw blob not null,
            format text not null,
            source_id integer not null references sources(id),
            capture_id integer not null references captures(id),
            line integer,
            "offset" integer,
            member text,
            context text,
            captured_at text not null,
            clock text not null,
            reject_reason text
        );
        insert into records_new ({columns}) select {columns} from records;
        drop table records;
        alter table records_new rename to records;
        create index records_sha on records(sha256);
        create index records_rejects on records(seq) where reject_reason is not null
        """,
    )


@migration("0008_incidents")
def _incidents(db: sqlite3.Connection) -> None:
    """Incidents recorded by people (off-platform events), each sealed by its log entry
    (``seq``), and the exact bytes of their attachments, keyed by SHA-256 (the same photo
    attached twice is kept once). ``attachments`` lists an incident's files as JSON: name,
    size, SHA-256 and media type, in the order given."""
    _script(
        db,
        """
        create table incidents (
            number integer primary key,
            seq integer not null unique,
            happened_at text not null,
            when_given text not null,
            place text not null,
            what text not null,
            recorded_at text not null,
            recorded_by text,
            attachments text not null
        );
        create table attachments (
            sha256 text primary key,
            size integer not null,
            data blob not null
        )
        """,
    )


@migration("0009_users")
def _users(db: sqlite3.Connection) -> None:
    """The people who may open the case in the web workspace: role, argon2 password hash, the
    SHA-256 of their API token, and the failed logins that lock them out for a while."""
    _script(
        db,
        """
        create table users (
            email text primary key,
            role text not null,
            password_hash text not null,
            created_at text not null,
            token_sha256 text unique,
            failures integer not null default 0,
            locked_until text
        )
        """,
    )


@migration("0010_marks")
def _marks(db: sqlite3.Connection) -> None:
    """The marks that are on: quarantined and selected messages, blocked accounts; each row
    names the ``mark`` log entry that put it on (the log keeps every change)."""
    _script(
        db,
        """
        create table marks (
            subject text not null,
            platform text not null,
            id text not null,
            mark text not null,
            seq integer not null,
            by text,
            at text not null,
            primary key (subject, platform, id, mark)
        )
        """,
    )


#: A score's severity as its rank in ``SEVERITY_RANKS`` (as the triage queue orders them);
#: queries must write it exactly so (a table alias aside) to use ``scores_triage``.
SEVERITY_RANK = (
    "(case severity when 'none' then 0 when 'low' then 1 when 'medium' then 2 "
    "when 'high' then 3 when 'critical' then 4 else 0 end)"
)


#: Scored hostile: ``medium`` severity or more.
HOSTILE = "severity in ('medium', 'high', 'critical')"


@migration("0011_view_indexes")
def _view_indexes(db: sqlite3.Connection) -> None:
    """What the web workspace's views of a large case read without scanning a table: the
    triage queue in its order (severity rank, then abusiveness; with the severity itself, so
    that no score row is read); primary messages by author; the few messages that are not
    primary, by key and date (the primary ones are the others); the log's entries other than
    records, by kind (the chain of custody).

    And ``hostile_messages``: the primary messages scored hostile, with their day and author,
    which the overview and the accounts count by day and by author (rather than joining every
    hostile score to its message each time). The store keeps it as it writes scores and
    messages (see ``SQLiteStore._follow_hostile``)."""
    _script(
        db,
        f"""
        create index scores_triage
            on scores({SEVERITY_RANK} desc, abusive desc, platform, id, severity);
        create index messages_author on messages(platform, author_id, captured_as);
        create index messages_referenced
            on messages(platform, id, created_at, captured_as) where captured_as <> 'primary';
        create index evidence_kinds on evidence_log(kind) where kind <> 'record';
        create table hostile_messages (
            platform text not null,
            id text not null,
            day text,
            author_id text,
            primary key (platform, id)
        ) without rowid;
        insert into hostile_messages (platform, id, day, author_id)
            select m.platform, m.id, substr(m.created_at, 1, 10), m.author_id from scores s
            join messages m on m.platform = s.platform and m.id = s.id
            where m.captured_as = 'primary' and s.{HOSTILE};
        create index hostile_messages_day on hostile_messages(day);
        create index hostile_messages_author on hostile_messages(platform, author_id)
        """,
    )
