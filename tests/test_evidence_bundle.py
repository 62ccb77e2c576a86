"""The evidence bundle: export, offline verification, and >= 1,000 random mutations all caught.

The bundle is built once for the module (a case with two imports, a local RFC 3161 authority
stamping heads); each mutation rewrites its members in memory and re-zips them.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Counter, Iterator

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rempart import case as api
from rempart.case import Case, export_bundle
from rempart.cli import main
from rempart.clock import FixedClock
from rempart.errors import EvidenceError
from rempart.evidence import bundle as bundle_mod
from rempart.evidence.bundle import Selection, verify_bundle
from rempart.evidence.signing import CaseKey, SignedTreeHead, sign_tree_head
from rempart.evidence.transparency import add_tsa_root

from conftest import T0, page, synthetic_capture, tweet
from tsa import LocalTSA

Members = dict[str, bytes]
MANIFEST_OPTS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
FAST = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def write_lines(path: Path, objects: list[Any]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(o) + b"\n" for o in objects))
    return path


def new_case(folder: Path) -> Case:
    return Case.create(folder, ["@cible"], clock=FixedClock(T0, timedelta(seconds=1)))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A case with two imports and stamped heads, and its bundle (all records)."""
    root = tmp_path_factory.mktemp("bundle")
    case = new_case(root / "case")
    first = synthetic_capture(lambda name, lines: write_lines(root / name, lines), 3, 4)
    second = write_lines(
        root / "second.jsonl",
        [
            page(
                [
                    tweet("2000001", "../../etc/passwd <script>alert(1)</script>"),
                    tweet("2000002", "<img src=x onerror=alert(1)> ..\\..\\boot.ini"),
                ]
            )
        ],
    )
    with LocalTSA(key_type="ecdsa") as tsa:
        add_tsa_root(case.path, tsa.root_pem)
        api.ingest(case, [first])
        api.timestamp(case, [tsa.url])
        api.ingest(case, [second])
        case.config["settings"]["tsa_urls"] = tsa.url  # the export head gets stamped too
        report = export_bundle(case, root / "out" / "bundle.zip")
    data = report.path.read_bytes()
    yield {"case": case, "report": report, "zip": data, "root": root, "members": read_members(data)}
    case.close()


def read_members(data: bytes) -> Members:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(members: Members) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def manifest_of(members: Members) -> dict[str, Any]:
    result: dict[str, Any] = orjson.loads(members["manifest.json"])
    return result


def with_manifest(members: Members, manifest: dict[str, Any]) -> Members:
    """The members with ``manifest`` written in its one accepted spelling."""
    return {**members, "manifest.json": orjson.dumps(manifest, option=MANIFEST_OPTS) + b"\n"}


#: Mutations tried, per test: the budget test checks the module reaches 1,000.
TRIED: Counter[str] = Counter()


def assert_caught(mutated: bytes | Members, original: Members) -> None:
    TRIED[os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0].split("[")[0]] += 1
    data = mutated if isinstance(mutated, bytes) else rezip(mutated)
    if not isinstance(mutated, bytes):
        assert mutated != original, "the mutation changed nothing"
    check = verify_bundle(data)
    assert not check.ok, "the mutation was not caught"
    assert all(isinstance(p, str) and p for p in check.problems)


# ------------------------------------------------------------------------- export, verify


def test_bundle_verifies_with_tokens_and_names_what_it_checked(built: dict[str, Any]) -> None:
    check = verify_bundle(built["report"].path)
    assert check.ok, check.problems
    report = built["report"]
    assert check.items == report.items == 4  # a record per page: three pages, then one
    assert check.tree_size == report.tree_head.tree_size == report.export_seq
    assert check.fingerprint == report.fingerprint
    assert report.timestamps == 2 and len(check.timestamps) == 2  # import head + export head
    assert check.tree_heads >= 4  # key created, two imports, export
    assert verify_bundle(rezip(built["members"])).ok  # the test's re-zipping keeps it valid
    assert report.fingerprint in check.summary()


