"""Issue 9 item 17: text from the data never drives the terminal, and emoji stay readable.

Handles, display names, texts and file names may carry ESC / CSI / OSC sequences, C1 controls,
carriage returns and bidirectional overrides. Every human-readable output escapes them (one
library function, :mod:`rempart.textsafe`); an emoji sequence with a zero-width joiner stays as
it is; rich markup in the data is shown, not interpreted; JSON output parses to the exact data.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart.cli import main

from conftest import page, tweet, user

ESC_TITLE = "\x1b]0;pwned\x07"  # OSC: sets the terminal title
OSC_LINK = "\x1b]8;;https://evil.invalid/\x1b\\click\x1b]8;;\x1b\\"  # OSC 8 hyperlink
CSI_CLEAR = "\x1b[2J\x1b[H"
RLO = "\u202e"  # right-to-left override: "gpj.exe" shows as "exe.jpg"
C1_CSI = "\x9b31m"
EMOJI = "👩\u200d💻 et 🏳️\u200d🌈 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
RAW_UNSAFE = ("\x1b", "\x07", "\x9b", "\r", "\u202e", "\u2066", "\u200f", "\x7f", "\u2028")


def _clean(text: str) -> None:
    for char in RAW_UNSAFE:
        assert char not in text, f"{char!r} reached the terminal: {text!r}"


def test_safe_text_escapes_controls_and_keeps_emoji_and_accents() -> None:
    from rempart.textsafe import safe_lines, safe_text

    hostile = (
        f"a{ESC_TITLE}b{OSC_LINK}{CSI_CLEAR}{RLO}gpj.exe{C1_CSI}\r\x7f\u2066x\u2069"
        "\u200f\u061c\u2028\udcff"
    )
    shown = safe_text(hostile)
    _clean(shown)
    assert "\\x1b]0;pwned\\x07" in shown and "\\u202egpj.exe" in shown and "\\x9b31m" in shown
    for kept in (EMOJI, "Réponse à Zoë: ça va ? 日本語 مرحبا", "tab-free, plain ASCII"):
        assert safe_text(kept) == kept
    assert safe_text(f"{EMOJI} {RLO}") == f"{EMOJI} \\u202e"  # only the override is escaped
    assert safe_lines("one\ntwo\x1b[2J\nthree") == "one\ntwo\\x1b[2J\nthree"
    assert safe_text("line\nbreak") == "line\\x0abreak"


def test_safe_json_parses_to_the_exact_data() -> None:
    from rempart.textsafe import safe_json

    value = {"handle": f"x{RLO}{ESC_TITLE}{C1_CSI}\x7f\u2028", "text": EMOJI + " é"}
    text = safe_json(json.dumps(value, ensure_ascii=False))
    _clean(text)
    assert json.loads(text) == value and orjson.loads(text) == value
    assert EMOJI in text
    # indented JSON (``findings --json``): the white space between tokens stays white space
    pretty = safe_json(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(pretty) == value and pretty.startswith("{\n  ")


def test_rich_markup_in_data_is_shown_not_interpreted() -> None:
    from rich.console import Console

    from rempart.textsafe import safe_markup

    console = Console(record=True, width=200, color_system="truecolor", force_terminal=True)
    console.print(safe_markup("[bold red]x[/] [link=https://evil.invalid]y[/link] \x1b[5m"))
    text = console.export_text(styles=False)
    assert "[bold red]x[/] [link=https://evil.invalid]y[/link] \\x1b[5m" in text


@pytest.fixture
def hostile_case(tmp_path: Path, write_jsonl: Callable[..., Path]) -> tuple[Path, Path]:
    runner = CliRunner()
    case = tmp_path / "c"
    assert runner.invoke(main, ["init", str(case), "--target", "cible"]).exit_code == 0
    bad_user = user("100", f"troll{RLO}gpj")
    bad_user["name"] = f"Name{ESC_TITLE}{OSC_LINK}{C1_CSI}"
    tweets = [
        tweet("1", f"@cible {CSI_CLEAR}hello{RLO}dlrow"),
        tweet("2", f"@cible {EMOJI} un emoji, une ligne lisible"),
    ]
    name = f"cap{RLO}lmth{CSI_CLEAR}.jsonl"
    data = write_jsonl(name, [page(tweets, [bad_user]), b"{not json" + ESC_TITLE.encode()])
    result = runner.invoke(main, ["ingest", "--case", str(case), str(data)])
    assert result.exit_code == 0, result.output
    _clean(result.output)
    assert "\\u202e" in result.output  # the file name, shown escaped in the summary
    return case, data


def test_messages_escape_every_field_and_keep_emoji_lines(hostile_case: tuple[Path, Path]) -> None:
    case, _ = hostile_case
    out = CliRunner().invoke(main, ["messages", "--case", str(case)])
    assert out.exit_code == 0, out.output
    _clean(out.output)
    assert "@troll\\u202egpj" in out.output  # the handle, escaped
    assert f"@cible {EMOJI} un emoji, une ligne lisible" in out.output  # not \\u200d escapes
    js = CliRunner().invoke(main, ["messages", "--case", str(case), "--json"])
    _clean(js.output)
    texts = {m["id"]: m for m in orjson.loads(js.output)}
    assert texts["1"]["text"] == f"@cible {CSI_CLEAR}hello{RLO}dlrow"  # JSON: the exact data
    assert texts["1"]["author_handle"] == f"troll{RLO}gpj"


def test_rejects_custody_stats_and_verify_output_are_inert(
    hostile_case: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    case, _ = hostile_case
    runner = CliRunner()
    monkeypatch.setenv("REMPART_OPERATOR", f"op{ESC_TITLE}{RLO}")
    for command in (
        ["rejects"],
        ["rejects", "--json"],
        ["stats"],
        ["stats", "--json"],
        ["custody"],
        ["custody", "--json"],
        ["verify"],
        ["verify", "--json"],
    ):
        out = runner.invoke(main, [*command, "--case", str(case)])
        assert out.exit_code == 0, (command, out.output)
        _clean(out.output)
    db = sqlite3.connect(case / "case.db")
    db.execute("update records set raw = cast('x' as blob) where seq = 2")
    db.commit()
    db.close()
    out = runner.invoke(main, ["verify", "--case", str(case)])
    assert out.exit_code == 1 and "FAILED" in out.output
    assert "\\u202e" in out.output  # the source file name in the problem, escaped
    _clean(out.output)


def test_findings_summary_escapes_what_comes_from_data() -> None:
    from rempart.analysis.raid.findings import summarize

    data = {
        "episodes": [
            {
                "kind": "raid",
                "start": "s",
                "end": "e",
                "peak": "p",
                "messages": 3,
                "authors": 2,
                "hostile_share": 0.5,
                "explanation": f"aimed at @x{RLO}\n0 campaign accounts",
            }
        ],
        "origins": [{"url": f"https://a.invalid/{ESC_TITLE}", "first_seen": "t", "messages": 1}],
    }
    text = summarize(data)
    _clean(text)
    assert text.count("\n0 campaign accounts") == 1  # the forged line stays inside its field
