"""Trusted time in a case: tree heads stamped by real local RFC 3161 TSAs, verified offline."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as api
from rempart.cli import main
from rempart.errors import EvidenceError
from rempart.evidence.log import sha256_hex
from rempart.evidence.transparency import tree_heads

from conftest import synthetic_capture
from tsa import LocalTSA


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (a TSA that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


def configure(case: Any, *urls: str) -> None:
    case.config["settings"]["tsa_urls"] = ",".join(urls)


def logged(case: Any, kind: str) -> list[dict[str, Any]]:
    return [orjson.loads(e.body) for e in case.store.entries() if e.kind == kind]


def problems(report: Any) -> list[tuple[str, str, str]]:
    return [(p.what, p.where, p.kind) for p in report.problems]


@pytest.fixture(scope="module")
def tsa() -> Any:
    with LocalTSA("ecdsa") as server:
        yield server


def test_import_stamps_its_head_and_the_token_verifies(
    fresh_case: Any, write_jsonl: Callable[..., Path], tsa: LocalTSA
) -> None:
    configure(fresh_case, tsa.url)
    api.add_tsa_root(fresh_case, tsa.root_pem)
    report = api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    assert report.stamps is not None and report.stamps.errors == []
    (token,) = report.stamps.tokens
    head_id, sth = tree_heads(fresh_case.store)[-1]
    assert (report.stamps.head_id, sth.reason, sth.tree_size) == (
        head_id,
        "import",
        report.head_seq,
    )
    (row,) = fresh_case.store.timestamps()
    assert (row["head_id"], row["tree_size"], row["root_hash"], row["url"]) == (
        head_id,
        sth.tree_size,
        sth.root_hash,
        tsa.url,
    )
    assert row["token_der"] == token.der and row["gen_time"] == token.gen_time
    (entry,) = logged(fresh_case, "timestamp")
    assert entry["token_sha256"] == sha256_hex(token.der) and entry["head"] == head_id
    assert entry["seq"] == sth.tree_size + 1  # after the head it stamps: in the next head
    verified = api.verify(fresh_case)
    assert verified.ok, verified.problems
    assert verified.timestamps == 1
    assert api.tree_head(fresh_case).tree_size == entry["seq"]


def test_a_tsa_down_warns_names_it_and_keeps_the_import(
    fresh_case: Any,
    write_jsonl: Callable[..., Path],
    tsa: LocalTSA,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    down = closed_port_url()
    monkeypatch.setenv("REMPART_TSA_URLS", f"{down}, {tsa.url}")
    api.add_tsa_root(fresh_case, tsa.root_pem)
    data = synthetic_capture(write_jsonl)
    result = CliRunner().invoke(main, ["ingest", "--case", str(fresh_case.path), str(data)])
    assert result.exit_code == 0, result.output
    assert f"warning: timestamp authority {down}: unreachable" in result.stderr
    assert f"by {tsa.url} at " in result.stdout
    with api.open_case(fresh_case.path) as case:
        assert case.store.counts()["messages"] == 30
        assert [row["url"] for row in case.store.timestamps()] == [tsa.url]
        assert api.verify(case).ok


def test_verify_names_a_tampered_token(
    fresh_case: Any, write_jsonl: Callable[..., Path], tsa: LocalTSA
) -> None:
    configure(fresh_case, tsa.url)
    api.add_tsa_root(fresh_case, tsa.root_pem)
    api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    der = bytearray(fresh_case.store.timestamps()[0]["token_der"])
    der[-3] ^= 0x01  # inside the SignerInfo signature
    db = sqlite3.connect(fresh_case.path / "case.db")
    with db:
        db.execute("update timestamps set token_der = ? where id = 1", (bytes(der),))
    result = CliRunner().invoke(main, ["verify", "--case", str(fresh_case.path)])
    assert result.exit_code == 1
    assert f"timestamp #1 ({tsa.url}, head #2): altered:" in result.output
    assert "signature" in result.output


def test_verify_catches_a_token_moved_to_another_head(
    fresh_case: Any, write_jsonl: Callable[..., Path], tsa: LocalTSA
) -> None:
    configure(fresh_case, tsa.url)
    api.add_tsa_root(fresh_case, tsa.root_pem)
    api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    api.ingest(fresh_case, [synthetic_capture(write_jsonl, n_pages=2, name="more.jsonl")])
    first, second = fresh_case.store.timestamps()
    assert first["head_id"] < second["head_id"]
    db = sqlite3.connect(fresh_case.path / "case.db")
    with db:  # the second head's row now carries the first head's token
        db.execute("update timestamps set token_der = ? where id = 2", (first["token_der"],))
    report = api.verify(fresh_case)
    found = problems(report)
    where = f"#2 ({tsa.url}, head #{second['head_id']})"
    assert ("timestamp", where, "altered") in found
    assert any("messageImprint" in p.detail for p in report.problems if p.where == where)
    assert ("timestamp", where, "inserted") in found  # its own log entry no longer matches
    assert any(
        w.startswith("entry ") and k == "missing" for what, w, k in found if what == "timestamp"
    )


def test_a_deleted_token_is_missing(
    fresh_case: Any, write_jsonl: Callable[..., Path], tsa: LocalTSA
) -> None:
    configure(fresh_case, tsa.url)
    api.add_tsa_root(fresh_case, tsa.root_pem)
    api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    db = sqlite3.connect(fresh_case.path / "case.db")
    with db:
        db.execute("delete from timestamps")
    (problem,) = api.verify(fresh_case).problems
    assert (problem.what, problem.kind) == ("timestamp", "missing")
    assert tsa.url in problem.where


def test_tokens_without_a_trusted_root_are_unverifiable(
    fresh_case: Any, write_jsonl: Callable[..., Path], tsa: LocalTSA
) -> None:
    configure(fresh_case, tsa.url)
    api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    (problem,) = api.verify(fresh_case).problems
    assert (problem.what, problem.kind) == ("timestamp", "unverifiable")
    assert "tsa add-root" in problem.detail
    other = LocalTSA("rsa")  # another authority's root does not vouch for this token
    api.add_tsa_root(fresh_case, other.root_pem)
    (problem,) = api.verify(fresh_case).problems
    assert (problem.what, problem.kind) == ("timestamp", "altered")


def test_timestamp_command_stamps_the_latest_head_on_demand(
    fresh_case: Any, tsa: LocalTSA, tmp_path: Path
) -> None:
    runner = CliRunner()
    case = str(fresh_case.path)
    refused = runner.invoke(main, ["timestamp", "--case", case])
    assert refused.exit_code == 1 and "no timestamp authority configured" in refused.output
    root = tmp_path / "root.pem"
    root.write_bytes(tsa.root_pem)
    added = runner.invoke(main, ["tsa", "add-root", "--case", case, str(root)])
    assert added.exit_code == 0, added.output
    assert len(list((fresh_case.path / "keys" / "tsa-roots").glob("*.pem"))) == 1
    stamped = runner.invoke(main, ["timestamp", "--case", case, "--tsa", tsa.url])
    assert stamped.exit_code == 0, stamped.output
    assert "Timestamped tree head #1 (size 0)" in stamped.output
    down = runner.invoke(main, ["timestamp", "--case", case, "--tsa", closed_port_url()])
    assert down.exit_code == 1 and "warning: timestamp authority" in down.output
    with api.open_case(fresh_case.path) as reopened:
        assert len(reopened.store.timestamps()) == 1
        assert api.verify(reopened).ok


def test_tree_head_command_stamps_when_tsas_are_configured(
    fresh_case: Any, tsa: LocalTSA, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMPART_TSA_URLS", tsa.url)
    result = CliRunner().invoke(main, ["tree-head", "--case", str(fresh_case.path)])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout.splitlines()[0])["reason"] == "on demand"
    with api.open_case(fresh_case.path) as case:
        (row,) = case.store.timestamps()
        assert row["head_id"] == tree_heads(case.store)[-1][0] == 2


def test_add_root_refuses_what_is_not_a_certificate(fresh_case: Any) -> None:
    with pytest.raises(EvidenceError, match="not a PEM certificate"):
        api.add_tsa_root(fresh_case, b"-----BEGIN CERTIFICATE-----\nnope\n")
