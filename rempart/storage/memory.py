"""An in-memory Store: the test twin of SQLiteStore, also used to replay evidence on verify."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any, Iterable, Iterator, Mapping

import orjson

from ..hashing import GENESIS, leaf_hash
from ..models import Account, Incident, StatusChange, message_to_dict, sortable
from ..timebounds import bound_key
from .base import (
    PENDING_RUN,
    SEVERITY_RANKS,
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
    message_columns,
)


class MemoryStore:
    """Everything in dicts and lists; transactions are no-ops (nothing to roll back to)."""

    def __init__(self) -> None:
        self._entries: list[LogEntry] = []
        self._heads: list[dict[str, Any]] = []
        self._leaves: list[tuple[int, bytes]] = []
        self._tree_heads: list[dict[str, Any]] = []
        self._timestamps: list[dict[str, Any]] = []
        self._sources: dict[int, SourceFile] = {}
        self._records: dict[int, RawRecord] = {}
        self._shas: set[str] = set()
        self._captures: list[dict[str, Any]] = []
        self._messages: dict[tuple[str, str], StoredMessage] = {}
        self._links: set[tuple[str, str, int]] = set()
        self._accounts: dict[tuple[str, str], Account] = {}
        self._status: list[tuple[StatusChange, int]] = []
        self._scores: dict[tuple[str, str], ScoreRow] = {}
        self._findings: list[FindingsRun] = []
        self._labels: list[HumanLabel] = []
        self._incidents: list[Incident] = []
        self._users: dict[str, UserRow] = {}
        self._marks: dict[tuple[str, str, str, str], MarkRow] = {}
        self._attachments: dict[str, bytes] = {}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads in memory are consistent already: nothing to do."""
        yield

    def close(self) -> None:
        pass

    def log_head(self) -> tuple[int, str]:
        if not self._entries:
            return (0, GENESIS)
        last = self._entries[-1]
        return (last.seq, last.entry_hash)

    def append_entries(self, entries: Iterable[LogEntry]) -> None:
        for entry in entries:
            self._entries.append(entry)
            self._leaves.append((entry.seq, leaf_hash(entry.body)))

    def entries(self, start: int = 1) -> Iterator[LogEntry]:
        return (e for e in self._entries if e.seq >= start)

    def entries_of(
        self, kinds: Iterable[str], last: int | None = None, start: int = 1
    ) -> list[LogEntry]:
        wanted = set(kinds)
        found = [e for e in self._entries if e.kind in wanted and e.seq >= start]
        if last is None:
            return found
        return found[-last:] if last > 0 else []

    def count_entries(self, kinds: Iterable[str], start: int = 1) -> int:
        return len(self.entries_of(kinds, start=start))

    def record_head(self, seq: int, entry_hash: str, at: str, reason: str) -> None:
        self._heads.append({"seq": seq, "entry_hash": entry_hash, "at": at, "reason": reason})

    def heads(self) -> list[dict[str, Any]]:
        return list(self._heads)

    def merkle_leaves(self) -> Iterator[tuple[int, bytes]]:
        return iter(list(self._leaves))

    def add_tree_head(self, head: dict[str, Any]) -> int:
        self._tree_heads.append({"id": len(self._tree_heads) + 1, **head})
        return len(self._tree_heads)

    def tree_heads(self) -> list[dict[str, Any]]:
        return [dict(h) for h in self._tree_heads]

    def add_timestamp(self, stamp: dict[str, Any]) -> int:
        self._timestamps.append({"id": len(self._timestamps) + 1, **stamp})
        return len(self._timestamps)

    def timestamps(self) -> list[dict[str, Any]]:
        return [dict(t) for t in self._timestamps]

    def source_for(self, name: str, sha256: str, size: int, seen: str) -> int:
        for s in self._sources.values():
            if s.sha256 == sha256:
                return s.id
        sid = len(self._sources) + 1
        self._sources[sid] = SourceFile(sid, name, sha256, size, seen)
        return sid

    def sources(self) -> dict[int, SourceFile]:
        return dict(self._sources)

    def known_records(self, shas: Iterable[str]) -> set[str]:
        return {s for s in shas if s in self._shas}

    def rejected_records(self, shas: Iterable[str]) -> dict[str, set[tuple[str, str | None]]]:
        wanted = set(shas)
        tried: dict[str, set[tuple[str, str | None]]] = {}
        accepted: set[str] = set()
        for r in self._records.values():
            if r.sha256 in wanted:
                if r.reject_reason is None:
                    accepted.add(r.sha256)
                else:
                    tried.setdefault(r.sha256, set()).add((r.format, r.context))
        return {sha: ways for sha, ways in tried.items() if sha not in accepted}

    def add_records(self, records: Iterable[RawRecord]) -> None:
        for r in records:
            self._records[r.seq] = r
            self._shas.add(r.sha256)

    def record_hashes(self, seqs: Iterable[int]) -> dict[int, str]:
        return {s: self._records[s].sha256 for s in seqs if s in self._records}

    def records(self, rejects_only: bool = False) -> Iterator[RawRecord]:
        for seq in sorted(self._records):
            r = self._records[seq]
            if not rejects_only or r.reject_reason is not None:
                yield r

    def new_capture(self, info: dict[str, Any]) -> int:
        self._captures.append({"id": len(self._captures) + 1, **info, "result": None})
        return len(self._captures)

    def finish_capture(self, capture_id: int, info: dict[str, Any]) -> None:
        self._captures[capture_id - 1]["result"] = info

    def captures(self) -> list[dict[str, Any]]:
        return list(self._captures)

    def get_messages(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], StoredMessage]:
        return {k: self._messages[k] for k in keys if k in self._messages}

    def messages_with_ids(self, ids: Iterable[str]) -> list[StoredMessage]:
        wanted = set(ids)
        found = [s for k, s in self._messages.items() if k[1] in wanted]
        return sorted(found, key=_listed)

    def put_messages(
        self, messages: Iterable[StoredMessage], new: bool, data: Mapping[int, bytes] | None = None
    ) -> None:
        for s in messages:
            self._messages[s.message.key] = s

    def link_records(self, links: Iterable[tuple[str, str, int]]) -> None:
        self._links.update(links)

    def record_seqs(self, key: tuple[str, str]) -> list[int]:
        if key not in self._messages:
            return []
        more = {seq for p, i, seq in self._links if (p, i) == key}
        return sorted({self._messages[key].first_seq, *more})

    def get_accounts(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Account]:
        return {k: self._accounts[k] for k in keys if k in self._accounts}

    def accounts_with_ids(self, ids: Iterable[str]) -> list[Account]:
        wanted = set(ids)
        return [self._accounts[k] for k in sorted(k for k in self._accounts if k[1] in wanted)]

    def put_accounts(
        self, accounts: Iterable[Account], data: Mapping[int, bytes] | None = None
    ) -> None:
        for a in accounts:
            self._accounts[a.key] = a

    def add_status_changes(self, changes: Iterable[tuple[StatusChange, int]]) -> None:
        self._status.extend(changes)

    def messages(
        self,
        platform: str | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        include_referenced: bool = True,
    ) -> Iterator[StoredMessage]:
        low, high = bound_key(since), bound_key(until, end=True)

        def order(s: StoredMessage) -> tuple[bool, str, str, str]:
            c = sortable(s.message.created_at)
            return (c is None, c or "", s.message.platform, s.message.id)

        for s in sorted(self._messages.values(), key=order):
            m = s.message
            created = sortable(m.created_at)
            if platform and m.platform != platform:
                continue
            if low and (created is None or created < low):
                continue
            if high and (created is None or created >= high):
                continue
            if not include_referenced and m.captured_as != "primary":
                continue
            yield s

    def accounts(self) -> Iterator[Account]:
        for k in sorted(self._accounts):
            yield self._accounts[k]

    def status_changes(self) -> Iterator[tuple[StatusChange, int]]:
        return iter(list(self._status))

    def message_rows(self) -> Iterator[tuple[tuple[Any, ...], StoredMessage]]:
        for k in sorted(self._messages):
            yield message_columns(self._messages[k]), self._messages[k]

    def message_links(self) -> Iterator[tuple[str, str, int]]:
        return iter(sorted(self._links))

    def account_rows(self) -> Iterator[tuple[tuple[Any, ...], Account]]:
        for k in sorted(self._accounts):
            yield account_columns(self._accounts[k]), self._accounts[k]

    def put_scores(self, rows: Iterable[ScoreRow]) -> None:
        for r in rows:
            self._scores[(r.platform, r.id)] = r

    def scores(self) -> Iterator[ScoreRow]:
        for k in sorted(self._scores):
            yield self._scores[k]

    def get_scores(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], ScoreRow]:
        return {k: self._scores[k] for k in keys if k in self._scores}

    def assign_score_run(self, run: int) -> None:
        for k, r in self._scores.items():
            if r.run == PENDING_RUN:
                self._scores[k] = replace(r, run=run)

    def add_labels(self, labels: Iterable[HumanLabel]) -> None:
        self._labels.extend(labels)

    def labels(self) -> list[HumanLabel]:
        return list(self._labels)

    def labels_of(self, keys: Iterable[tuple[str, str]]) -> list[HumanLabel]:
        wanted = set(keys)
        return [lab for lab in self._labels if (lab.platform, lab.id) in wanted]

    def message_dicts(self) -> Iterator[dict[str, Any]]:
        for stored in self.messages():
            yield message_to_dict(stored.message)

    def score_summaries(self) -> Iterator[tuple[str, str, float, float, tuple[str, ...]]]:
        for r in self.scores():
            yield (
                r.platform,
                r.id,
                r.abusive,
                float(r.data.get("scores", {}).get("support", 0.0)),
                r.labels,
            )

    def put_findings(self, at: str, data: dict[str, Any], log_size: int | None = None) -> int:
        run = FindingsRun(len(self._findings) + 1, at, log_size, orjson.loads(orjson.dumps(data)))
        self._findings.append(run)
        return run.id

    def latest_findings(self) -> dict[str, Any] | None:
        return self._findings[-1].data if self._findings else None

    def findings_runs(self) -> Iterator[FindingsRun]:
        return iter(list(self._findings))

    def latest_findings_run(self) -> FindingsRun | None:
        return self._findings[-1] if self._findings else None

    def add_incident(self, incident: Incident, files: Mapping[str, bytes]) -> None:
        for sha, data in files.items():
            self._attachments.setdefault(sha, bytes(data))
        self._incidents.append(incident)

    def incidents(self) -> list[Incident]:
        return sorted(self._incidents, key=lambda i: i.number)

    def attachment_data(self, sha256: str) -> bytes | None:
        return self._attachments.get(sha256)

    def attachment_keys(self) -> list[str]:
        return sorted(self._attachments)

    def set_marks(self, rows: Iterable[MarkRow], on: bool) -> None:
        for row in rows:
            key = (row.subject, row.platform, row.id, row.mark)
            if on:
                self._marks[key] = row
            else:
                self._marks.pop(key, None)

    def marks(self) -> list[MarkRow]:
        return [self._marks[k] for k in sorted(self._marks)]

    def put_user(self, user: UserRow) -> None:
        self._users[user.email] = user

    def get_user(self, email: str) -> UserRow | None:
        return self._users.get(email)

    def delete_user(self, email: str) -> None:
        self._users.pop(email, None)

    def users(self) -> list[UserRow]:
        return [self._users[e] for e in sorted(self._users)]

    def user_by_token(self, token_sha256: str) -> UserRow | None:
        return next((u for u in self._users.values() if u.token_sha256 == token_sha256), None)

    def counts(self, only: Iterable[str] | None = None) -> dict[str, int]:
        every = self._counts()
        return every if only is None else {name: every[name] for name in only}

    def _counts(self) -> dict[str, int]:
        return {
            "log_entries": len(self._entries),
            "records": sum(1 for r in self._records.values() if r.reject_reason is None),
            "rejects": sum(1 for r in self._records.values() if r.reject_reason is not None),
            "sources": len(self._sources),
            "messages": len(self._messages),
            "messages_primary": sum(
                1 for s in self._messages.values() if s.message.captured_as == "primary"
            ),
            "accounts": len(self._accounts),
            "status_changes": len(self._status),
            "scores": len(self._scores),
            "labels": len(self._labels),
            "incidents": len(self._incidents),
        }

    def day_counts(self) -> list[tuple[str | None, int, int]]:
        per: dict[str | None, list[int]] = {}
        for s in self._messages.values():
            if s.message.captured_as != "primary":
                continue
            created = sortable(s.message.created_at)
            counts = per.setdefault(created[:10] if created else None, [0, 0])
            counts[0] += 1
            score = self._scores.get(s.message.key)
            if score is not None and score.severity in ("medium", "high", "critical"):
                counts[1] += 1
        return sorted(
            ((d, n, h) for d, (n, h) in per.items()), key=lambda r: (r[0] is None, r[0] or "")
        )

    def triage_keys(
        self,
        limit: int,
        offset: int = 0,
        min_rank: int = 0,
        author: tuple[str, str] | None = None,
    ) -> list[tuple[str, str]]:
        ranked = []
        for key, score in self._scores.items():
            stored = self._messages.get(key)
            if stored is None or stored.message.captured_as != "primary":
                continue
            m = stored.message
            if author is not None and (m.platform, m.author_id) != author:
                continue
            rank = SEVERITY_RANKS.index(score.severity) if score.severity in SEVERITY_RANKS else 0
            if rank >= min_rank:
                ranked.append((-rank, -score.abusive, key))
        ranked.sort()
        return [key for _, _, key in ranked[max(0, offset) : max(0, offset) + max(0, limit)]]

    def author_counts(self, limit: int) -> list[tuple[str, str, int, int]]:
        per: dict[tuple[str, str], list[int]] = {}
        for s in self._messages.values():
            m = s.message
            if m.captured_as != "primary" or not m.author_id:
                continue
            counts = per.setdefault((m.platform, m.author_id), [0, 0])
            counts[0] += 1
            score = self._scores.get(m.key)
            if score is not None and score.severity in ("medium", "high", "critical"):
                counts[1] += 1
        ranked = sorted(per.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
        return [(p, a, n, h) for (p, a), (n, h) in ranked[: max(0, limit)]]

    def stats_rows(self) -> list[tuple[str | None, str, str, int]]:
        per: dict[tuple[str | None, str, str], int] = {}
        for s in self._messages.values():
            if s.message.captured_as != "primary":
                continue
            created = sortable(s.message.created_at)
            key = (created[:10] if created else None, s.message.platform, s.format)
            per[key] = per.get(key, 0) + 1
        return sorted(
            ((d, p, f, n) for (d, p, f), n in per.items()), key=lambda r: (r[0] or "", r[1], r[2])
        )


def _listed(s: StoredMessage) -> tuple[bool, str, str, str]:
    """A message's place in :meth:`MemoryStore.messages`' order (undated last)."""
    created = sortable(s.message.created_at)
    return (created is None, created or "", s.message.platform, s.message.id)
