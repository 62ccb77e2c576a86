"""Live mode: incremental detection, alert latency, JSON lines, webhook delivery, twarc2 input.

Streams are synthetic (invented accounts around ``@cible``) with daily cycles; webhooks go to
real HTTP servers on 127.0.0.1 run in threads.
"""

from __future__ import annotations

import io
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.episodes import significant
from rempart.analysis.raid.live import (
    ALERT_KINDS,
    Alert,
    LiveDetector,
    WebhookSender,
    classifier_score_fn,
    read_twarc2,
    run_live,
    run_live_file,
)
from rempart.models import Account, Mention, Message

from conftest import page, tweet, user

T0 = datetime(2026, 2, 2, tzinfo=UTC)  # a Monday
WINDOW = 1800.0


def cyclic_times(
    rng: np.random.Generator, days: float, per_day: float, start: float = T0.timestamp()
) -> np.ndarray:
    """Baseline times with a strong daily cycle (quiet nights, busy evenings)."""
    out = []
    for h in range(int(days * 24)):
        lam = per_day / 24 * (1 + 0.85 * np.sin(2 * np.pi * (h % 24 - 13) / 24))
        out.append(start + h * 3600 + rng.uniform(0, 3600, rng.poisson(lam)))
    return np.sort(np.concatenate(out))


def messages(times: np.ndarray, text: str, prefix: str, authors: int = 300) -> list[Message]:
    return [
        Message(
            "x",
            f"{prefix}{i}",
            text=text,
            created_at=datetime.fromtimestamp(float(t), UTC),
            author_id=f"{prefix}a{i % authors}",
            author_handle=f"{prefix}_{i % authors}",
            mentions=(Mention("cible", "1"),),
        )
        for i, t in enumerate(times)
    ]


def stream(*parts: list[Message]) -> list[Message]:
    return sorted((m for p in parts for m in p), key=lambda m: m.created_at or T0)


def raid_stream(
    seed: int,
    per_day: float = 200,
    days: float = 3.0,
    raid_hour: float = 14.5,
    per_second: float = 0.5,
    raid_minutes: float = 90,
) -> tuple[list[Message], float]:
    """Baseline for ``days``, then a sharp raid at ``per_second`` messages a second."""
    rng = np.random.default_rng(seed)
    base = messages(cyclic_times(rng, days + 1, per_day), "@cible bonne journée", "b")
    start = T0.timestamp() + days * 86400 + raid_hour * 3600
    n = int(per_second * raid_minutes * 60)
    raid = messages(
        start + np.sort(rng.uniform(0, raid_minutes * 60, n)), "@cible dégage", "r", authors=150
    )
    return stream(base, raid), start


def hostile_scorer(calls: list[int]) -> Any:
    def score(texts: list[str]) -> list[float]:
        calls.append(len(texts))
        return [0.9 if "dégage" in t else 0.05 for t in texts]

    return score


def feed_all(det: LiveDetector, msgs: list[Message]) -> list[Alert]:
    alerts: list[Alert] = []
    for m in msgs:
        alerts.extend(det.feed(m))
    return alerts + det.close()


# ------------------------------------------------------------------------------ detection


@pytest.mark.parametrize(
    ("seed", "per_day", "hour", "per_second"),
    [(0, 200, 14.5, 0.5), (1, 40, 4.2, 0.5), (2, 1500, 20.0, 3.0)],
)
def test_alert_comes_within_60_seconds_of_the_crossing(
    seed: int, per_day: float, hour: float, per_second: float
) -> None:
    """Sharp raids, fast enough to pass the threshold (4 times the usual) within a minute."""
    msgs, start = raid_stream(seed, per_day, raid_hour=hour, per_second=per_second, raid_minutes=30)
    det = LiveDetector(["cible"])
    alerts = feed_all(det, msgs)
    first = [a for a in alerts if a.kind == "raid-start"]
    assert len(first) == 1
    alert = first[0]
    assert alert.at - alert.crossing <= 60
    assert 0 <= alert.at - start <= 60  # sharp raid: the rate crossed as soon as it began
    assert abs(alert.start - start) <= 5 * 60
    # Recompute the criterion over the stream: no earlier message had crossed it.
    aimed = np.array([m.created_at.timestamp() for m in msgs if m.created_at])
    for t in aimed[(aimed >= start - 3600) & (aimed < alert.at - 60)]:
        count = int(((aimed > t - WINDOW) & (aimed <= t)).sum())
        assert not significant(
            count, det.expected(t - WINDOW, t), det.params, det.baseline.dispersion
        )


