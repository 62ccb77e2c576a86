"""Shared fixtures: a fresh case on disk and small synthetic twarc2 captures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest

from rempart.case import Case, MessageQuery
from rempart.case import messages as message_rows
from rempart.clock import FixedClock
from rempart.models import Message

FIXTURES = Path(__file__).parent / "fixtures"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def fresh_case(tmp_path: Path) -> Any:
    """A new case in a temporary folder, with a deterministic clock."""
    case = Case.create(tmp_path / "case", ["@cible"], clock=FixedClock(T0, timedelta(seconds=1)))
    yield case
    case.close()


def plain_messages(
    case: Case,
    platform: str | None = None,
    since: Any = None,
    until: Any = None,
    include_referenced: bool = False,
) -> list[Message]:
    """The case's messages (oldest first), as the library's view gives them, without the
    custody entry a view records (tests count entries)."""
    query = MessageQuery(platform, since, until, include_referenced)
    return [row.message for row in message_rows(case, query, record=False)]


def tweet(
    tid: str, text: str, author: str = "100", when: datetime | None = None, **extra: Any
) -> dict[str, Any]:
    """A twarc2 tweet object."""
    return {
        "id": tid,
        "text": text,
        "author_id": author,
        "created_at": (when or T0).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "conversation_id": tid,
        "lang": "fr",
        "edit_history_tweet_ids": [tid],
        **extra,
    }


def user(uid: str, handle: str, followers: int = 10) -> dict[str, Any]:
    """A twarc2 user object."""
    return {
        "id": uid,
        "username": handle,
        "name": handle.title(),
        "created_at": "2020-01-01T00:00:00.000Z",
        "public_metrics": {
            "followers_count": followers,
            "following_count": 1,
            "tweet_count": 5,
            "listed_count": 0,
        },
    }


def page(
    tweets: list[dict[str, Any]],
    users: list[dict[str, Any]] | None = None,
    retrieved: str = "2026-03-02T00:00:00+00:00",
    **extra: Any,
) -> dict[str, Any]:
    """A twarc2 page."""
    return {
        "data": tweets,
        "includes": {"users": users or [user("100", "troll")]},
        "meta": {"result_count": len(tweets)},
        "__twarc": {
            "url": "https://api.x.com/2/tweets/search/recent",
            "version": "2.14.1",
            "retrieved_at": retrieved,
        },
        **extra,
    }


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    """Write JSON objects (or raw byte lines) as a JSONL file."""

    def write(name: str, lines: list[Any]) -> Path:
        path = tmp_path / name
        with open(path, "wb") as fh:
            for line in lines:
                fh.write((line if isinstance(line, bytes) else orjson.dumps(line)) + b"\n")
        return path

    return write


def synthetic_capture(
    write_jsonl: Callable[..., Path],
    n_pages: int = 6,
    per_page: int = 5,
    name: str = "capture.jsonl",
) -> Path:
    """A twarc2 file of ``n_pages`` pages with ``per_page`` distinct tweets each."""
    pages = []
    for p in range(n_pages):
        tweets = [
            tweet(
                str(1_000_000 + p * 100 + i),
                f"@cible message {p}-{i} &amp; co",
                when=T0 + timedelta(minutes=p * 10 + i),
            )
            for i in range(per_page)
        ]
        pages.append(page(tweets))
    return write_jsonl(name, pages)
