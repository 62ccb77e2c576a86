"""Entry templates: the spliced bodies of record entries are exactly what canonical() gives."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest

from rempart.evidence.log import FORMAT_VERSION, EntryTemplate, LogWriter, canonical, make_entry
from rempart.hashing import GENESIS

_ODD = [
    "",
    "a",
    "é",
    "😀",
    '"',
    "\\",
    "\x00",
    "\x1f",
    "\x7f",
    "\u2028",
    "\ud7ff",
    "/",
    "</script>",
    "\u00e9\u0301",
    "tab\there",
    "new\nline",
    '"quoted"',
    '{"k": 1}',
    "null",
    "0",
]


def _value(rng: random.Random) -> Any:
    pick = rng.randrange(9)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([0, -1, 1, 2**63 - 1, -(2**63), 2**64 - 1, 10**15])
    if pick == 2:
        return rng.choice([True, False, 1.5, -0.0, 1e300])  # not spliced: canonical() itself
    if pick == 3:
        return rng.choice([[1, "a"], {"b": None, "a": 1}, ()])  # not spliced either
    return "".join(rng.choice(_ODD) for _ in range(rng.randrange(4)))


def _canonical_entry(
    kind: str, constant: dict[str, Any], names: tuple[str, ...], seq: int, values: tuple[Any, ...]
) -> bytes:
    return canonical(
        {"v": FORMAT_VERSION, "seq": seq, "kind": kind, **constant, **dict(zip(names, values))}
    )


@pytest.mark.parametrize("seed", range(8))
def test_spliced_bodies_are_canonical(seed: int) -> None:
    rng = random.Random(seed)
    names = ("record_sha256", "size", "line", "offset", "member", "context_sha256", "captured_at")
    for _ in range(30):
        constant = {
            "capture": rng.randrange(10**6),
            "format": _value(rng),
            "source": {"name": _value(rng), "sha256": "ab" * 32},
            "clock": "system",
            "tool": "rempart",
            "tool_version": _value(rng),
            rng.choice(_ODD) + "k": _value(rng),
        }
        constant.pop("seq", None)
        template = EntryTemplate("record", constant, names)
        for _ in range(40):
            seq = rng.choice([1, 2, 10**9, rng.randrange(10**12)])
            values = tuple(_value(rng) for _ in names)
            assert template.body(seq, values) == _canonical_entry(
                "record", constant, names, seq, values
            )


def test_place_like_constants_fall_back_to_canonical() -> None:
    """A constant value that looks like a place marker cannot be mistaken for one."""
    names = ("a", "b")
    for text in ("\x00rempart-place-0\x00", "\x00rempart-place-1\x00", "\x00rempart-place-2\x00"):
        constant = {"x": text, "y": {"z": text}}
        template = EntryTemplate("record", constant, names)
        for values in [("p", 1), (None, "\x00rempart-place-1\x00"), ("q", None)]:
            assert template.body(7, values) == _canonical_entry(
                "record", constant, names, 7, values
            )


def test_field_both_constant_and_variable_is_refused() -> None:
    with pytest.raises(ValueError):
        EntryTemplate("record", {"a": 1}, ("a",))
    with pytest.raises(ValueError):
        EntryTemplate("record", {}, ("seq",))
    with pytest.raises(ValueError):
        EntryTemplate("record", {}, ("b", "b"))


class _Store:
    def __init__(self) -> None:
        self.entries: list[Any] = []

    def log_head(self) -> tuple[int, str]:
        return 0, GENESIS

    def append_entries(self, entries: Any) -> None:
        self.entries.extend(entries)


def test_append_from_chains_as_append_does() -> None:
    constant = {"capture": 3, "source": {"name": "f", "sha256": "00" * 32}}
    names = ("record_sha256", "line", "member")
    template = EntryTemplate("record", constant, names)
    writer = LogWriter(_Store())  # type: ignore[arg-type]
    prev, seq = GENESIS, 0
    for i, values in enumerate(
        [("a" * 64, 1, None), ("b" * 64, 2, "x/é.json"), ("c" * 64, 3, 1.5)]
    ):
        entry = writer.append_from(template, values)
        seq += 1
        expected = make_entry(seq, prev, "record", {**constant, **dict(zip(names, values))})
        assert entry == expected, i
        prev = entry.entry_hash
    assert writer.seq == 3 and writer.head == prev


def test_ingested_entries_are_canonical(fresh_case: Any, write_jsonl: Any) -> None:
    """Every body an import writes is canonical JSON of itself, with the record's fields."""
    from rempart.case import ingest

    from conftest import page, tweet, user

    path = write_jsonl(
        "p.jsonl",
        [page([tweet(str(i), f'm{i} é "q"')], [user("100", "a")]) for i in range(1, 6)]
        + [b"{not json"],
    )
    ingest(fresh_case, [path])
    kinds = set()
    for entry in fresh_case.store.entries():
        body = orjson.loads(entry.body)
        assert canonical(body) == entry.body
        kinds.add(entry.kind)
        if entry.kind in ("record", "reject"):
            assert {
                "record_sha256",
                "size",
                "line",
                "offset",
                "member",
                "context_sha256",
                "captured_at",
                "capture",
                "source",
                "format",
                "clock",
                "tool",
                "tool_version",
                "v",
                "seq",
                "kind",
            } <= set(body)
    assert {"record", "reject"} <= kinds
