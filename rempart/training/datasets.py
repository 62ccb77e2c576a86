"""Load the classifier's training and evaluation data from a data directory (``../shared/data``).

Each dataset's labels are mapped onto rempart's outputs
(:data:`~rempart.analysis.classify.categories.OUTPUTS`); a label the source does not inform is
left out of ``Example.labels`` (unknown), never guessed. The mapping, what is dropped and why are
documented in ``docs/classifier-data.md``.

Usage::

    from rempart.training.datasets import load_training, load_eval, dataset_files
    train = load_training(Path("../shared/data"))      # shippable datasets only
    sets = load_eval(Path("../shared/data"))           # {"cyberagressionado-v2": [...], ...}
    manifest = dataset_files(Path("../shared/data"))   # {"mlma-hate-speech/fr_dataset.csv": sha256}

Only the datasets in :data:`SHIPPABLE` ever reach :func:`load_training`; those in
:data:`EVAL_ONLY` (licenses that forbid shipping a model trained on them) are read by
:func:`load_eval` alone. Texts go through
:func:`~rempart.analysis.classify.cleaning.clean_text` (HTML entities decoded, control characters
removed, mentions and links replaced by placeholders), the function the classifier applies to
live messages, so that training and scoring see the same text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from rempart.analysis.classify.categories import ABUSIVE_CATEGORIES, OUTPUTS, Example
from rempart.analysis.classify.cleaning import clean_text, has_content
from rempart.errors import RempartError

#: Training may use these datasets (folder -> license), per ``../shared/data/LICENSES.md``.
SHIPPABLE: dict[str, str] = {
    "mlma-hate-speech": "MIT",
    "toxifrench-forum-dev": "MIT",
    "jigsaw-toxic-fr-translated": "MIT (repo); Jigsaw CC0; Wikipedia text CC BY-SA 3.0",
    "davidson-hate-offensive": "MIT",
    "edos-sexism": "CC0 1.0",
    "youtube-spam-collection": "CC BY 4.0",
    "sms-spam-collection": "CC BY 4.0",
    "contentshield-fr-lexicon": "MIT",
    "ldnoobw-fr": "CC BY 4.0",
    "tatoeba-fr-sentences": "CC BY 2.0 FR",
    "xed-fr-subtitles": "CC BY 4.0",
    "diabla-fr-chat": "CC BY-SA 4.0",
}

#: Development and evaluation only: never in training, never shipped.
EVAL_ONLY: dict[str, str] = {
    "cyberagressionado-v2": "none stated (citation requested)",
    "xlmt-umsab-sentiment-fr": "DEFT 2017 terms",
    "tweeteval-hate-offensive": "original HatEval / OLID terms",
}

#: Tatoeba's short sentences are capped so that they do not drown the other French data.
TATOEBA_CAP = 20_000

#: Every abusive category set to 0: a text a curated source vouches for as harmless.
NON_ABUSIVE: dict[str, int] = {"abusive": 0, **{name: 0 for name in ABUSIVE_CATEGORIES}}


class DataError(RempartError):
    """A dataset folder or file is missing or does not have the expected layout."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(f"{path}: {message}" if path is not None else message)


# ---------------------------------------------------------------- splitting and deduplication


def text_key(text: str) -> str:
    """The key two texts must share to count as duplicates: case-folded, spaces collapsed."""
    return " ".join(text.casefold().split())


def split_of(key: str) -> str:
    """``train`` (80%), ``dev`` (10%) or ``test`` (10%), fixed by the SHA-1 of *key*."""
    bucket = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 80 else "dev" if bucket < 90 else "test"


def dataset_of(source: str) -> str:
    """The dataset folder of an ``Example.source`` (``"xlmt-umsab-sentiment-fr:neutral"``)."""
    return source.split(":", 1)[0]


