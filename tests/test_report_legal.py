"""The court file's legal qualification and deadlines (issue 11, items 1 and 3), and the JSON
and CSV dossier built through the case layer."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as rc
from rempart.cli import main
from rempart.errors import RempartError
from rempart.evidence.merkle import verify_inclusion
from rempart.reports.legal import (
    AuthorFacts,
    MessageFacts,
    add_period,
    deadlines,
    load_offences,
    qualify_author,
    qualify_message,
)
from rempart.storage.base import ScoreRow

from conftest import page, tweet, user

WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _ids(found: list[Any]) -> list[str]:
    return [q.offence.id for q in found]


def test_the_reference_ships_and_keeps_its_unverified_marks() -> None:
    offences = load_offences()
    assert len(offences) == 24
    assert offences["injure_publique"].prescription == "3m"
    assert "prescription_start" in offences["harcelement_moral"].unverified
    assert offences["menace"].unverified == ()
    assert offences["deepfake"].to_json()["unverified"] == [
        "penalty_base",
        "penalty_max_aggravated",
    ]


@pytest.mark.parametrize(
    ("start", "period", "end"),
    [
        (date(2026, 3, 1), "3m", date(2026, 6, 1)),
        (date(2026, 11, 30), "3m", date(2027, 2, 28)),
        (date(2024, 2, 29), "1y", date(2025, 2, 28)),
        (date(2026, 1, 31), "1m", date(2026, 2, 28)),
        (date(2026, 3, 1), "6y", date(2032, 3, 1)),
    ],
)
def test_prescription_periods_are_calendar_months_and_years(
    start: date, period: str, end: date
) -> None:
    assert add_period(start, period) == end
    with pytest.raises(ValueError):
        add_period(start, "3 weeks")


def test_public_insult_runs_out_three_months_after_publication() -> None:
    (q,) = qualify_message(MessageFacts("x:1", WHEN, "public", ("insult",)))
    assert q.offence.id == "injure_publique" and q.offence.regime == "press"
    assert (q.starts, q.deadline) == (date(2026, 3, 1), date(2026, 6, 1))
    assert q.messages == ("x:1",) and any("public" in r for r in q.reasons)


def test_discriminatory_forms_run_one_year() -> None:
    found = qualify_message(MessageFacts("x:1", WHEN, "public", ("insult", "identity_attack")))
    assert _ids(found) == ["injure_publique_discri"]
    assert found[0].deadline == date(2027, 3, 1)
    alone = qualify_message(MessageFacts("x:2", WHEN, "public", ("identity_attack",)))
    assert _ids(alone) == ["provocation_haine"] and alone[0].deadline == date(2027, 3, 1)


def test_private_messages_are_not_press_offences() -> None:
    found = qualify_message(MessageFacts("sms:1", WHEN, "sms", ("insult", "defamation")))
    assert _ids(found) == ["injure_non_publique"]
    assert all(q.offence.regime != "press" for q in found)


def test_threats_and_death_threats() -> None:
    plain = qualify_message(MessageFacts("x:1", WHEN, "direct", ("threat",), "je sais où tu es"))
    death = qualify_message(MessageFacts("x:2", WHEN, "public", ("threat",), "je vais te tuer"))
    assert _ids(plain) == ["menace"] and _ids(death) == ["menace_mort"]
    assert death[0].deadline == date(2032, 3, 1)  # a délit: 6 years, press rules do not apply


def test_doxxing_incitement_and_sexual_remarks() -> None:
    found = qualify_message(
        MessageFacts("x:1", WHEN, "public", ("doxxing", "incitement", "sexual_harassment"))
    )
    assert set(_ids(found)) == {"doxxing", "provocation_crime", "outrage_sexiste"}
    assert next(q for q in found if q.offence.id == "provocation_crime").deadline == date(
        2026, 6, 1
    )  # art. 24 al. 1: 3 months, though it concerns calls to violence


def test_support_and_unscored_messages_have_no_offence() -> None:
    assert qualify_message(MessageFacts("x:1", WHEN, "public", ("support",))) == []
    assert qualify_message(MessageFacts("x:1", None, "public", ())) == []
    (undated,) = qualify_message(MessageFacts("x:1", None, "public", ("insult",)))
    assert undated.deadline is None


def test_authors_repetition_and_pile_on() -> None:
    first = MessageFacts("x:1", WHEN, "public", ("insult",))
    later = MessageFacts("x:2", datetime(2026, 5, 1, tzinfo=UTC), "public", ("threat",))
    alone = qualify_author(AuthorFacts("7", (first,)))
    assert alone == []
    repeated = qualify_author(AuthorFacts("7", (first, later)))
    (moral,) = repeated
    assert moral.offence.id == "harcelement_moral"
    assert moral.starts == date(2026, 5, 1)  # an offence of habit: from the last act
    assert any("santé" in e for e in moral.to_establish)
    concerted = qualify_author(AuthorFacts("8", (first,), campaign=True))
    assert _ids(concerted) == ["raid_concerte"]  # one message can be enough in a pile-on
    successive = qualify_author(AuthorFacts("9", (first,), in_episode=True))
    assert _ids(successive) == ["raid_successif"]
    assert any("savait" in e for e in successive[0].to_establish)
    fake = qualify_author(AuthorFacts("10", (first,), impersonator=True))
    assert _ids(fake) == ["usurpation_identite"]


def test_deadlines_are_listed_soonest_first() -> None:
    found = [
        *qualify_message(MessageFacts("x:1", WHEN, "public", ("threat", "insult"))),
        *qualify_message(
            MessageFacts("x:2", datetime(2026, 2, 1, tzinfo=UTC), "public", ("insult",))
        ),
    ]
    assert [q.deadline for q in deadlines(found)] == [
        date(2026, 5, 1),
        date(2026, 6, 1),
        date(2032, 3, 1),
    ]


def _scored_case(case: rc.Case, write_jsonl: Callable[..., Path]) -> None:
    tweets = [
        tweet("1", '@cible =HYPERLINK("http://evil") sale type', author="10"),
        tweet("2", "@cible je vais te tuer", author="11"),
        tweet("3", "@cible courage à toi", author="12"),
        tweet("4", "@cible encore toi, minable", author="10"),
    ]
    users = [user("10", "troll"), user("11", "menaceur"), user("12", "soutien")]
    rc.ingest(case, [write_jsonl("m.jsonl", [page(tweets, users=users)])])
    rows = [
        ("1", 0.8, "medium", ("abusive", "insult")),
        ("2", 0.95, "critical", ("abusive", "threat")),
        ("3", 0.05, "none", ("support",)),
        ("4", 0.7, "medium", ("abusive", "insult")),
    ]
    with case.store.transaction():
        case.store.put_scores(
            ScoreRow("x", mid, "test", "fr", ab, sev, labels, {}, "t", None)
            for mid, ab, sev, labels in rows
        )


def test_the_json_dossier_cites_exhibits_offences_and_evidence(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _scored_case(fresh_case, write_jsonl)
    result = rc.report(fresh_case, "json", tmp_path / "dossier.json")
    data = orjson.loads(result.path.read_bytes())
    assert data["summary"]["messages"] == 4 and data["summary"]["hostile_messages"] == 3
    assert data["summary"]["authors"] == 3 and data["summary"]["by_category"]["insult"] == 2
    assert "pas un conseil juridique" in data["disclaimer"]
    assert [m["exhibit"] for m in data["messages"]] == [1, 2, 3, 4]
    two = data["messages"][1]
    assert two["ref"] == "x:2" and two["created_at_paris"].endswith("CET")
    assert [q["offence"]["id"] for q in two["qualifications"]] == ["menace_mort"]
    assert two["record_seq"] and len(two["record_sha256"]) == 64
    troll = next(a for a in data["authors"] if a["account_id"] == "10")
    assert troll["handle"] == "troll" and troll["messages"] == [1, 4]
    assert [q["offence"]["id"] for q in troll["qualifications"]] == ["harcelement_moral"]
    assert data["deadlines"][0]["offence"] == "injure_publique"
    assert data["deadlines"][0]["exhibits"] == [1]
    # the JSON proves every message it cites against the signed head it cites
    head = data["integrity"]["tree_head"]
    proofs = {p["exhibit"]: p for p in data["integrity"]["proofs"]}
    assert sorted(proofs) == [1, 2, 3, 4]
    for m in data["messages"]:
        p = proofs[m["exhibit"]]
        assert p["seq"] == m["record_seq"] and p["tree_size"] == head["tree_size"]
        assert verify_inclusion(
            bytes.fromhex(p["leaf_hash"]),
            p["leaf_index"],
            p["tree_size"],
            [bytes.fromhex(h) for h in p["path"]],
            bytes.fromhex(head["root_hash"]),
        )
    report_entry = [e for e in rc.custody(fresh_case, record=False) if e.kind == "report"]
    assert report_entry[-1].what["sha256"] == result.sha256
    assert rc.verify(fresh_case).ok


def test_the_csv_dossier_defuses_formulas(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _scored_case(fresh_case, write_jsonl)
    result = rc.report(fresh_case, "csv", tmp_path / "dossier.csv", categories=("insult",))
    rows = list(csv.DictReader(io.StringIO(result.path.read_text("utf-8"))))
    assert [r["id"] for r in rows] == ["1", "4"]
    assert rows[0]["offences"] == "injure_publique" and rows[0]["earliest_deadline"]
    assert all(not r["text"].startswith("=") for r in rows)
    with pytest.raises(RempartError, match="already exists"):
        rc.report(fresh_case, "csv", result.path)
    with pytest.raises(RempartError, match="format 'docx': use one of json, csv, html, pdf"):
        rc.report(fresh_case, "docx", tmp_path / "x.docx")


def test_a_selection_too_large_is_refused_in_one_line(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _scored_case(fresh_case, write_jsonl)
    fresh_case.config["settings"]["report_html_max_messages"] = 2
    with pytest.raises(RempartError, match="use --format pdf .* csv or json") as html:
        rc.report(fresh_case, "html", tmp_path / "d.html")
    assert "\n" not in str(html.value)
    assert rc.report(fresh_case, "csv", tmp_path / "d.csv").messages == 4
    fresh_case.config["settings"]["report_max_messages"] = 3
    with pytest.raises(RempartError, match="shorter period with --from/--to.*--format csv"):
        rc.report(fresh_case, "json", tmp_path / "d.json")
    assert not (tmp_path / "d.json").exists() and not (tmp_path / "d.html").exists()
    # the CSV is written as it is read: every message, whatever the limit
    streamed = rc.report(fresh_case, "csv", tmp_path / "all.csv")
    assert streamed.messages == 4 and streamed.dossier is None
    assert streamed.path.read_bytes() == (tmp_path / "d.csv").read_bytes()


def test_an_empty_case_gives_an_empty_dossier(fresh_case: rc.Case, tmp_path: Path) -> None:
    result = rc.report(fresh_case, "json", tmp_path / "empty.json")
    data = orjson.loads(result.path.read_bytes())
    assert data["messages"] == [] and data["deadlines"] == []
    assert data["summary"]["banner"] is None and data["summary"]["period"]["from"] is None


def test_the_report_command(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _scored_case(fresh_case, write_jsonl)
    out = CliRunner().invoke(
        main,
        [
            "report",
            "--format",
            "json",
            "--out",
            str(tmp_path / "d.json"),
            "--min-severity",
            "critical",
            "--case",
            str(fresh_case.path),
        ],
    )
    assert out.exit_code == 0, out.output
    assert "1 messages" in out.output and "not legal advice" in out.output
    assert [m["ref"] for m in orjson.loads((tmp_path / "d.json").read_bytes())["messages"]] == [
        "x:2"
    ]


HOSTILE_TEXT = (
    "@cible <script>alert(1)</script><img src=x onerror=alert(2)> "
    "<style>body{display:none}</style> \u202etxt.exe\u200b [link](javascript:alert(3))"
)


def test_the_html_dossier_shows_hostile_content_as_inert_text(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    tweets = [tweet("1", HOSTILE_TEXT, author="66")]
    users = [user("66", "<b>evil</b>\u202e")]
    rc.ingest(fresh_case, [write_jsonl("h.jsonl", [page(tweets, users=users)])])
    with fresh_case.store.transaction():
        fresh_case.store.put_scores(
            [ScoreRow("x", "1", "test", "fr", 0.9, "high", ("abusive", "insult"), {}, "t", None)]
        )
    result = rc.report(fresh_case, "html", tmp_path / "dossier.html")
    html = result.path.read_text("utf-8")
    assert "<script>" not in html and "<img" not in html and "<style>body" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # visible, as text
    assert "\u202e" not in html and "\\u202e" in html and "\u200b" not in html
    assert "&lt;b&gt;evil&lt;/b&gt;" in html
    assert "default-src 'none'" in html  # nothing is loaded, nothing runs
    assert "Injure publique" in html and "Pièce" in html and "<svg" in html
    assert "pas un conseil juridique" in html


def test_the_html_dossier_in_english_and_empty(fresh_case: rc.Case, tmp_path: Path) -> None:
    html = rc.report(fresh_case, "html", tmp_path / "e.html", lang="en").path.read_text("utf-8")
    assert "Online harassment file" in html and "not legal advice" in html


def test_passed_deadlines_are_told_apart_from_close_ones(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    """Messages of 1 March 2026 and a file made in December: the 3-month press deadlines have
    passed (possibly time-barred), which the first page says instead of urging action."""
    from datetime import timedelta

    from rempart.clock import FixedClock

    _scored_case(fresh_case, write_jsonl)
    fresh_case.clock = FixedClock(datetime(2026, 12, 7, tzinfo=UTC), timedelta(seconds=1))
    data = orjson.loads(rc.report(fresh_case, "json", tmp_path / "late.json").path.read_bytes())
    assert data["summary"]["banner"] is None
    assert data["summary"]["expired_deadlines"] == 2
    assert [d["expired"] for d in data["deadlines"]] == [True, True, False, False]
    fresh_case.clock = FixedClock(datetime(2026, 5, 20, tzinfo=UTC), timedelta(seconds=1))
    soon = orjson.loads(rc.report(fresh_case, "json", tmp_path / "soon.json").path.read_bytes())
    assert soon["summary"]["banner"] == {
        "deadlines_within_days": 30,
        "count": 2,
        "first": "2026-06-01",
    }
    html = rc.report(fresh_case, "html", tmp_path / "soon.html").path.read_text("utf-8")
    assert "ATTENTION : 2 délai(s) de prescription dans les 30 jours" in html


def test_deadlines_are_grouped_by_day_and_offence(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    _scored_case(fresh_case, write_jsonl)  # two public insults of the same day
    data = orjson.loads(rc.report(fresh_case, "json", tmp_path / "g.json").path.read_bytes())
    groups = data["deadline_groups"]
    assert [(g["offence"], g["exhibits"]) for g in groups] == [
        ("injure_publique", [1, 4]),
        ("harcelement_moral", [1, 4]),
        ("menace_mort", [2]),
    ]
    assert len(data["deadlines"]) == 4  # the detailed list keeps one line per item
    html = rc.report(fresh_case, "html", tmp_path / "g.html").path.read_text("utf-8")
    assert "2 : 1, 4" in html