@pytest.mark.parametrize(("seed", "per_day", "days"), [(3, 200, 7), (4, 3000, 4), (5, 6, 10)])
def test_no_alert_on_a_baseline_with_daily_cycles(seed: int, per_day: float, days: float) -> None:
    rng = np.random.default_rng(seed)
    msgs = messages(cyclic_times(rng, days, per_day), "@cible salut", "b")
    det = LiveDetector(["cible"])
    assert feed_all(det, msgs) == []
    assert det.warm and det.aimed == len(msgs)


def test_warm_up_keeps_quiet_then_history_lets_it_alert_at_once(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    start = T0.timestamp() + 5 * 3600
    raid = messages(start + np.sort(rng.uniform(0, 3600, 1800)), "@cible dégage", "r")
    base = messages(cyclic_times(rng, 1, 200), "@cible salut", "b")
    assert feed_all(LiveDetector(["cible"]), stream(base, raid)) == []  # still warming up

    history_msgs = messages(cyclic_times(rng, 7, 200, T0.timestamp() - 7 * 86400), "@cible", "h")
    history = Corpus.build(history_msgs, [Account("x", "1", handle="cible")], [], None, ["cible"])
    det = LiveDetector(["cible"], history=history)
    assert det.warm
    alerts = feed_all(det, stream(base, raid))
    assert [a.kind for a in alerts][0] == "raid-start"
    assert 0 <= alerts[0].at - start <= 60


def test_alert_sequence_scores_and_json() -> None:
    msgs, start = raid_stream(7, per_second=0.4, raid_minutes=120)
    calls: list[int] = []
    det = LiveDetector(["cible"], score_fn=hostile_scorer(calls), score_batch=100)
    alerts = feed_all(det, msgs)
    kinds = [a.kind for a in alerts]
    assert kinds[0] == "raid-start" and kinds[-1] == "episode-end"
    assert set(kinds[1:-1]) == {"episode-update"}
    assert kinds.count("episode-update") >= 4  # every 15 minutes of a 2-hour raid
    end = alerts[-1]
    assert end.end is not None and abs(end.end - (start + 7200)) <= 15 * 60
    assert end.reason == "back to the usual rate"
    assert end.messages >= 2800 and end.scored == end.messages
    assert end.hostile_share is not None and end.hostile_share > 0.95
    assert max(calls) <= 100 or calls[0] > 100  # batches (the first holds the start's backlog)
    assert len(calls) < end.messages / 50
    assert alerts[0].ratio > 4 and alerts[0].baseline_per_hour > 0
    for alert in alerts:
        data = json.loads(json.dumps(alert.to_json()))
        assert data["kind"] in ALERT_KINDS and data["target"] == "cible"
        assert data["crossing"].endswith("Z") and data["sample_ids"]
        assert all(isinstance(i, str) for i in data["sample_ids"])


def test_tick_ends_an_episode_when_the_stream_goes_silent() -> None:
    msgs, start = raid_stream(10, per_second=0.5, raid_minutes=20)
    det = LiveDetector(["cible"])
    cut = start + 20 * 60
    alerts = [
        a for m in msgs if m.created_at and m.created_at.timestamp() < cut for a in det.feed(m)
    ]
    assert [a.kind for a in alerts] == ["raid-start", "episode-update"]
    assert det.tick(cut + 600) == []
    ended = det.tick(cut + 2 * 3600)
    assert [a.kind for a in ended] == ["episode-end"]
    assert ended[0].end is not None and abs(ended[0].end - cut) <= 120
    assert det.close() == []


def test_shipped_classifier_gives_the_hostile_share() -> None:
    msgs, _ = raid_stream(11, per_second=0.5, raid_minutes=30)
    out = io.StringIO()
    run_live(msgs, ["cible"], out, score_fn=classifier_score_fn())
    alerts = [json.loads(line) for line in out.getvalue().splitlines()]
    assert alerts[0]["kind"] == "raid-start" and alerts[0]["scored"] == alerts[0]["messages"]
    assert alerts[-1]["hostile_share"] > 0.8


def test_what_counts_as_aimed() -> None:
    det = LiveDetector(["@Cible"])
    when = T0
    own = Message("x", "p1", text="mon post", created_at=when, author_id="1", author_handle="cible")
    assert det.hits(own) is None
    det.feed(own)  # learns the target's id and post
    reply = Message("x", "c1", text="réponse", created_at=when, author_id="9", reply_to_id="p1")
    quote = Message("x", "c2", text="regardez", created_at=when, author_id="9", quoted_id="p1")
    to_user = Message(
        "x",
        "c3",
        text="toi",
        created_at=when,
        author_id="9",
        reply_to_author_id="1",
        reply_to_id="zz",
    )
    mention = Message(
        "x", "c4", text="@CIBLE", created_at=when, author_id="9", mentions=(Mention("@CIBLE"),)
    )
    other = Message(
        "x", "c5", text="rien", created_at=when, author_id="9", mentions=(Mention("quelquun"),)
    )
    assert det.hits(reply) == [] and det.hits(quote) == [] and det.hits(to_user) == []
    assert det.hits(mention) == ["cible"]
    assert det.hits(other) is None


# ------------------------------------------------------------------------------ webhook


class _Recorder(BaseHTTPRequestHandler):
    """Records POSTed JSON bodies; fails the first ``server.fail_first`` requests."""

    def do_POST(self) -> None:  # noqa: N802  (http.server's naming)
        server: Any = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server.gate.wait(10)
        with server.lock:
            server.requests += 1
            failing = server.requests <= server.fail_first
            if not failing:
                server.bodies.append(json.loads(body))
        self.send_response(500 if failing else 204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[Any]:
    server: Any = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.bodies, server.requests, server.fail_first = [], 0, 0
    server.lock, server.gate = threading.Lock(), threading.Event()
    server.gate.set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield server
    server.gate.set()
    server.shutdown()
    server.server_close()


def test_webhook_delivers_every_alert(http_server: Any) -> None:
    sender = WebhookSender(http_server.url, timeout=5, retries=2, backoff=0.01)
    payloads = [{"kind": "raid-start", "n": i, "text": "<script>\u202e"} for i in range(5)]
    for p in payloads:
        assert sender.send(p)
    sender.close()
    assert sender.sent == 5 and sender.failed == 0 and sender.dropped == 0
    assert sorted(b["n"] for b in http_server.bodies) == list(range(5))
    assert http_server.bodies[0]["text"] == "<script>\u202e"


def test_webhook_retries_a_server_that_fails_twice(http_server: Any) -> None:
    http_server.fail_first = 2
    sender = WebhookSender(http_server.url, timeout=5, retries=3, backoff=0.01)
    sender.send({"kind": "raid-start"})
    sender.close()
    assert sender.sent == 1 and sender.failed == 0 and sender.attempts == 3
    assert http_server.bodies == [{"kind": "raid-start"}]


def test_webhook_down_counts_failures_and_never_blocks() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sender = WebhookSender(f"http://127.0.0.1:{port}/hook", timeout=2, retries=1, backoff=0.01)
    msgs, _ = raid_stream(8, per_second=0.5, raid_minutes=60)
    out = io.StringIO()
    summary = run_live(msgs, ["cible"], out, sender=sender)
    alerts = [json.loads(line) for line in out.getvalue().splitlines()]
    assert alerts and summary.webhook_failed == len(alerts) and summary.webhook_sent == 0
    assert sender.attempts == 2 * len(alerts)


def test_webhook_send_returns_while_delivery_hangs_and_full_queue_is_counted(
    http_server: Any,
) -> None:
    http_server.gate.clear()  # the server holds every request until released
    sender = WebhookSender(http_server.url, timeout=10, retries=0, queue_size=1)
    results = [sender.send({"n": i}) for i in range(4)]
    assert sender.sent == 0 and sender.pending >= 1  # send() came back, delivery still waits
    assert results.count(False) == sender.dropped >= 2
    http_server.gate.set()
    sender.close()
    assert sender.sent + sender.failed + sender.dropped == 4 and sender.sent >= 1


def test_webhook_close_counts_what_it_could_not_deliver(http_server: Any) -> None:
    http_server.gate.clear()
    sender = WebhookSender(http_server.url, timeout=10, retries=0)
    for i in range(3):
        sender.send({"n": i})
    sender.close(timeout=0.2)
    assert sender.abandoned == 3 and sender.sent == 0
    http_server.gate.set()


def test_webhook_refuses_non_http_urls() -> None:
    with pytest.raises(ValueError, match="http"):
        WebhookSender("file:///etc/passwd")


# ------------------------------------------------------------------------------ running


def test_run_live_writes_json_lines_and_posts_them(http_server: Any) -> None:
    msgs, _ = raid_stream(9, per_second=0.5, raid_minutes=60)
    out = io.StringIO()
    summary = run_live(msgs, ["cible"], out, webhook=http_server.url)
    lines = out.getvalue().splitlines()
    alerts = [json.loads(line) for line in lines]
    assert [a["kind"] for a in alerts][0] == "raid-start"
    assert alerts[-1]["kind"] == "episode-end"
    assert summary.alerts["raid-start"] == 1 and sum(summary.alerts.values()) == len(lines)
    assert summary.messages == len(msgs) and summary.aimed == len(msgs)
    assert summary.webhook_sent == len(lines)
    assert sorted(http_server.bodies, key=json.dumps) == sorted(alerts, key=json.dumps)
    json.dumps(summary.to_json())


def _stream_line(tid: str, text: str, when: datetime, author: str, **extra: Any) -> dict:
    line = page(
        [tweet(tid, text, author=author, when=when, **extra)],
        [user(author, f"compte{author}"), user("1", "cible")],
    )
    line["data"] = line["data"][0]  # a filtered-stream line holds one tweet
    line["matching_rules"] = [{"id": "7", "tag": "cible"}]
    return line


def test_twarc2_stream_is_read_line_by_line(tmp_path: Path, write_jsonl: Any) -> None:
    """Replies without a mention under a target's post count; bad lines are skipped."""
    when = T0 + timedelta(days=2)
    target_post = tweet("500", "mon billet", author="1", when=when)
    lines: list[Any] = [page([target_post], [user("1", "cible")])]
    nasty = "<script>alert(1)</script>\u202e\x00" + "é" * 5000
    for i in range(40):
        lines.append(
            _stream_line(
                str(1000 + i),
                nasty,
                when + timedelta(seconds=20 * i),
                str(200 + i % 9),
                referenced_tweets=[{"type": "replied_to", "id": "500"}],
            )
        )
    lines.insert(5, b'{"data": {"id": "broken"')
    lines.insert(9, b"\xff\xfe not json")
    path = write_jsonl("stream.jsonl", lines)
    errors: list[Any] = []
    with open(path, "rb") as fh:
        msgs = list(read_twarc2(fh, str(path), errors=errors))
    assert len(errors) == 2 and {e.line for e in errors} == {6, 10}
    primary = [m for m in msgs if m.captured_as == "primary"]
    assert len(primary) == 41 and primary[1].text.startswith("<script>")
    det = LiveDetector(["cible"])
    for m in msgs:
        det.feed(m)
    assert det.aimed == 40  # replies to the target's post, none of them mentions it
    out = io.StringIO()
    summary = run_live_file(str(path), ["cible"], out)
    assert summary.messages == 41 and summary.aimed == 40 and out.getvalue() == ""