def _example(
    text: str,
    labels: dict[str, int],
    source: str,
    lang: str | None,
    *,
    split: str | None = None,
    group: str | None = None,
    parent_text: str | None = None,
    identity: tuple[str, ...] = (),
    weight: float = 1.0,
) -> Example | None:
    """An Example with cleaned text and a split, or None when nothing is left of the text.

    *group* ties texts that must share a split (a message and its translation).
    """
    cleaned = clean_text(text)
    if not has_content(cleaned):
        return None
    parent = clean_text(parent_text) if parent_text else None
    return Example(
        text=cleaned,
        labels=dict(labels),
        source=source,
        lang=lang,
        split=split or split_of(group if group is not None else text_key(cleaned)),
        parent_text=parent or None,
        identity=identity if labels.get("identity_attack") == 1 else (),
        weight=weight,
    )


# ---------------------------------------------------------------- reading files


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise DataError("file not found (is the data directory complete?)", path)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"not UTF-8 ({error.reason} at byte {error.start})", path) from None


def _rows(
    path: Path, columns: Iterable[str], *, delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL
) -> Iterator[dict[str, str]]:
    """The rows of a CSV/TSV file, checking that *columns* are present."""
    text = io.StringIO(_read_text(path), newline="")
    reader = csv.DictReader(text, delimiter=delimiter, quoting=quoting)  # type: ignore[call-overload]
    missing = [name for name in columns if name not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", path)
    for row in reader:
        yield {key: (value or "") for key, value in row.items() if key is not None}


def _lines(path: Path) -> list[str]:
    return _read_text(path).rstrip("\n").split("\n")


def _paired(folder: Path, split: str) -> list[tuple[str, str]]:
    """(text, label) pairs of a TweetEval-style ``{split}_text.txt`` / ``{split}_labels.txt``."""
    texts, labels = _lines(folder / f"{split}_text.txt"), _lines(folder / f"{split}_labels.txt")
    if len(texts) != len(labels):
        raise DataError(f"{len(texts)} texts but {len(labels)} labels", folder / split)
    return list(zip(texts, (label.strip() for label in labels), strict=True))


_TWEET_SPLITS = {"train": "train", "val": "dev", "test": "test"}


# ---------------------------------------------------------------- training datasets

_MLMA_IDENTITY = {
    "origin": "origin",
    "religion": "religion",
    "gender": "sex_or_gender",
    "sexual_orientation": "sexual_orientation",
    "disability": "disability",
}


def _load_mlma(folder: Path) -> list[Example]:
    """MLMA: authors' binary convention; hateful + protected target; direct offence = insult."""
    out: list[Example | None] = []
    for name, lang in (("fr_dataset.csv", "fr"), ("en_dataset.csv", "en")):
        for row in _rows(folder / name, ("tweet", "sentiment", "directness", "target")):
            types = set(row["sentiment"].split("_"))
            if types == {"normal"}:
                labels = {"abusive": 0, "insult": 0, "identity_attack": 0}
                identity: tuple[str, ...] = ()
            else:
                labels = {"abusive": 1}
                identity = ()
                if "hateful" in types and row["target"] in _MLMA_IDENTITY:
                    labels["identity_attack"] = 1
                    identity = (_MLMA_IDENTITY[row["target"]],)
                if (
                    types & {"offensive", "abusive"}
                    and "normal" not in types
                    and row["directness"] == "direct"
                ):
                    labels["insult"] = 1
            out.append(_example(row["tweet"], labels, "mlma-hate-speech", lang, identity=identity))
    return [e for e in out if e]


_TOXIFRENCH_WEIGHT = {
    ("1", "oui"): 1.0,
    ("0", "non"): 1.0,
    ("1", "je ne sais pas, peut-être oui"): 0.75,
    ("0", "je ne sais pas, peut-être non"): 0.75,
}


def _load_toxifrench(folder: Path) -> list[Example]:
    """ToxiFrench: the final human ``conclusion``; a second annotator's doubt lowers the weight."""
    out: list[Example | None] = []
    for row in _rows(folder / "agreement_checking.csv", ("content", "conclusion")):
        verdict = row["conclusion"].split(".")[0]
        if verdict not in ("0", "1"):
            continue
        second = row.get("2nd annotation conclusion", "").strip()
        weight = _TOXIFRENCH_WEIGHT.get((verdict, second), 0.5)
        labels = {"abusive": int(verdict)}
        out.append(_example(row["content"], labels, "toxifrench-forum-dev", "fr", weight=weight))
    return [e for e in out if e]


def _load_jigsaw(folder: Path) -> list[Example]:
    """Jigsaw subset: the French translation and the English original share one split."""
    flags = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
    columns = ("msg_id", "original_text", "content", *flags)
    out: list[Example | None] = []
    for row in _rows(folder / "subset_jigsaw.csv", columns):
        flag = {name: row[name].strip() == "1" for name in flags}
        insult, threat, hate = flag["insult"], flag["threat"], flag["identity_hate"]
        abusive = flag["toxic"] or flag["severe_toxic"] or insult or threat or hate
        labels = {
            "abusive": int(abusive),
            "insult": int(insult),
            "threat": int(threat),
            "identity_attack": int(hate),
        }
        weight = 1.5 if flag["severe_toxic"] else 1.0
        group = "jigsaw:" + row["msg_id"]
        for text, lang in ((row["content"], "fr"), (row["original_text"], "en")):
            out.append(
                _example(
                    text, labels, "jigsaw-toxic-fr-translated", lang, group=group, weight=weight
                )
            )
    return [e for e in out if e]


def _load_davidson(folder: Path) -> list[Example]:
    """Davidson: 0 hate speech, 1 offensive language, 2 neither (CrowdFlower majority)."""
    mapping = {
        "0": {"abusive": 1, "identity_attack": 1},
        "1": {"abusive": 1, "insult": 1},
        "2": {"abusive": 0, "insult": 0, "identity_attack": 0},
    }
    out = [
        _example(row["tweet"], mapping[row["class"]], "davidson-hate-offensive", "en")
        for row in _rows(folder / "labeled_data.csv", ("tweet", "class"))
        if row["class"] in mapping
    ]
    return [e for e in out if e]


_EDOS_VECTOR = {
    "1.1": {"threat": 1},
    "1.2": {"incitement": 1},
    "2.3": {"sexual_harassment": 1},
}


def _load_edos(folder: Path) -> list[Example]:
    """EDOS: sexist = abusive identity attack on sex or gender; its own train/dev/test split."""
    columns = ("text", "label_sexist", "label_vector", "split")
    out: list[Example | None] = []
    for row in _rows(folder / "edos_labelled_aggregated.csv", columns):
        split = row["split"] if row["split"] in ("train", "dev", "test") else None
        identity: tuple[str, ...] = ()
        if row["label_sexist"] == "sexist":
            labels = {"abusive": 1, "identity_attack": 1}
            identity = ("sex_or_gender",)
            vector = row["label_vector"].split(" ", 1)[0]
            labels.update(_EDOS_VECTOR.get(vector, {}))
            if not vector.startswith("1."):
                # The taxonomy files threats and incitement under 1.x and nowhere else.
                labels.update(threat=0, incitement=0)
        elif row["label_sexist"] == "not sexist":
            # Not sexist is not harmless (racist or violent posts are "not sexist"): only the
            # absence of sexual objectification of women is informed.
            labels = {"sexual_harassment": 0}
        else:
            continue
        out.append(
            _example(row["text"], labels, "edos-sexism", "en", split=split, identity=identity)
        )
    return [e for e in out if e]


def _load_sms(folder: Path) -> list[Example]:
    """SMS Spam Collection: spam 1/0; ham is ordinary private chat, so abusive 0."""
    out: list[Example | None] = []
    rows = _rows(
        folder / "SMSSpamCollection.tsv", ("Label", "SMS"), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    for row in rows:
        if row["Label"] == "spam":
            out.append(_example(row["SMS"], {"spam": 1}, "sms-spam-collection", "en"))
        elif row["Label"] == "ham":
            labels = {"spam": 0, "abusive": 0}
            out.append(_example(row["SMS"], labels, "sms-spam-collection", "en"))
    return [e for e in out if e]


YOUTUBE_FILES = tuple(
    f"Youtube0{i}-{name}.csv"
    for i, name in enumerate(("Psy", "KatyPerry", "LMFAO", "Eminem", "Shakira"), start=1)
)


def _load_youtube(folder: Path) -> list[Example]:
    """YouTube Spam Collection: spam 1/0 only (the AUTHOR column is never read)."""
    out: list[Example | None] = []
    for name in YOUTUBE_FILES:
        for row in _rows(folder / name, ("CONTENT", "label")):
            if row["label"] in ("0", "1"):
                labels = {"spam": int(row["label"])}
                out.append(_example(row["CONTENT"], labels, "youtube-spam-collection", "en"))
    return [e for e in out if e]


def _load_tatoeba(folder: Path) -> list[Example]:
    """Tatoeba: unflagged everyday sentences as negatives, a deterministic sample of the cap."""
    rows = _rows(folder / "tatoeba_fr_unique.tsv", ("text_fr", "lexicon_flag"), delimiter="\t")
    texts = [row["text_fr"] for row in rows if row["lexicon_flag"].strip() == "0"]
    # The lowest hashes form a sample that does not depend on the file's order.
    texts.sort(key=lambda t: hashlib.sha1(t.encode("utf-8")).digest())
    out = [_example(t, NON_ABUSIVE, "tatoeba-fr-sentences", "fr") for t in texts[:TATOEBA_CAP]]
    return [e for e in out if e]


_DIALOGUE_DASH = re.compile(r"^\s*-\s+")


def _load_xed(folder: Path) -> list[Example]:
    """XED subtitles: lines with no anger/disgust and no lexicon hit, as half-weight negatives."""
    columns = ("text_fr", "anger_or_disgust", "lexicon_flag")
    out = [
        _example(
            _DIALOGUE_DASH.sub("", row["text_fr"]),
            NON_ABUSIVE,
            "xed-fr-subtitles",
            "fr",
            weight=0.5,
        )
        for row in _rows(folder / "xed_fr_emotions.tsv", columns, delimiter="\t")
        if row["anger_or_disgust"].strip() == "0" and row["lexicon_flag"].strip() == "0"
    ]
    return [e for e in out if e]


def _load_diabla(folder: Path) -> list[Example]:
    """DiaBLa chat: unflagged utterances as negatives, with the previous utterance as parent."""
    columns = ("dialogue_id", "utterance_index", "text_fr", "lexicon_flag")
    out: list[Example | None] = []
    previous: dict[str, str] = {}
    for row in _rows(folder / "diabla_fr_utterances.csv", columns):
        parent = previous.get(row["dialogue_id"])
        previous[row["dialogue_id"]] = row["text_fr"]
        if row["lexicon_flag"].strip() == "0":
            out.append(
                _example(row["text_fr"], NON_ABUSIVE, "diabla-fr-chat", "fr", parent_text=parent)
            )
    return [e for e in out if e]


@dataclass(frozen=True, slots=True)
class _Dataset:
    folder: str
    files: tuple[str, ...]
    load: Callable[[Path], list[Example]]


#: Training datasets in priority order: on a duplicate text the first one's split is kept.
TRAINING: tuple[_Dataset, ...] = (
    _Dataset("toxifrench-forum-dev", ("agreement_checking.csv",), _load_toxifrench),
    _Dataset("mlma-hate-speech", ("fr_dataset.csv", "en_dataset.csv"), _load_mlma),
    _Dataset("jigsaw-toxic-fr-translated", ("subset_jigsaw.csv",), _load_jigsaw),
    _Dataset("diabla-fr-chat", ("diabla_fr_utterances.csv",), _load_diabla),
    _Dataset("xed-fr-subtitles", ("xed_fr_emotions.tsv",), _load_xed),
    _Dataset("tatoeba-fr-sentences", ("tatoeba_fr_unique.tsv",), _load_tatoeba),
    _Dataset("davidson-hate-offensive", ("labeled_data.csv",), _load_davidson),
    _Dataset("edos-sexism", ("edos_labelled_aggregated.csv",), _load_edos),
    _Dataset("sms-spam-collection", ("SMSSpamCollection.tsv",), _load_sms),
    _Dataset("youtube-spam-collection", YOUTUBE_FILES, _load_youtube),
)


# ---------------------------------------------------------------- evaluation datasets


# A role-tagged pseudonym ("<Emilie-Harceleur>") copied into a text would leak the label.
_PSEUDONYM = re.compile(r"<[^\W\d_][^<>\s]*>")


def _load_cyberagressionado(folder: Path) -> list[Example]:
    """CyberAgressionAdo-v2 majority labels; ``name`` (it holds the author's role) is not read."""
    columns = ("scenario", "text", "HATE", "VERBAL_ABUSE", "INTENTION")
    out: list[Example | None] = []
    previous: dict[str, str] = {}
    for row in _rows(folder / "cyberagressionado_v2_majority.csv", columns):
        text = _PSEUDONYM.sub(" ", row["text"])
        parent = previous.get(row["scenario"])
        previous[row["scenario"]] = text
        labels: dict[str, int] = {}
        hate, abuse, intention = row["HATE"], row["VERBAL_ABUSE"], row["INTENTION"]
        if hate == "NAG":
            labels.update(NON_ABUSIVE)
        elif hate in ("OAG", "CAG"):
            labels["abusive"] = 1
            if abuse == "NCG":
                labels["insult"] = 1
            if abuse == "THR":
                labels["threat"] = 1
            elif abuse in ("NCG", "DNG", "BLM"):
                labels["threat"] = 0
        if intention == "CNS" or (intention == "EMP" and hate == "NAG"):
            labels["support"] = 1
        elif intention in ("ATK", "AIN", "GSL"):
            labels["support"] = 0
        out.append(_example(text, labels, "cyberagressionado-v2", "fr", parent_text=parent))
    return [e for e in out if e]


_SENTIMENT = {"0": "negative", "1": "neutral", "2": "positive"}


def _load_xlmt(folder: Path) -> list[Example]:
    """French DEFT-2017 tweets; not annotated for abuse: neutral and positive count as abusive 0.

    Negative tweets keep ``labels={}``; the sentiment is the suffix of ``source``.
    """
    out: list[Example | None] = []
    for name, split in _TWEET_SPLITS.items():
        for text, label in _paired(folder, name):
            sentiment = _SENTIMENT.get(label)
            if sentiment is None:
                continue
            labels = {} if sentiment == "negative" else {"abusive": 0}
            source = f"xlmt-umsab-sentiment-fr:{sentiment}"
            out.append(_example(text, labels, source, "fr", split=split))
    return [e for e in out if e]


_TWEETEVAL = {
    "hate": {"1": {"abusive": 1, "identity_attack": 1}, "0": {"identity_attack": 0}},
    "offensive": {
        "1": {"abusive": 1},
        "0": {"abusive": 0, "insult": 0, "threat": 0, "identity_attack": 0},
    },
}


def _load_tweeteval(folder: Path, task: str) -> list[Example]:
    """TweetEval hate (HatEval) or offensive (OLID), with their own splits."""
    out: list[Example | None] = []
    for name, split in _TWEET_SPLITS.items():
        for text, label in _paired(folder / task, name):
            if label in _TWEETEVAL[task]:
                labels = _TWEETEVAL[task][label]
                source = f"tweeteval-hate-offensive:{task}"
                out.append(_example(text, labels, source, "en", split=split))
    return [e for e in out if e]


def _tweeteval_files(task: str) -> tuple[str, ...]:
    return tuple(f"{task}/{name}" for name in _paired_files())


def _paired_files() -> tuple[str, ...]:
    return tuple(f"{split}_{kind}.txt" for split in _TWEET_SPLITS for kind in ("text", "labels"))


#: Evaluation sets: name -> dataset (several sets may come from one folder).
EVALUATION: dict[str, _Dataset] = {
    "cyberagressionado-v2": _Dataset(
        "cyberagressionado-v2", ("cyberagressionado_v2_majority.csv",), _load_cyberagressionado
    ),
    "xlmt-umsab-sentiment-fr": _Dataset(
        "xlmt-umsab-sentiment-fr",
        _paired_files(),
        _load_xlmt,
    ),
    "tweeteval-hate": _Dataset(
        "tweeteval-hate-offensive",
        _tweeteval_files("hate"),
        lambda folder: _load_tweeteval(folder, "hate"),
    ),
    "tweeteval-offensive": _Dataset(
        "tweeteval-hate-offensive",
        _tweeteval_files("offensive"),
        lambda folder: _load_tweeteval(folder, "offensive"),
    ),
}


# ---------------------------------------------------------------- public API


def _folder(data_dir: Path, name: str) -> Path:
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(
            "data directory not found: pass the folder that holds the datasets "
            "(../shared/data from the repository)",
            data_dir,
        )
    folder = data_dir / name
    if not folder.is_dir():
        raise DataError(f"dataset folder {name!r} not found", folder)
    return folder


def deduplicate(examples: Iterable[Example]) -> list[Example]:
    """Keep the first example of each text (see :func:`text_key`), merging the others' labels.

    A label only a later copy knows is added; a label the copies disagree on becomes unknown.
    Examples left with no label are dropped. The inputs are not modified.
    """
    kept: dict[str, Example] = {}
    clashes: dict[str, set[str]] = {}
    for example in examples:
        key = text_key(example.text)
        first = kept.get(key)
        if first is None:
            kept[key] = replace(example, labels=dict(example.labels))
            continue
        clash = clashes.setdefault(key, set())
        for name, value in example.labels.items():
            if name in clash:
                continue
            if name not in first.labels:
                first.labels[name] = value
            elif first.labels[name] != value:
                clash.add(name)
                del first.labels[name]
        if example.identity:
            first.identity = (
                *first.identity,
                *(i for i in example.identity if i not in first.identity),
            )
    for example in kept.values():
        if example.labels.get("identity_attack") != 1:
            example.identity = ()
    return [example for example in kept.values() if example.labels]


def load_training(data_dir: Path) -> list[Example]:
    """Every labelled example of the :data:`SHIPPABLE` datasets, deduplicated."""
    examples: list[Example] = []
    for dataset in TRAINING:
        assert dataset.folder in SHIPPABLE, dataset.folder
        examples.extend(dataset.load(_folder(data_dir, dataset.folder)))
    return deduplicate(examples)


def load_eval(data_dir: Path, *, exclude: Iterable[str] = ()) -> dict[str, list[Example]]:
    """The evaluation-only sets by name, each without duplicates (same text and same parent).

    *exclude* lists texts (for instance the training texts) to leave out, compared by
    :func:`text_key`. Unlike training, an example with no label is kept: the xlmt negative-
    sentiment tweets have ``labels == {}``.
    """
    excluded = {text_key(text) for text in exclude}
    sets: dict[str, list[Example]] = {}
    for name, dataset in EVALUATION.items():
        assert dataset.folder in EVAL_ONLY, dataset.folder
        examples = dataset.load(_folder(data_dir, dataset.folder))
        seen: set[tuple[str, str]] = set()
        unique = []
        for example in examples:
            # A chat message ("mdr", "ok") is labelled in its context: keep one per parent.
            key = (text_key(example.text), text_key(example.parent_text or ""))
            if key[0] not in excluded and key not in seen:
                seen.add(key)
                unique.append(example)
        sets[name] = unique
    return sets


def dataset_files(data_dir: Path, *, include_eval: bool = False) -> dict[str, str]:
    """SHA-256 of every file :func:`load_training` reads (and :func:`load_eval`, if asked).

    Keys are paths relative to *data_dir* (``"edos-sexism/edos_labelled_aggregated.csv"``), in
    reading order: the training manifest records them so that a rebuild can check its inputs.
    """
    datasets = list(TRAINING) + (list(EVALUATION.values()) if include_eval else [])
    digests: dict[str, str] = {}
    for dataset in datasets:
        folder = _folder(data_dir, dataset.folder)
        for name in dataset.files:
            path = folder / name
            if not path.is_file():
                raise DataError("file not found (is the data directory complete?)", path)
            digests[f"{dataset.folder}/{name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def label_counts(examples: Iterable[Example]) -> dict[str, dict[str, list[int]]]:
    """``{dataset: {output: [negatives, positives]}}``, for reports and sanity checks."""
    counts: dict[str, dict[str, list[int]]] = {}
    for example in examples:
        per = counts.setdefault(dataset_of(example.source), {})
        per.setdefault("examples", [0, 0])[0] += 1
        for name in OUTPUTS:
            if name in example.labels:
                per.setdefault(name, [0, 0])[example.labels[name]] += 1
    return counts
