"""Issue 9 item 10: a reject's advice works. A file whose records were rejected (or that was
rejected whole) is read again when imported with ``--format NAME``; importing a file the same
way again still adds nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
from click.testing import CliRunner

from rempart import case as api
from rempart.case import Case
from rempart.cli import main
from rempart.storage import SQLiteStore, migrations

from conftest import plain_messages

FIXTURES = Path(__file__).parent / "fixtures"

#: Vonage inbound SMS as JSON lines (synthetic), read first with the wrong format.
SMS = [
    {
        "msisdn": "447700900101",
        "to": "447700900000",
        "messageId": "0A00000009990001",
        "text": "you will regret it",
        "type": "text",
        "message-timestamp": "2026-02-20 09:00:00",
    },
    {
        "msisdn": "447700900102",
        "to": "447700900000",
        "messageId": "0A00000009990002",
        "text": "we know where you live",
        "type": "text",
        "message-timestamp": "2026-02-20 09:01:00",
    },
]


def _sms_file(tmp_path: Path) -> Path:
    path = tmp_path / "inbound.jsonl"
    path.write_bytes(b"".join(orjson.dumps(m) + b"\n" for m in SMS))
    return path


def test_rejected_records_are_read_again_with_the_right_format(
    tmp_path: Path, fresh_case: Case
) -> None:
    path = _sms_file(tmp_path)
    wrong = api.ingest(fresh_case, [path], format="twarc2")
    assert wrong.new_records == 0 and len(wrong.rejects) == 2
    right = api.ingest(fresh_case, [path], format="vonage")
    assert right.new_records == 2 and not right.rejects
    assert {m.text for m in plain_messages(fresh_case)} == {t["text"] for t in SMS}
    again = api.ingest(fresh_case, [path], format="vonage")  # the same way again: nothing
    assert again.new_records == 0 and again.known_records == 2 and not again.rejects
    auto = api.ingest(fresh_case, [path])  # detected as vonage: already read
    assert auto.new_records == 0 and auto.known_records == 2
    twice = api.ingest(fresh_case, [path], format="twarc2")  # the old mistake: already tried
    assert twice.new_records == 0 and not twice.rejects
    rejects = list(api.rejects(fresh_case))
    assert len(rejects) == 2 and all(r.read_again and r.format == "twarc2" for r in rejects)
    report = api.verify(fresh_case)
    assert report.ok, report.problems
    assert report.records == 2 and report.rejects == 2


def test_a_file_rejected_whole_is_read_with_format(tmp_path: Path, fresh_case: Case) -> None:
    """An unrecognised file named explicitly is kept whole; ``--format`` then reads it."""
    path = tmp_path / "status.txt"
    status = orjson.loads((FIXTURES / "mastodon/statuses.json").read_bytes())[0]
    path.write_bytes(orjson.dumps(status))  # one document, no trailing newline
    first = api.ingest(fresh_case, [path], format="vonage")
    assert first.new_records == 0 and len(first.rejects) == 1
    second = api.ingest(fresh_case, [path], format="mastodon")
    assert second.new_records == 1, [n.reason for n in second.rejects]
    assert [m.platform for m in plain_messages(fresh_case)] == ["mastodon"]
    assert api.verify(fresh_case).ok


def test_cli_follows_the_reject_advice(tmp_path: Path) -> None:
    case = tmp_path / "case"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(case), "--target", "@cible"]).exit_code == 0
    path = _sms_file(tmp_path)
    out = runner.invoke(main, ["ingest", "--case", str(case), "--format", "twarc2", str(path)])
    assert out.exit_code == 0 and "2 rejected" in out.output
    out = runner.invoke(main, ["ingest", "--case", str(case), "--format", "vonage", str(path)])
    assert out.exit_code == 0, out.output
    assert "2 new records, 0 already captured, 0 rejected" in out.output
    out = runner.invoke(main, ["ingest", "--case", str(case), "--format", "vonage", str(path)])
    assert "0 new records, 2 already captured, 0 rejected" in out.output
    out = runner.invoke(main, ["rejects", "--case", str(case)])
    assert out.output.count("read again since as a record") == 2
    out = runner.invoke(main, ["verify", "--case", str(case)])
    assert out.exit_code == 0, out.output


def test_a_case_made_before_is_migrated(tmp_path: Path) -> None:
    """A database made before keeps its records; their hash is indexed, no longer unique."""
    db_path = tmp_path / "old.db"
    old = sqlite3.connect(db_path, isolation_level=None)
    done = set()
    for name, fn in migrations.MIGRATIONS:
        if name == "0007_rereadable_rejects":
            break
        fn(old)
        done.add(name)
    old.execute("create table _migrations (name text primary key, applied_at text not null)")
    old.executemany("insert into _migrations values (?, '2026-01-01')", [(n,) for n in done])
    old.execute("insert into sources values (1, 'f', 'aa', 1, '2026-01-01')")
    old.execute("insert into captures (id, info) values (1, '{}')")
    old.execute(
        "insert into records values (1, 'bb', x'01', 'twarc2', 1, 1, 1, 0, null, null, "
        "'2026-01-01', 'system', 'bad')"
    )
    old.close()
    store = SQLiteStore(db_path)
    (rec,) = list(store.records())
    assert (rec.seq, rec.sha256, rec.raw, rec.reject_reason) == (1, "bb", b"\x01", "bad")
    schema = store.db.execute("select sql from sqlite_master where name = 'records'").fetchone()
    assert "unique" not in schema[0].lower()
    indexes = {
        r[0]
        for r in store.db.execute(
            "select name from sqlite_master where type = 'index' and tbl_name = 'records'"
        )
    }
    assert {"records_sha", "records_rejects"} <= indexes
    assert store.rejected_records(["bb"]) == {"bb": {("twarc2", None)}}
    store.close()