def test_verifies_from_a_copy_with_the_case_deleted(built: dict[str, Any], tmp_path: Path) -> None:
    root = built["root"]
    case = new_case(root / "doomed")
    capture = synthetic_capture(
        lambda name, lines: write_lines(root / name, lines), 2, 2, name="doomed.jsonl"
    )
    api.ingest(case, [capture])
    report = export_bundle(case, root / "doomed" / "exports" / "b.zip")
    case.close()
    copy = tmp_path / "elsewhere" / "b.zip"
    copy.parent.mkdir()
    shutil.copy(report.path, copy)
    shutil.rmtree(root / "doomed")
    check = verify_bundle(copy, expected_fingerprint=report.fingerprint[:32])
    assert check.ok, check.problems
    assert check.items == 2


def test_a_case_without_records_exports_a_checkable_bundle(tmp_path: Path) -> None:
    case = new_case(tmp_path / "empty")
    report = export_bundle(case, tmp_path / "empty.zip")
    case.close()
    check = verify_bundle(tmp_path / "empty.zip")
    assert check.ok, check.problems
    assert report.items == check.items == 0 and check.tree_size == report.export_seq == 1


def test_zip_is_ordered_with_fixed_times_and_safe_names(built: dict[str, Any]) -> None:
    with zipfile.ZipFile(io.BytesIO(built["zip"])) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names[:3] == ["VERIFY.txt", "manifest.json", "public-key.pem"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert all(".." not in n and not n.startswith("/") for n in names)
    records = [n for n in names if n.startswith("records/")]
    assert records == sorted(records, key=lambda n: int(n.split("/")[1].split(".")[0]))


def test_records_are_exact_bytes_and_hostile_content_is_data(built: dict[str, Any]) -> None:
    case, members = built["case"], built["members"]
    for rec in case.store.records():
        assert members[f"records/{rec.seq}.bin"] == rec.raw
    hostile = [m for n, m in members.items() if n.startswith("records/") and b"<script>" in m]
    assert hostile and b"../../etc/passwd" in hostile[0]
    item_sources = {i["source"]["name"] for i in manifest_of(members)["export"]["items"]}
    assert any(name.endswith("second.jsonl") for name in item_sources)


def test_export_entry_is_logged_and_covered_by_the_head(built: dict[str, Any]) -> None:
    case, report = built["case"], built["report"]
    entries = {e.seq: e for e in case.store.entries()}
    entry = entries[report.export_seq]
    body = orjson.loads(entry.body)
    assert entry.kind == "export" and body["what"]["manifest_sha256"] == report.manifest_sha256
    assert body["what"]["file"] == "bundle.zip" and body["what"]["items"] == report.items
    assert body["by"] == case.settings["operator"]
    assert report.tree_head.reason == "export" and report.tree_head.tree_size == entry.seq
    assert built["members"][f"entries/{entry.seq}.json"] == entry.body
    assert api.verify(case, replay=False).ok


def test_selection_by_message_id(built: dict[str, Any]) -> None:
    case = built["case"]
    out = built["root"] / "one.zip"
    report = api.export_bundle(case, out, Selection.parse("x:2000001"))
    seqs = case.store.record_seqs(("x", "2000001"))
    manifest = manifest_of(read_members(out.read_bytes()))
    assert [i["seq"] for i in manifest["export"]["items"]] == seqs and report.items == len(seqs)
    assert manifest["export"]["selection"]["message_ids"] == ["x:2000001"]
    assert verify_bundle(out).ok
    with pytest.raises(EvidenceError, match="x:404"):
        api.export_bundle(case, out, Selection(("x:404",)))
    with pytest.raises(EvidenceError, match="PLATFORM:ID"):
        api.export_bundle(case, out, Selection(("nocolon",)))


def test_selection_by_author_and_time(built: dict[str, Any]) -> None:
    store = built["case"].store
    assert bundle_mod.selected_seqs(store, Selection(author="@nobody")) == []
    every = bundle_mod.selected_seqs(store, Selection())
    late = bundle_mod.selected_seqs(store, Selection(since="2026-03-01T12:15:00Z"))
    assert late and set(late) < set(every)
    assert bundle_mod.selected_seqs(store, Selection(author="troll")) != []


def test_verify_txt_explains_in_french_and_english(built: dict[str, Any]) -> None:
    text = built["members"]["VERIFY.txt"].decode("utf-8")
    for words in (
        "FRANÇAIS",
        "Ce que cela prouve",
        "ne prouve pas",
        "ENGLISH",
        "What this proves",
        "does not prove",
        "RFC 9162",
        "RFC 3161",
        "Ed25519",
        "rempart verify-bundle",
        built["report"].fingerprint,
    ):
        assert words in text


def test_cli_export_and_verify(built: dict[str, Any], tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "cli.zip"
    case_dir = str(built["case"].path)
    result = runner.invoke(
        main,
        ["export-bundle", "--case", case_dir, "--out", str(out), "--select", "x:2000001,x:2000002"],
    )
    assert result.exit_code == 0, result.output
    assert "fingerprint" in result.output
    ok = runner.invoke(main, ["verify-bundle", str(out)])
    assert ok.exit_code == 0 and "OK: " in ok.output and built["report"].fingerprint in ok.output
    wrong = runner.invoke(main, ["verify-bundle", str(out), "--fingerprint", "00" * 32])
    assert wrong.exit_code == 1 and "fingerprint" in wrong.output
    members = read_members(out.read_bytes())
    members["records/1.bin"] = b"smuggled"
    out.write_bytes(rezip({n: d for n, d in members.items() if not n.startswith("VERIFY")}))
    bad = runner.invoke(main, ["verify-bundle", str(out)])
    assert bad.exit_code == 1
    lines = bad.output.strip().splitlines()
    assert any("VERIFY.txt: missing" in line for line in lines)
    assert any("records/1.bin: unexpected member" in line for line in lines)


# ------------------------------------------------------------------------- hostile zips


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "/etc/passwd",
        "records/../../x",
        "a\\b",
        "C:/x",
        "records//1.bin",
        "records/./1.bin",
    ],
)
def test_unsafe_member_names_are_refused(built: dict[str, Any], name: str) -> None:
    check = verify_bundle(rezip({**built["members"], name: b"x"}))
    assert not check.ok and "unsafe member name" in check.problems[0]


