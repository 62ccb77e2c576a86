"""DSA Article 16 notices (issue 11, items 9 and 11): the four elements of art. 16(2), weak
notices flagged (art. 23), the victim's personal data masked, hostile text inert, custody."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as rc
from rempart.cli import main
from rempart.errors import RempartError
from rempart.reports.notices import Notifier, build_notices, mask_text, render_notice_text
from rempart.storage.base import ScoreRow

from conftest import page, tweet, user

DOXX = (
    "@cible sale type, appelez-la au 06 12 34 56 78 ou jean.dupont@example.org,\n"
    "elle habite 12 rue des Lilas, 75011 Paris, sa fille est à Lycée Voltaire"
)
HOSTILE = "@cible <script>alert(1)</script> \u202etxt.exe\u200b minable"
NOTIFIER = {"notifier_name": "A. Martin", "notifier_email": "a.martin@example.org"}


def _case(case: rc.Case, write_jsonl: Callable[..., Path]) -> None:
    """Five messages: a doxxing insult and a later insult by one author (harassment), a death
    threat, a mild message (weak: no offence, low score) and hostile markup."""
    tweets = [
        tweet("1", DOXX, author="10"),
        tweet("2", "@cible je vais te tuer", author="11"),
        tweet("3", "@cible bof, pas convaincu", author="12"),
        tweet("4", "@cible encore toi, minable", author="10"),
        tweet("5", HOSTILE, author="13"),
    ]
    users = [user("10", "troll"), user("11", "menaceur"), user("12", "meh"), user("13", "bidi")]
    rc.ingest(case, [write_jsonl("m.jsonl", [page(tweets, users=users)])])
    rows = [
        ("1", 0.8, "medium", ("abusive", "insult", "doxxing")),
        ("2", 0.95, "critical", ("abusive", "threat")),
        ("3", 0.2, "low", ()),
        ("4", 0.7, "medium", ("abusive", "insult")),
        ("5", 0.9, "high", ("abusive", "insult")),
    ]
    with case.store.transaction():
        case.store.put_scores(
            ScoreRow("x", mid, "test", "fr", ab, sev, labels, {}, "t", None)
            for mid, ab, sev, labels in rows
        )


def _json(folder: Path, number: int) -> dict[str, object]:
    (path,) = folder.rglob(f"notice-{number:03d}-*.json")
    data = orjson.loads(path.read_bytes())
    assert isinstance(data, dict)
    return data


def test_every_notice_holds_the_four_elements(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    result = rc.notices(fresh_case, tmp_path / "n", **NOTIFIER)
    assert result.notices == 5 and result.written == 4
    for path in sorted(result.folder.glob("notice-*.json")):
        data = orjson.loads(path.read_bytes())
        text = path.with_suffix(".txt").read_text("utf-8")
        offences = data["explanation"]["offences"]  # (a) why, with the legal basis
        assert offences and all(o["article"] and o["reasons"] for o in offences)
        assert "Pourquoi ce contenu est illicite" in text and offences[0]["article"] in text
        where = data["location"]  # (b) where exactly
        assert where["url"].startswith("https://x.com/") and where["platform"] == "x"
        assert where["url"] in text and where["content_id"] in text
        assert len(where["record_sha256"]) == 64
        assert data["notifier"] == {"name": "A. Martin", "email": "a.martin@example.org"}  # (c)
        assert "A. Martin" in text and "a.martin@example.org" in text
        assert "de bonne foi" in data["good_faith"] and data["good_faith"] in text  # (d)
        assert "pas un conseil juridique" in text
    threat = _json(result.folder, 2)
    assert [o["id"] for o in threat["explanation"]["offences"]] == ["menace_mort"]
    assert threat["explanation"]["art18"] is True  # a threat to life: DSA art. 18
    doxx = _json(result.folder, 1)
    ids = [(o["id"], o["scope"]) for o in doxx["explanation"]["offences"]]
    assert ids == [
        ("injure_publique", "message"),
        ("doxxing", "message"),
        ("harcelement_moral", "conduct"),  # the author's two hostile messages
    ]


def test_unverified_points_stay_marked(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    result = rc.notices(fresh_case, tmp_path / "n", **NOTIFIER)
    doxx = _json(result.folder, 1)
    moral = next(o for o in doxx["explanation"]["offences"] if o["id"] == "harcelement_moral")
    assert moral["unverified"] == ["prescription_start"]
    text = next(result.folder.glob("notice-001-*.txt")).read_text("utf-8")
    assert "[non vérifié : point de départ du délai]" in text
    assert "[non vérifié : peine aggravée]" in text  # doxxing's aggravated penalty


def test_weak_notices_are_flagged_and_kept_apart(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    result = rc.notices(fresh_case, tmp_path / "n", **NOTIFIER)
    assert [ref for ref, _ in result.weak] == ["x:3"]
    assert "aucune infraction candidate" in result.weak[0][1]
    assert any("0,20" in r for r in result.weak[0][1])
    assert not list(result.folder.rglob("notice-003-*"))  # not written by default
    index = orjson.loads((result.folder / "index.json").read_bytes())
    three = next(n for n in index["notices"] if n["ref"] == "x:3")
    assert three["weak"] and not three["written"] and three["files"] == {}
    assert index["counts"] == {"notices": 5, "weak": 1, "written": 4}
    assert "[FRAGILE]" in (result.folder / "index.txt").read_text("utf-8")
    again = rc.notices(fresh_case, tmp_path / "w", include_weak=True, **NOTIFIER)
    (weak,) = again.folder.glob("weak/notice-003-*.txt")
    assert "NOTIFICATION FRAGILE" in weak.read_text("utf-8") and "art. 23" in weak.read_text()
    assert not list(again.folder.glob("notice-003-*"))  # never beside the sound ones


def test_a_person_confirming_the_label_outweighs_a_low_score(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    rc.label(fresh_case, "x:3", {"insult": 1}, author="reviewer")
    result = rc.notices(fresh_case, tmp_path / "n", refs=("x:3",), **NOTIFIER)
    assert result.weak == () and result.written == 1
    data = _json(result.folder, 1)
    assert data["explanation"]["confirmed_by_a_person"] is True
    assert [o["id"] for o in data["explanation"]["offences"]] == ["injure_publique"]


def test_personal_data_is_masked_by_default_and_kept_on_request(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    fresh_case.config["settings"]["private_data"] = ["Lycée Voltaire"]
    result = rc.notices(fresh_case, tmp_path / "n", refs=("x:1",), **NOTIFIER)
    data = _json(result.folder, 1)
    text = next(result.folder.glob("notice-001-*.txt")).read_text("utf-8")
    for secret in ("06 12 34 56 78", "jean.dupont@example.org", "rue des Lilas", "Voltaire"):
        assert secret not in text and secret not in str(data["content"])
    assert "[téléphone masqué]" in text and "[adresse électronique masquée]" in text
    assert "[adresse masquée]" in text and "[donnée personnelle masquée]" in text
    assert data["content"]["masked"] == {"address": 1, "email": 1, "own": 1, "phone": 1}
    assert "@cible sale type" in text  # the rest of the quote stays
    kept = rc.notices(fresh_case, tmp_path / "k", refs=("x:1",), mask=False, **NOTIFIER)
    raw = next(kept.folder.glob("notice-001-*.txt")).read_text("utf-8")
    assert "06 12 34 56 78" in raw and "jean.dupont@example.org" in raw and "Voltaire" in raw


def test_masking_sees_through_invisible_characters_and_separators() -> None:
    def finder(text: str) -> list[tuple[int, int, str]]:
        at = text.find("06 12")
        return [(at, at + 14, "phone")] if at >= 0 else []

    masked, counts = mask_text("appelle le 06\u200b 12 34 56 78 !", finder)
    assert masked == "appelle le [téléphone masqué] !" and counts == {"phone": 1}
    own, counts = mask_text("son numéro 07.98.76.54.32, rue X", None, ("07 98 76 54 32",))
    assert own == "son numéro [donnée personnelle masquée], rue X" and counts == {"own": 1}
    assert mask_text("un ab cd", None, ("ab",)) == ("un ab cd", {})  # too short to mask
    en, _ = mask_text("call 06 12 34 56 78", finder, lang="en")
    assert en == "call [phone number masked]"


def test_hostile_text_is_inert_and_visible(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    result = rc.notices(fresh_case, tmp_path / "n", refs=("x:5",), **NOTIFIER)
    (txt,) = result.folder.glob("notice-001-*.txt")
    text = txt.read_text("utf-8")
    assert "\u202e" not in text and "\u200b" not in text
    assert "\\u202etxt.exe\\u200b" in text  # shown, escaped
    assert "<script>alert(1)</script>" in text  # plain text: shown as written, runs nowhere
    raw = txt.with_suffix(".json").read_bytes()
    assert "\u202e".encode() not in raw and b"\\u202e" in raw
    assert "\u200b".encode() not in raw and b"\\u200b" in raw
    assert orjson.loads(raw)["content"]["text"] == HOSTILE  # the JSON keeps the exact value


def test_overwriting_is_refused_without_force(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    first = rc.notices(fresh_case, tmp_path / "n", **NOTIFIER)
    with pytest.raises(RempartError, match="already exists"):
        rc.notices(fresh_case, first.folder, **NOTIFIER)
    again = rc.notices(fresh_case, first.folder, refs=("x:2",), force=True, **NOTIFIER)
    assert sorted(p.name for p in again.folder.iterdir()) == [
        "index.json",
        "index.txt",
        "notice-001-x-2.json",
        "notice-001-x-2.txt",
    ]  # the previous notices are gone, not mixed with the new ones
    other = tmp_path / "mine"
    other.mkdir()
    (other / "letter.txt").write_text("keep me")
    with pytest.raises(RempartError, match="did not write"):
        rc.notices(fresh_case, other, force=True, **NOTIFIER)
    assert (other / "letter.txt").read_text() == "keep me"


def test_the_notifier_and_the_refs_are_checked(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    with pytest.raises(RempartError, match="notifier"):
        rc.notices(fresh_case, tmp_path / "n")
    with pytest.raises(RempartError, match="not an e-mail"):
        rc.notices(fresh_case, tmp_path / "n", notifier_name="A", notifier_email="nope")
    with pytest.raises(RempartError, match="x:99"):
        rc.notices(fresh_case, tmp_path / "n", refs=("x:99",), **NOTIFIER)
    fresh_case.config["settings"].update(notifier_name="Asso", notifier_email="asso@example.org")
    result = rc.notices(fresh_case, tmp_path / "n", categories=("threat",))
    assert result.notices == 1 and _json(result.folder, 1)["notifier"]["name"] == "Asso"
    assert not (tmp_path / ".n.partial").exists()


def test_custody_is_recorded_and_the_case_verifies(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    result = rc.notices(fresh_case, tmp_path / "n", **NOTIFIER)
    entry = [e for e in rc.custody(fresh_case, record=False) if e.kind == "report"][-1]
    assert entry.seq == result.custody_seq
    what = entry.what
    assert isinstance(what, dict) and what["what"] == "notices" and what["weak"] == ["x:3"]
    from rempart.hashing import sha256_hex

    listed = {f["file"]: f["sha256"] for f in what["files"]}
    assert "index.json" in listed and len(listed) == 10
    for name, digest in listed.items():
        assert sha256_hex((result.folder / name).read_bytes()) == digest
    head = rc.latest_tree_head(fresh_case)
    assert head is not None and head.tree_size >= result.custody_seq
    assert rc.verify(fresh_case).ok


def test_platforms_that_host_nothing_get_no_notice() -> None:
    dossier = {
        "messages": [
            {"ref": "sms:1", "exhibit": 1, "text": "t", "qualifications": []},
            {"ref": "x:2", "exhibit": 2, "text": "t", "url": "https://x.com/a/status/2"},
        ]
    }
    built = build_notices(dossier, Notifier("A", "a@example.org"), scores={"x:2": 0.9})
    assert [n.ref for n in built] == ["x:2"] and built[0].weak == ("aucune infraction candidate",)
    english = build_notices(dossier, Notifier("A", "a@example.org"), lang="en")
    text = render_notice_text(english[0].data)
    assert "NOTICE OF ILLEGAL CONTENT" in text and "Art. 16(2)(d)" in text
    assert "not scored" in text and "WEAK NOTICE" in text


def test_the_notices_command(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    out = tmp_path / "cli"
    args = ["notices", "--out", str(out), "--case", str(fresh_case.path)]
    who = ["--notifier-name", "A. Martin", "--notifier-email", "a@example.org"]
    result = CliRunner().invoke(main, [*args, *who, "--select", "x:1,x:3", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 of 2 notices" in result.stdout and "masked" in result.stdout
    assert "1 weak notice(s)" in result.stderr and "art. 23" in result.stderr
    assert "x:3" in result.stderr
    text = next(out.glob("notice-001-*.txt")).read_text("utf-8")
    assert "NOTICE OF ILLEGAL CONTENT" in text and "[phone number masked]" in text
    refused = CliRunner().invoke(main, [*args, *who])
    assert refused.exit_code == 1 and "already exists" in refused.output
    kept = CliRunner().invoke(main, [*args, *who, "--force", "--no-mask", "--select", "x:1"])
    assert kept.exit_code == 0, kept.output
    assert "06 12 34 56 78" in next(out.glob("notice-001-*.txt")).read_text("utf-8")
    missing = CliRunner().invoke(
        main, ["notices", "--out", str(tmp_path / "z"), "--case", str(fresh_case.path)]
    )
    assert missing.exit_code == 1 and "--notifier-name" in missing.output
