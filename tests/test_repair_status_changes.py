"""A status is logged when it changes, not once per page that repeats it (issue 9, item 12).

twarc2 repeats ``errors`` such as "User has been suspended" on every page of a capture: five
suspensions seen on six pages are five changes, in the log and in the case's status changes,
whatever the transaction size, and verify's replay agrees.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest

from rempart.case import ingest, verify

from conftest import page, tweet, user

SUSPENDED = [str(900 + k) for k in range(5)]


def _suspended(uid: str) -> dict[str, Any]:
    return {
        "value": uid,
        "detail": f"User has been suspended: [{uid}].",
        "title": "Forbidden",
        "resource_type": "user",
        "parameter": "entities.mentions.username",
        "resource_id": uid,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def _pages(n: int, first_id: int) -> list[dict[str, Any]]:
    return [
        page(
            [tweet(str(first_id + p), f"@cible page {p}")],
            [user("100", "troll")],
            retrieved=f"2026-03-02T00:00:{p:02d}+00:00",
            errors=[_suspended(uid) for uid in SUSPENDED],
        )
        for p in range(n)
    ]


def _logged(case: Any) -> Counter[tuple[str, str, str]]:
    out: Counter[tuple[str, str, str]] = Counter()
    for entry in case.store.entries():
        body = orjson.loads(entry.body)
        if body["kind"] == "status-change":
            out[(body["subject"], body["id"], body["status"])] += 1
    return out


def _stored(case: Any) -> Counter[tuple[str, str, str]]:
    return Counter((c.subject, c.id, c.status) for c, _ in case.store.status_changes())


def test_a_suspension_repeated_on_every_page_is_one_change(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    fresh_case.config.setdefault("settings", {})["batch_size"] = 2  # across transactions too
    ingest(fresh_case, [write_jsonl("raid.jsonl", _pages(6, 5000))])
    want = Counter({("account", uid, "suspended"): 1 for uid in SUSPENDED})
    assert _logged(fresh_case) == want
    assert _stored(fresh_case) == want
    assert fresh_case.store.counts()["status_changes"] == 5
    report = verify(fresh_case)
    assert report.ok, [str(p) for p in report.problems]
    assert report.status_changes == 5
    # a later capture that still sees them suspended changes nothing
    ingest(fresh_case, [write_jsonl("later.jsonl", _pages(3, 6000))])
    assert _logged(fresh_case) == want and _stored(fresh_case) == want
    assert verify(fresh_case).ok


@pytest.mark.parametrize("batch", [None, 1])
def test_a_status_that_comes_back_is_logged_each_time_it_changes(
    fresh_case: Any, write_jsonl: Callable[..., Path], batch: int | None
) -> None:
    # batch 1: each record in its own transaction, so the status a plain record (a post shown
    # available) changes is the one stored by the transaction before, not one of its batch
    if batch is not None:
        fresh_case.config.setdefault("settings", {})["batch_size"] = batch
    gone = {
        "errors": [
            {
                "value": "77",
                "resource_id": "77",
                "resource_type": "tweet",
                "title": "Not Found Error",
                "detail": "Could not find tweet: [77].",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ]
    }
    lines = [
        page([tweet("77", "menace")], retrieved="2026-03-02T00:00:00+00:00"),
        {**gone, "__twarc": {"url": "u", "retrieved_at": "2026-03-03T00:00:00+00:00"}},
        {**gone, "__twarc": {"url": "u", "retrieved_at": "2026-03-04T00:00:00+00:00"}},
        page([tweet("77", "menace")], retrieved="2026-03-05T00:00:00+00:00"),
        {**gone, "__twarc": {"url": "u", "retrieved_at": "2026-03-06T00:00:00+00:00"}},
    ]
    ingest(fresh_case, [write_jsonl("flip.jsonl", lines)])
    changes = [
        (c.status, c.observed_at.day if c.observed_at else None)
        for c, _ in fresh_case.store.status_changes()
        if c.id == "77"
    ]
    assert changes == [("deleted", 3), ("available", 5), ("deleted", 6)]
    assert sum(_logged(fresh_case).values()) == 3
    assert verify(fresh_case).ok


def test_verify_checks_the_case_status_changes_against_the_records(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    """What raid analysis reads is replayed too: a row edited, deleted or slipped in is found,
    and so is a row copied (one row per status-change entry)."""
    ingest(fresh_case, [write_jsonl("raid.jsonl", _pages(3, 5000))])
    db = fresh_case.store.db
    first = db.execute("select rowid, seq from status_changes order by rowid").fetchone()

    def problems() -> list[str]:
        return [f"{p.what} {p.kind}" for p in verify(fresh_case).problems]

    assert problems() == []
    with fresh_case.store.transaction():  # rows that look like an older version's: slipped in
        db.execute(
            "insert into status_changes select platform, subject, id, status, "
            "'2026-03-02T00:00:01Z', detail, seq + 1 from status_changes"
        )
    assert problems() == ["status change altered or inserted"] * 5
    with fresh_case.store.transaction():
        db.execute("delete from status_changes where seq <> ?", (first[1],))
        db.execute(
            "insert into status_changes select * from status_changes where rowid = ?", (first[0],)
        )
    assert problems() == ["status change inserted"]  # an exact copy (finding 1)
    with fresh_case.store.transaction():
        db.execute(
            "delete from status_changes where rowid > (select max(rowid) - 1 from "
            "status_changes) and seq = ?",
            (first[1],),
        )
    assert problems() == []
    with fresh_case.store.transaction():
        db.execute("update status_changes set status = 'available' where rowid = ?", (first[0],))
    assert "status change missing" in problems()
    assert any(p.startswith("status change") and "inserted" in p for p in problems())
    with fresh_case.store.transaction():
        db.execute("update status_changes set status = 'suspended' where rowid = ?", (first[0],))
        db.execute("delete from status_changes where rowid = ?", (first[0],))
    assert problems() == ["status change missing"]


def test_a_case_from_an_older_version_keeps_its_per_page_rows_one_for_one(
    fresh_case: Any, write_jsonl: Callable[..., Path], monkeypatch: Any
) -> None:
    """A capture run of an older version (its capture-start has no ``status_rows``) stored one
    row per status notice: those rows pass, one for one; a copy or a deletion is found."""
    import rempart.case.capture

    monkeypatch.setattr(rempart.case.capture, "STATUS_ROWS", None)
    ingest(fresh_case, [write_jsonl("raid.jsonl", _pages(3, 5000))])
    db = fresh_case.store.db

    def problems() -> list[str]:
        return [f"{p.what} {p.kind}" for p in verify(fresh_case).problems]

    with fresh_case.store.transaction():  # what the older version stored: a row per page
        for page_no in (1, 2):
            db.execute(
                "insert into status_changes select platform, subject, id, status, ?, "
                "detail, seq + ? from status_changes where seq = (select min(seq) "
                "from status_changes)",
                (f"2026-03-02T00:00:{page_no:02d}Z", page_no),
            )
    assert db.execute("select count(*) from status_changes").fetchone()[0] == 15
    assert problems() == []
    with fresh_case.store.transaction():
        db.execute(
            "insert into status_changes select * from status_changes order by rowid desc limit 1"
        )
    assert problems() == ["status change inserted"]
    with fresh_case.store.transaction():
        db.execute(
            "delete from status_changes where rowid >= (select max(rowid) - 1 from status_changes)"
        )
    assert problems() == ["status change missing"]


@pytest.mark.parametrize("batch", [None, 1])
def test_an_account_seen_again_after_its_suspension_is_logged_available_again(
    fresh_case: Any, write_jsonl: Callable[..., Path], batch: int | None
) -> None:
    if batch is not None:
        fresh_case.config.setdefault("settings", {})["batch_size"] = batch
    lines = [
        page(
            [tweet("501", "@cible un")],
            [user("901", "revenant")],
            retrieved="2026-03-02T00:00:00+00:00",
        ),
        page([], retrieved="2026-03-03T00:00:00+00:00", errors=[_suspended("901")]),
        # the account back with its profile, on a page with nothing else to say: plain
        page(
            [tweet("502", "@cible deux", author="901")],
            [user("901", "revenant")],
            retrieved="2026-03-04T00:00:00+00:00",
        ),
    ]
    ingest(fresh_case, [write_jsonl("back.jsonl", lines)])
    changes = [(c.subject, c.id, c.status) for c, _ in fresh_case.store.status_changes()]
    assert changes == [("account", "901", "suspended"), ("account", "901", "available")]
    assert sum(_logged(fresh_case).values()) == 2
    assert verify(fresh_case).ok
