"""Live mode: the episode detector run message by message, raising alerts as it goes.

:class:`LiveDetector` reads messages in time order (a twarc2 filtered stream, for instance),
decides itself which are aimed at a target (mentions, replies to or quotes of a target's
posts), keeps the same hour-of-day / day-of-week baseline as :mod:`.episodes` (seeded from a
case's history, else learnt from the stream after a warm-up), and raises an :class:`Alert`
on the very message that makes the 30-minute count cross the burst threshold, then updates
while the episode lasts and a last alert when the rate is back near the usual for an hour.
Alerts go to a text stream as JSON lines and, through :class:`WebhookSender`, to a URL.

Example::

    with open_input("-") as fh:
        summary = run_live(read_twarc2(fh), ["cible"], sys.stdout,
                           webhook="https://alerts.example.invalid/hook")
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import sys
import threading
import time
import urllib.error
import urllib.request
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

import numpy as np

from ...alerts import AlertSink, StreamSink
from ...errors import ParseError, SourceError
from ...models import Message
from ...sources.base import ParseContext
from ...sources.twitter import Twarc2Source
from .corpus import Corpus, handle_key
from .episodes import (
    DEFAULT,
    HOUR,
    Baseline,
    EpisodeParams,
    cusum_end,
    cusum_start,
    elevated,
    fit_baseline,
    hourly_history,
    significant,
    start_ratio,
)
from .types import iso_utc

log = logging.getLogger("rempart.live")

#: Texts in, abusive probabilities out (one per text).
ScoreFn = Callable[[list[str]], Sequence[float]]

ALERT_KINDS = ("raid-start", "episode-update", "episode-end")
_SAMPLE = 5
_GAP = 6 * HOUR  # no message at all for this long: the capture was off, not the target quiet


@dataclass
class Alert:
    """One live alert: an episode starts, goes on, or ends.

    ``at`` is the time of the message that raised it; ``crossing`` when the 30-minute rate
    crossed the burst threshold; ``start`` where the burst really began (the rate leaving
    its baseline). Rates are messages per hour; ``hostile_share`` is None without scoring.
    """

    kind: str
    target: str
    at: float
    crossing: float
    start: float
    rate_per_hour: float
    baseline_per_hour: float
    ratio: float
    messages: int
    authors: int
    hostile_share: float | None
    scored: int
    sample_ids: list[str]
    peak: float | None = None
    end: float | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "at": iso_utc(self.at),
            "crossing": iso_utc(self.crossing),
            "start": iso_utc(self.start),
            "peak": iso_utc(self.peak),
            "end": iso_utc(self.end),
            "rate_per_hour": round(self.rate_per_hour, 2),
            "baseline_per_hour": round(self.baseline_per_hour, 3),
            "ratio": round(self.ratio, 2),
            "messages": self.messages,
            "authors": self.authors,
            "hostile_share": (None if self.hostile_share is None else round(self.hostile_share, 3)),
            "scored": self.scored,
            "sample_ids": list(self.sample_ids),
            "reason": self.reason,
        }


# ------------------------------------------------------------------------------ state


class _Window:
    """Recent aimed messages (times never decreasing), trimmed from the front."""

    def __init__(self) -> None:
        self.t: list[float] = []
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.authors: list[str] = []
        self.hits: list[list[str]] = []
        self.head = 0

    def add(self, t: float, mid: str, text: str, author: str, hits: list[str]) -> None:
        self.t.append(t)
        self.ids.append(mid)
        self.texts.append(text)
        self.authors.append(author)
        self.hits.append(hits)

    def count_since(self, t0: float) -> int:
        """Messages strictly after ``t0``."""
        return len(self.t) - bisect_right(self.t, t0, lo=self.head)

    def index_from(self, t0: float) -> int:
        return bisect_left(self.t, t0, lo=self.head)

    def trim(self, t0: float) -> None:
        """Forget messages before ``t0`` (compacting the lists now and then)."""
        self.head = self.index_from(t0)
        if self.head > 4096 and self.head > len(self.t) // 2:
            for name in ("t", "ids", "texts", "authors", "hits"):
                setattr(self, name, getattr(self, name)[self.head :])
            self.head = 0


@dataclass
class _Episode:
    """The episode under way."""

    crossing: float
    start: float
    times: list[float] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    authors: set[str] = field(default_factory=set)
    hits: Counter[str] = field(default_factory=Counter)
    pending: list[str] = field(default_factory=list)  # texts waiting to be scored
    hostile: int = 0
    scored: int = 0
    last_elevated: float = 0.0
    last_update: float = 0.0
    peak: float = 0.0
    peak_count: int = 0

    def add(self, t: float, mid: str, text: str, author: str, hits: Iterable[str]) -> None:
        self.times.append(t)
        self.ids.append(mid)
        self.authors.add(author)
        self.hits.update(hits)
        self.pending.append(text)


# ------------------------------------------------------------------------------ detector


class LiveDetector:
    """The episode detector, incremental: ``feed`` each message in time order.

    ``history`` (a case's :class:`Corpus`) seeds the baseline; without it the detector learns
    from the stream and stays silent for ``warmup_hours``. ``score_fn`` (texts -> abusive
    probabilities) gives the hostile share, scoring in batches of ``score_batch`` and before
    each alert; leave it out to skip scoring.
    """

    def __init__(
        self,
        targets: Iterable[str],
        history: Corpus | None = None,
        params: EpisodeParams = DEFAULT,
        score_fn: ScoreFn | None = None,
        threshold: float = 0.4,
        warmup_hours: float = 48.0,
        update_every: float = 900.0,
        quiet_for: float = HOUR,
        score_batch: int = 256,
        history_days: int = 28,
    ) -> None:
        self.targets = {handle_key(t) for t in targets}
        self.params, self.score_fn, self.threshold = params, score_fn, threshold
        self.warmup_hours, self.update_every, self.quiet_for = (
            warmup_hours,
            update_every,
            quiet_for,
        )
        self.score_batch, self.history_days = score_batch, history_days
        self.target_ids: set[str] = set()
        self.target_posts: set[str] = set()
        self.cells: dict[int, float] = {}  # hour number -> aimed messages
        self.burst_hours: set[int] = set()
        self.baseline = Baseline(np.full(24, 1.0 / 24))
        self.now = -np.inf
        self.hour: int | None = None
        self.window = _Window()
        self.episode: _Episode | None = None
        self.messages = self.aimed = self.score_errors = 0
        self._normal = 0  # normal hours behind the current baseline
        self._rates: dict[int, float] = {}
        if history is not None:
            self._seed(history)

    # -------------------------------------------------------------------- public
    def feed(self, msg: Message) -> list[Alert]:
        """Take one message; return the alerts it raises (usually none)."""
        self._learn(msg)
        if msg.captured_as != "primary" or msg.created_at is None:
            return []
        self.messages += 1
        t = max(msg.created_at.timestamp(), self.now)
        alerts = self._advance(t)
        hits = self.hits(msg)
        if hits is None:
            return alerts
        self.aimed += 1
        self.cells[self._hour(t)] = self.cells.get(self._hour(t), 0.0) + 1
        author = msg.author_id or msg.author_handle or ""
        self.window.add(t, msg.id, msg.text or "", author, hits)
        self.window.trim(t - self.params.lookaround - HOUR)
        if self.episode is None:
            alerts.extend(self._maybe_start(t))
        else:
            self.episode.add(t, msg.id, msg.text or "", author, hits)
            alerts.extend(self._go_on(t))
        return alerts

    def tick(self, now: float) -> list[Alert]:
        """Let message time pass without a message (ends an episode gone quiet)."""
        return self._advance(max(now, self.now))

    def close(self) -> list[Alert]:
        """End of the stream: close the episode under way, if any."""
        if self.episode is None:
            return []
        return [self._end(self.now, "end of stream")]

    def hits(self, msg: Message) -> list[str] | None:
        """The targets ``msg`` is aimed at (possibly none named), or None when not aimed."""
        if self._by_target(msg):
            return None
        named = [h for m in msg.mentions if (h := handle_key(m.handle)) in self.targets]
        if named or msg.reply_to_author_id in self.target_ids:
            return named
        if msg.reply_to_id in self.target_posts or msg.quoted_id in self.target_posts:
            return named
        return None

    def expected(self, t0: float, t1: float) -> float:
        """Expected aimed messages between ``t0`` and ``t1`` under the current baseline."""
        total, h = 0.0, int(t0 // HOUR)
        while h * HOUR < t1:
            span = min((h + 1) * HOUR, t1) - max(h * HOUR, t0)
            total += self._rate_of_hour(h) * span / HOUR
            h += 1
        return total

    def _rate_of_hour(self, hour: int) -> float:
        """Expected messages in hour number ``hour`` (cached until the next refit)."""
        rate = self._rates.get(hour)
        if rate is None:
            rate = self._rates[hour] = float(self.baseline.per_hour(hour * HOUR)[()])
        return rate

    @property
    def warm(self) -> bool:
        """Whether enough normal hours were seen to trust the baseline (as of the last hour)."""
        return self._normal >= self.warmup_hours

    # -------------------------------------------------------------------- learning
    def _seed(self, history: Corpus) -> None:
        self.target_ids |= history.target_ids()
        self.target_posts |= {
            history.ids[r]
            for r in range(len(history))
            if int(history.author[r]) in history.target_accounts
        }
        first, counts, bursts = hourly_history(history.t[history.aimed], self.params)
        for i, c in enumerate(counts.tolist()):
            self.cells[first + i] = c
            if bursts[i]:
                self.burst_hours.add(first + i)
        self._refit()

    def _learn(self, msg: Message) -> None:
        """Remember the targets' account ids and posts (replies to them are aimed)."""
        for m in msg.mentions:
            if m.id and handle_key(m.handle) in self.targets:
                self.target_ids.add(m.id)
        if self._by_target(msg):
            if msg.author_id:
                self.target_ids.add(msg.author_id)
            self.target_posts.add(msg.id)

    def _by_target(self, msg: Message) -> bool:
        return handle_key(msg.author_handle) in self.targets or (
            msg.author_id is not None and msg.author_id in self.target_ids
        )

    # -------------------------------------------------------------------- time
    def _hour(self, t: float) -> int:
        return int(t // HOUR)

    def _advance(self, t: float) -> list[Alert]:
        """Move the clock to ``t``: new hours enter the baseline; a quiet episode ends."""
        hour = self._hour(t)
        if self.hour is None or t - self.now > _GAP:
            self.hour = hour  # first message, or back after the capture was off
        while self.hour < hour:
            self.cells.setdefault(self.hour, 0.0)
            if self.episode is not None:
                self.burst_hours.add(self.hour)
            self.hour += 1
            if self.hour == hour:
                self._refit()
        self.now = t
        ep = self.episode
        if ep is not None and t - ep.last_elevated >= self.quiet_for:
            return [self._end(t, "back to the usual rate")]
        return []

    def _refit(self) -> None:
        """Fit the baseline to the normal hours of the last ``history_days`` (once an hour)."""
        latest = self.hour if self.hour is not None else max(self.cells, default=0) + 1
        oldest = latest - self.history_days * 24
        for h in [h for h in self.cells if h < oldest]:
            del self.cells[h]
        self.burst_hours = {h for h in self.burst_hours if h >= oldest - 1}
        hours = [h for h in self.cells if h < latest and h not in self.burst_hours]
        self._normal = len(hours)
        if not hours:
            return
        day0 = min(hours) // 24
        days = max(hours) // 24 - day0 + 1
        cells = np.zeros((days, 24))
        valid = np.zeros((days, 24), dtype=bool)
        for h in hours:
            d, k = divmod(h - day0 * 24, 24)
            cells[d, k] = self.cells[h]
            valid[d, k] = True
        self.baseline = fit_baseline(cells, valid, day0, trim=False)
        self._rates = {}

    # -------------------------------------------------------------------- episodes
    def _rate(self, t: float, seconds: float) -> tuple[int, float]:
        """Aimed messages over the last ``seconds`` and how many the baseline expects."""
        return self.window.count_since(t - seconds), self.expected(t - seconds, t)

    def _significant(self, count: int, expect: float) -> bool:
        p = self.params
        if count < p.min_count or count < p.min_ratio * expect:  # the usual case, cheaply
            return False
        return bool(significant(count, expect, p, self.baseline.dispersion))

    def _maybe_start(self, t: float) -> list[Alert]:
        if not self.warm:
            return []
        w = self.params.window_bins * 600.0
        count, expect = self._rate(t, w)
        if not self._significant(count, expect):
            return []
        win = self.window
        lo = win.index_from(t - self.params.lookaround - w)
        times = np.array(win.t[lo:])
        k = start_ratio(
            self._rate_of_hour(self._hour(float(times[0]))), count / max(expect, 1e-9), self.params
        )
        i0 = lo + cusum_start(times, self._cum_expected(times), k)
        ep = self.episode = _Episode(
            crossing=t, start=win.t[i0], last_elevated=t, last_update=t, peak=t, peak_count=count
        )
        for i in range(i0, len(win.t)):
            ep.add(win.t[i], win.ids[i], win.texts[i], win.authors[i], win.hits[i])
        return [self._alert("raid-start", t, count, expect, ep.ids[:_SAMPLE])]

    def _go_on(self, t: float) -> list[Alert]:
        ep = self.episode
        assert ep is not None
        w = self.params.window_bins * 600.0
        count, expect = self._rate(t, w)
        if count > ep.peak_count:
            ep.peak, ep.peak_count = t, count
        hourly, hourly_expect = self._rate(t, HOUR)
        if bool(elevated(hourly, hourly_expect, self.params)) or self._significant(count, expect):
            ep.last_elevated = t
        if len(ep.pending) >= self.score_batch:
            self._score(ep)
        if t - ep.last_update >= self.update_every:
            ep.last_update = t
            return [self._alert("episode-update", t, count, expect, ep.ids[-_SAMPLE:])]
        return []

    def _end(self, t: float, reason: str) -> Alert:
        """Close the episode: its end is where the rate fell back under twice the usual."""
        ep = self.episode
        assert ep is not None
        times = np.array(ep.times)
        ip = bisect_left(ep.times, ep.peak)
        ip = min(ip, len(times) - 1)
        end = float(
            times[
                ip
                + cusum_end(times[ip:], self._cum_expected(times[ip:]), self.params.elevated_ratio)
            ]
        )
        for h in range(self._hour(ep.start) - 1, self._hour(end) + 2):
            self.burst_hours.add(h)
        w = self.params.window_bins * 600.0
        count, expect = self._rate(t, w)
        alert = self._alert("episode-end", t, count, expect, ep.ids[:_SAMPLE])
        alert.end, alert.reason = end, reason
        self.episode = None
        self._refit()
        return alert

    def _cum_expected(self, times: np.ndarray) -> np.ndarray:
        """Expected aimed messages from ``times[0]`` to each time (rate at each step)."""
        if len(times) == 0:
            return np.zeros(0)
        rate = self.baseline.per_hour(times[:-1]) / HOUR
        return np.concatenate(([0.0], np.cumsum(rate * np.diff(times))))

    def _score(self, ep: _Episode) -> None:
        if self.score_fn is None or not ep.pending:
            ep.pending.clear()
            return
        texts, ep.pending = ep.pending, []
        try:
            scores = list(self.score_fn(texts))
        except Exception:  # noqa: BLE001  (a failing scorer must not stop the alerts)
            self.score_errors += 1
            log.warning(
                "scoring %d messages failed; hostile share left out", len(texts), exc_info=True
            )
            return
        ep.scored += len(scores)
        ep.hostile += sum(1 for s in scores if s >= self.threshold)

    def _alert(self, kind: str, t: float, count: int, expect: float, sample: list[str]) -> Alert:
        ep = self.episode
        assert ep is not None
        self._score(ep)
        per_hour = HOUR / (self.params.window_bins * 600.0)
        target = ep.hits.most_common(1)[0][0] if ep.hits else ",".join(sorted(self.targets))
        return Alert(
            kind=kind,
            target=target,
            at=t,
            crossing=ep.crossing,
            start=ep.start,
            rate_per_hour=count * per_hour,
            baseline_per_hour=expect * per_hour,
            ratio=count / max(expect, 1e-9),
            messages=len(ep.ids),
            authors=len(ep.authors),
            hostile_share=(ep.hostile / ep.scored if ep.scored else None),
            scored=ep.scored,
            sample_ids=list(sample),
            peak=ep.peak,
        )


# ------------------------------------------------------------------------------ webhook


class WebhookSender:
    """POSTs alerts as JSON to ``url`` from a background thread; never blocks the caller.

    ``send`` only queues (a full queue drops the alert, counted in ``dropped`` and logged);
    the thread retries ``retries`` times with exponential backoff from ``backoff`` seconds;
    an alert that still fails is counted in ``failed`` and logged. ``close`` sends what is
    queued, then stops the thread. Alerts are delivered one at a time, in order.
    """

    def __init__(
        self,
        url: str,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 1.0,
        queue_size: int = 1000,
    ) -> None:
        if not url.lower().startswith(("http://", "https://")):
            raise ValueError(f"webhook URL must start with http:// or https://: {url!r}")
        self.url, self.timeout, self.retries, self.backoff = url, timeout, retries, backoff
        self.sent = self.failed = self.dropped = self.attempts = self.abandoned = 0
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue(queue_size)
        self._lock = threading.Lock()
        self._pending = 0
        self._thread = threading.Thread(target=self._run, name="rempart-webhook", daemon=True)
        self._thread.start()

    @property
    def pending(self) -> int:
        """Alerts queued or being delivered."""
        with self._lock:
            return self._pending

    def send(self, payload: dict[str, Any]) -> bool:
        """Queue one alert; False (and counted) when the queue is full."""
        with self._lock:
            self._pending += 1
        try:
            self._queue.put_nowait(payload)
        except queue.Full:
            with self._lock:
                self._pending -= 1
                self.dropped += 1
            log.error("webhook queue full: alert dropped (%d so far)", self.dropped)
            return False
        return True

    def close(self, timeout: float | None = None) -> None:
        """Deliver what is queued (within ``timeout`` seconds if given), then stop.

        Alerts still undelivered when the time is up are counted in ``abandoned`` and logged.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with contextlib.suppress(queue.Full):
            self._queue.put(None, timeout=timeout)
        self._thread.join(None if deadline is None else max(deadline - time.monotonic(), 0.0))
        if self._thread.is_alive():
            self.abandoned = self.pending
            log.error("webhook: %d alerts not delivered before closing", self.abandoned)

    def _run(self) -> None:
        while True:
            payload = self._queue.get()
            if payload is None:
                return
            ok = self._deliver(json.dumps(payload, ensure_ascii=False).encode())
            with self._lock:
                self._pending -= 1
                if ok:
                    self.sent += 1
                else:
                    self.failed += 1

    def _deliver(self, body: bytes) -> bool:
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            with self._lock:
                self.attempts += 1
            try:
                request = urllib.request.Request(
                    self.url,
                    data=body,
                    method="POST",
                    headers={"Content-Type": "application/json", "User-Agent": "rempart-live"},
                )
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read()
                return True
            except urllib.error.HTTPError as exc:
                if 400 <= exc.code < 500 and exc.code not in (408, 429):
                    log.error("webhook refused the alert (HTTP %d); not retried", exc.code)
                    return False
                log.warning("webhook answered HTTP %d (attempt %d)", exc.code, attempt + 1)
            except (OSError, ValueError) as exc:
                log.warning("webhook unreachable (attempt %d): %s", attempt + 1, exc)
        log.error("webhook failed after %d attempts: alert not delivered", self.retries + 1)
        return False


# ------------------------------------------------------------------------------ running


@dataclass
class LiveSummary:
    """What a live run did: messages read, alerts raised, webhook deliveries."""

    messages: int = 0
    aimed: int = 0
    alerts: Counter[str] = field(default_factory=Counter)
    webhook_sent: int = 0
    webhook_failed: int = 0
    webhook_dropped: int = 0
    score_errors: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "aimed": self.aimed,
            "alerts": dict(self.alerts),
            "webhook_sent": self.webhook_sent,
            "webhook_failed": self.webhook_failed,
            "webhook_dropped": self.webhook_dropped,
            "score_errors": self.score_errors,
        }

    @property
    def undelivered(self) -> int:
        """Alerts the webhook never received (failed after retries, or dropped)."""
        return self.webhook_failed + self.webhook_dropped

    def delivery_problem(self) -> str | None:
        """A one-line account of the alerts the webhook did not get (None when it got all)."""
        if not self.undelivered:
            return None
        total = sum(self.alerts.values())
        return (
            f"{self.undelivered} of {total} alert(s) were not delivered to the webhook "
            f"({self.webhook_failed} failed after retries, {self.webhook_dropped} dropped); "
            "they are on standard output"
        )


def run_live(
    messages: Iterable[Message],
    targets: Iterable[str],
    out: TextIO,
    webhook: str | None = None,
    history: Corpus | None = None,
    score_fn: ScoreFn | None = None,
    params: EpisodeParams = DEFAULT,
    sender: WebhookSender | None = None,
    flush_timeout: float = 60.0,
    sinks: Sequence[AlertSink] = (),
) -> LiveSummary:
    """Run the live detector over ``messages``, writing alerts to ``out`` as JSON lines.

    With ``webhook`` (or a ready ``sender``), each alert is also POSTed there; each of
    ``sinks`` (see :mod:`rempart.alerts`: the web app's live feed…) gets it too. Returns the
    summary once the messages are exhausted and the webhook queue flushed (waiting at most
    ``flush_timeout`` seconds; alerts left over count as failed).
    """
    detector = LiveDetector(targets, history=history, params=params, score_fn=score_fn)
    if sender is None and webhook:
        sender = WebhookSender(webhook)
    summary = LiveSummary()

    stream = StreamSink(out)

    def emit(alerts: list[Alert]) -> None:
        for alert in alerts:
            payload = alert.to_json()
            stream.send(payload)
            summary.alerts[alert.kind] += 1
            if sender is not None:
                sender.send(payload)
            for sink in sinks:
                sink.send(payload)

    try:
        for msg in messages:
            emit(detector.feed(msg))
        emit(detector.close())
    finally:
        for sink in sinks:
            sink.close(flush_timeout)
        if sender is not None:
            sender.close(flush_timeout)
            summary.webhook_sent = sender.sent
            summary.webhook_failed = sender.failed + sender.abandoned
            summary.webhook_dropped = sender.dropped
    summary.messages, summary.aimed = detector.messages, detector.aimed
    summary.score_errors = detector.score_errors
    return summary


def run_live_file(
    path: str,
    targets: Iterable[str],
    out: TextIO,
    webhook: str | None = None,
    history: Corpus | None = None,
    score_fn: ScoreFn | None = None,
    retries: int = 3,
) -> LiveSummary:
    """``rempart live FILE|-``: read a twarc2 JSONL stream (``-`` for stdin) and run live;
    each alert POSTed to ``webhook`` is retried ``retries`` times."""
    with open_input(path) as fh:
        sender = WebhookSender(webhook, retries=retries) if webhook else None
        return run_live(
            read_twarc2(fh, path), targets, out, history=history, score_fn=score_fn, sender=sender
        )


# ------------------------------------------------------------------------------ input


@contextlib.contextmanager
def open_input(path: str) -> Iterator[IO[bytes]]:
    """The bytes of ``path``, or of standard input for ``-``."""
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        fh = open(Path(path), "rb")  # noqa: SIM115 (closed below; errors must be told first)
    except OSError as exc:
        raise SourceError(
            f"cannot read the stream ({exc.strerror or exc}); give a twarc2 "
            "JSONL file (one line per tweet or page, e.g. what `twarc2 stream` "
            "appends to) or - for standard input",
            path,
        ) from None
    with fh:
        yield fh


def read_twarc2(
    stream: BinaryIO | IO[bytes],
    path: str = "-",
    captured_at: datetime | None = None,
    errors: list[ParseError] | None = None,
) -> Iterator[Message]:
    """Messages from a twarc2 JSONL stream, line by line, oldest first within a line.

    Lines that do not parse are skipped (appended to ``errors`` when given, and logged);
    accounts and status changes are left out. Context tweets (``includes``) come out marked
    ``captured_as="referenced"``: the detector only learns the targets' posts from them.
    """
    source = Twarc2Source()
    for lineno, line in enumerate(stream, start=1):
        raw = line.rstrip(b"\r\n")
        if not raw.strip():
            continue
        ctx = ParseContext(captured_at or datetime.now(UTC), path, lineno, None, source.name)
        try:
            items = source.parse(raw, ctx)
        except ParseError as exc:
            log.warning("%s", exc)
            if errors is not None:
                errors.append(exc)
            continue
        msgs = [m for m in items if isinstance(m, Message)]
        msgs.sort(
            key=lambda m: (
                m.captured_as == "primary",
                m.created_at.timestamp() if m.created_at else 0.0,
            )
        )
        yield from msgs


def classifier_score_fn(use_encoder: bool = False) -> ScoreFn:
    """A ``score_fn`` from the shipped classifier (loaded once, on first use)."""
    from ..classify.classifier import Classifier

    holder: list[Classifier] = []

    def score(texts: list[str]) -> list[float]:
        if not holder:
            holder.append(Classifier.load(use_encoder=use_encoder))
        return [s.scores["abusive"] for s in holder[0].score(texts, explain=False)]

    return score
