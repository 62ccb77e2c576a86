"""Issue 9 item 16: one analyze run is one scoring and one log entry; stale findings say so;
`live` fails loudly when the webhook got nothing, and on a missing stream file."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest
from click.testing import CliRunner
from test_raid_live import raid_stream

from rempart.case import findings_json, ingest
from rempart.cli import main

from conftest import T0, page, tweet, user


def _raid_file(
    write_jsonl: Callable[..., Path], name: str = "raid.jsonl", first: int = 500
) -> Path:
    tweets = [
        tweet(
            str(first + i),
            "@cible t'es une conne" if i % 2 else "@cible crève",
            author=str(100 + i % 3),
            when=T0 + timedelta(minutes=i),
        )
        for i in range(8)
    ]
    return write_jsonl(name, [page(tweets, [user(str(100 + i), f"user{i}") for i in range(3)])])


def _kinds(case_path: Path) -> list[str]:
    from rempart.case import Case

    with Case.open(case_path) as case:
        return [
            orjson.loads(e.body).get("what") for e in case.store.entries() if e.kind == "analysis"
        ]


# --------------------------------------------------------------------------- analyze


def test_analyze_scores_once_and_writes_one_entry_per_run(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    ingest(fresh_case, [_raid_file(write_jsonl)])
    path = fresh_case.path
    result = CliRunner().invoke(main, ["analyze", "--no-encoder", "--case", str(path)])
    assert result.exit_code == 0, result.output
    assert "Scored 8 messages" in result.output
    assert _kinds(path) == ["classifier scores", "raid analysis"]
    # a second run with nothing new scores nothing and logs only the raid analysis
    result = CliRunner().invoke(main, ["analyze", "--no-encoder", "--case", str(path)])
    assert result.exit_code == 0, result.output
    assert _kinds(path) == ["classifier scores", "raid analysis", "raid analysis"]
    assert "\x1b" not in result.output  # no progress bar when not on a terminal


# --------------------------------------------------------------------------- staleness


def test_findings_say_they_are_stale_after_an_import(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    ingest(fresh_case, [_raid_file(write_jsonl)])
    path = str(fresh_case.path)
    assert CliRunner().invoke(main, ["analyze", "--no-encoder", "--case", path]).exit_code == 0
    fresh = findings_json(fresh_case)["freshness"]
    assert fresh["stale"] is False
    assert fresh["computed_at_log_size"] == fresh_case.store.log_head()[0]
    text = CliRunner().invoke(main, ["findings", "--case", path]).output
    assert "STALE" not in text

    ingest(fresh_case, [_raid_file(write_jsonl, "more.jsonl", first=900)])
    data = orjson.loads(CliRunner().invoke(main, ["findings", "--json", "--case", path]).output)
    assert data["freshness"]["stale"] is True and data["freshness"]["new_records"] == 1
    assert "--rerun" in data["freshness"]["advice"]
    text = CliRunner().invoke(main, ["findings", "--case", path]).output
    assert text.startswith("STALE: ") and "new record" in text and "--rerun" in text

    rerun = CliRunner().invoke(main, ["findings", "--rerun", "--json", "--case", path])
    assert orjson.loads(rerun.output)["freshness"]["stale"] is False


# --------------------------------------------------------------------------- live


class _Failing(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.posts += 1  # type: ignore[attr-defined]
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def failing_server() -> Iterator[Any]:
    server: Any = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    server.posts = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield server
    server.shutdown()
    server.server_close()


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/hook"


@pytest.fixture(scope="module")
def stream_file(tmp_path_factory: Any) -> Path:
    """A twarc2 filtered-stream file (one tweet a line) holding a baseline, then a raid."""
    msgs, _ = raid_stream(3, per_day=200, days=3.0, per_second=0.5, raid_minutes=60)
    path = Path(tmp_path_factory.mktemp("live")) / "stream.jsonl"
    with open(path, "wb") as fh:
        for m in msgs:
            assert m.created_at is not None
            mention = {"start": 0, "end": 6, "username": "cible", "id": "1"}
            line = page(
                [
                    tweet(
                        m.id,
                        m.text or "",
                        author=m.author_id or "9",
                        when=m.created_at,
                        entities={"mentions": [mention]},
                    )
                ],
                [user(m.author_id or "9", "compte")],
            )
            line["data"] = line["data"][0]
            fh.write(orjson.dumps(line) + b"\n")
    return path


def _live(case: Any, stream: Path | str, url: str) -> Any:
    return CliRunner().invoke(
        main,
        ["live", "--no-score", "--case", str(case.path), str(stream), "--webhook", url],
        env={"REMPART_WEBHOOK_RETRIES": "0"},
    )


def test_live_exits_non_zero_when_the_webhook_answers_500(
    fresh_case: Any, stream_file: Path, failing_server: Any
) -> None:
    result = _live(fresh_case, stream_file, failing_server.url)
    alerts = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert alerts and failing_server.posts == len(alerts)
    assert result.exit_code == 1
    assert f"{len(alerts)} of {len(alerts)} alert(s) were not delivered" in result.stderr
    assert "Traceback" not in result.output


def test_live_exits_non_zero_when_the_webhook_port_is_closed(
    fresh_case: Any, stream_file: Path
) -> None:
    result = _live(fresh_case, stream_file, _closed_port_url())
    assert result.exit_code == 1
    assert "were not delivered to the webhook" in result.stderr


def test_live_on_a_missing_file_is_one_clear_line(fresh_case: Any, tmp_path: Path) -> None:
    result = _live(fresh_case, tmp_path / "nope.jsonl", _closed_port_url())
    assert result.exit_code == 1
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    [line] = result.stderr.strip().splitlines()
    assert "nope.jsonl" in line and "cannot read the stream" in line


def test_demo_scores_once(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["demo", str(tmp_path / "demo")])
    assert out.exit_code == 0, out.output
    assert _kinds(tmp_path / "demo") == ["classifier scores", "raid analysis"]
