"""Multi-part SMS, conflicts and WhatsApp against a hostile tester (issue 9, second round).

Synthetic Vonage and Twilio bodies of the real shapes: a huge ``concat-total`` is one reject
and its neighbours are kept; an empty body is a missing one; a conflict's other text is scored;
a reused concat reference makes two messages; a reassembled message is dated by its earliest
part whatever the order of imports; ``21`` and ``21.0`` are one reference; a single message
cannot land on a multi-part key; WhatsApp is recognised in any case; the plain listing marks
incomplete and conflicting messages.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import orjson
from click.testing import CliRunner

from rempart.case import ingest, rejects, verify
from rempart.case.scoring import score_case
from rempart.cli import main
from rempart.models import Message

from conftest import plain_messages as messages


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _vonage_json(mid: str, text: str, when: str, **concat: Any) -> str:
    body: dict[str, Any] = {
        "msisdn": "447700900108",
        "to": "447700900000",
        "messageId": mid,
        "text": text,
        "type": "text",
        "message-timestamp": when,
    }
    if concat:
        body.update({"concat": True, **{f"concat-{k}": v for k, v in concat.items()}})
    return orjson.dumps(body).decode()


def _form(
    mid: str,
    text: str,
    when: str,
    ref: str = "108",
    part: int = 1,
    total: int = 2,
    msisdn: str = "447700900107",
    concat: str = "true",
) -> str:
    return (
        f"msisdn={msisdn}&to=447700900000&messageId={mid}&text={text}&type=text"
        f"&message-timestamp={when.replace(' ', '+').replace(':', '%3A')}&concat={concat}"
        f"&concat-ref={ref}&concat-total={total}&concat-part={part}"
    )


def _listed(case: Any) -> list[Message]:
    return sorted(messages(case), key=lambda m: m.id)


def _assert_verifies(case: Any) -> None:
    report = verify(case)
    assert report.ok, [str(p) for p in report.problems]


# ---------------------------------------------------------------- item 4: bounded parts


def test_a_huge_concat_total_is_one_reject_and_its_neighbours_are_kept(
    fresh_case: Any, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "in.jsonl",
        [
            _vonage_json("2A01", "a valid message before", "2026-02-20 09:00:00"),
            _vonage_json(
                "1C07", "huge total", "2026-02-20 09:05:06", ref=19, total=1_000_000_000, part=1
            ),
            _vonage_json(
                "1C08", "big total", "2026-02-20 09:05:07", ref=20, total=2_000_000, part=1
            ),
            _vonage_json("1C09", "huge part", "2026-02-20 09:05:08", ref=21, total=3, part=300),
            _vonage_json("2A02", "a valid message after", "2026-02-20 09:06:00"),
        ],
    )
    ingest(fresh_case, [path])
    assert {m.text for m in messages(fresh_case)} == {
        "a valid message before",
        "a valid message after",
    }
    reasons = {r.line: r.reason for r in rejects(fresh_case)}
    assert set(reasons) == {2, 3, 4}
    assert "concat-total" in reasons[2] and "1 to 255" in reasons[2]
    assert "concat-total" in reasons[3] and "concat-part" in reasons[4]
    _assert_verifies(fresh_case)


# ---------------------------------------------------------------- item 3: empty body, scoring


def _twilio(sid: str, body: str, sender: str = "%2B33600000003") -> str:
    return (
        f"ToCountry=FR&SmsMessageSid={sid}&NumMedia=0&Body={body}&From={sender}"
        f"&To=%2B33600000000&MessageSid={sid}&AccountSid=AC00000000000000000000000000000000"
    )


def test_an_empty_body_is_filled_by_a_later_text_without_conflict(
    fresh_case: Any, tmp_path: Path
) -> None:
    sid = "SM00000000000000000000000000000e01"
    for i, body in enumerate(("", "je+te+retrouverai")):
        ingest(fresh_case, [_write(tmp_path, f"t{i}.txt", [_twilio(sid, body)])])
    (m,) = messages(fresh_case)
    assert m.text == "je te retrouverai"
    assert "conflicts" not in m.extra
    _assert_verifies(fresh_case)


def test_every_observed_text_of_a_conflict_is_scored(fresh_case: Any, tmp_path: Path) -> None:
    sid = "SM00000000000000000000000000000e02"
    path = _write(
        tmp_path,
        "t.txt",
        [_twilio(sid, "merci+pour+hier"), _twilio(sid, "je+vais+te+tuer+je+sais+ou+tu+habites")],
    )
    ingest(fresh_case, [path])
    (m,) = messages(fresh_case)
    assert m.text == "merci pour hier" and m.extra["conflicts"]
    score_case(fresh_case)
    (row,) = fresh_case.store.scores()
    assert row.severity in ("high", "critical"), row
    assert "conflicting text of record" in row.data["explanation"][0]
    _assert_verifies(fresh_case)


# ---------------------------------------------------------------- item 2: reused reference


def test_a_reused_concat_ref_gives_two_messages(fresh_case: Any, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "wrap.txt",
        [
            _form("1A01", "first+part+one+", "2026-02-20 09:00:01", part=1),
            _form("1A02", "first+part+two", "2026-02-20 09:00:02", part=2),
            _form("1B01", "SECOND+weeks+later+", "2026-03-15 22:00:01", part=1),
            _form("1B02", "je+sais+ou+tu+habites", "2026-03-15 22:00:02", part=2),
        ],
    )
    ingest(fresh_case, [path])
    found = _listed(fresh_case)
    assert [m.text for m in found] == [
        "first part one first part two",
        "SECOND weeks later je sais ou tu habites",
    ]
    assert not any("conflicts" in m.extra or "incomplete" in m.extra for m in found)
    _assert_verifies(fresh_case)


# ---------------------------------------------------------------- item 7: order-independent time


def test_a_reassembled_message_is_dated_by_its_earliest_part_in_any_order(tmp_path: Path) -> None:
    from rempart.case import Case

    lines = [
        _form("1A01", "one+", "2026-02-20 09:00:01", part=1),
        _form("1A02", "two+", "2026-02-20 09:00:02", part=2),
        _form("1A03", "three", "2026-02-20 09:00:03", part=3, total=3),
    ]
    lines = [line.replace("concat-total=2", "concat-total=3") for line in lines]
    seen = set()
    for n, order in enumerate(itertools.permutations(range(3))):
        case = Case.create(tmp_path / f"case{n}", ["447700900000"])
        for i in order:
            ingest(case, [_write(tmp_path, f"o{n}_{i}.txt", [lines[i]])])
        (m,) = messages(case)
        seen.add((m.id, m.text, m.created_at.isoformat() if m.created_at else None))
        _assert_verifies(case)
        case.close()
    single = Case.create(tmp_path / "single", ["447700900000"])
    ingest(single, [_write(tmp_path, "all.txt", lines[::-1])])
    (m,) = messages(single)
    seen.add((m.id, m.text, m.created_at.isoformat() if m.created_at else None))
    single.close()
    assert seen == {
        ("multipart:447700900107:108:3:2026-02-20T09", "one two three", "2026-02-20T09:00:01+00:00")
    }


# ---------------------------------------------------------------- item 10: spellings


def test_other_spellings_of_the_concat_fields_are_one_message(
    fresh_case: Any, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "odd.jsonl",
        [
            _vonage_json("3A01", "un ", "2026-02-20 09:00:01", ref=21, total=2, part=1),
            _vonage_json("3A02", "deux", "2026-02-20 09:00:02", ref=21.0, total="2", part="2"),
            _vonage_json("3B01", "trois ", "2026-02-20 09:01:01", ref="31", total=2, part=1),
            _vonage_json("3B02", "quatre", "2026-02-20 09:01:02", ref=" 31 ", total=2.0, part=2),
        ],
    )
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace('"concat":true', '"concat":1')
    lines[3] = lines[3].replace('"concat":true', '"concat":"1"')
    path.write_text("\n".join(lines) + "\n")
    ingest(fresh_case, [path])
    assert [m.text for m in _listed(fresh_case)] == ["un deux", "trois quatre"]
    _assert_verifies(fresh_case)


# ---------------------------------------------------------------- item 9: key namespace


def test_a_single_message_cannot_take_a_multi_part_key(fresh_case: Any, tmp_path: Path) -> None:
    forged = "multipart:447700900104:14:2:2026-02-20T09"
    path = _write(
        tmp_path,
        "collide.txt",
        [
            f"msisdn=447700900104&to=447700900000&messageId={forged}&text=single"
            "&type=text&message-timestamp=2026-02-20+09%3A03%3A00",
            "msisdn=447700900104&to=447700900000&messageId=447700900104%3A14&text=single+too"
            "&type=text&message-timestamp=2026-02-20+09%3A03%3A00",
            _form("0F01", "part+one+", "2026-02-20 09:03:01", ref="14", msisdn="447700900104"),
        ],
    )
    ingest(fresh_case, [path])
    by_id = {m.id: m for m in messages(fresh_case)}
    assert by_id == {
        f"id:{forged}": by_id[f"id:{forged}"],
        "447700900104:14": by_id["447700900104:14"],
        forged: by_id[forged],
    }
    assert by_id[f"id:{forged}"].text == "single" and by_id[forged].text == "part one "
    assert not any("conflicts" in m.extra for m in by_id.values())
    _assert_verifies(fresh_case)


# ---------------------------------------------------------------- item 12: WhatsApp spelling


def test_whatsapp_is_recognised_in_any_case(fresh_case: Any, tmp_path: Path) -> None:
    twilio = _write(
        tmp_path,
        "wa.txt",
        [
            _twilio("SM00000000000000000000000000000077", "upper", "WhatsApp%3A%2B447700900010"),
            _twilio("SM00000000000000000000000000000078", "lower", "whatsapp%3A%2B447700900010"),
        ],
    )
    vonage = _write(
        tmp_path,
        "wa.jsonl",
        [
            orjson.dumps(
                {
                    "channel": "WhatsApp",
                    "message_uuid": "aaaaaaaa-bbbb-4ccc-8ddd-000000000003",
                    "to": "447700900000",
                    "from": "447700900010",
                    "timestamp": "2026-02-20T09:00:00Z",
                    "message_type": "text",
                    "text": "vonage",
                }
            ).decode()
        ],
    )
    ingest(fresh_case, [twilio])
    ingest(fresh_case, [vonage])
    found = messages(fresh_case)
    assert {(m.platform, m.author_id) for m in found} == {("whatsapp", "whatsapp:+447700900010")}
    accounts = {a.id for a in fresh_case.store.accounts()}
    assert accounts == {"whatsapp:+447700900010"}
    _assert_verifies(fresh_case)


# ---------------------------------------------------------------- item 8: plain listing marks


def test_the_plain_listing_marks_incomplete_and_conflicting_messages(
    fresh_case: Any, tmp_path: Path
) -> None:
    sid = "SM00000000000000000000000000000c01"
    twilio = _write(
        tmp_path, "twilio.txt", [_twilio(sid, "tu+vas+le+regretter"), _twilio(sid, "autre+texte")]
    )
    vonage = _write(
        tmp_path, "vonage.txt", [_form("1A01", "part+one+", "2026-02-20 09:00:01", part=1, total=3)]
    )
    ingest(fresh_case, [twilio, vonage])
    fresh_case.close()
    out = CliRunner().invoke(main, ["messages", "--case", str(fresh_case.path)])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert any("[conflict: 2 texts] tu vas le regretter" in line for line in lines), lines
    assert any("[incomplete 1/3] part one" in line for line in lines), lines
