"""The shipped classifier: its contract, behaviour on clear cases, storage and reproducibility."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import rempart
from rempart.analysis.classify.categories import OUTPUTS, SEVERITIES
from rempart.analysis.classify.classifier import DEFAULT_MODEL, Classifier
from rempart.analysis.classify.features import hashed_features
from rempart.analysis.classify.model import Model, ModelError
from rempart.training import synthetic
from rempart.training.build import TrainConfig, train_examples


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load()


def test_score_contract() -> None:
    [out] = rempart.score(["je vais te tuer"])
    assert set(out) >= {"id", "lang", "scores", "labels", "severity", "explanation"}
    assert set(out["scores"]) == set(OUTPUTS)
    assert all(0.0 <= v <= 1.0 for v in out["scores"].values())
    assert out["severity"] in SEVERITIES
    assert isinstance(out["explanation"], list) and out["explanation"]


def test_explicit_death_threat(clf: Classifier) -> None:
    for text in ("je vais te tuer sale chienne", "t'es mort, je vais t'égorger", "I will kill you"):
        [s] = clf.score([text])
        assert "threat" in s.labels, (text, s.scores)
        assert s.severity in ("high", "critical")


def test_threat_without_slur(clf: Classifier) -> None:
    [s] = clf.score(["@cible je sais où tu habites, fais attention à toi ce soir"])
    assert s.scores["threat"] >= clf.model.thresholds["threat"]
    assert any("threat" in e for e in s.explanation)


def test_support_and_counter_speech_are_not_abusive(clf: Classifier) -> None:
    texts = [
        "tout mon soutien @cible face à ce harcèlement, tiens bon",
        "Traiter quelqu'un de « salope » comme ils le font est inadmissible, je te soutiens",
    ]
    for s in clf.score(texts):
        assert s.scores["abusive"] < clf.model.thresholds["abusive"], s
        assert "support" in s.labels


def test_obfuscation_does_not_hide_an_insult(clf: Classifier) -> None:
    plain, leet, spaced = clf.score(
        ["t'es qu'un connard", "t'es qu'un c0nn4rd", "t'es qu'un c o n n a r d"]
    )
    threshold = clf.model.thresholds["abusive"]
    assert plain.scores["abusive"] >= threshold
    assert leet.scores["abusive"] >= threshold and spaced.scores["abusive"] >= threshold


def test_reply_is_scored_with_its_parent(clf: Classifier) -> None:
    abusive_parent = "cette grosse pute mérite de crever"
    kind_parent = "bravo pour ton travail, continue"
    a, b = clf.score(["+1", "+1"], parents=[abusive_parent, kind_parent])
    assert a.scores["abusive"] > 0.5 > b.scores["abusive"]
    assert any("parent" in e for e in a.explanation)


def test_language_and_target(clf: Classifier) -> None:
    fr, en, third = clf.score(
        ["tu es vraiment une idiote", "you are such an idiot", "il est vraiment idiot ce ministre"]
    )
    assert (fr.lang, en.lang) == ("fr", "en")
    assert fr.target == "target" and third.target == "third_party"


def test_hostile_payloads_are_just_text(clf: Classifier) -> None:
    payloads = [
        "<script>alert('x')</script>",
        "'; DROP TABLE scores; --",
        "\x00\u202e" * 50,
        "a" * 20000,
        "",
    ]
    scores = clf.score(payloads)
    assert len(scores) == len(payloads)
    assert all(0 <= s.scores["abusive"] <= 1 for s in scores)


def test_batch_and_single_agree(clf: Classifier) -> None:
    texts = ["t'es nulle", "merci", "je sais où tu habites", "bonne journée à tous"]
    batch = clf.score(texts)
    for text, b in zip(texts, batch):
        [one] = clf.score([text])
        assert one.scores == pytest.approx(b.scores, abs=1e-6)


def test_features_are_stable_and_batch_independent() -> None:
    texts = ["je sais ou tu habites", "bonjour", ""]
    W = np.random.default_rng(0).normal(size=(3, 1 << 12)).astype(np.float32)
    full = hashed_features(texts, n_bits=12).dot(W)
    for i, t in enumerate(texts):
        assert np.allclose(hashed_features([t], n_bits=12).dot(W)[0], full[i])


def test_model_checksum_is_enforced(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL, copy)
    Model.load(copy)
    data = bytearray((copy / "weights.bin.gz").read_bytes())
    data[-20] ^= 0xFF
    (copy / "weights.bin.gz").write_bytes(bytes(data))
    with pytest.raises(ModelError):
        Model.load(copy)


def test_training_is_bit_for_bit_reproducible(tmp_path: Path) -> None:
    examples = synthetic.generate(seed=1, n_per_template=1)
    for i, e in enumerate(examples):
        e.split = "dev" if i % 5 == 0 else "train"
    digests = []
    for run in ("a", "b"):
        cfg = TrainConfig(tmp_path, tmp_path / run, n_bits=14, use_encoder=False)
        model, report = train_examples(examples, cfg, log=lambda m: None)
        digests.append(report["weights_sha256"])
    assert digests[0] == digests[1]
    for name in ("weights.bin.gz", "model.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    loaded = Model.load(tmp_path / "a")
    assert loaded.outputs == OUTPUTS and loaded.n_bits == 14


def test_shipped_model_records_its_training_inputs() -> None:
    model = Model.load(DEFAULT_MODEL)
    assert model.meta["data"], "the manifest lists every dataset file with its SHA-256"
    assert all(len(sha) == 64 for sha in model.meta["data"].values())
    forbidden = ("cyberagressionado", "xlmt", "tweeteval")
    assert not any(f in name for name in model.meta["data"] for f in forbidden)
    assert set(model.thresholds) == set(OUTPUTS)
