"""Training and evaluation data: label mappings, cleaning, splits, deduplication, licences.

Synthetic files in each dataset's layout run everywhere; the checks on the real datasets run
only where ``../shared/data`` exists (it is not part of a user's clone).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from rempart.analysis.classify.categories import ABUSIVE_CATEGORIES, IDENTITY, OUTPUTS, Example
from rempart.analysis.classify.cleaning import MENTION, URL, clean_text, has_content
from rempart.training import datasets as data
from rempart.training.datasets import (
    EVAL_ONLY,
    NON_ABUSIVE,
    SHIPPABLE,
    DataError,
    dataset_files,
    dataset_of,
    deduplicate,
    load_eval,
    load_training,
    split_of,
    text_key,
)

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = Path(os.environ.get("REMPART_DATA", ROOT.parent / "shared" / "data"))


def _csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def _paired(folder: Path, rows: dict[str, list[tuple[str, str]]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for split, pairs in rows.items():
        (folder / f"{split}_text.txt").write_text("".join(t + "\n" for t, _ in pairs), "utf-8")
        (folder / f"{split}_labels.txt").write_text("".join(y + "\n" for _, y in pairs), "utf-8")


MLMA = ["HITId", "tweet", "sentiment", "directness", "annotator_sentiment", "target", "group"]
JIGSAW = ["msg_id", "original_text", "toxic", "severe_toxic", "obscene", "threat", "insult"]
JIGSAW += ["identity_hate", "content"]
CYBER = ["scenario", "topic", "row", "msg_id", "time", "name", "text", "ROLE", "HATE", "TARGET"]
CYBER += ["VERBAL_ABUSE", "INTENTION", "CONTEXT", "SENTIMENT"]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A tiny copy of every dataset's layout, with synthetic texts."""
    root = tmp_path / "data"
    _csv(
        root / "mlma-hate-speech/fr_dataset.csv",
        MLMA,
        [
            [
                "1",
                "@user @user alors ce matin le train était en retard",
                "normal",
                "indirect",
                "indifference",
                "other",
                "other",
            ],
            [
                "2",
                "rt @user t'es vraiment un gros naze @user",
                "offensive",
                "direct",
                "anger",
                "other",
                "individual",
            ],
            [
                "3",
                "les femmes dehors, toutes des moins que rien @url",
                "hateful",
                "indirect",
                "anger",
                "gender",
                "women",
            ],
            [
                "4",
                "hmm ce type de phrase mal vue",
                "abusive_normal",
                "direct",
                "shock",
                "other",
                "other",
            ],
            [
                "5",
                "ils ont peur de tout ces gens la",
                "fearful",
                "direct",
                "fear",
                "origin",
                "arabs",
            ],
        ],
    )
    _csv(
        root / "mlma-hate-speech/en_dataset.csv",
        MLMA,
        [
            [
                "1",
                "nice weather today friends",
                "normal",
                "indirect",
                "indifference",
                "other",
                "other",
            ],
        ],
    )
    _csv(
        root / "toxifrench-forum-dev/agreement_checking.csv",
        ["msg_id", "2nd annotation conclusion", "user", "content", "explication", "conclusion"],
        [
            [
                "m1",
                "oui",
                "anon_user_1",
                "t'es qu'une merde ambulante",
                "Le message insulte",
                "1.0",
            ],
            ["m2", "non", "anon_user_2", "bonne soirée à tous", "Salutation", "0.0"],
            ["m3", "oui", "anon_user_3", "le débat était animé hier", "Neutre", "0.0"],
        ],
    )
    _csv(
        root / "jigsaw-toxic-fr-translated/subset_jigsaw.csv",
        JIGSAW,
        [
            [
                "a1",
                "I will find you and hurt you",
                "1",
                "1",
                "0",
                "1",
                "0",
                "0",
                "Je vais te trouver et te faire du mal",
            ],
            [
                "a2",
                "this damn article is long",
                "0",
                "0",
                "1",
                "0",
                "0",
                "0",
                "ce foutu article est long",
            ],
        ],
    )
    _csv(
        root / "davidson-hate-offensive/labeled_data.csv",
        ["", "count", "hate_speech", "offensive_language", "neither", "class", "tweet"],
        [
            [
                "0",
                "3",
                "3",
                "0",
                "0",
                "0",
                "RT @RealHandle42: go back where you came from &amp; stay",
            ],
            ["1", "3", "0", "3", "0", "1", "shut up you clown @someone"],
            ["2", "3", "0", "0", "3", "2", "lovely game last night &#128514;"],
        ],
    )
    _csv(
        root / "edos-sexism/edos_labelled_aggregated.csv",
        ["rewire_id", "text", "label_sexist", "label_category", "label_vector", "split"],
        [
            [
                "e1",
                "[USER] she should be hurt for that",
                "sexist",
                "1. threats, plans to harm and incitement",
                "1.1 threats of harm",
                "test",
            ],
            [
                "e2",
                "women belong in the kitchen",
                "sexist",
                "3. animosity",
                "3.2 immutable gender differences and gender stereotypes",
                "dev",
            ],
            ["e3", "the match was great [URL]", "not sexist", "none", "none", "train"],
        ],
    )
    sms = root / "sms-spam-collection/SMSSpamCollection.tsv"
    sms.parent.mkdir(parents=True)
    sms.write_text('Label\tSMS\nham\tsee you at "the" pub\nspam\tWIN a FREE prize call 0800\n')
    for name in data.YOUTUBE_FILES:
        _csv(
            root / "youtube-spam-collection" / name,
            ["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "label"],
            [
                ["c1", "Jane Realname", "2014-01-01", f"check my channel {name}", "1"],
                ["c2", "John Realname", "2014-01-02", f"great song {name}\ufeff", "0"],
            ],
        )
    _csv(
        root / "tatoeba-fr-sentences/tatoeba_fr_unique.tsv",
        ["text_fr", "source_en", "lexicon_flag", "lexicon_hits"],
        [
            ["Il fait beau.", "It's sunny.", "0", ""],
            ["Tu es un idiot.", "You're an idiot.", "1", "idiot"],
            ['Elle a dit "au revoir".', "She said goodbye.", "0", ""],
        ],
        delimiter="\t",
    )
    _csv(
        root / "xed-fr-subtitles/xed_fr_emotions.tsv",
        ["text_fr", "emotions", "anger_or_disgust", "lexicon_flag", "lexicon_hits"],
        [
            ["- On part demain ?", "anticipation", "0", "0", ""],
            ["Je te déteste !", "anger", "1", "0", ""],
            ["Salaud.", "surprise", "0", "1", "salaud"],
        ],
        delimiter="\t",
    )
    _csv(
        root / "diabla-fr-chat/diabla_fr_utterances.csv",
        [
            "dialogue_id",
            "utterance_index",
            "origin",
            "text_fr",
            "normalised_fr",
            "scenario_fr",
            "speaker_role_fr",
            "lexicon_flag",
            "lexicon_hits",
        ],
        [
            [
                "d1",
                "0",
                "fr_original",
                "Bonjour, on est coincés ?",
                "",
                "ascenseur",
                "patron",
                "0",
                "",
            ],
            [
                "d1",
                "1",
                "fr_original",
                "Quel connard ce technicien",
                "",
                "ascenseur",
                "employé",
                "1",
                "connard",
            ],
            ["d1", "2", "fr_original", "Appelons l'accueil.", "", "ascenseur", "patron", "0", ""],
        ],
    )
    _csv(
        root / "cyberagressionado-v2/cyberagressionado_v2_majority.csv",
        CYBER,
        [
            [
                "s1",
                "obesity",
                "0",
                "0",
                "[2:41 PM]",
                "<Lea-Harceleur>",
                "t'es grosse et moche",
                "bully",
                "OAG",
                "victim",
                "NCG",
                "ATK",
                "NULL",
                "NEG",
            ],
            [
                "s1",
                "obesity",
                "1",
                "1",
                "[2:42 PM]",
                "<Sam-Victime>",
                "arrêtez svp ce n'est pas drôle",
                "victim_support",
                "NAG",
                "NULL",
                "NULL",
                "CNS",
                "ATK",
                "NEU",
            ],
            [
                "s1",
                "obesity",
                "2",
                "2",
                "[2:43 PM]",
                "<Lea-Harceleur>",
                "on va venir chez toi",
                "bully",
                "OAG",
                "victim",
                "THR",
                "NO_MAJORITY",
                "DFN",
                "NEG",
            ],
            [
                "s1",
                "obesity",
                "3",
                "3",
                "[2:44 PM]",
                "<Lea-Harceleur>",
                "bof",
                "bully",
                "NO_MAJORITY",
                "NULL",
                "NULL",
                "OTH",
                "DFN",
                "NEG",
            ],
        ],
    )
    _paired(
        root / "xlmt-umsab-sentiment-fr",
        {
            "train": [("super journée http", "2"), ("quelle horreur ce gouvernement", "0")],
            "val": [("le train part à 8h", "1")],
            "test": [("bravo à l'équipe", "2")],
        },
    )
    _paired(
        root / "tweeteval-hate-offensive/hate",
        {
            "train": [("@user send them all back", "1")],
            "val": [("nice day", "0")],
            "test": [("hello", "0")],
        },
    )
    _paired(
        root / "tweeteval-hate-offensive/offensive",
        {
            "train": [("@user you are a fool", "1")],
            "val": [("good point", "0")],
            "test": [("thanks", "0")],
        },
    )
    return root


def _by_text(examples: list[Example]) -> dict[str, Example]:
    return {example.text: example for example in examples}


def _assert_well_formed(examples: list[Example]) -> None:
    for example in examples:
        assert example.text and example.text == example.text.strip()
        assert set(example.labels) <= set(OUTPUTS), example
        assert set(example.labels.values()) <= {0, 1}, example
        assert set(example.identity) <= set(IDENTITY), example
        assert example.split in ("train", "dev", "test")
        if example.identity:
            assert example.labels.get("identity_attack") == 1
        if any(example.labels.get(name) == 1 for name in ABUSIVE_CATEGORIES):
            assert example.labels.get("abusive") != 0, example


# ---------------------------------------------------------------- cleaning and splitting


def test_clean_text_removes_addressing_handles_links_and_invisible_characters() -> None:
    assert clean_text("RT @bob: vas-y @alice &amp; moi") == f"vas-y {MENTION} & moi"
    assert clean_text("@user @user:  t'es nul") == "t'es nul"
    assert clean_text("lis ça https://ex.com/a?b=1 et www.site.fr") == f"lis ça {URL} et {URL}"
    assert clean_text("[USER] said [URL]") == f"said {URL}"
    assert clean_text("coupé… @url") == f"coupé… {URL}"
    assert clean_text("a\x00b\u200bc\ufeff\u202ed\r\ne\tf") == "abcd\ne f"
    assert clean_text("mail a@b.fr") == "mail a@b.fr"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(family) == family
    assert clean_text(" \n @user \n ") == ""


def test_has_content_ignores_placeholders_and_punctuation() -> None:
    assert not has_content(f"{MENTION} {URL} !!")
    assert has_content("<3")
    assert has_content("ok")


def test_split_is_deterministic_and_about_80_10_10() -> None:
    counts = Counter(split_of(f"message {i}") for i in range(5000))
    assert split_of("bonjour") == split_of("bonjour")
    assert 3800 < counts["train"] < 4200 and 400 < counts["dev"] < 600
    assert text_key("  Tu ES\n nul ") == "tu es nul"


def test_deduplicate_merges_labels_and_forgets_disagreements() -> None:
    first = Example("Bof", {"abusive": 0, "insult": 0}, "a")
    second = Example("bof ", {"abusive": 1, "insult": 0, "spam": 0}, "b", split="test")
    third = Example("BOF", {"abusive": 0}, "c")
    merged = deduplicate([first, second, third])
    assert len(merged) == 1
    assert merged[0].labels == {"insult": 0, "spam": 0}
    assert merged[0].source == "a" and merged[0].split == "train"
    assert first.labels == {"abusive": 0, "insult": 0}
    assert deduplicate([Example("x", {"spam": 1}, "a"), Example("x", {"spam": 0}, "b")]) == []


def test_licences_follow_licenses_md() -> None:
    assert not set(SHIPPABLE) & set(EVAL_ONLY)
    assert set(EVAL_ONLY) == {
        "cyberagressionado-v2",
        "xlmt-umsab-sentiment-fr",
        "tweeteval-hate-offensive",
    }
    assert all(dataset.folder in SHIPPABLE for dataset in data.TRAINING)
    assert all(dataset.folder in EVAL_ONLY for dataset in data.EVALUATION.values())


# ---------------------------------------------------------------- mappings on synthetic files


def test_training_mappings(data_dir: Path) -> None:
    examples = load_training(data_dir)
    _assert_well_formed(examples)
    texts = _by_text(examples)
    assert {dataset_of(e.source) for e in examples} <= set(SHIPPABLE)

    # MLMA
    assert texts["alors ce matin le train était en retard"].labels == {
        "abusive": 0,
        "insult": 0,
        "identity_attack": 0,
    }
    naze = texts[f"t'es vraiment un gros naze {MENTION}"]
    assert naze.labels == {"abusive": 1, "insult": 1}
    women = texts[f"les femmes dehors, toutes des moins que rien {URL}"]
    assert women.labels == {"abusive": 1, "identity_attack": 1} and women.identity == (
        "sex_or_gender",
    )
    assert texts["hmm ce type de phrase mal vue"].labels == {"abusive": 1}
    assert texts["ils ont peur de tout ces gens la"].labels == {"abusive": 1}
    assert texts["nice weather today friends"].lang == "en"

    # ToxiFrench: the conclusion only; a doubting second annotator halves the weight
    assert texts["t'es qu'une merde ambulante"].labels == {"abusive": 1}
    assert texts["le débat était animé hier"].weight == 0.5
    assert texts["bonne soirée à tous"].weight == 1.0

    # Jigsaw: both languages, one split; severe_toxic weighs more; obscene alone is not abusive
    fr, en = texts["Je vais te trouver et te faire du mal"], texts["I will find you and hurt you"]
    assert fr.labels == en.labels == {"abusive": 1, "insult": 0, "threat": 1, "identity_attack": 0}
    assert (fr.lang, en.lang, fr.split == en.split, fr.weight) == ("fr", "en", True, 1.5)
    assert texts["ce foutu article est long"].labels["abusive"] == 0

    # Davidson
    hate = texts["go back where you came from & stay"]
    assert hate.labels == {"abusive": 1, "identity_attack": 1} and hate.identity == ()
    assert texts[f"shut up you clown {MENTION}"].labels == {"abusive": 1, "insult": 1}
    assert texts["lovely game last night \U0001f602"].labels == {
        "abusive": 0,
        "insult": 0,
        "identity_attack": 0,
    }

    # EDOS: its own split; the vector gives threats; not sexist only rules out objectification
    threat = texts["she should be hurt for that"]
    assert (
        threat.labels == {"abusive": 1, "identity_attack": 1, "threat": 1}
        and threat.split == "test"
    )
    assert texts["women belong in the kitchen"].labels == {
        "abusive": 1,
        "identity_attack": 1,
        "threat": 0,
        "incitement": 0,
    }
    assert texts[f"the match was great {URL}"].labels == {"sexual_harassment": 0}

    # Spam
    assert texts['see you at "the" pub'].labels == {"spam": 0, "abusive": 0}
    assert texts["WIN a FREE prize call 0800"].labels == {"spam": 1}
    assert texts["great song Youtube01-Psy.csv"].labels == {"spam": 0}
    assert not any("Realname" in e.text for e in examples)

    # Curated French negatives; flagged rows dropped; parents in DiaBLa
    assert texts["Il fait beau."].labels == NON_ABUSIVE
    assert texts["On part demain ?"].weight == 0.5
    assert texts["Appelons l'accueil."].parent_text == "Quel connard ce technicien"
    for dropped in ("Tu es un idiot.", "Je te déteste !", "Salaud.", "Quel connard ce technicien"):
        assert dropped not in texts


def test_tatoeba_cap_is_a_stable_sample(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "TATOEBA_CAP", 1)
    folder = data_dir / "tatoeba-fr-sentences"
    first = [e.text for e in data._load_tatoeba(folder)]
    assert len(first) == 1 and first == [e.text for e in data._load_tatoeba(folder)]


def test_eval_mappings(data_dir: Path) -> None:
    sets = load_eval(data_dir)
    assert set(sets) == {
        "cyberagressionado-v2",
        "xlmt-umsab-sentiment-fr",
        "tweeteval-hate",
        "tweeteval-offensive",
    }
    for examples in sets.values():
        _assert_well_formed(examples)
        assert {dataset_of(e.source) for e in examples} <= set(EVAL_ONLY)

    chat = _by_text(sets["cyberagressionado-v2"])
    assert chat["t'es grosse et moche"].labels == {
        "abusive": 1,
        "insult": 1,
        "threat": 0,
        "support": 0,
    }
    counter = chat["arrêtez svp ce n'est pas drôle"]
    assert counter.labels == {**NON_ABUSIVE, "support": 1}
    assert counter.parent_text == "t'es grosse et moche"
    assert chat["on va venir chez toi"].labels == {"abusive": 1, "threat": 1}
    assert chat["bof"].labels == {}
    assert not any("Harceleur" in (e.text + (e.parent_text or "")) for e in chat.values())

    tweets = _by_text(sets["xlmt-umsab-sentiment-fr"])
    assert tweets["quelle horreur ce gouvernement"].labels == {}
    assert tweets["quelle horreur ce gouvernement"].source == "xlmt-umsab-sentiment-fr:negative"
    assert (
        tweets["le train part à 8h"].labels == {"abusive": 0}
        and tweets["le train part à 8h"].split == "dev"
    )

    hate = _by_text(sets["tweeteval-hate"])
    assert hate["send them all back"].labels == {"abusive": 1, "identity_attack": 1}
    assert hate["nice day"].labels == {"identity_attack": 0}
    offensive = _by_text(sets["tweeteval-offensive"])
    assert offensive["you are a fool"].labels == {"abusive": 1}
    assert offensive["thanks"].split == "test"

    kept = load_eval(data_dir, exclude=["Nice  DAY"])["tweeteval-hate"]
    assert "nice day" not in _by_text(kept)


def test_dataset_files_hashes_what_training_reads(data_dir: Path) -> None:
    files = dataset_files(data_dir)
    path = "edos-sexism/edos_labelled_aggregated.csv"
    assert files[path] == hashlib.sha256((data_dir / path).read_bytes()).hexdigest()
    assert {name.split("/")[0] for name in files} == {d.folder for d in data.TRAINING}
    assert "tweeteval-hate-offensive/hate/val_labels.txt" in dataset_files(
        data_dir, include_eval=True
    )


def test_missing_data_is_a_clear_error(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="data directory not found"):
        load_training(tmp_path / "nowhere")
    (data_dir / "edos-sexism/edos_labelled_aggregated.csv").unlink()
    with pytest.raises(DataError, match="edos_labelled_aggregated.csv: file not found"):
        load_training(data_dir)
    with pytest.raises(DataError, match="edos-sexism"):
        dataset_files(data_dir)
    (data_dir / "xlmt-umsab-sentiment-fr/val_labels.txt").write_text("1\n2\n")
    with pytest.raises(DataError, match="1 texts but 2 labels"):
        load_eval(data_dir)
    _csv(data_dir / "davidson-hate-offensive/labeled_data.csv", ["tweet"], [["hi"]])
    with pytest.raises(DataError, match="missing column.*class"):
        data._load_davidson(data_dir / "davidson-hate-offensive")


# ---------------------------------------------------------------- the real datasets

real = pytest.mark.skipif(not REAL_DATA.is_dir(), reason="../shared/data is not here")


@pytest.fixture(scope="module")
def real_training() -> list[Example]:
    return load_training(REAL_DATA)


@real
@pytest.mark.slow
def test_real_training_data(real_training: list[Example]) -> None:
    _assert_well_formed(real_training)
    sources = Counter(dataset_of(e.source) for e in real_training)
    assert set(sources) <= set(SHIPPABLE) and not set(sources) & set(EVAL_ONLY)
    assert 80_000 < len(real_training) < 110_000
    assert sources["tatoeba-fr-sentences"] <= data.TATOEBA_CAP
    assert sources["davidson-hate-offensive"] > 20_000 and sources["toxifrench-forum-dev"] > 450
    langs = Counter(e.lang for e in real_training)
    assert langs["fr"] > 30_000 and langs["en"] > 50_000
    positives = Counter(name for e in real_training for name, v in e.labels.items() if v == 1)
    for name, least in {
        "abusive": 30_000,
        "insult": 20_000,
        "threat": 400,
        "identity_attack": 6000,
        "sexual_harassment": 250,
        "incitement": 300,
        "spam": 1300,
    }.items():
        assert positives[name] >= least, name
    handle = re.compile(r"(?<![\w@])@(?!user\b)\w+")
    for e in real_training:
        assert not e.text.startswith(MENTION) and not handle.search(e.text), e.text
        assert (
            "[USER]" not in e.text and "[URL]" not in e.text and not re.match(r"(?i)rt @", e.text)
        )
    assert len({text_key(e.text) for e in real_training}) == len(real_training)


@real
@pytest.mark.slow
def test_real_splits_are_stable(real_training: list[Example]) -> None:
    again = {e.text: e.split for e in load_training(REAL_DATA)}
    assert again == {e.text: e.split for e in real_training}
    splits = Counter(e.split for e in real_training)
    assert 0.7 < splits["train"] / len(real_training) < 0.85
    edos = [e for e in real_training if e.source == "edos-sexism"]
    assert Counter(e.split for e in edos)["test"] > 3500


@real
@pytest.mark.slow
def test_real_eval_data() -> None:
    sets = load_eval(REAL_DATA)
    for examples in sets.values():
        _assert_well_formed(examples)
        assert {dataset_of(e.source) for e in examples} <= set(EVAL_ONLY)
    assert 2800 < len(sets["cyberagressionado-v2"]) <= 3015
    assert 3000 <= len(sets["xlmt-umsab-sentiment-fr"]) <= 3030
    supportive = [e for e in sets["cyberagressionado-v2"] if e.labels.get("support") == 1]
    assert len(supportive) > 150
    # Pseudonyms carry the author's role ("<Emilie-Harceleur>"): they never reach a text.
    path = REAL_DATA / "cyberagressionado-v2/cyberagressionado_v2_majority.csv"
    names = {row["name"] for row in csv.DictReader(path.open(encoding="utf-8"))}
    roles = {name for name in names if name.startswith("<")}
    assert len(roles) > 20
    chat = sets["cyberagressionado-v2"]
    assert not any(n in e.text + (e.parent_text or "") for e in chat for n in roles)
