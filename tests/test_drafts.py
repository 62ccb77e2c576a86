"""Draft complaints and the PHAROS report text (issue 11, item 8): the right offences,
exhibits and deadlines, unverified points marked, hostile text inert, custody recorded."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as rc
from rempart.cli import main
from rempart.errors import RempartError
from rempart.reports.drafts import DRAFT_FILES, render_drafts
from rempart.storage.base import ScoreRow

from conftest import page, tweet, user

HOSTILE = "@cible <script>alert(1)</script> \u202etxt.exe\u200b minable"
OLD = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)  # its 3-month press deadline has passed


def _case(case: rc.Case, write_jsonl: Callable[..., Path]) -> None:
    """An old insult and a recent one by the same author (harassment), a death threat, a
    supportive message and hostile markup."""
    tweets = [
        tweet("1", "@cible sale type", author="10", when=OLD),
        tweet("2", "@cible je vais te tuer", author="11"),
        tweet("3", "@cible courage à toi", author="12"),
        tweet("4", "@cible encore toi, minable", author="10"),
        tweet("5", HOSTILE, author="13"),
    ]
    users = [user("10", "troll"), user("11", "menaceur"), user("12", "soutien"), user("13", "x")]
    rc.ingest(case, [write_jsonl("m.jsonl", [page(tweets, users=users)])])
    rows = [
        ("1", 0.8, "medium", ("abusive", "insult")),
        ("2", 0.95, "critical", ("abusive", "threat")),
        ("3", 0.05, "none", ("support",)),
        ("4", 0.7, "medium", ("abusive", "insult")),
        ("5", 0.6, "medium", ("abusive", "insult")),
    ]
    with case.store.transaction():
        case.store.put_scores(
            ScoreRow("x", mid, "test", "fr", ab, sev, labels, {}, "t", None)
            for mid, ab, sev, labels in rows
        )


def _drafts(case: rc.Case, **filters: Any) -> dict[str, str]:
    return render_drafts(rc.gather_dossier(case, rc.MessageQuery(**filters)).data)


def test_the_complaint_names_the_offences_exhibits_and_deadlines(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path]
) -> None:
    _case(fresh_case, write_jsonl)
    drafts = _drafts(fresh_case)
    assert sorted(drafts) == sorted(DRAFT_FILES)
    text = drafts["plainte-procureur.txt"]
    assert "pas un conseil juridique" in text and "[NOM, PRÉNOM]" in text and "[ADRESSE]" in text
    assert "Procureur de la République" in text and "engager des poursuites" in text
    # exhibits in time order: the old insult is n° 1, the threat n° 2…
    assert "- Menace de mort (CP 222-17 al.2) : pièces n° 2" in text
    assert "- Injure publique (Loi1881 29 al.2; 33 al.2) : pièces n° 1, 4, 5" in text
    assert "- Harcèlement moral (cyberharcèlement) (CP 222-33-2-2) : pièces n° 1, 4" in text
    assert "[non vérifié : point de départ du délai]" in text  # harassment runs from the last act
    assert "@troll (x, identifiant 10" in text and "@menaceur (x, identifiant 11" in text
    assert "@soutien" not in text  # no hostile message: not an author of the facts
    assert "- 10/04/2025 : Injure publique" in text and "ÉCHU" in text  # the old insult
    assert "- 01/06/2026 : Injure publique (Loi1881 29 al.2; 33 al.2), pièces n° 4, 5" in text
    assert "- 01/03/2032 : Menace de mort (CP 222-17 al.2), pièces n° 2" in text
    assert "Une plainte simple n'interrompt pas la prescription de trois mois" in text
    assert "bordereau du dossier joint (pièces n° 1 à 5)" in text
    assert "- pièce n° 2 : x:2," in text and "- pièce n° 3 :" not in text  # support: not cited
    assert "Entre le 10/01/2025 et le 01/03/2026, 5 messages" in text


def test_the_civil_party_complaint_keeps_its_conditions_marked(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path]
) -> None:
    _case(fresh_case, write_jsonl)
    text = _drafts(fresh_case)["plainte-partie-civile.txt"]
    assert "Doyen des juges d'instruction" in text and "me constituer partie civile" in text
    assert "CPP art. 85" in text
    conditions = [line for line in text.splitlines() if "Consignation" in line]
    assert conditions and "[non vérifié]" in conditions[0]
    prior = [line for line in text.splitlines() if "classement sans suite" in line]
    assert prior and all("non vérifié" in line for line in prior)
    assert "interrompt la prescription de trois mois des infractions de presse" in text
    assert "pièces n° 1, 4" in text and "pas un conseil juridique" in text


def test_the_pharos_text_lists_the_most_serious_public_items(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path]
) -> None:
    _case(fresh_case, write_jsonl)
    dossier = rc.gather_dossier(fresh_case, rc.MessageQuery()).data
    text = render_drafts(dossier)["pharos.txt"]
    assert "internet-signalement.gouv.fr" in text and "n'est pas une plainte" in text
    assert "[non vérifié]" in text  # PHAROS's scope for insults: sources disagree
    first = text.index("1. Publié le")
    assert "https://x.com/menaceur/status/2" in text[first : first + 300]  # the death threat
    assert "courage à toi" not in text
    private = copy.deepcopy(dossier)
    for m in private["messages"]:
        m["audience"] = "direct"
    dm = render_drafts(private)["pharos.txt"]
    assert "1. Publié le" not in dm and "ne relèvent pas de PHAROS" in dm


def test_the_drafts_cite_the_exhibits_of_the_report_with_the_same_filters(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    report = rc.report(fresh_case, "json", tmp_path / "d.json", categories=("threat",))
    numbers = [m["exhibit"] for m in orjson.loads(report.path.read_bytes())["messages"]]
    text = _drafts(fresh_case, labels=("threat",))["plainte-procureur.txt"]
    assert numbers == [1] and "- Menace de mort (CP 222-17 al.2) : pièces n° 1" in text
    assert "Injure publique" not in text


def test_hostile_text_is_inert_and_visible(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path]
) -> None:
    _case(fresh_case, write_jsonl)
    for name, text in _drafts(fresh_case).items():
        assert "\u202e" not in text and "\u200b" not in text, name
        if name != "plainte-partie-civile.txt":
            assert "\\u202etxt.exe\\u200b" in text, name
            assert "<script>alert(1)</script>" in text  # plain text: shown, runs nowhere


def test_english_reading_version(fresh_case: rc.Case, write_jsonl: Callable[..., Path]) -> None:
    _case(fresh_case, write_jsonl)
    dossier = rc.gather_dossier(fresh_case, rc.MessageQuery(), "en").data
    drafts = render_drafts(dossier, "en")
    text = drafts["plainte-procureur.txt"]
    assert "English reading version" in text and "not legal advice" in text
    assert "- Death threat (CP 222-17 al.2): exhibits 2" in text
    assert "[unverified: when the period starts]" in text and "PASSED" in text
    assert "PHAROS report" in drafts["pharos.txt"]
    with pytest.raises(ValueError):
        render_drafts(dossier, "de")


def test_an_empty_case_gives_drafts_to_fill(fresh_case: rc.Case) -> None:
    drafts = _drafts(fresh_case)
    assert "Aucun message n'entre dans la sélection." in drafts["plainte-procureur.txt"]
    assert "[NOM, PRÉNOM]" in drafts["plainte-partie-civile.txt"]


def test_writing_records_custody_and_refuses_to_overwrite(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = rc.drafts(fresh_case, folder)
    assert sorted(result.files) == sorted(DRAFT_FILES) and result.messages == 5
    entry = [e for e in rc.custody(fresh_case, record=False) if e.kind == "report"][-1]
    assert entry.seq == result.custody_seq
    what = entry.what
    assert isinstance(what, dict) and what["what"] == "drafts"
    from rempart.hashing import sha256_hex

    for item in what["files"]:
        assert sha256_hex((folder / item["file"]).read_bytes()) == item["sha256"]
    assert rc.verify(fresh_case).ok
    with pytest.raises(RempartError, match="already exists"):
        rc.drafts(fresh_case, folder)
    again = rc.drafts(fresh_case, folder, categories=("threat",), force=True)
    assert again.messages == 1 and (folder / "notes.txt").read_text() == "mine"
    assert not list(folder.glob(".*partial"))


def test_the_drafts_command(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _case(fresh_case, write_jsonl)
    out = tmp_path / "d"
    args = ["drafts", "--out", str(out), "--case", str(fresh_case.path)]
    result = CliRunner().invoke(main, [*args, "--min-severity", "critical"])
    assert result.exit_code == 0, result.output
    assert "plainte-procureur.txt: sha256" in result.output and "1 messages cited" in result.output
    assert "Menace de mort" in (out / "plainte-procureur.txt").read_text("utf-8")
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1 and "--force" in refused.output
    assert CliRunner().invoke(main, [*args, "--force", "--lang", "en"]).exit_code == 0
    assert "English reading version" in (out / "pharos.txt").read_text("utf-8")
