"""One contract, every Store: SQLite and the in-memory twin behave the same."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rempart.evidence.log import make_entry
from rempart.models import Account, Message, StatusChange
from rempart.storage import GENESIS, MemoryStore, RawRecord, SQLiteStore, StoredMessage

T = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    s = SQLiteStore(tmp_path / "s.db") if request.param == "sqlite" else MemoryStore()
    yield s
    s.close()


def _msg(mid: str, when: int, text: str = "t", captured_as: str = "primary") -> StoredMessage:
    m = Message("x", mid, text, created_at=T.replace(hour=when), captured_as=captured_as)
    return StoredMessage(m, "twarc2", 1, 1)


def test_log_head_and_entries(store: Any) -> None:
    assert store.log_head() == (0, GENESIS)
    e1 = make_entry(1, GENESIS, "record", {"a": 1})
    e2 = make_entry(2, e1.entry_hash, "record", {"a": 2})
    with store.transaction():
        store.append_entries([e1, e2])
    assert store.log_head() == (2, e2.entry_hash)
    assert list(store.entries()) == [e1, e2]
    assert list(store.entries(2)) == [e2]


def test_records_sources_and_dedup(store: Any) -> None:
    with store.transaction():
        sid = store.source_for("a.jsonl", "ab" * 32, 10, "2026-03-01T00:00:00Z")
        assert store.source_for("renamed.jsonl", "ab" * 32, 10, "later") == sid
        cid = store.new_capture({"tool": "rempart"})
        store.add_records(
            [
                RawRecord(
                    1, "11" * 32, b"one", "twarc2", sid, cid, 1, 0, None, None, "t", "system"
                ),
                RawRecord(
                    2,
                    "22" * 32,
                    b"two",
                    "twarc2",
                    sid,
                    cid,
                    2,
                    4,
                    None,
                    None,
                    "t",
                    "system",
                    "malformed JSON",
                ),
            ]
        )
        store.finish_capture(cid, {"new_records": 2})
    assert store.known_records(["11" * 32, "33" * 32]) == {"11" * 32}
    assert [r.seq for r in store.records()] == [1, 2]
    assert [r.raw for r in store.records(rejects_only=True)] == [b"two"]
    assert store.sources()[sid].name == "a.jsonl"
    assert store.captures()[0]["result"] == {"new_records": 2}
    assert store.counts()["rejects"] == 1 and store.counts()["records"] == 1
    assert store.record_hashes([2, 1, 9, 2]) == {1: "11" * 32, 2: "22" * 32}
    assert store.record_hashes([]) == {}


def test_messages_roundtrip_filters_and_order(store: Any) -> None:
    with store.transaction():
        store.put_messages(
            [_msg("2", 14), _msg("1", 9), _msg("3", 20, captured_as="referenced")], new=True
        )
    assert [s.message.id for s in store.messages()] == ["1", "2", "3"]
    assert [s.message.id for s in store.messages(include_referenced=False)] == ["1", "2"]
    assert [s.message.id for s in store.messages(since="2026-03-01T10")] == ["2", "3"]
    assert [s.message.id for s in store.messages(until="2026-03-01T10")] == ["1"]
    got = store.get_messages([("x", "1"), ("x", "404")])
    assert list(got) == [("x", "1")] and got[("x", "1")] == _msg("1", 9)
    with store.transaction():
        store.put_messages(
            [
                StoredMessage(
                    Message("x", "1", "edited", created_at=T.replace(hour=9)), "twarc2", 1, 5
                )
            ],
            new=False,
        )
        store.link_records([("x", "1", 5)])
    assert store.get_messages([("x", "1")])[("x", "1")].message.text == "edited"
    assert store.record_seqs(("x", "1")) == [1, 5]
    assert store.stats_rows() == [("2026-03-01", "x", "twarc2", 2)]


def test_accounts_and_status_changes(store: Any) -> None:
    a = Account("x", "9", handle="troll", followers=3, handles=("troll",))
    change = StatusChange("x", "account", "9", "suspended", T, "Forbidden")
    with store.transaction():
        store.put_accounts([a])
        store.add_status_changes([(change, 7)])
    assert store.get_accounts([("x", "9")]) == {("x", "9"): a}
    assert list(store.accounts()) == [a]
    assert list(store.status_changes()) == [(change, 7)]


def test_record_heads(store: Any) -> None:
    store.record_head(3, "cd" * 32, "2026-03-01T00:00:00Z", "capture")
    assert store.heads() == [
        {"seq": 3, "entry_hash": "cd" * 32, "at": "2026-03-01T00:00:00Z", "reason": "capture"}
    ]


def test_findings_keep_every_run_and_return_the_latest(store: Any) -> None:
    assert store.latest_findings() is None
    with store.transaction():
        store.put_findings("2026-03-01T00:00:00Z", {"episodes": [], "run": 1})
        store.put_findings("2026-03-02T00:00:00Z", {"episodes": [{"kind": "harassment"}]})
    assert store.latest_findings() == {"episodes": [{"kind": "harassment"}]}


def test_message_dicts_and_score_summaries(store: Any) -> None:
    from rempart.models import message_from_dict
    from rempart.storage.base import ScoreRow

    with store.transaction():
        store.put_messages([_msg("b", 3, "deux"), _msg("a", 5, "un")], new=True)
        store.put_scores(
            [
                ScoreRow(
                    "x",
                    "a",
                    "m",
                    "fr",
                    0.9,
                    "high",
                    ("insult",),
                    {"scores": {"support": 0.25}},
                    "2026-03-01T00:00:00Z",
                )
            ]
        )
    assert [message_from_dict(d) for d in store.message_dicts()] == [
        s.message for s in store.messages()
    ]  # defaults may be left out of the dicts
    assert [d["id"] for d in store.message_dicts()] == ["b", "a"]
    assert list(store.score_summaries()) == [("x", "a", 0.9, 0.25, ("insult",))]


def test_get_scores_by_key(store: Any) -> None:
    from rempart.storage.base import ScoreRow

    row = ScoreRow("x", "a", "m", "fr", 0.9, "high", ("insult",), {"scores": {}}, "t")
    with store.transaction():
        store.put_scores([row])
    assert store.get_scores([("x", "a"), ("x", "missing")]) == {("x", "a"): row}


def test_incidents_and_their_attachment_bytes(store: Any) -> None:
    from rempart.hashing import sha256_hex
    from rempart.models import Incident, IncidentAttachment

    png = IncidentAttachment("p.png", 3, sha256_hex(b"png"), "image/png", 5)
    eml = IncidentAttachment("../m.eml\u202e", 3, sha256_hex(b"eml"), "message/rfc822", 5)
    first = Incident(
        1, 5, T, "home", "rang <b>twice</b>", T.replace(hour=3), "alice", "01:00", (png, eml)
    )
    second = Incident(2, 9, T.replace(hour=1, microsecond=5), "work", "x", T, None, "y", ())
    with store.transaction():
        store.add_incident(first, {png.sha256: b"png", eml.sha256: b"eml"})
        store.add_incident(second, {png.sha256: b"png"})  # kept once
    assert store.incidents() == [first, second]
    assert store.attachment_data(eml.sha256) == b"eml"
    assert store.attachment_data("00" * 32) is None
    assert store.attachment_keys() == sorted([png.sha256, eml.sha256])
    assert store.counts()["incidents"] == 2


# the keyed and aggregated reads of the web workspace's views ------------------------------


def _authored(
    mid: str, author: str | None, day: int, platform: str = "x", captured_as: str = "primary"
) -> StoredMessage:
    m = Message(
        platform,
        mid,
        "t",
        author_id=author,
        created_at=T.replace(day=day, hour=5),
        captured_as=captured_as,
    )
    return StoredMessage(m, "twarc2", 1, 1)


def _score(mid: str, severity: str, abusive: float = 0.5, platform: str = "x") -> Any:
    from rempart.storage.base import ScoreRow

    return ScoreRow(platform, mid, "m", "fr", abusive, severity, (), {"scores": {}}, "t")


def test_counts_only_some(store: Any) -> None:
    with store.transaction():
        store.put_messages([_msg("a", 1), _msg("b", 2, captured_as="referenced")], new=True)
        store.put_scores([_score("a", "low")])
    every = store.counts()
    assert every["messages"] == 2 and every["messages_primary"] == 1 and every["scores"] == 1
    assert store.counts(("scores", "messages_primary")) == {"scores": 1, "messages_primary": 1}
    assert store.counts([]) == {}
    with pytest.raises(KeyError):
        store.counts(["no such count"])


def test_entries_of_kinds_last_and_start(store: Any) -> None:
    kinds = ["record", "view", "record", "analysis", "view", "record", "view"]
    entries, head = [], GENESIS
    for seq, kind in enumerate(kinds, 1):
        entries.append(make_entry(seq, head, kind, {"n": seq}))
        head = entries[-1].entry_hash
    with store.transaction():
        store.append_entries(entries)
    assert [e.seq for e in store.entries_of(["view"])] == [2, 5, 7]
    assert [e.seq for e in store.entries_of(["view", "analysis"], last=2)] == [5, 7]
    assert store.entries_of(["view"], last=0) == []
    assert [e.seq for e in store.entries_of(["record"], start=3)] == [3, 6]
    assert [e.seq for e in store.entries_of(["view", "record"], 2, start=2)] == [6, 7]
    assert store.entries_of(["view"])[0] == entries[1]
    assert store.entries_of([]) == [] and store.entries_of(["nothing"]) == []
    assert store.count_entries(["view", "analysis"]) == 4
    assert store.count_entries(["record"], start=4) == 1
    assert store.count_entries(["view"], start=8) == 0


def test_labels_of_some_messages_oldest_first(store: Any) -> None:
    from rempart.storage.base import HumanLabel

    labels = [
        HumanLabel("x", "a", "insult", 1, "ana", "t1"),
        HumanLabel("y", "a", "threat", 1, "ana", "t2"),
        HumanLabel("x", "b", "insult", 0, "bo", "t3"),
        HumanLabel("x", "a", "insult", 0, "bo", "t4", "not an insult"),
    ]
    with store.transaction():
        store.add_labels(labels)
    assert store.labels_of([("x", "a")]) == [labels[0], labels[3]]
    assert store.labels_of([("x", "a"), ("y", "a"), ("x", "a")]) == [
        labels[0],
        labels[1],
        labels[3],
    ]
    assert store.labels_of([("x", "missing")]) == [] and store.labels_of([]) == []


def test_messages_and_accounts_with_ids_on_every_platform(store: Any) -> None:
    with store.transaction():
        store.put_messages(
            [
                _authored("1", "u", 3, "y"),
                _authored("1", "u", 2, "x"),
                _authored("2", "u", 1, "x", captured_as="referenced"),
                _authored("3", "u", 1, "x"),
            ],
            new=True,
        )
        store.put_accounts([Account("y", "u"), Account("x", "u", "h"), Account("x", "v")])
    found = store.messages_with_ids(["1", "2", "missing", "1"])
    assert [(s.message.platform, s.message.id) for s in found] == [
        ("x", "2"),
        ("x", "1"),
        ("y", "1"),
    ]
    assert found == [s for s in store.messages() if s.message.id in ("1", "2")]
    assert store.messages_with_ids([]) == []
    assert [a.key for a in store.accounts_with_ids(["u", "w"])] == [("x", "u"), ("y", "u")]
    assert store.accounts_with_ids(["u"])[0].handle == "h"


def test_author_counts_rank_hostile_then_messages(store: Any) -> None:
    with store.transaction():
        store.put_messages(
            [
                _authored("1", "a", 1),
                _authored("2", "a", 1),
                _authored("3", "a", 2),
                _authored("4", "b", 1),
                _authored("5", "c", 2),
                _authored("6", "c", 2),
                _authored("7", None, 2),  # no author: left out
                _authored("8", "", 2),
                _authored("9", "d", 2, captured_as="referenced"),  # not primary: left out
                _authored("1", "a", 3, "y"),  # the same id elsewhere: another account
            ],
            new=True,
        )
        store.put_scores(
            [
                _score("1", "high"),
                _score("2", "none"),
                _score("4", "medium"),
                _score("5", "critical"),
                _score("6", "low"),
                _score("7", "high"),
                _score("8", "high"),
                _score("9", "high"),
                _score("1", "high", platform="y"),
            ]
        )
    assert store.author_counts(10) == [
        ("x", "a", 3, 1),
        ("x", "c", 2, 1),
        ("x", "b", 1, 1),
        ("y", "a", 1, 1),
    ]
    assert store.author_counts(2) == [("x", "a", 3, 1), ("x", "c", 2, 1)]
    assert store.author_counts(0) == []
    with store.transaction():  # scored again: "b" is no longer hostile, "c" twice
        store.put_scores([_score("4", "low"), _score("6", "high")])
    assert store.author_counts(3) == [("x", "c", 2, 2), ("x", "a", 3, 1), ("y", "a", 1, 1)]
    # one account's queue: its primary messages only, most severe first, on its platform
    assert store.triage_keys(10, author=("x", "a")) == [("x", "1"), ("x", "2")]
    assert store.triage_keys(10, author=("y", "a")) == [("y", "1")]
    assert store.triage_keys(10, 1, author=("x", "a")) == [("x", "2")]
    assert store.triage_keys(10, 0, 3, author=("x", "a")) == [("x", "1")]
    assert store.triage_keys(10, author=("x", "d")) == []  # its only message is referenced


def test_day_and_author_counts_follow_every_change(store: Any) -> None:
    """What the views count (day_counts, author_counts, triage_keys) stays right whatever
    comes first: a score before its message, a message seen again as primary, a new date."""
    with store.transaction():
        store.put_scores([_score("1", "high"), _score("2", "critical")])  # messages not yet in
    assert store.day_counts() == [] and store.author_counts(5) == []
    assert store.triage_keys(10) == []
    with store.transaction():
        store.put_messages(
            [_authored("1", "a", 2), _authored("2", "b", 3, captured_as="referenced")], new=True
        )
    assert store.day_counts() == [("2026-03-02", 1, 1)]
    assert store.author_counts(5) == [("x", "a", 1, 1)]
    assert store.triage_keys(10) == [("x", "1")]
    with store.transaction():  # seen again: primary now, and another day
        store.put_messages([_authored("2", "b", 4), _authored("1", "c", 5)], new=False)
    assert store.day_counts() == [("2026-03-04", 1, 1), ("2026-03-05", 1, 1)]
    assert store.author_counts(5) == [("x", "b", 1, 1), ("x", "c", 1, 1)]
    assert store.triage_keys(10) == [("x", "2"), ("x", "1")]
    with store.transaction():
        store.put_scores([_score("2", "none")])
    assert store.day_counts() == [("2026-03-04", 1, 0), ("2026-03-05", 1, 1)]
    assert store.author_counts(5) == [("x", "c", 1, 1), ("x", "b", 1, 0)]
    assert store.counts(["messages_primary"]) == {"messages_primary": 2}


def test_sqlite_views_read_indexes_not_rows(tmp_path: Path) -> None:
    """The triage queue reads the scores in the order of an index, and no message row; the
    primary messages are counted without reading them (the plans, not the timings:
    bench/web.py times them)."""
    from rempart.storage.sqlite import _RANK

    store = SQLiteStore(tmp_path / "s.db")

    def plan(sql: str) -> str:
        return " ".join(str(row[3]) for row in store.db.execute(f"explain query plan {sql}"))

    try:
        queue = plan(
            f"select s.platform, s.id from scores s where {_RANK} >= 0 "
            "and exists (select 1 from messages m where m.platform = s.platform "
            "and m.id = s.id) and (s.platform, s.id) not in (select platform, id "
            "from messages where captured_as <> 'primary') "
            f"order by {_RANK} desc, s.abusive desc, s.platform, s.id limit 5"
        )
        assert "COVERING INDEX scores_triage" in queue and "TEMP B-TREE" not in queue
        assert not re.search(r"SCAN (messages|m)\b(?! USING COVERING INDEX)", queue), queue
        others = plan("select count(*) from messages where captured_as <> 'primary'")
        assert "COVERING INDEX messages_referenced" in others
    finally:
        store.close()
