"""Issue 9 items 6 and 11: what ingest reads, what it leaves out (and says so), and a case that
stays private to its user.

- the case folder, and any folder holding a rempart case, is never read as input;
- the case folder is 0700 and its database files 0600;
- skipped files (archives, documents, hidden, empty, pipes) are listed with their reason;
- a named pipe named explicitly is refused at once;
- Latin-1 / Windows-1252 CSV files are read (detected, or ``--encoding``), the encoding sealed;
- a one-line CSV is kept as a reject with its bytes;
- ``rempart init ""`` is an error.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as api
from rempart.case import Case
from rempart.cli import main
from rempart.errors import CaseError, SourceError

from conftest import page, plain_messages, tweet

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and FIFOs")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _inputs(case: Case) -> tuple[list[str], list[dict[str, Any]]]:
    start = orjson.loads(next(e for e in case.store.entries() if e.kind == "capture-start").body)
    return [i["name"] for i in start["inputs"]], start["skipped"]


# --------------------------------------------------------------------------- item 6


def test_ingest_dot_never_reads_the_case_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_jsonl: Callable[..., Path]
) -> None:
    write_jsonl("capture.jsonl", [page([tweet("1", "@cible hello")])])
    case_dir = tmp_path / "case"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(case_dir), "--target", "@cible"]).exit_code == 0
    # another case in a sub-folder, and a link to this case's private key
    other = tmp_path / "old" / "other-case"
    Case.create(other, ["@x"]).close()
    (tmp_path / "key-link.pem").symlink_to(case_dir / "keys" / "case-ed25519.pem")
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(main, ["ingest", "--case", "case", "."])
    assert out.exit_code == 0, out.output
    assert "skipped case: the case folder itself: never read as input" in out.output
    assert "skipped old/other-case: a rempart case folder: never read as input" in out.output
    assert "skipped key-link.pem: one of the case's own files" in out.output
    with api.open_case(case_dir) as case:
        names, skipped = _inputs(case)
        assert names == ["capture.jsonl"]  # no database, key or configuration sealed
        assert {s["name"] for s in skipped} == {"case", "old/other-case", "key-link.pem"}
        bodies = b"".join(e.body for e in case.store.entries())
        assert b"case.db" not in bodies and b"ed25519" not in bodies


def test_case_files_named_explicitly_are_not_read(fresh_case: Case) -> None:
    report = api.ingest(fresh_case, [fresh_case.path / "case.db", fresh_case.path])
    assert [(Path(f.path).name, f.skipped) for f in report.files] == [
        ("case", "the case folder itself: never read as input"),
        ("case.db", "one of the case's own files: never read as input"),
    ]
    assert report.new_records == 0 and not list(fresh_case.store.records())
    other = Case.create(fresh_case.path.parent / "other", ["@x"])
    other.close()
    report = api.ingest(fresh_case, [other.path / "keys" / "case-ed25519.pem"])
    assert report.files[0].skipped == "one of the case's own files: never read as input"


@posix_only
def test_case_is_private_to_its_user(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        case = Case.create(tmp_path / "c", ["@cible"])
        with case.store.transaction():  # a write: the WAL files exist while the case is open
            case.store.record_head(0, "0" * 64, "2026-01-01T00:00:00Z", "test")
        assert _mode(case.path) == 0o700
        for name in ("exports", "keys"):
            assert _mode(case.path / name) == 0o700
        for name in ("case.db", "case.db-wal", "case.db-shm"):
            assert (case.path / name).exists() and _mode(case.path / name) == 0o600, name
        assert _mode(case.path / "keys" / "case-ed25519.pem") == 0o600
        case.close()
        # a case made world-readable (an older version, a copy) is tightened when opened
        os.chmod(case.path, 0o755)
        os.chmod(case.path / "case.db", 0o644)
        Case.open(case.path).close()
        assert _mode(case.path) == 0o700 and _mode(case.path / "case.db") == 0o600
    finally:
        os.umask(old)


# --------------------------------------------------------------------------- item 11


@posix_only
def test_skipped_files_are_listed_with_their_reason(tmp_path: Path, fresh_case: Case) -> None:
    folder = tmp_path / "export"
    (folder / ".cache").mkdir(parents=True)
    (folder / "tweets.jsonl").write_bytes(orjson.dumps(page([tweet("1", "@cible hi")])) + b"\n")
    for name in ("archive.zip", "README.md", "page.html", ".DS_Store", ".cache/data.jsonl"):
        (folder / name).write_bytes(b"x")
    (folder / "empty.jsonl").write_bytes(b"")
    os.mkfifo(folder / "pipe")
    report = api.ingest(fresh_case, [folder])
    skipped = {
        Path(f.path).relative_to(folder).as_posix(): f.skipped for f in report.files if f.skipped
    }
    assert skipped == {
        ".cache": "hidden folder",
        ".DS_Store": "hidden file",
        "archive.zip": "archive (unpack it and import what it holds)",
        "README.md": "document, not a platform export",
        "page.html": "document, not a platform export",
        "empty.jsonl": "empty",
        "pipe": "not a regular file (a named pipe)",
    }
    assert report.new_records == 1
    assert len(_inputs(fresh_case)[1]) == 7  # sealed in the capture-start too


def test_cli_summary_lists_skipped_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.md").write_text("hello")
    (folder / "empty.csv").write_text("")
    runner = CliRunner()
    case = tmp_path / "case"
    assert runner.invoke(main, ["init", str(case), "--target", "@cible"]).exit_code == 0
    out = runner.invoke(
        main, ["ingest", "--case", str(case), str(folder), str(folder / "empty.csv")]
    )
    assert out.exit_code == 0, out.output
    assert f"skipped {folder / 'notes.md'}: document, not a platform export" in out.output
    assert f"skipped {folder / 'empty.csv'}: empty" in out.output
    assert "skipped (not read" in out.output


@posix_only
def test_a_fifo_named_explicitly_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    runner = CliRunner()
    case = tmp_path / "case"
    assert runner.invoke(main, ["init", str(case), "--target", "@cible"]).exit_code == 0
    out = runner.invoke(main, ["ingest", "--case", str(case), str(fifo)])  # would block if opened
    assert out.exit_code == 1
    assert "not a regular file (a named pipe)" in out.output
    with api.open_case(case) as opened:
        assert not opened.store.captures()  # refused before any capture starts


def test_a_device_named_explicitly_is_refused(fresh_case: Case) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(SourceError, match="not a regular file"):
        api.ingest(fresh_case, ["/dev/zero"])


LATIN = (
    "id,author,created_at,text\n"
    'l-1,rené,2026-02-20T09:00:00Z,"Tu es nulle, dégage de là"\n'
    "l-2,zoé,2026-02-20T09:01:00Z,Ça suffit « maintenant »\n"
)


@pytest.mark.parametrize("encoding,expected", [("latin-1", "cp1252"), ("cp1252", "cp1252")])
def test_legacy_csv_is_detected_and_read(
    tmp_path: Path, fresh_case: Case, encoding: str, expected: str
) -> None:
    path = tmp_path / "legacy.csv"
    text = LATIN + (
        "l-3,bob,2026-02-20T09:02:00Z,100 € – “quoted”\n" if encoding == "cp1252" else ""
    )
    path.write_bytes(text.encode(encoding))
    report = api.ingest(fresh_case, [path])
    assert not report.rejects and report.files[0].encoding == expected
    texts = {m.id: m.text for m in plain_messages(fresh_case)}
    assert texts["l-1"] == "Tu es nulle, dégage de là"
    assert texts["l-2"] == "Ça suffit « maintenant »"
    if encoding == "cp1252":
        assert texts["l-3"] == "100 € – “quoted”"
    contexts = [orjson.loads(r.context or "{}") for r in fresh_case.store.records()]
    assert all(c["encoding"] == expected for c in contexts)  # sealed with every record
    assert api.verify(fresh_case).ok


def test_encoding_can_be_forced(tmp_path: Path) -> None:
    path = tmp_path / "forced.csv"
    path.write_bytes(("id,text\nf-1,Œuvre ß\n").encode("iso8859-15"))
    runner = CliRunner()
    case = tmp_path / "case"
    assert runner.invoke(main, ["init", str(case), "--target", "@cible"]).exit_code == 0
    out = runner.invoke(
        main, ["ingest", "--case", str(case), "--encoding", "iso8859-15", str(path)]
    )
    assert out.exit_code == 0, out.output
    assert "[csv, iso8859-15]: 1 new records" in out.output
    with api.open_case(case) as opened:
        assert [m.text for m in plain_messages(opened)] == ["Œuvre ß"]
    out = runner.invoke(main, ["ingest", "--case", str(case), "--encoding", "nope", str(path)])
    assert out.exit_code == 1 and "unknown text encoding 'nope'" in out.output


def test_a_utf8_csv_with_one_bad_row_stays_utf8(tmp_path: Path, fresh_case: Case) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("id,text\nu-1,déjà vu\n".encode() + b"u-2,bad \xe9 byte\nu-3,ok\n")
    report = api.ingest(fresh_case, [path])
    assert report.files[0].encoding is None  # UTF-8: nothing to say
    assert [n.reason for n in report.rejects] == ["invalid UTF-8 encoding at byte 8"]
    assert {m.text for m in plain_messages(fresh_case)} == {"déjà vu", "ok"}


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"1234,@cible go away\n", "a single CSV line and no header"),
        (b"id,author,created_at,text\n", "a CSV header without any data row"),
        (b"id,author,created_at,text", "a CSV header without any data row"),
    ],
)
def test_a_one_line_csv_is_kept(
    tmp_path: Path, fresh_case: Case, content: bytes, reason: str
) -> None:
    path = tmp_path / "one.csv"
    path.write_bytes(content)
    report = api.ingest(fresh_case, [path])
    assert len(report.rejects) == 1 and report.rejects[0].reason.startswith(reason)
    (kept,) = list(fresh_case.store.records(rejects_only=True))
    assert kept.raw == content.rstrip(b"\n") and kept.line == 1
    assert api.verify(fresh_case).ok


def test_init_with_an_empty_path_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for path in ("", "  "):
        out = CliRunner().invoke(main, ["init", path, "--target", "@cible"])
        assert out.exit_code == 1 and "the case folder cannot be empty" in out.output
    assert not list(tmp_path.iterdir())  # nothing created in the current folder
    with pytest.raises(CaseError, match="cannot be empty"):
        api.init_case("", ["@cible"])


def test_ingest_with_an_empty_path_is_an_error(
    tmp_path: Path, fresh_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Path("")`` is the current folder: ``rempart ingest ""`` must not import it."""
    (tmp_path / "x.jsonl").write_bytes(orjson.dumps(page([tweet("1", "hi")])) + b"\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SourceError, match="an empty path was given"):
        api.ingest(fresh_case, [""])
    out = CliRunner().invoke(main, ["ingest", "--case", str(fresh_case.path), ""])
    assert out.exit_code == 1 and "an empty path was given" in out.output
    assert not fresh_case.store.captures()
