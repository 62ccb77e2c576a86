"""The case layer is the one door: views record their custody entry whatever interface asks,
single records handed over by a server are sealed before the call returns, views filter and
sort as a person needs, and the command line imports the public library only."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest

import rempart
from rempart import case as rc
from rempart.errors import RempartError
from rempart.storage.base import ScoreRow

from conftest import T0, page, synthetic_capture, tweet

ROOT = Path(__file__).resolve().parent.parent
#: What the command line may import from rempart: the public library.
PUBLIC = {
    "rempart",
    "rempart.case",
    "rempart.errors",
    "rempart.textsafe",
    "rempart.timebounds",
    "rempart.version",
    "rempart.web",  # `rempart serve` starts the web workspace, itself over the case layer
}


def _views(case: rc.Case) -> list[rc.CustodyEvent]:
    return [e for e in rc.custody(case, record=False) if e.kind == "view"]


def test_the_cli_imports_the_public_library_only() -> None:
    tree = ast.parse((ROOT / "rempart" / "cli.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = (
                "rempart" + ("." + node.module if node.module else "")
                if node.level
                else (node.module or "")
            )
            if node.level and not node.module:  # from . import case
                imported.update(f"rempart.{a.name}" for a in node.names)
            elif base.startswith("rempart"):
                imported.add(base)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names if a.name.startswith("rempart"))
    assert imported and imported <= PUBLIC, imported - PUBLIC


@pytest.mark.parametrize("view", ["messages", "stats", "findings"])
def test_library_views_record_their_custody_entry(
    view: str, fresh_case: rc.Case, write_jsonl: Callable[..., Path]
) -> None:
    rc.ingest(fresh_case, [synthetic_capture(write_jsonl, n_pages=2, per_page=3)])
    if view == "findings":  # stored by hand (unsealed): verify would rightly refuse it
        fresh_case.store.put_findings("2026-03-01T12:00:00Z", {"episodes": [{"kind": "raid"}]})
    assert _views(fresh_case) == []
    if view == "messages":
        shown = len(rc.messages(fresh_case, by="web"))
    elif view == "stats":
        shown = sum(d.messages for d in rc.stats(fresh_case, by="web").per_day)
    else:
        shown = len(rc.findings(fresh_case, by="web").data["episodes"])
    (entry,) = _views(fresh_case)
    assert entry.what["command"] == view and entry.what["via"] == "web"
    assert entry.what["count"] == shown and shown > 0
    assert entry.by == fresh_case.settings["operator"]
    assert view == "findings" or rc.verify(fresh_case).ok  # sealed like any other entry


def test_custody_and_rejects_listings_are_views_too(fresh_case: rc.Case) -> None:
    rc.ingest_record(fresh_case, b"{broken", "vonage", origin="webhook:vonage")
    assert len(rc.rejects(fresh_case, by="web")) == 1
    shown = rc.custody(fresh_case, by="web")
    views = [e.what for e in rc.custody(fresh_case, record=False) if e.kind == "view"]
    assert views == [
        {"command": "rejects", "via": "web", "count": 1},
        {"command": "custody", "via": "web", "count": len(shown)},
    ]


def test_top_level_views_go_through_the_case_layer(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path]
) -> None:
    rempart.ingest(fresh_case, [synthetic_capture(write_jsonl, n_pages=1, per_page=2)])
    rows = rempart.messages(fresh_case)
    assert rows and all(isinstance(r, rc.MessageRow) for r in rows)
    assert len(_views(fresh_case)) == 1


def test_a_record_handed_over_is_sealed_before_the_call_returns(fresh_case: rc.Case) -> None:
    body = orjson.dumps(
        {
            "msisdn": "33612345678",
            "to": "33700000000",
            "messageId": "0A0000001",
            "text": "tu vas le payer",
            "type": "text",
            "message-timestamp": "2026-03-01 12:00:00",
        }
    )
    report = rc.ingest_record(fresh_case, body, "vonage", origin="webhook:vonage")
    assert report.new_records == 1 and not report.rejects
    entries = list(fresh_case.store.entries())
    record = next(e for e in entries if e.kind == "record")
    assert orjson.loads(record.body)["source"]["name"] == "webhook:vonage"
    head = rc.latest_tree_head(fresh_case)
    assert head is not None and head.tree_size == len(entries)  # signed over it
    assert [r.message.text for r in rempart.messages(fresh_case)] == ["tu vas le payer"]
    again = rc.ingest_record(fresh_case, body, "vonage", origin="webhook:vonage")
    assert again.new_records == 0 and again.known_records == 1
    bad = rc.ingest_record(fresh_case, b"{not json", "vonage", origin="webhook:vonage")
    assert bad.new_records == 0 and len(bad.rejects) == 1
    (reject,) = rc.rejects(fresh_case)
    assert reject.raw == b"{not json" and reject.file == "webhook:vonage"
    assert rc.verify(fresh_case).ok


def test_a_record_must_be_bytes(fresh_case: rc.Case) -> None:
    with pytest.raises(RempartError, match="bytes"):
        rc.ingest_record(fresh_case, "text", "vonage")  # type: ignore[arg-type]


def _scored(case: rc.Case, write_jsonl: Callable[..., Path]) -> None:
    tweets = [
        tweet("1", "@cible bonjour", author="10"),
        tweet("2", "@cible menace", author="11"),
        tweet("3", "@cible insulte", author="12"),
        tweet("4", "@cible rien", author="10"),
    ]
    users = [
        {"id": "10", "username": "alice", "name": "A"},
        {"id": "11", "username": "bob", "name": "B"},
        {"id": "12", "username": "carol", "name": "C"},
    ]
    rc.ingest(case, [write_jsonl("m.jsonl", [page(tweets, users=users)])])
    rows = [
        ("2", 0.9, "critical", ("abusive", "threat")),
        ("3", 0.7, "medium", ("abusive", "insult")),
        ("1", 0.1, "none", ()),
        ("4", 0.2, "low", ()),
    ]
    with case.store.transaction():
        case.store.put_scores(
            ScoreRow(
                "x",
                mid,
                "test",
                "fr",
                ab,
                sev,
                labels,
                {"scores": {"abusive": ab}},
                "2026-03-01T12:00:00Z",
                None,
            )
            for mid, ab, sev, labels in rows
        )


def test_messages_filter_and_sort_by_label_severity_and_author(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path]
) -> None:
    _scored(fresh_case, write_jsonl)

    def ids(**query: Any) -> list[str]:
        return [r.message.id for r in rc.messages(fresh_case, rc.MessageQuery(**query))]

    assert ids() == ["1", "2", "3", "4"]
    assert ids(labels=("threat",)) == ["2"]
    assert ids(labels=("threat", "insult")) == ["2", "3"]
    assert ids(min_severity="medium") == ["2", "3"]
    assert ids(sort="severity") == ["2", "3", "4", "1"]
    assert ids(sort="severity", limit=1) == ["2"]
    assert ids(authors=("@alice",)) == ["1", "4"]
    assert ids(authors=("11",)) == ["2"]
    assert ids(sort="author") == ["1", "4", "2", "3"]
    assert ids(reverse=True) == ["4", "3", "2", "1"]
    row = rc.messages(fresh_case, rc.MessageQuery(labels=("threat",)))[0]
    data = row.to_json()
    assert (data["severity"], data["abusive"], data["labels"]) == (
        "critical",
        0.9,
        ["abusive", "threat"],
    )
    assert data["scores"] == {"abusive": 0.9} and data["author_handle"] == "bob"
    with pytest.raises(RempartError, match="sort"):
        rc.messages(fresh_case, rc.MessageQuery(sort="loudness"))
    with pytest.raises(RempartError, match="severity"):
        rc.messages(fresh_case, rc.MessageQuery(min_severity="huge"))


def test_human_labels_correct_the_classifier_in_views(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path]
) -> None:
    _scored(fresh_case, write_jsonl)
    rc.label(fresh_case, "x:3", {"insult": 0})
    rc.label(fresh_case, "x:4", {"threat": 1})
    rows = rc.messages(fresh_case, rc.MessageQuery(labels=("threat", "insult")))
    assert [(r.message.id, r.labels) for r in rows] == [
        ("2", ("abusive", "threat")),
        ("4", ("threat",)),
    ]


def test_messages_of_an_episode(fresh_case: rc.Case, write_jsonl: Callable[..., Path]) -> None:
    _scored(fresh_case, write_jsonl)
    episode = {"start": "2026-03-01T11:00:00Z", "end": "2026-03-01T13:00:00Z"}
    fresh_case.store.put_findings("2026-03-01T14:00:00Z", {"episodes": [episode]})
    assert len(rc.messages(fresh_case, rc.MessageQuery(episode=0))) == 4
    with pytest.raises(RempartError, match="no episode #1"):
        rc.messages(fresh_case, rc.MessageQuery(episode=1))
    assert T0.isoformat().startswith("2026-03-01T12")


def test_findings_name_accounts_by_handle(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path]
) -> None:
    _scored(fresh_case, write_jsonl)
    fresh_case.store.put_findings(
        "2026-03-01T14:00:00Z",
        {
            "episodes": [],
            "campaign_accounts": [{"account_id": "11", "episode": 0}],
            "evasion_links": [{"from": "11", "to": "12"}],
            "impersonators": [{"account_id": "12", "target": "@cible"}],
            "designating_posts": [{"message_id": "2"}],
            "doxxing": [{"message_id": "3"}],
        },
    )
    data = rc.findings(fresh_case).data
    assert data["campaign_accounts"][0]["handle"] == "bob"
    assert (data["evasion_links"][0]["from_handle"], data["evasion_links"][0]["to_handle"]) == (
        "bob",
        "carol",
    )
    assert data["impersonators"][0]["handle"] == "carol"
    assert (
        data["designating_posts"][0]["author_id"],
        data["designating_posts"][0]["author_handle"],
    ) == ("11", "bob")
    assert data["doxxing"][0]["author_handle"] == "carol"


def test_messages_json_from_the_cli_carries_scores(
    fresh_case: rc.Case, write_jsonl: Callable[..., Path]
) -> None:
    from click.testing import CliRunner

    from rempart.cli import main

    _scored(fresh_case, write_jsonl)
    out = CliRunner().invoke(
        main, ["messages", "--json", "--min-severity", "high", "--case", str(fresh_case.path)]
    )
    assert out.exit_code == 0, out.output
    (row,) = orjson.loads(out.stdout)
    assert row["id"] == "2" and row["severity"] == "critical" and row["scores"]["abusive"] == 0.9


def test_the_runner_seam_maps_in_order() -> None:
    from rempart.runner import InProcess

    assert list(InProcess().map(sum, [[1, 2], [3], []])) == [3, 3, 0]


def test_alert_sinks_get_every_alert() -> None:
    import io

    from rempart.alerts import MemorySink, StreamSink

    memory, out = MemorySink(), io.StringIO()
    for sink in (memory, StreamSink(out)):
        assert sink.send({"kind": "raid-start", "text": "\x1b[2Jboo"})
        sink.close()
    assert memory.alerts == [{"kind": "raid-start", "text": "\x1b[2Jboo"}] and memory.closed
    assert "\x1b" not in out.getvalue() and orjson.loads(out.getvalue())["kind"] == "raid-start"


def _mentions_any(hint: object) -> bool:
    from typing import Any, get_args

    return hint is Any or any(_mentions_any(a) for a in get_args(hint))


def test_the_public_api_has_no_any() -> None:
    """Every function and record the public library exports is typed without ``Any``: JSON is
    ``JSONObject`` / ``JSONValue``, results are documented dataclasses."""
    import dataclasses
    import inspect
    from typing import get_type_hints

    import rempart.models

    namespace = vars(rempart.models)
    found = []
    for module in (rempart, rc):
        for name in module.__all__:
            obj = getattr(module, name)
            targets: list[tuple[str, object]] = []
            if inspect.isfunction(obj):
                targets.append((name, obj))
            elif inspect.isclass(obj) and dataclasses.is_dataclass(obj):
                targets.append((name, obj))
                targets += [
                    (f"{name}.{m}", f)
                    for m, f in inspect.getmembers(obj, inspect.isfunction)
                    if not m.startswith("_")
                ]
            for label, target in targets:
                hints = get_type_hints(
                    target,
                    globalns={
                        **namespace,
                        **getattr(target, "__globals__", vars(inspect.getmodule(target))),
                    },
                )
                found += [(module.__name__, label, k) for k, v in hints.items() if _mentions_any(v)]
    assert found == []
