"""One contract, every Store: SQLite and the in-memory twin behave the same."""

from __future__ import annotations

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
