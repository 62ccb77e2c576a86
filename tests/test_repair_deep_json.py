"""Issue 9 item 7: a deeply nested JSON element never crashes a capture.

Every JSON format gets a synthetic element nested 100,000 levels deep beside valid records: the
valid ones are read, the deep one is kept as a reject with its bytes and a clear reason, and the
capture is closed (``capture-end``). A third-party reader that fails on one record, or half-way
through splitting a file, costs that record (or the rest of the file, kept as a reject) and
nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as api
from rempart.case import Case
from rempart.cli import main
from rempart.evidence.log import canonical
from rempart.models import Item, Message
from rempart.plugins import hookimpl, plugin_manager
from rempart.sources.base import ParseContext, Unit, iter_lines, split_json_document

from conftest import plain_messages

FIXTURES = Path(__file__).parent / "fixtures"
DEPTH = 100_000
DEEP = b'{"data": ' + b"[" * DEPTH + b"]" * DEPTH + b"}"
DEEP_LIST = b"[" * DEPTH + b"]" * DEPTH


def _lines(rel: str) -> list[bytes]:
    return [line for line in (FIXTURES / rel).read_bytes().splitlines() if line.strip()]


def _array(rel: str) -> list[bytes]:
    return [orjson.dumps(e) for e in orjson.loads((FIXTURES / rel).read_bytes())]


def _jsonl(valid: list[bytes], deep: bytes = DEEP) -> bytes:
    return b"\n".join([valid[0], deep, *valid[1:]]) + b"\n"


def _json_array(valid: list[bytes], deep: bytes = DEEP) -> bytes:
    return b"[\n" + b",\n".join([valid[0], deep, *valid[1:]]) + b"\n]\n"


def _sse() -> bytes:
    statuses = _array("mastodon/statuses.json")[:2]
    blocks = [b"event: update\ndata: " + raw for raw in (statuses[0], DEEP, statuses[1])]
    return b"\n\n".join(blocks) + b"\n\n"


# name -> (file name, bytes, format, valid records in the file)
CASES: dict[str, tuple[str, bytes, str, int]] = {
    "twarc2": ("t.jsonl", _jsonl(_lines("twarc2/pages.jsonl")[:2]), "twarc2", 2),
    "twarc2-list": ("tl.jsonl", _jsonl(_lines("twarc2/pages.jsonl")[:2], DEEP_LIST), "twarc2", 2),
    "twitter-v1": ("v1.jsonl", _jsonl(_lines("twitter_v1/stream.jsonl")[:2]), "twitter-v1", 2),
    "twitter-v1-array": (
        "v1.json",
        _json_array(_array("twitter_v1/rest_timeline.json")[:2]),
        "twitter-v1",
        2,
    ),
    "twitter-archive": (
        "tweets.js",
        b"window.YTD.tweets.part0 = "
        + _json_array(
            [
                orjson.dumps(
                    {
                        "tweet": {
                            "id_str": "1",
                            "full_text": "a",
                            "created_at": "Fri Feb 20 09:10:58 +0000 2026",
                        }
                    }
                ),
                orjson.dumps(
                    {
                        "tweet": {
                            "id_str": "2",
                            "full_text": "b",
                            "created_at": "Fri Feb 20 09:11:58 +0000 2026",
                        }
                    }
                ),
            ]
        ),
        "twitter-archive",
        2,
    ),
    "mastodon": ("m.json", _json_array(_array("mastodon/statuses.json")[:2]), "mastodon", 2),
    "mastodon-list": (
        "ml.json",
        _json_array(_array("mastodon/statuses.json")[:2], DEEP_LIST),
        "mastodon",
        2,
    ),
    "mastodon-websocket": (
        "w.jsonl",
        _jsonl(_lines("mastodon/websocket_frames.jsonl")[:2]),
        "mastodon",
        2,
    ),
    "mastodon-sse": ("s.txt", _sse(), "mastodon-sse", 2),
    "bluesky": ("b.jsonl", _jsonl(_lines("bluesky/jetstream.jsonl")[:2]), "bluesky", 2),
    "vonage": ("v.jsonl", _jsonl(_lines("vonage/iso_signed.jsonl")[:2]), "vonage", 2),
    "vonage-array": ("va.json", _json_array(_array("vonage/array.json")), "vonage", 2),
}


def _capture_closed(case: Case, capture_id: int) -> bool:
    kinds = [e.kind for e in case.store.entries()]
    return kinds[-1] == "capture-end" and case.store.captures()[-1]["result"] is not None


@pytest.mark.parametrize("name", sorted(CASES))
def test_deep_element_is_a_reject_and_the_rest_is_read(
    name: str, tmp_path: Path, fresh_case: Case
) -> None:
    file_name, data, fmt, valid = CASES[name]
    path = tmp_path / file_name
    path.write_bytes(data)
    report = api.ingest(fresh_case, [path], format=fmt)
    assert report.new_records == valid, [n.reason for n in report.rejects]
    assert len(report.rejects) == 1
    reason = report.rejects[0].reason
    assert "nested deeper than 1024 levels" in reason or "nested too deeply" in reason, reason
    kept = [r for r in fresh_case.store.records(rejects_only=True)]
    assert len(kept) == 1 and DEEP_LIST in kept[0].raw  # its bytes are kept
    assert _capture_closed(fresh_case, report.capture_id)
    assert api.verify(fresh_case).ok


def test_deep_element_auto_detected_by_the_cli(tmp_path: Path) -> None:
    """Without --format: detection copes with the deep element, the command exits 0."""
    case = tmp_path / "case"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(case), "--target", "@cible"]).exit_code == 0
    path = tmp_path / "statuses.json"
    path.write_bytes(CASES["mastodon"][1])
    out = runner.invoke(main, ["ingest", "--case", str(case), str(path)])
    assert out.exit_code == 0, out.output
    assert "2 new records" in out.output and "1 rejected" in out.output
    assert "nested deeper than 1024 levels" in out.output


def test_split_json_document_steps_over_a_deep_element() -> None:
    doc = b'[{"a": 1}, ' + DEEP_LIST + b', "x]", {"b": [2]}]'
    chunks = [chunk for _, chunk in split_json_document(doc)]
    assert chunks == [b'{"a": 1}', DEEP_LIST, b'"x]"', b'{"b": [2]}']


# --------------------------------------------------------------------------- a failing reader


class _FlakySource:
    """A third-party reader with bugs: it crashes on the record ``boom`` and, on a line
    ``split-crash``, half-way through splitting its file."""

    name = "flaky-test"
    description = "a reader that fails on some records (tests only)"

    def sniff(self, head: bytes, path: Path) -> float:
        return 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        for unit in iter_lines(path):
            if unit.raw == b"split-crash":
                raise IndexError("reader bug while splitting")
            yield unit

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        if raw == b"boom":
            raise RuntimeError("reader bug")
        if raw == b"deep":
            return _walk(0)
        if raw == b"not-an-item":
            return [42]  # type: ignore[list-item]  # a reader bug that parsing cannot see
        return [Message(platform="test", id=raw.decode(), text=raw.decode())]


def _walk(depth: int) -> Any:
    return _walk(depth + 1)  # a recursive walker with no bound


class _Plugin:
    @hookimpl
    def rempart_sources(self) -> list[Any]:
        return [_FlakySource()]


@pytest.fixture
def flaky_plugin() -> Iterator[None]:
    pm = plugin_manager()
    plugin = _Plugin()
    pm.register(plugin, name="flaky-test")
    try:
        yield
    finally:
        pm.unregister(plugin)


def test_a_reader_failing_on_one_record_costs_that_record_only(
    tmp_path: Path, fresh_case: Case, flaky_plugin: None
) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"one\nboom\ntwo\ndeep\nthree\nsplit-crash\nfour\nfive\n")
    report = api.ingest(fresh_case, [path], format="flaky-test")
    assert report.new_records == 3  # one, two, three
    reasons = {n.line: n.reason for n in report.rejects}
    assert reasons[2] == "the flaky-test reader failed on this record (RuntimeError: reader bug)"
    assert "nested too deeply" in reasons[4]
    assert "could not split the file (IndexError: reader bug while splitting)" in reasons[6]
    rejects = {r.line: r for r in fresh_case.store.records(rejects_only=True)}
    assert rejects[6].raw == b"split-crash\nfour\nfive\n"  # the rest of the file is kept
    assert orjson.loads(rejects[6].context or "{}")["split_error"] == reasons[6]
    assert rejects[2].raw == b"boom"
    assert _capture_closed(fresh_case, report.capture_id)


def test_the_split_reject_context_is_sealed(
    tmp_path: Path, fresh_case: Case, flaky_plugin: None
) -> None:
    path = tmp_path / "g.txt"
    path.write_bytes(b"split-crash\n")
    api.ingest(fresh_case, [path], format="flaky-test")
    (rec,) = list(fresh_case.store.records(rejects_only=True))
    assert rec.raw == b"split-crash\n" and rec.context is not None
    assert canonical(orjson.loads(rec.context)).decode() == rec.context


def test_a_file_whose_import_fails_is_kept_whole(
    tmp_path: Path, fresh_case: Case, flaky_plugin: None
) -> None:
    """A failure past parsing (here: a reader returning something that is not an item) costs
    the transaction it happened in; the whole file is then kept as a reject, the next file is
    read and the capture is closed."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"one\nnot-an-item\ntwo\n")
    good = tmp_path / "good.txt"
    good.write_bytes(b"three\n")
    report = api.ingest(fresh_case, [bad, good], format="flaky-test")
    rejects = list(fresh_case.store.records(rejects_only=True))
    assert [r.raw for r in rejects] == [bad.read_bytes()]
    assert rejects[0].reject_reason.startswith("import of this file failed (")
    assert [m.id for m in plain_messages(fresh_case)] == ["three"]
    assert _capture_closed(fresh_case, report.capture_id)
    assert api.verify(fresh_case).ok
