"""verify sees every edit of derived data that changes what rempart lists or exports.

The hostile tester's finding 1 (after issue 9's first round): the replay compared only the JSON
data of messages and accounts, so editing a column stored beside it (``created_at``, which
``--since`` filters on; ``captured_as``, which hides a message from the default listing), the
message-to-record links that a bundle carries, or copying status change rows, passed verify.
Each edit below must now be found; the untouched case still verifies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from rempart.case import ingest, verify

from conftest import T0, page, tweet, user

MID = "5001"  # seen on three pages: three records link to it


def _case(fresh_case: Any, write_jsonl: Callable[..., Path]) -> Any:
    gone = {
        "errors": [
            {
                "value": "5002",
                "resource_id": "5002",
                "resource_type": "tweet",
                "title": "Not Found Error",
                "detail": "Could not find tweet: [5002].",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ],
        "__twarc": {"url": "u", "retrieved_at": "2026-03-03T00:00:00+00:00"},
    }
    suspended = {
        "value": "900",
        "detail": "User has been suspended: [900].",
        "title": "Forbidden",
        "resource_type": "user",
        "resource_id": "900",
        "parameter": "entities.mentions.username",
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }
    lines = [
        page(
            [tweet(MID, "@cible tu vas voir"), tweet("5002", "@cible menace")],
            [user("100", "troll")],
            retrieved=f"2026-03-02T00:00:0{p}+00:00",
            errors=[suspended],
        )
        for p in range(3)
    ] + [gone, page([tweet("5003", "@cible autre")], retrieved="2026-03-04T00:00:00+00:00")]
    ingest(fresh_case, [write_jsonl("raid.jsonl", lines)])
    report = verify(fresh_case)
    assert report.ok, [str(p) for p in report.problems]
    return fresh_case


EDITS = {
    "created_at": f"update messages set created_at = '2020-01-01T00:00:00.000000Z' "
    f"where id = '{MID}'",
    "captured_as": f"update messages set captured_as = 'referenced' where id = '{MID}'",
    "status": "update messages set status = 'available' where id = '5002'",
    "author_id": f"update messages set author_id = '999' where id = '{MID}'",
    "platform": f"update messages set platform = 'mastodon' where id = '{MID}'",
    "format": f"update messages set format = 'csv' where id = '{MID}'",
    "first_seq": f"update messages set first_seq = first_seq + 1 where id = '{MID}'",
    "last_seq": f"update messages set last_seq = first_seq where id = '{MID}'",
    "link deleted": f"delete from message_records where id = '{MID}' and seq = "
    f"(select max(seq) from message_records where id = '{MID}')",
    "link inserted": "insert into message_records (platform, id, seq) "
    f"select platform, '5003', max(seq) from message_records where id = '{MID}'",
    "link of no message": "insert into message_records values ('x', '4242', 2)",
    "account handle": "update accounts set handle = 'innocent' where id = '100'",
    "account status": "update accounts set status = 'available' where id = '900'",
    "status row copied": "insert into status_changes select * from status_changes",
    "status rows copied twice": "insert into status_changes select * from status_changes; "
    "insert into status_changes select * from status_changes",
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_of_a_stored_column_link_or_status_row_fails_verify(
    fresh_case: Any, write_jsonl: Callable[..., Path], edit: str
) -> None:
    case = _case(fresh_case, write_jsonl)
    with case.store.transaction():
        for statement in EDITS[edit].split(";"):
            case.store.db.execute(statement)
    report = verify(case)
    assert not report.ok, f"{edit}: verify passed"


def test_what_each_edit_is_reported_as(fresh_case: Any, write_jsonl: Callable[..., Path]) -> None:
    """The problem names the message and the column, the unlinked record, or the copy."""
    case = _case(fresh_case, write_jsonl)
    db = case.store.db
    seqs = [
        r[0]
        for r in db.execute("select seq from message_records where id = ? order by seq", (MID,))
    ]
    assert len(seqs) == 2  # three records: first_seq and two links
    with case.store.transaction():
        db.execute(
            f"update messages set created_at = '2020-01-01T00:00:00.000000Z', "
            f"captured_as = 'referenced' where id = '{MID}'"
        )
        db.execute("delete from message_records where seq = ?", (seqs[-1],))
        db.execute("insert into status_changes select * from status_changes")
    problems = [str(p) for p in verify(case).problems]
    assert any(
        f"message x:{MID}: altered" in p and "created_at, captured_as" in p for p in problems
    ), problems
    assert any(
        f"message x:{MID}: missing" in p and f"record(s) {seqs[-1]}" in p for p in problems
    ), problems
    assert sum("status change" in p and ": inserted:" in p for p in problems) == 2, problems


def test_an_untouched_case_still_verifies_after_a_second_import(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    case = _case(fresh_case, write_jsonl)
    ingest(
        case,
        [
            write_jsonl(
                "again.jsonl",
                [page([tweet(MID, "@cible tu vas voir")], retrieved="2026-03-04T00:00:00+00:00")],
            )
        ],
    )
    report = verify(case)
    assert report.ok, [str(p) for p in report.problems]
    assert T0  # the fixture's clock starts there
