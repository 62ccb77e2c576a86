"""The detectors of threats, calls to action and accusations, the counterfactual copies, the
written training cases and the blind suite's figures."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from rempart.analysis.classify import detectors, rules
from rempart.analysis.classify.categories import ABUSIVE_CATEGORIES, OUTPUTS, Example
from rempart.analysis.classify.cleaning import clean_text
from rempart.training import augment, blind_suite, written
from rempart.training.datasets import text_key


def key(text: str) -> str:
    return text_key(clean_text(text))


def det(text: str) -> dict[str, float]:
    r = rules.analyze(text)
    return {k: v for k, v in r.features.items() if k.startswith("det.")}


@pytest.mark.parametrize(
    "text",
    [
        "ce serait dommage qu'il arrive quelque chose à tes gosses",
        "on sait où tu bosses maintenant",
        "si tu continues tu vas le regretter",
        "fais gaffe en rentrant ce soir",
        "you'll regret this, we know where your kids go to school",
    ],
)
def test_a_threat_without_a_slur_has_the_shape_of_a_threat(text: str) -> None:
    assert det(text)["det.threat"] == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "on va les massacrer samedi au stade",
        "ce boss de fin m'a tué",
        "bonne soirée à tous",
    ],
)
def test_sports_and_everyday_talk_are_not_threats(text: str) -> None:
    assert det(text)["det.threat"] == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "signalez tous son compte",
        "il faut que tout le monde appelle son employeur",
        "everyone report her account now",
        "qui a son adresse ?",
    ],
)
def test_a_call_to_a_crowd_against_someone_is_seen(text: str) -> None:
    assert det(text)["det.call_to_action"] == 1.0


def test_an_accusation_is_told_from_a_question_a_denial_and_a_court_report() -> None:
    assert det("tout le monde sait qu'il a violé sa nièce")["det.accusation"] == 1.0
    assert det("est-ce qu'il a vraiment volé la caisse ?")["det.accusation"] == 0.0
    assert det("il n'a jamais volé personne, c'est une rumeur")["det.accusation"] == 0.0
    assert det("il a été condamné pour vol par le tribunal")["det.accusation"] == 0.0


def test_every_detector_feature_is_a_rule_feature_in_range() -> None:
    assert set(detectors.FEATURES) <= set(rules.RULE_FEATURES)
    for text in ("", "!!!", "@user", "a" * 3000, "<script>alert(1)</script> tu vas voir"):
        values = detectors.features(rules.analyze(text).norm.split(), text)
        assert set(values) == set(detectors.FEATURES)
        assert all(v in (0.0, 1.0) for v in values.values())


def test_a_counterfactual_copy_names_another_group_with_the_same_labels() -> None:
    e = Example("les musulmans du quartier organisent une fête", {"abusive": 0}, "x", "fr")
    (copy,) = augment.counterfactuals([e])
    assert copy.text != e.text and "musulmans" not in copy.text
    assert copy.labels == e.labels and copy.weight == 0.5 and copy.split == "train"
    assert augment.swap_identity("Les Juifs et les musulmans") is None  # two groups: left
    assert augment.counterfactuals([Example(e.text, {}, "x", "fr", "dev")]) == []


def test_written_cases_are_complete_and_never_blind_cases() -> None:
    cases = written.load()
    assert len(cases) > 100
    blind = {key(c.example.text) for s in blind_suite.SPLITS for c in blind_suite.load(s)}
    for e in cases:
        assert set(e.labels) == set(OUTPUTS), e.text
        abusive = any(e.labels[c] for c in ABUSIVE_CATEGORIES)
        assert e.labels["abusive"] == int(abusive), e.text
        assert key(e.text) not in blind, e.text


def test_the_blind_suite_summary_counts_what_it_says() -> None:
    cases = blind_suite.load("dev")
    assert len(cases) == 450 and {c.example.lang for c in cases} == {"fr", "en"}

    def everything(texts: list[str], parents: list[str | None]) -> list[SimpleNamespace]:
        return [SimpleNamespace(labels=list(OUTPUTS)) for _ in texts]

    f = blind_suite.summary(cases, everything)["all"]
    assert f["threats_recalled_as_threat"] == 1.0
    assert f["support_flagged_abusive"] == 1.0 and f["benign_flagged_abusive"] == 1.0
    assert f["categories"]["threat"]["recall"] == 1.0
    assert 0 < f["categories"]["threat"]["precision"] < 1
    with pytest.raises(ValueError):
        blind_suite.load("train")


def test_a_recall_weighted_threshold_never_sits_above_the_f1_one() -> None:
    from rempart.training.metrics import choose_thresholds

    y = [0, 0, 0, 1, 0, 1, 1, 0, 1, 1]
    s = [0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.65, 0.7, 0.9]
    f1, f2 = choose_thresholds(y, s), choose_thresholds(y, s, beta=2.0)
    assert f2 <= f1 and f2 == 0.35  # recall first: every positive kept


def test_support_does_not_launder_abuse_of_the_speakers_own() -> None:
    """A message read as support is not counted as abuse, unless the rules see abuse of the
    speaker's own beside the support (a hostile sender wrapping an insult in solidarity)."""
    from rempart.analysis.classify.classifier import Classifier

    clf = Classifier.load()
    wrapped, quoting = clf.score(
        [
            "soutien total à elle, et toi @marc t'es qu'un sale bougnoule",
            "« sale pute » : voilà ce qu'on m'envoie tous les jours. courage aux autres",
        ]
    )
    assert "abusive" in wrapped.labels
    assert "abusive" not in quoting.labels and "support" in quoting.labels
