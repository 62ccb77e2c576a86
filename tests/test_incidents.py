"""Off-platform incidents: recorded with their attachments, sealed, verified, bundled, and
caught when the database is edited; hostile text and file names stay inert data."""

from __future__ import annotations

import io
import os
import sqlite3
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as api
from rempart.case import add_incident, export_bundle, incidents, verify
from rempart.case.incidents import media_type, parse_incident_time
from rempart.cli import main
from rempart.errors import IncidentError
from rempart.evidence.bundle import Selection, verify_bundle
from rempart.hashing import sha256_hex

from conftest import synthetic_capture
from tsa import LocalTSA

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
EML = (
    b"From: inconnu@example.org\r\nTo: rh@employeur.example\r\nSubject: votre salariee\r\n"
    b"Date: Sat, 28 Feb 2026 09:12:00 +0100\r\n\r\nElle ment, virez-la.\r\n"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
WHEN = "2026-02-28T23:05"  # Paris time (winter): 22:05 UTC; the case clock reads 2026-03-01


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "attach"
    folder.mkdir()
    out = {}
    for name, data in (("sonnette.png", PNG), ("mail-employeur.eml", EML), ("facture.pdf", PDF)):
        out[name] = folder / name
        out[name].write_bytes(data)
    return out


@pytest.fixture
def recorded(fresh_case: Any, files: dict[str, Path]) -> Any:
    """A case with one incident and its three attachments."""
    add_incident(
        fresh_case,
        WHEN,
        "domicile, porte d'entrée",
        "Un inconnu a sonné deux fois et demandé « la balance ».",
        list(files.values()),
    )
    return fresh_case


def db(case: Any) -> sqlite3.Connection:
    return sqlite3.connect(case.path / "case.db", isolation_level=None)


def first(report: Any) -> tuple[str, str, str]:
    p = report.first
    assert p is not None, "verify found nothing"
    return (p.what, p.where, p.kind)


# ----------------------------------------------------------------------------- recording


def test_an_incident_is_sealed_with_its_attachments(
    fresh_case: Any, files: dict[str, Path]
) -> None:
    before = fresh_case.store.log_head()[0]
    report = add_incident(
        fresh_case, WHEN, "domicile", "Un inconnu a sonné.", list(files.values()), by="amie"
    )
    found = report.incident
    assert (found.number, found.seq) == (1, before + 1)
    assert found.when == datetime(2026, 2, 28, 22, 5, tzinfo=UTC)
    assert found.when_given == WHEN and found.recorded_by == "amie"
    assert [(a.name, a.media_type, a.size, a.sha256, a.seq) for a in found.attachments] == [
        ("sonnette.png", "image/png", len(PNG), sha256_hex(PNG), found.seq),
        ("mail-employeur.eml", "message/rfc822", len(EML), sha256_hex(EML), found.seq),
        ("facture.pdf", "application/pdf", len(PDF), sha256_hex(PDF), found.seq),
    ]
    (entry,) = [e for e in fresh_case.store.entries() if e.kind == "incident"]
    body = orjson.loads(entry.body)
    assert entry.seq == found.seq
    assert (body["incident"], body["when"], body["where"], body["what"], body["by"]) == (
        1,
        "2026-02-28T22:05:00Z",
        "domicile",
        "Un inconnu a sonné.",
        "amie",
    )
    assert [a["sha256"] for a in body["attachments"]] == [
        sha256_hex(PNG),
        sha256_hex(EML),
        sha256_hex(PDF),
    ]
    assert body["via"] == "library"
    # the signed head covers the entry before the call returned
    assert report.tree_head.tree_size == found.seq == api.latest_tree_head(fresh_case).tree_size
    assert report.tree_head.reason == "incident" and report.stamps is None
    assert report.entry_hash == entry.entry_hash
    assert fresh_case.store.heads()[-1]["seq"] == found.seq  # shown, so remembered
    # the exact bytes are kept
    for attached, data in zip(found.attachments, (PNG, EML, PDF)):
        assert fresh_case.store.attachment_data(attached.sha256) == data
    assert incidents(fresh_case, record=False) == [found]
    result = verify(fresh_case)
    assert result.ok, result.problems
    assert result.incidents == 1


def test_incidents_are_numbered_listed_as_a_view_and_in_the_custody(recorded: Any) -> None:
    second = add_incident(recorded, "2026-03-01T08:00+01:00", "travail", "Appel anonyme au RH.")
    assert second.incident.number == 2 and second.incident.attachments == ()
    size = recorded.store.log_head()[0]
    listed = incidents(recorded, by="web")
    assert [i.number for i in listed] == [1, 2]
    view = orjson.loads(list(recorded.store.entries(size + 1))[0].body)
    assert view["kind"] == "view" and view["what"] == {
        "command": "incidents",
        "via": "web",
        "count": 2,
    }
    events = [e for e in api.custody(recorded, record=False) if e.kind == "incident"]
    assert [e.what["incident"] for e in events] == [1, 2]  # type: ignore[index]
    assert recorded.store.counts()["incidents"] == 2
    assert verify(recorded).ok


def test_the_same_file_attached_twice_is_kept_once(recorded: Any, files: dict[str, Path]) -> None:
    add_incident(recorded, "2026-03-01T09:00", "rue", "Encore lui.", [files["sonnette.png"]])
    assert len(recorded.store.attachment_keys()) == 3
    assert verify(recorded).ok


@pytest.mark.parametrize(
    ("given", "utc"),
    [
        ("2026-02-28T23:05", "2026-02-28T22:05:00+00:00"),  # winter: UTC+1
        ("2025-07-14 23:05", "2025-07-14T21:05:00+00:00"),  # summer: UTC+2
        ("2026-02-28T23:05+05:00", "2026-02-28T18:05:00+00:00"),
        ("2026-02-28T23:05:30Z", "2026-02-28T23:05:30+00:00"),
        (" 2026-02-28T23:05 ", "2026-02-28T22:05:00+00:00"),
        (datetime(2026, 2, 28, 23, 5), "2026-02-28T22:05:00+00:00"),
        (datetime(2026, 2, 28, 23, 5, tzinfo=UTC), "2026-02-28T23:05:00+00:00"),
    ],
)
def test_a_time_without_offset_is_paris_time(given: Any, utc: str) -> None:
    instant, _ = parse_incident_time(given, datetime(2026, 3, 1, tzinfo=UTC))
    assert instant.isoformat() == utc and instant.tzinfo is UTC


# ----------------------------------------------------------------------------- refusals


def _refused(case: Any, match: str, **changes: Any) -> None:
    given: dict[str, Any] = {"when": WHEN, "where": "ici", "what": "quelque chose", **changes}
    size, kept = case.store.log_head()[0], len(case.store.incidents())
    with pytest.raises(IncidentError, match=match) as caught:
        add_incident(case, given["when"], given["where"], given["what"], given.get("attach", ()))
    assert "\n" not in str(caught.value)  # a one-line message
    assert case.store.log_head()[0] == size and len(case.store.incidents()) == kept


def test_bad_inputs_are_refused_with_one_line_and_nothing_recorded(
    fresh_case: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refused(fresh_case, "no such file", attach=[tmp_path / "absent.jpg"])
    _refused(fresh_case, "is a folder", attach=[tmp_path])
    _refused(fresh_case, "not a regular file", attach=["/dev/null"])
    _refused(fresh_case, "not a date and time", when="hier soir")
    _refused(fresh_case, "not a date and time", when="2026-02-30T23:00")
    _refused(fresh_case, "--when is empty", when="  ")
    _refused(fresh_case, "a date without a time", when="2026-02-28")
    _refused(fresh_case, "in the future", when="2027-01-01T00:00")
    _refused(fresh_case, "before 1900", when="0001-01-01T00:00+01:00")
    _refused(fresh_case, "does not exist in Paris", when="2026-03-29T02:30")
    _refused(fresh_case, "happened twice in Paris", when="2025-10-26T02:30")
    _refused(fresh_case, "--what is empty", what="")
    _refused(fresh_case, "--what is empty", what=" \n\t")
    _refused(fresh_case, "--what is empty", what="\u200b\u200d\u202e\ufeff")
    _refused(fresh_case, "more than the 100000", what="x" * 100_001)
    _refused(fresh_case, "not UTF-8", what="caf\udce9")
    big = tmp_path / "video.mp4"
    big.write_bytes(b"\0" * 2048)
    # the module, not the function of the same name that rempart.case re-exports
    monkeypatch.setattr(sys.modules["rempart.case.incidents"], "MAX_ATTACHMENT_BYTES", 1024)
    _refused(fresh_case, "more than the 0 MiB", attach=[big])
    _refused(fresh_case, "more than the 0 MiB", attach=[("upload.bin", b"\0" * 2048)])
    _refused(fresh_case, "needs a file name", attach=[("  ", b"x")])


def test_media_types_come_from_the_bytes_before_the_name() -> None:
    assert media_type(PNG, "facture.pdf") == "image/png"
    assert media_type(PDF, "photo.png") == "application/pdf"
    assert media_type(EML, "mail.eml") == "message/rfc822"
    assert media_type(b"\xff\xd8\xff\xe0", "x") == "image/jpeg"
    assert media_type(b"RIFF\0\0\0\0WEBPVP8 ", "x") == "image/webp"
    assert media_type(b"\0\0\0\x18ftypheic", "x") == "image/heic"
    assert media_type(b"<html><script>", "page.html") == "text/html"
    assert media_type(b"???", "no-extension") == "application/octet-stream"


# ----------------------------------------------------------------------------- tampering


def test_altered_incident_text_fails_verify(recorded: Any) -> None:
    db(recorded).execute("update incidents set what = 'Rien de grave.' where number = 1")
    report = verify(recorded)
    seq = recorded.store.incidents()[0].seq
    assert first(report) == ("incident", f"1 (log entry {seq})", "altered")
    assert "what" in report.problems[0].detail


def test_altered_incident_time_or_attachment_list_fails_verify(recorded: Any) -> None:
    db(recorded).execute("update incidents set happened_at = '2026-02-27T22:05:00Z'")
    assert "when" in verify(recorded).problems[0].detail
    db(recorded).execute("update incidents set happened_at = 'hier'")
    report = verify(recorded)  # an unreadable row is reported, never a crash
    assert first(report) == ("incident", "rows", "altered")
    assert "incident 1" in report.problems[0].detail


def test_altered_attachment_bytes_fail_verify(recorded: Any) -> None:
    conn = db(recorded)
    conn.execute(
        "update attachments set data = ? where sha256 = ?", (EML + b"P.S.", sha256_hex(EML))
    )
    report = verify(recorded)
    seq = recorded.store.incidents()[0].seq
    assert first(report) == (
        "attachment",
        f"2 ('mail-employeur.eml') of incident 1 (log entry {seq})",
        "altered",
    )
    assert sha256_hex(EML)[:16] in report.problems[0].detail


def test_deleted_inserted_and_swapped_rows_fail_verify(recorded: Any) -> None:
    conn = db(recorded)
    conn.execute("delete from attachments where sha256 = ?", (sha256_hex(PDF),))
    assert first(verify(recorded))[2] == "missing"
    conn.execute(
        "insert into attachments (sha256, size, data) values (?, ?, ?)",
        (sha256_hex(b"forged"), 6, b"forged"),
    )
    kinds = {(p.what, p.kind) for p in verify(recorded).problems}
    assert {("attachment", "missing"), ("attachment", "inserted")} <= kinds
    conn.execute(
        "insert into incidents select number + 1, seq + 100, happened_at, when_given, place, "
        "'inventé', recorded_at, recorded_by, attachments from incidents"
    )
    assert ("incident", "inserted") in {(p.what, p.kind) for p in verify(recorded).problems}
    conn.execute("delete from incidents")
    assert ("incident", "deleted") in {(p.what, p.kind) for p in verify(recorded).problems}


def test_altered_incident_entry_fails_verify(recorded: Any) -> None:
    seq = recorded.store.incidents()[0].seq
    conn = db(recorded)
    body = conn.execute("select body from evidence_log where seq = ?", (seq,)).fetchone()[0]
    conn.execute(
        "update evidence_log set body = ? where seq = ?",
        (bytes(body).replace(b"balance", b"voisine"), seq),
    )
    assert first(verify(recorded)) == ("log entry", str(seq), "altered")


def test_a_log_cut_short_below_an_incident_is_caught(recorded: Any) -> None:
    seq = recorded.store.incidents()[0].seq
    conn = db(recorded)
    for table in ("evidence_log", "merkle_leaves"):
        conn.execute(f"delete from {table} where seq >= ?", (seq,))
    conn.execute("delete from tree_heads where tree_size >= ?", (seq,))
    conn.execute("delete from incidents")
    conn.execute("delete from attachments")
    report = verify(recorded)
    assert not report.ok
    assert any("truncated" in p.detail for p in report.problems)


# ----------------------------------------------------------------------------- bundles


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rezip(content: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in content.items():
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def with_manifest(content: dict[str, bytes], manifest: dict[str, Any]) -> dict[str, bytes]:
    text = orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    return {**content, "manifest.json": text}


@pytest.fixture
def bundled(recorded: Any, write_jsonl: Callable[..., Path], tmp_path: Path) -> dict[str, Any]:
    api.ingest(recorded, [synthetic_capture(write_jsonl, 2, 2)])
    report = export_bundle(recorded, tmp_path / "bundle.zip")
    return {"case": recorded, "report": report, "members": members(report.path)}


def test_the_bundle_carries_incidents_and_their_exact_bytes(bundled: dict[str, Any]) -> None:
    case, report, content = bundled["case"], bundled["report"], bundled["members"]
    (found,) = case.store.incidents()
    seq = found.seq
    assert (report.items, report.incidents, report.attachments) == (2, 1, 3)
    assert content[f"attachments/{seq}-1.png"] == PNG
    assert content[f"attachments/{seq}-2.eml"] == EML
    assert content[f"attachments/{seq}-3.pdf"] == PDF
    entry = next(e for e in case.store.entries() if e.seq == seq)
    assert content[f"entries/{seq}.json"] == entry.body
    manifest = orjson.loads(content["manifest.json"])
    (listed,) = manifest["export"]["incidents"]
    assert listed["seq"] == seq and [a["size"] for a in listed["attachments"]] == [
        len(PNG),
        len(EML),
        len(PDF),
    ]
    check = verify_bundle(report.path)
    assert check.ok, check.problems
    assert (check.items, check.incidents, check.attachments) == (2, 1, 3)
    assert "incidents: 1, with 3 attachments" in check.summary()


def test_a_bundle_without_incidents_has_no_incidents_part(fresh_case: Any, tmp_path: Path) -> None:
    report = export_bundle(fresh_case, tmp_path / "b.zip")
    assert "incidents" not in orjson.loads(members(report.path)["manifest.json"])["export"]
    assert verify_bundle(report.path).ok


def test_selections_carry_incidents_of_their_time_window_only(
    bundled: dict[str, Any], tmp_path: Path
) -> None:
    case = bundled["case"]
    inside = export_bundle(case, tmp_path / "in.zip", Selection.parse(since="2026-02-28"))
    outside = export_bundle(case, tmp_path / "out.zip", Selection.parse(until="2026-02-27"))
    by_id = export_bundle(case, tmp_path / "id.zip", Selection.parse(select="x:1000000"))
    assert (inside.incidents, outside.incidents, by_id.incidents) == (1, 0, 0)
    assert all(verify_bundle(r.path).ok for r in (inside, outside, by_id))


def nudged(value: Any) -> Any:
    """A value of the same kind, one step away."""
    if isinstance(value, int):
        return value + 1
    return value[:-1] + ("0" if value[-1] != "0" else "1")


def test_every_change_to_the_incidents_of_a_bundle_is_caught(bundled: dict[str, Any]) -> None:
    content = bundled["members"]
    assert verify_bundle(rezip(content)).ok
    mutated: list[dict[str, bytes]] = []
    carried = [n for n in content if n.startswith("attachments/")]
    seq = bundled["case"].store.incidents()[0].seq
    for name in [*carried, f"entries/{seq}.json"]:
        data = content[name]
        for at in (0, len(data) // 2, len(data) - 1):
            mutated.append({**content, name: data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]})
        mutated.append({k: v for k, v in content.items() if k != name})
        mutated.append({**content, name: data + b"\n"})
    mutated.append({**content, carried[0]: content[carried[1]], carried[1]: content[carried[0]]})
    paths: list[tuple[Any, ...]] = [(k,) for k in ("seq", "entry", "entry_sha256", "leaf_hash")]
    paths += [("attachments", n, k) for n in range(3) for k in ("file", "sha256", "size")]
    for path in paths:
        edited = orjson.loads(content["manifest.json"])
        holder = edited["export"]["incidents"][0]
        for key in path[:-1]:
            holder = holder[key]
        holder[path[-1]] = nudged(holder[path[-1]])
        mutated.append(with_manifest(content, edited))
    dropped = orjson.loads(content["manifest.json"])
    del dropped["export"]["incidents"]
    mutated.append(with_manifest({k: v for k, v in content.items() if k not in carried}, dropped))
    one_less = orjson.loads(content["manifest.json"])
    one_less["export"]["incidents"][0]["attachments"].pop()
    mutated.append(with_manifest({k: v for k, v in content.items() if k != carried[-1]}, one_less))
    for variant in mutated:
        assert variant != content
        check = verify_bundle(rezip(variant))
        assert not check.ok, "a change to an incident was not caught"


def test_a_case_with_altered_attachment_bytes_exports_a_failing_bundle(
    recorded: Any, tmp_path: Path
) -> None:
    db(recorded).execute(
        "update attachments set data = ? where sha256 = ?", (PNG + b"!", sha256_hex(PNG))
    )
    report = export_bundle(recorded, tmp_path / "b.zip")
    check = verify_bundle(report.path)
    assert not check.ok
    assert any("attachment 1 of incident entry" in p for p in check.problems)


# ----------------------------------------------------------------------------- hostile data


HOSTILE_WHAT = (
    "<script>alert(1)</script><img src=x onerror=alert(2)> "
    "\u202egnp.exe\u202c \u200bzero\u200dwidth\u2066isolated\u2069 \x1b[31mred\x1b[0m"
)


def test_hostile_text_and_names_are_kept_as_inert_data(fresh_case: Any, tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    odd_names = [
        "..\\..\\etc\\passwd",
        "photo\u202egnp.exe",
        "<img src=x onerror=alert(1)>.png",
        "a\u200bb",
    ]
    paths = []
    for i, name in enumerate(odd_names):
        paths.append(folder / name)
        paths[-1].write_bytes(PNG + bytes([i]))
    raw = os.path.join(os.fsencode(folder), b"caf\xe9.jpg")  # a name that is not UTF-8
    with open(raw, "wb") as fh:
        fh.write(b"\xff\xd8\xff\xe0jpeg")
    given: list[Any] = [*paths, raw.decode("utf-8", "surrogateescape")]
    given.append(("../../etc/passwd", PDF))
    given.append(("/etc/shadow", EML))
    report = add_incident(fresh_case, WHEN, "<b>chez moi</b>\u202e", HOSTILE_WHAT, given)
    found = report.incident
    names = [a.name for a in found.attachments]
    assert found.attachments[-1].media_type == "application/octet-stream"  # no magic, no extension
    assert names == [*odd_names, "caf\\xe9.jpg", "../../etc/passwd", "/etc/shadow"]
    assert found.what == HOSTILE_WHAT and found.where == "<b>chez moi</b>\u202e"
    assert incidents(fresh_case, record=False) == [found]
    assert verify(fresh_case).ok
    bundle = export_bundle(fresh_case, tmp_path / "out" / "b.zip")
    content = members(bundle.path)
    carried = sorted(n for n in content if n.startswith("attachments/"))
    seq = found.seq
    assert carried == sorted(
        [f"attachments/{seq}-{n}.png" for n in range(1, 5)]
        + [f"attachments/{seq}-5.jpg", f"attachments/{seq}-6.pdf", f"attachments/{seq}-7.bin"]
    )
    assert verify_bundle(bundle.path).ok
    assert not (tmp_path / "etc").exists() and sorted(os.listdir(tmp_path / "out")) == ["b.zip"]
    # shown on a terminal: escaped; as JSON: exact
    runner = CliRunner()
    text = runner.invoke(main, ["incident", "list", "--case", str(fresh_case.path)])
    assert text.exit_code == 0, text.output
    assert "\u202e" not in text.output and "\x1b" not in text.output and "\u2066" not in text.output
    assert "\\u202e" in text.output and "\\x1b" in text.output
    lines = runner.invoke(main, ["incident", "list", "--json", "--case", str(fresh_case.path)])
    (parsed,) = [orjson.loads(line) for line in lines.output.splitlines()]
    assert parsed["what"] == HOSTILE_WHAT and "\u202e" not in lines.output
    assert [a["name"] for a in parsed["attachments"]] == names


# ----------------------------------------------------------------------------- trusted time


def test_an_incident_head_is_timestamped_when_the_case_has_tsas(
    fresh_case: Any, files: dict[str, Path]
) -> None:
    with LocalTSA("ecdsa") as tsa:
        api.add_tsa_root(fresh_case, tsa.root_pem)
        fresh_case.config["settings"]["tsa_urls"] = tsa.url
        report = add_incident(fresh_case, WHEN, "ici", "Livraisons.", [files["facture.pdf"]])
    assert report.stamps is not None and report.stamps.errors == []
    assert report.stamps.tree_size == report.tree_head.tree_size == report.incident.seq
    result = verify(fresh_case)
    assert result.ok, result.problems
    assert result.timestamps == 1


# ----------------------------------------------------------------------------- command line


def test_cli_round_trip(fresh_case: Any, files: dict[str, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    where = ["--case", str(fresh_case.path)]
    added = runner.invoke(
        main,
        [
            "incident",
            "add",
            *where,
            "--when",
            WHEN,
            "--where",
            "domicile",
            "--what",
            "Trente pizzas livrées à mon nom.",
            "--attach",
            str(files["sonnette.png"]),
            "--attach",
            str(files["mail-employeur.eml"]),
        ],
    )
    assert added.exit_code == 0, added.output
    (found,) = fresh_case.store.incidents()
    assert f"Incident 1 recorded: log entry {found.seq}" in added.output
    assert f"log head {found.seq} {fresh_case.store.log_head()[1]}" in added.output
    assert "2026-02-28 23:05 Paris time (2026-02-28T22:05:00Z)" in added.output
    assert f"sha256 {sha256_hex(PNG)}" in added.output
    body = orjson.loads(next(e for e in fresh_case.store.entries() if e.seq == found.seq).body)
    assert body["via"] == "cli"
    listed = runner.invoke(main, ["incident", "list", *where])
    assert listed.exit_code == 0 and "#1  2026-02-28 23:05 Paris" in listed.output
    assert "Trente pizzas" in listed.output and "sonnette.png" in listed.output
    as_json = runner.invoke(main, ["incident", "list", "--json", *where])
    (parsed,) = [orjson.loads(line) for line in as_json.output.splitlines()]
    assert parsed["number"] == 1 and parsed["when"] == "2026-02-28T22:05:00Z"
    checked = runner.invoke(main, ["verify", *where])
    assert checked.exit_code == 0 and "1 incidents verified" in checked.output
    out = tmp_path / "b.zip"
    exported = runner.invoke(main, ["export-bundle", *where, "--out", str(out)])
    assert exported.exit_code == 0 and "1 incidents (2 attachments)" in exported.output
    assert runner.invoke(main, ["verify-bundle", str(out)]).exit_code == 0
    for bad, says in (
        (["--when", "demain"], "is not a date and time"),
        (["--what", "   "], "--what is empty"),
        (["--attach", str(tmp_path / "absent.png")], "no such file"),
        (["--attach", str(tmp_path)], "is a folder"),
    ):
        options = {"--when": WHEN, "--where": "ici", "--what": "x", "--attach": None}
        options[bad[0]] = bad[1]
        args = [a for k, v in options.items() if v is not None for a in (k, v)]
        result = runner.invoke(main, ["incident", "add", *where, *args])
        assert result.exit_code == 1 and says in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert len(fresh_case.store.incidents()) == 1
    assert runner.invoke(main, ["incident", "add", "--help"]).exit_code == 0
