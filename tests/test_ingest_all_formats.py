"""Every fixture of every format, auto-detected into one case, re-derives exactly on verify."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rempart.case import ingest, verify
from rempart.models import AUDIENCES

from conftest import FIXTURES
from conftest import plain_messages as messages


def test_all_fixtures_ingest_detect_and_verify(fresh_case: Any) -> None:
    folders = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    report = ingest(fresh_case, folders)
    formats = Counter(f.format for f in report.files if not f.skipped)
    for name in (
        "twarc2",
        "twitter-v1",
        "twitter-archive",
        "mastodon",
        "mastodon-sse",
        "bluesky",
        "twilio",
        "vonage",
        "csv",
    ):
        assert formats[name] > 0, f"no fixture detected as {name}"
    # every fixture folder is named after its format family; detection must agree
    family = {
        "twarc2": "twarc2",
        "twitter_v1": "twitter-v1",
        "twitter_archive": "twitter-archive",
        "twitter_archive_old": "twitter-archive",
        "mastodon": "mastodon",
        "mastodon_sse": "mastodon-sse",
        "bluesky": "bluesky",
        "twilio": "twilio",
        "vonage": "vonage",
        "csv": "csv",
    }
    for f in report.files:
        folder = next(p.name for p in folders if f.path.startswith(str(p) + "/"))
        if not f.skipped and folder in family:
            assert f.format == family[folder], (f.path, f.format)
    assert report.rejects, "the fixtures include malformed records"
    for note in report.rejects:
        assert note.path and note.reason
    platforms = Counter(m.platform for m in messages(fresh_case))
    assert {"x", "mastodon", "bluesky", "sms"} <= set(platforms)
    for m in messages(fresh_case, include_referenced=True):
        assert isinstance(m.id, str) and m.id
        assert m.audience in AUDIENCES
        assert m.created_at is None or m.created_at.tzinfo is not None
    result = verify(fresh_case)
    assert result.ok, [str(p) for p in result.problems[:5]]
    assert result.replayed and result.messages == fresh_case.store.counts()["messages"]
    again = ingest(fresh_case, folders)
    assert again.new_records == 0 and not again.rejects
