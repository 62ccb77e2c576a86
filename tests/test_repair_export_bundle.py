"""Issue 9 item 4: an export is recorded only once its file is complete and in place.

`export-bundle --out` onto an existing folder used to crash with a traceback, leave a
`.partial` file, and seal and sign an `export` custody entry for a bundle that never existed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

from rempart import case as api
from rempart.case import Case
from rempart.cli import main
from rempart.errors import EvidenceError
from rempart.evidence.bundle import verify_bundle

from conftest import synthetic_capture


def _state(case: Case) -> tuple[int, int, list[str]]:
    """Log size, number of signed heads, export entries."""
    exports = [e for e in api.custody(case, record=False) if e.kind == "export"]
    return case.store.log_head()[0], len(case.store.tree_heads()), [e.what["file"] for e in exports]


@pytest.fixture
def case(fresh_case: Case, write_jsonl: Callable[..., Path]) -> Case:
    api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    return fresh_case


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "partial" in p.name)


def test_a_folder_is_never_overwritten_and_nothing_is_recorded(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    before = _state(case)
    for force in (False, True):
        with pytest.raises(EvidenceError, match="is a folder"):
            api.export_bundle(case, folder, force=force)
    assert _state(case) == before
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]
    assert not _leftovers(tmp_path)
    assert api.verify(case).ok


def test_an_existing_file_needs_force(case: Case, tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    out.write_bytes(b"an earlier bundle")
    before = _state(case)
    with pytest.raises(EvidenceError, match="already exists.*--force"):
        api.export_bundle(case, out)
    assert out.read_bytes() == b"an earlier bundle" and _state(case) == before
    report = api.export_bundle(case, out, force=True)
    assert verify_bundle(out).ok and report.items == 6
    seq, heads, files = _state(case)
    assert files == ["bundle.zip"] and seq == before[0] + 1 and heads == before[1] + 1
    assert not _leftovers(tmp_path)


def test_a_write_that_fails_leaves_no_file_and_no_entry(case: Case, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    before = _state(case)
    with pytest.raises(EvidenceError, match="cannot write the bundle"):
        api.export_bundle(case, blocker / "bundle.zip")
    assert _state(case) == before
    assert not _leftovers(tmp_path)
    assert api.verify(case).ok


def test_a_failure_after_the_zip_is_written_removes_it(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry commits after the rename: if anything fails in between, the file goes."""
    from rempart.evidence import bundle

    real = bundle._write_zip

    def write_then_fail(
        out: Path, members: dict[str, bytes], force: bool = False, written: list[Path] | None = None
    ) -> None:
        real(out, members, force, written)
        raise OSError("disk vanished")  # e.g. the commit that follows fails

    monkeypatch.setattr(bundle, "_write_zip", write_then_fail)
    out = tmp_path / "bundle.zip"
    before = _state(case)
    with pytest.raises(OSError):
        api.export_bundle(case, out)
    assert not out.exists() and _state(case) == before


def test_cli_gives_one_line_errors_and_honours_force(case: Case, tmp_path: Path) -> None:
    runner = CliRunner()
    where = ["--case", str(case.path)]
    folder = tmp_path / "d"
    folder.mkdir()
    out = runner.invoke(main, ["export-bundle", "--out", str(folder), *where])
    assert out.exit_code != 0 and "is a folder" in out.output
    assert "Traceback" not in out.output and len(out.output.strip().splitlines()) == 1
    target = tmp_path / "b.zip"
    assert runner.invoke(main, ["export-bundle", "--out", str(target), *where]).exit_code == 0
    again = runner.invoke(main, ["export-bundle", "--out", str(target), *where])
    assert again.exit_code != 0 and "--force" in again.output
    forced = runner.invoke(main, ["export-bundle", "--out", str(target), "--force", *where])
    assert forced.exit_code == 0, forced.output
    assert _state(case)[2] == ["b.zip", "b.zip"]
    assert runner.invoke(main, ["verify-bundle", str(target)]).exit_code == 0
    assert not _leftovers(tmp_path)


def test_export_head_is_stamped_before_anything_is_recorded(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With timestamp authorities, the head they stamp is the one the export then signs."""
    from rempart.evidence.transparency import add_tsa_root

    from tsa import LocalTSA

    with LocalTSA(key_type="ecdsa") as tsa:
        add_tsa_root(case.path, tsa.root_pem)
        case.config["settings"]["tsa_urls"] = tsa.url
        out = tmp_path / "stamped.zip"
        report: Any = api.export_bundle(case, out)
    check = verify_bundle(out)
    assert check.ok, check.problems
    assert report.timestamps == 1
    assert api.verify(case).ok


def test_a_case_changed_while_stamping_is_not_exported(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another command writing while the authorities answer: the planned head is no longer
    the one the export would sign, so nothing is written nor recorded."""
    from rempart.evidence import bundle

    def meanwhile(urls: list[str], data: bytes, timeout: float = 10.0) -> tuple[list, list]:
        api.record_custody(case, "view", {"command": "messages", "count": 1})
        return [], []

    monkeypatch.setattr(bundle, "request_tokens", meanwhile)
    case.config["settings"]["tsa_urls"] = "http://127.0.0.1:9/"
    out = tmp_path / "bundle.zip"
    with pytest.raises(EvidenceError, match="changed"):
        api.export_bundle(case, out)
    assert not out.exists() and _state(case)[2] == [] and not _leftovers(tmp_path)
