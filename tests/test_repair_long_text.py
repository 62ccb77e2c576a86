"""Issue 9 item 15: one long message must not exhaust memory, and abuse at its end is found.

The classifier reads long texts window by window (at most ``WINDOW`` characters each): memory
stays flat whatever the length. Timings are in bench/long_text.py, not here.
"""

from __future__ import annotations

import random
import tracemalloc

import pytest

from rempart.analysis.classify import encoder
from rempart.analysis.classify.classifier import WINDOW, Classifier, clip, windows
from rempart.simulate.simple_raid import NEUTRAL, TOPICS

FMT = {"target": "cible", "tag": "Info", "tagsuffix": "", "url": "https://exemple.invalid/a"}


def neutral_text(n: int, seed: int = 5) -> str:
    """About ``n`` characters of friendly chatter (no abuse anywhere)."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < n:
        out.append(rng.choice(NEUTRAL).format(topic=rng.choice(TOPICS), **FMT))
        size += len(out[-1]) + 1
    return " ".join(out)[:n]


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load(use_encoder=False)


def test_a_threat_at_the_end_of_a_long_text_is_flagged_and_located(clf: Classifier) -> None:
    text = neutral_text(60_000) + " @cible je vais te tuer, je sais où tu habites"
    [s] = clf.score([text], ids=["x:1"])
    assert "threat" in s.labels and s.severity == "critical"
    note = s.explanation[0]
    assert note.startswith("long text (60,046 characters) scored in")
    assert note.endswith("-60,046")  # the worst window is the last one
    assert any("threat" in e for e in s.explanation[1:])
    assert s.id == "x:1"


def test_a_threat_at_the_start_or_across_a_window_edge_is_flagged(clf: Classifier) -> None:
    threat = " je vais te tuer "
    head = "@cible" + threat + neutral_text(30_000)
    [s] = clf.score([head])
    assert "threat" in s.labels
    body = neutral_text(30_000)
    for edge in (WINDOW - 8, 5 * WINDOW):  # a phrase a window's end would cut
        [s] = clf.score([body[:edge] + threat + body[edge:]])
        assert "threat" in s.labels, edge


def test_short_texts_are_scored_as_before(clf: Classifier) -> None:
    """Windows change nothing for a text up to WINDOW characters, alone or beside long ones."""
    short = ["@cible t'es une conne", "merci pour ton travail", neutral_text(WINDOW)]
    alone = clf.score(short)
    mixed = clf.score([short[0], neutral_text(5_000), short[1], short[2]])
    assert [s.to_json() for s in alone] == [
        mixed[0].to_json(),
        mixed[2].to_json(),
        mixed[3].to_json(),
    ]
    assert not any(e.startswith("long text") for s in alone for e in s.explanation)


def test_a_reply_agreeing_with_a_long_abusive_parent_is_abusive(clf: Classifier) -> None:
    parent = neutral_text(20_000) + " @cible sale pute, crève"
    [s] = clf.score(["+1"], parents=[parent])
    assert s.scores["abusive"] >= 0.5
    assert any("agrees with an abusive parent" in e for e in s.explanation)


def test_windows_cover_the_text_within_bounds() -> None:
    rng = random.Random(0)
    for n in (WINDOW + 1, 3 * WINDOW, 12_345, 100_000):
        text = "".join(rng.choice("abcdef  ") for _ in range(n))
        spans = list(windows(text))
        assert spans[0][0] == 0 and spans[-1][1] == n
        assert all(0 < y - x <= WINDOW for x, y in spans)
        assert all(b[0] <= a[1] - 150 for a, b in zip(spans, spans[1:]))  # they overlap
    assert len(clip("x" * 10 * WINDOW)) <= WINDOW and clip("court") == "court"


def test_scoring_a_1_mb_text_keeps_memory_flat() -> None:
    """1 MB in the encoder's band of doubt (the worst case before: GBs): a few MB now."""
    clf = Classifier.load(use_encoder=True)
    clf.score(["échauffement"])  # the model and the encoder's weights load before measuring
    if clf.use_encoder:
        encoder.encode(["échauffement"])
    text = "x" * 1_000_000
    tracemalloc.start()
    try:
        [s] = clf.score([text])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MB"
    assert s.explanation[0].startswith("long text (1,000,000 characters)")