def test_duplicate_names_and_non_zips_are_refused(built: dict[str, Any]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf, pytest.warns(UserWarning):
        zf.writestr("VERIFY.txt", b"a")
        zf.writestr("VERIFY.txt", b"b")
    assert "appears twice" in verify_bundle(out.getvalue()).problems[0]
    assert "not a readable zip" in verify_bundle(b"<html>not a zip</html>").problems[0]


def test_oversized_members_are_refused(
    built: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle_mod, "MAX_RATIO", 2)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("records/1.bin", bytes(2 << 20))
    assert "zip bomb" in verify_bundle(bomb.getvalue()).problems[0]
    monkeypatch.setattr(bundle_mod, "MAX_MEMBER_BYTES", 100)
    assert "zip bomb" in verify_bundle(built["zip"]).problems[0]


def test_hand_edited_manifest_spelling_is_refused(built: dict[str, Any]) -> None:
    members = built["members"]
    loose = orjson.dumps(manifest_of(members))  # same data, compact spelling
    check = verify_bundle(rezip({**members, "manifest.json": loose}))
    assert not check.ok and "canonical spelling" in check.problems[0]


# ------------------------------------------------------------------------- mutations


@st.composite
def flipped(draw: st.DrawFn, members: Members) -> Members:
    name = draw(st.sampled_from(sorted(members)))
    data = bytearray(members[name])
    at = draw(st.integers(0, len(data) - 1))
    data[at] ^= draw(st.integers(1, 255))
    return {**members, name: bytes(data)}


@settings(max_examples=500, **FAST)  # type: ignore[arg-type]
@given(data=st.data())
def test_any_flipped_byte_is_caught(built: dict[str, Any], data: st.DataObject) -> None:
    members = built["members"]
    assert_caught(data.draw(flipped(members)), members)


@settings(max_examples=120, **FAST)  # type: ignore[arg-type]
@given(data=st.data())
def test_truncation_is_caught(built: dict[str, Any], data: st.DataObject) -> None:
    members, whole = built["members"], built["zip"]
    if data.draw(st.booleans()):
        assert_caught(whole[: data.draw(st.integers(0, len(whole) - 1))], members)
        return
    name = data.draw(st.sampled_from(sorted(members)))
    cut = data.draw(st.integers(0, len(members[name]) - 1))
    assert_caught({**members, name: members[name][:cut]}, members)


@settings(max_examples=80, **FAST)  # type: ignore[arg-type]
@given(data=st.data())
def test_deleted_added_or_renamed_members_are_caught(
    built: dict[str, Any], data: st.DataObject
) -> None:
    members = built["members"]
    name = data.draw(st.sampled_from(sorted(members)))
    way = data.draw(st.sampled_from(["delete", "add", "rename"]))
    mutated = dict(members)
    if way == "delete":
        del mutated[name]
    elif way == "add":
        extra = data.draw(
            st.sampled_from(
                [
                    "records/999999.bin",
                    "entries/999999.json",
                    "notes.txt",
                    "timestamps/99.tsr",
                    "tsa-roots/9.pem",
                    "tree-heads/99.sig",
                    name + ".bak",
                ]
            )
        )
        mutated[extra] = members[name]
    else:
        new = data.draw(
            st.sampled_from(
                [
                    n
                    for n in (name + "x", name.upper(), "x/" + name, name.replace("/", "/9"))
                    if n != name
                ]
            )
        )
        mutated[new] = mutated.pop(name)
    assert_caught(mutated, members)


@settings(max_examples=60, **FAST)  # type: ignore[arg-type]
@given(data=st.data())
def test_reordered_proof_elements_are_caught(built: dict[str, Any], data: st.DataObject) -> None:
    members = built["members"]
    manifest = manifest_of(members)
    proofs = [p for p in manifest["inclusion_proofs"].values() if len(p) >= 2]
    proofs += [p for p in manifest["consistency_proofs"] if len(p) >= 2]
    proof = data.draw(st.sampled_from(proofs))
    i = data.draw(st.integers(0, len(proof) - 2))
    j = data.draw(st.integers(i + 1, len(proof) - 1))
    proof[i], proof[j] = proof[j], proof[i]
    assert_caught(with_manifest(members, manifest), members)


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key in value:
            yield from leaf_paths(value[key], (*path, key))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaf_paths(v, (*path, i))
    else:
        yield path


def changed(value: Any, data: st.DataObject) -> Any:
    """A different value of the same kind (or null, or a different kind)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + data.draw(st.sampled_from([-1, 1, 1000]))
    if isinstance(value, str) and value:
        at = data.draw(st.integers(0, len(value) - 1))
        swap = "0" if value[at] != "0" else "1"
        return value[:at] + swap + value[at + 1 :]
    return data.draw(st.sampled_from(["x", 0]))


@settings(max_examples=300, **FAST)  # type: ignore[arg-type]
@given(data=st.data())
def test_edited_manifest_fields_are_caught(built: dict[str, Any], data: st.DataObject) -> None:
    members = built["members"]
    manifest = manifest_of(members)
    path = data.draw(st.sampled_from(list(leaf_paths(manifest))))
    holder = manifest
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = changed(holder[path[-1]], data)
    assert_caught(with_manifest(members, manifest), members)


@settings(max_examples=50, **FAST)  # type: ignore[arg-type]
@given(data=st.data())
def test_swapped_records_are_caught(built: dict[str, Any], data: st.DataObject) -> None:
    members = built["members"]
    names = sorted(n for n in members if n.startswith(("records/", "entries/")))
    a = data.draw(st.sampled_from(names))
    b = data.draw(st.sampled_from([n for n in names if n != a]))
    assert_caught({**members, a: members[b], b: members[a]}, members)


@pytest.fixture(scope="module")
def other_key(tmp_path_factory: pytest.TempPathFactory) -> CaseKey:
    return CaseKey.create(tmp_path_factory.mktemp("other") / "keys")


def resigned(sth: SignedTreeHead, key: CaseKey) -> SignedTreeHead:
    return sign_tree_head(key, sth.tree_size, sth.root_hash, sth.timestamp, sth.reason)


@settings(max_examples=60, **FAST)  # type: ignore[arg-type]
@given(data=st.data())
def test_another_key_is_caught(
    built: dict[str, Any], other_key: CaseKey, data: st.DataObject
) -> None:
    """Replace the public key, re-sign one head, or re-sign every head and swap the key in."""
    members = built["members"]
    manifest = manifest_of(members)
    heads = [SignedTreeHead.from_json(orjson.dumps(h)) for h in manifest["tree_heads"]]
    way = data.draw(st.sampled_from(["key only", "key and manifest", "one head", "all heads"]))
    mutated = dict(members)
    if way in ("key and manifest", "all heads"):
        manifest["export"]["public_key"].update(
            sha256=bundle_mod.sha256_hex(other_key.public_pem()),
            fingerprint=other_key.fingerprint(),
        )
    if way != "one head":
        mutated["public-key.pem"] = other_key.public_pem()
    chosen = (
        range(len(heads))
        if way == "all heads"
        else ([data.draw(st.integers(0, len(heads) - 1))] if way == "one head" else [])
    )
    for i in chosen:
        heads[i] = resigned(heads[i], other_key)
        manifest["tree_heads"][i] = orjson.loads(heads[i].to_json())
        mutated[f"tree-heads/{i}.json"] = heads[i].signing_input()
        mutated[f"tree-heads/{i}.sig"] = bytes.fromhex(heads[i].signature)
    assert_caught(with_manifest(mutated, manifest), members)


@settings(max_examples=40, **FAST)  # type: ignore[arg-type]
@given(data=st.data())
def test_dropped_heads_are_caught(built: dict[str, Any], data: st.DataObject) -> None:
    """Drop a head with its consistency proof, its files renumbered and its tokens removed."""
    members = built["members"]
    manifest = manifest_of(members)
    heads = manifest["tree_heads"]
    drop = data.draw(st.integers(0, len(heads) - 1))
    del heads[drop]
    del manifest["consistency_proofs"][min(drop, len(heads) - 1)]
    stamps = [t for t in manifest["timestamps"] if t["tree_head"] != drop]
    for t in stamps:
        t["tree_head"] -= t["tree_head"] > drop
    manifest["timestamps"] = stamps
    mutated = {
        n: d
        for n, d in members.items()
        if not n.startswith("tree-heads/")
        and not (n.startswith("timestamps/") and n not in {t["file"] for t in stamps})
    }
    old = [SignedTreeHead.from_json(orjson.dumps(h)) for h in heads]
    for i, sth in enumerate(old):
        mutated[f"tree-heads/{i}.json"] = sth.signing_input()
        mutated[f"tree-heads/{i}.sig"] = bytes.fromhex(sth.signature)
    assert_caught(with_manifest(mutated, manifest), members)


def test_mutation_budget_reaches_one_thousand() -> None:
    """Runs after the mutation tests above: counts the mutations they actually tried."""
    if not TRIED:
        pytest.skip("run the whole module: the mutation tests above do the counting")
    tried = " ".join(f"{k.split('::')[-1]}={v}" for k, v in TRIED.items())
    assert sum(TRIED.values()) >= 1000, tried
    assert len(TRIED) == 8  # every kind of mutation ran (small spaces are run exhaustively)


def test_stale_head_replacing_the_export_head_is_caught(built: dict[str, Any]) -> None:
    """Proofs re-made against an older head: the export entry is then not in the tree."""
    members = built["members"]
    manifest = manifest_of(members)
    last = SignedTreeHead.from_json(orjson.dumps(manifest["tree_heads"][-1]))
    manifest["tree_heads"][-1] = orjson.loads(replace(last, tree_size=last.tree_size - 1).to_json())
    assert_caught(with_manifest(members, manifest), members)
