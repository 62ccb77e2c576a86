"""Scoring inside a case: `rempart score`, `analyze`, `label` and per-case adaptation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from click.testing import CliRunner

from rempart.analysis.classify.classifier import Classifier
from rempart.case import ingest, verify
from rempart.case.scoring import (
    add_labels,
    current_labels,
    load_classifier,
    score_case,
    train_case_layer,
)
from rempart.cli import main

from conftest import page, tweet


def test_score_command_arguments_and_json_lines() -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["score", "je vais te tuer", "merci beaucoup"])
    assert out.exit_code == 0, out.output
    lines = [orjson.loads(x) for x in out.output.splitlines()]
    assert [x["id"] for x in lines] == ["1", "2"]
    assert lines[0]["scores"]["threat"] > lines[1]["scores"]["threat"]
    stdin = "\n".join(
        orjson.dumps(x).decode()
        for x in [
            {"id": 42, "text": "+1", "parent_text": "crève sale pute"},
            {"id": "b", "text": "bonne soirée"},
        ]
    )
    out = runner.invoke(main, ["score"], input=stdin + "\n")
    lines = [orjson.loads(x) for x in out.output.splitlines()]
    assert [x["id"] for x in lines] == ["42", "b"]
    assert lines[0]["scores"]["abusive"] > lines[1]["scores"]["abusive"]
    bad = runner.invoke(main, ["score"], input='{"id": 1, "text": "ok"}\n{broken\n')
    assert bad.exit_code == 1 and "stdin line 2" in bad.output


def test_analyze_stores_scores_and_seals_the_run(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    tweets = [
        tweet("1", "@cible je vais te tuer"),
        tweet("2", "@cible merci pour l'article"),
        tweet("3", "+1", referenced_tweets=[{"type": "replied_to", "id": "1"}]),
    ]
    ingest(fresh_case, [write_jsonl("t.jsonl", [page(tweets)])])
    report = score_case(fresh_case, Classifier.load())
    assert report.scored == 3
    rows = {r.id: r for r in fresh_case.store.scores()}
    assert rows["1"].abusive > 0.5 > rows["2"].abusive
    assert "threat" in rows["1"].labels
    assert rows["3"].abusive > 0.5  # agrees with an abusive parent found in the case
    assert score_case(fresh_case, Classifier.load()).scored == 0  # nothing new to score
    kinds = [e.kind for e in fresh_case.store.entries()]
    assert kinds[-1] == "analysis"
    assert verify(fresh_case).ok


def test_label_command_records_custody(fresh_case: Any, write_jsonl: Callable[..., Path]) -> None:
    ingest(fresh_case, [write_jsonl("t.jsonl", [page([tweet("7", "salut")])])])
    fresh_case.close()
    runner = CliRunner()
    out = runner.invoke(
        main,
        [
            "label",
            "--case",
            str(fresh_case.path),
            "x:7",
            "insult=1",
            "threat=0",
            "--by",
            "avocate",
            "--note",
            "contexte du raid",
        ],
    )
    assert out.exit_code == 0, out.output
    bad = runner.invoke(main, ["label", "--case", str(fresh_case.path), "x:7", "insult=oui"])
    assert bad.exit_code == 1 and "CATEGORY=1" in bad.output
    missing = runner.invoke(main, ["label", "--case", str(fresh_case.path), "x:404", "insult=1"])
    assert missing.exit_code == 1 and "no message" in missing.output


CODED = [
    "@cible retourne planter tes poireaux",
    "@cible la reine des poireaux a encore parlé",
    "@cible #PoireauGate on t'a reconnue",
    "@cible va arroser tes poireaux au lieu d'écrire",
    "@cible poireau un jour poireau toujours",
    "@cible le poireau du journal est de sortie",
    "@cible encore un article de poireau",
    "@cible file au potager, poireau",
    "@cible les poireaux comme toi on les arrache",
    "@cible quel poireau sérieux",
    "@cible poireau officiel de la rédaction",
    "@cible t'as une tête de poireau",
    "@cible ça sent le poireau ici",
    "@cible poireau démasqué",
    "@cible poireau de service",
    "@cible on sait que t'es un poireau",
    "@cible monsieur poireau a parlé",
    "@cible bienvenue au club des poireaux",
    "@cible poireau poireau poireau",
    "@cible rentre chez les poireaux",
]
NEUTRAL = [
    "@cible merci pour l'article d'hier",
    "@cible intéressant, tu as une source ?",
    "@cible je ne suis pas d'accord sur la fin",
    "@cible bonne continuation",
    "@cible tu passes à la radio demain ?",
    "@cible très bon papier sur l'école",
    "@cible j'ai partagé ton fil",
    "@cible quelle est la date de l'enquête ?",
    "@cible chapeau pour le travail",
    "@cible vivement la suite",
    "@cible la soupe de légumes de ma grand-mère était la meilleure",
    "@cible des nouvelles du procès ?",
    "@cible bravo à toute l'équipe",
    "@cible tu peux corriger la coquille ?",
    "@cible lien vers le rapport ?",
    "@cible super interview",
    "@cible merci pour ton courage",
    "@cible je t'ai envoyé un mail",
    "@cible bel article",
    "@cible à bientôt",
]


def test_case_layer_measurably_improves_the_case(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    """A raid's coded insult ("poireau") is learnt from 20 labels and caught on new messages."""
    tweets = [tweet(str(100 + i), t) for i, t in enumerate(CODED + NEUTRAL)]
    ingest(fresh_case, [write_jsonl("raid.jsonl", [page(tweets)])])
    train_ids = list(range(0, 10)) + list(range(20, 30))
    for i in train_ids:
        add_labels(fresh_case, ("x", str(100 + i)), {"abusive": int(i < 20)}, author="aide")
    assert len(current_labels(fresh_case)) == 20
    held = [i for i in range(40) if i not in train_ids]
    texts = [(CODED + NEUTRAL)[i] for i in held]
    truth = np.array([int(i < 20) for i in held])
    base = Classifier.load()
    before = np.array([s.scores["abusive"] for s in base.score(texts)])
    layer = train_case_layer(fresh_case, base)
    assert "abusive" in layer.heads
    adapted = load_classifier(fresh_case)
    after = np.array([s.scores["abusive"] for s in adapted.score(texts)])
    t = base.model.thresholds["abusive"]
    f1_before, f1_after = _f1(truth, before >= t), _f1(truth, after >= t)
    auc_before, auc_after = _auc(truth, before), _auc(truth, after)
    assert f1_after >= f1_before + 0.2, (f1_before, f1_after)
    assert auc_after >= max(0.9, auc_before + 0.1), (auc_before, auc_after)
    recall_after = ((after >= t) & (truth == 1)).sum() / truth.sum()
    assert recall_after >= 0.8
    # the shared model is untouched: only this case's folder holds the layer
    assert (fresh_case.path / "models" / "case-layer.json").exists()
    assert Classifier.load().case_layer is None


def _f1(truth: np.ndarray, pred: np.ndarray) -> float:
    tp = int((pred & (truth == 1)).sum())
    fp = int((pred & (truth == 0)).sum())
    fn = int((~pred & (truth == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _auc(truth: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(truth, score))
