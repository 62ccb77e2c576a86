"""Score a case's messages and keep the humans' labels: the case-level side of the classifier.

Example::

    report = score_case(case)                       # stores one score per message
    add_labels(case, ("x", "123"), {"insult": 1}, author="alice")
    train_case_layer(case)                          # adapts the classifier to this case
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.classify.case_layer import CaseLayer, fit_case_layer
from ..analysis.classify.categories import OUTPUTS, Score
from ..analysis.classify.classifier import SEVERITIES, Classifier
from ..errors import RempartError
from ..evidence.log import LogWriter
from ..evidence.results import label_digest, score_state
from ..models import JSONObject, Message, iso, json_dict, json_list
from ..runner import InProcess, Runner
from ..storage.base import PENDING_RUN, HumanLabel, ScoreRow
from .evidence import sign_case_tree_head
from .folder import Case

Progress = Callable[[int], None]

#: What a person may confirm or correct on a message: the classifier's outputs.
LABEL_NAMES: tuple[str, ...] = tuple(OUTPUTS)


def case_models_dir(case: Case) -> Path:
    return case.path / "models"


def load_classifier(case: Case | None = None, use_encoder: bool = True) -> Classifier:
    """The shipped classifier, adapted by the case's layer when the case has one."""
    clf = Classifier.load(use_encoder=use_encoder)
    if case is not None:
        layer = CaseLayer.load(case_models_dir(case))
        if layer is not None:
            clf = Classifier(clf.model, use_encoder=use_encoder, case_layer=layer)
    return clf


@dataclass
class ScoringReport:
    """What ``rempart analyze`` scored."""

    model: str
    scored: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    severities: Counter[str] = field(default_factory=Counter)


def score(
    case: Case,
    classifier: Classifier | None = None,
    rescore: bool = False,
    progress: Progress | None = None,
    batch: int = 5000,
    sign: bool = True,
    total: Callable[[int], None] | None = None,
    runner: Runner | None = None,
) -> ScoringReport:
    """Score every primary message not yet scored (all of them with ``rescore``).

    One run writes one ``analysis`` log entry (none when there was nothing to score) that
    seals the stored scores (see :mod:`rempart.evidence.results`); with ``sign``, a tree head
    is signed over it. ``total`` is told how many messages will be scored, ``progress`` how
    many were, batch by batch. ``runner`` maps the classifier over the batches (default: in
    this process, see :mod:`rempart.runner`); each batch's scores are stored as it comes.
    """
    clf = classifier or load_classifier(case)
    store = case.store
    done: set[tuple[str, str]] = set()
    interrupted = 0  # rows an interrupted run stored without its entry: sealed by this one
    for r in () if rescore else store.scores():
        done.add((r.platform, r.id))
        interrupted += r.run == PENDING_RUN
    todo = [
        s.message for s in store.messages(include_referenced=False) if s.message.key not in done
    ]
    report = ScoringReport(clf.version)
    if total:
        total(len(todo))
    jobs = (
        (todo[i : i + batch], _parent_texts(case, todo[i : i + batch]))
        for i in range(0, len(todo), batch)
    )
    work = runner or InProcess()
    for chunk, scores in work.map(lambda job: (job[0], score_batch(clf, *job)), jobs):
        now = iso(case.clock.now()) or ""
        rows = []
        for m, s in zip(chunk, scores):
            rows.append(
                ScoreRow(
                    m.platform,
                    m.id,
                    clf.version,
                    s.lang,
                    s.scores["abusive"],
                    s.severity,
                    tuple(s.labels),
                    s.to_json(),
                    now,
                    PENDING_RUN,
                )
            )
            report.labels.update(s.labels)
            report.severities[s.severity] += 1
        with store.transaction():
            store.put_scores(rows)
        report.scored += len(chunk)
        if progress:
            progress(len(chunk))
    if report.scored or interrupted:
        _seal_scores(case, clf.version, report.scored, sign, interrupted)
    return report


def score_batch(clf: Classifier, messages: list[Message], parents: list[str | None]) -> list[Score]:
    """The scores of one batch of messages (``parents``: the texts they reply to), the most
    severe of its observed texts for a message carrying a conflict."""
    scores = clf.score(
        [m.text for m in messages], parents, [f"{m.platform}:{m.id}" for m in messages]
    )
    return _worst_of_observed(clf, messages, parents, scores)


def conflicting_texts(m: Message) -> list[tuple[int | None, str]]:
    """The other texts a message was observed with (``extra["conflicts"]``): per conflicting
    record, its body, or its part of a multi-part SMS, with the record's number."""
    out: list[tuple[int | None, str]] = []
    for conflict in json_list(m.extra.get("conflicts")):
        if not isinstance(conflict, dict):
            continue
        for name, values in json_dict(conflict.get("fields")).items():
            other = values.get("other") if isinstance(values, dict) else None
            if (name == "text" or name.startswith("part ")) and isinstance(other, str) and other:
                record = conflict.get("other_record")
                out.append((record if isinstance(record, int) else None, other))
    return out


def _rank(s: Score) -> tuple[int, float]:
    return SEVERITIES.index(s.severity), s.scores["abusive"]


def _worst_of_observed(
    clf: Classifier, messages: list[Message], parents: list[str | None], scores: list[Score]
) -> list[Score]:
    """Each message's score, or the most severe over all its observed texts when it carries a
    conflict: a threat in the other record's text is scored, and the explanation says which
    text gave the stored score."""
    others = [(i, rec, text) for i, m in enumerate(messages) for rec, text in conflicting_texts(m)]
    if not others:
        return scores
    alt = clf.score(
        [text for _, _, text in others],
        [parents[i] for i, _, _ in others],
        [f"{messages[i].platform}:{messages[i].id}" for i, _, _ in others],
    )
    out = list(scores)
    counts = Counter(i for i, _, _ in others)
    for (i, rec, _), s in zip(others, alt):
        if _rank(s) > _rank(out[i]):
            note = (
                f"most severe of the {counts[i] + 1} texts observed under this id: the "
                f"conflicting text of record {rec}, not the text kept"
            )
            out[i] = dataclasses.replace(s, id=scores[i].id, explanation=[note, *s.explanation])
    for i, n in counts.items():
        if out[i] is scores[i]:
            note = (
                f"most severe of the {n + 1} texts observed under this id: the text kept "
                "(its conflicting texts score lower)"
            )
            out[i] = dataclasses.replace(scores[i], explanation=[note, *scores[i].explanation])
    return out


def _seal_scores(case: Case, model: str, scored: int, sign: bool, interrupted: int = 0) -> None:
    """Give the rows just stored their run (the seq of the entry written now) and seal the
    state of the scores table in that entry; sign a tree head over it with ``sign``. Rows an
    interrupted run left unsealed join this run, and the entry counts them."""
    store = case.store
    with store.transaction():
        writer = LogWriter(store)
        run = writer.next_seq()
        store.assign_score_run(run)
        fields = {
            "what": "classifier scores",
            "model": model,
            "by": case.settings["operator"],
            "messages": scored,
            "at": iso(case.clock.now()),
            "run": run,
            "score_runs": score_state(store),
        }
        if interrupted:
            fields["interrupted_rows"] = interrupted
        writer.append("analysis", fields)
        writer.flush()
    if sign:
        sign_case_tree_head(case, "analysis")


def _parent_texts(case: Case, messages: list[Message]) -> list[str | None]:
    keys = {(m.platform, m.reply_to_id) for m in messages if m.reply_to_id}
    found = case.store.get_messages(keys) if keys else {}
    out: list[str | None] = []
    for m in messages:
        parent = found.get((m.platform, m.reply_to_id)) if m.reply_to_id else None
        out.append(parent.message.text if parent and parent.message.text else None)
    return out


def resolve_message(case: Case, ref: str) -> Message:
    """A message from ``platform:id`` or a bare id (when only one platform has it)."""
    platform, _, mid = (
        ref.partition(":") if ":" in ref and not ref.startswith("at:") else ("", "", ref)
    )
    if platform:
        found = case.store.get_messages([(platform, mid or ref)])
        candidates = [s.message for s in found.values()]
    else:
        candidates = [s.message for s in case.store.messages_with_ids([mid or ref])]
    if not candidates:
        raise RempartError(
            f"no message {ref!r} in this case; use PLATFORM:ID as listed by "
            "`rempart messages --json`"
        )
    if len(candidates) > 1:
        raise RempartError(f"{ref!r} is ambiguous; prefix the platform, e.g. x:{ref}")
    return candidates[0]


def add_labels(
    case: Case,
    key: tuple[str, str],
    values: dict[str, int],
    author: str | None = None,
    note: str | None = None,
) -> list[HumanLabel]:
    """Record a user's judgement (1 yes / 0 no per output); each one is a custody entry."""
    return _add_labels(case, [key], values, author, note)


def label_many(
    case: Case,
    refs: list[str],
    values: dict[str, int],
    author: str | None = None,
    note: str | None = None,
) -> list[HumanLabel]:
    """:func:`label` for several messages at once (a bulk action of the triage queue): one
    transaction and one signed tree head for all of them."""
    if not refs or len(refs) > 1000:
        raise RempartError("label 1 to 1000 messages at a time")
    keys = list(dict.fromkeys(resolve_message(case, ref).key for ref in refs))
    return _add_labels(case, keys, values, author, note)


def _add_labels(
    case: Case,
    keys: list[tuple[str, str]],
    values: dict[str, int],
    author: str | None,
    note: str | None,
) -> list[HumanLabel]:
    bad = [k for k in values if k not in OUTPUTS]
    if bad:
        raise RempartError(f"unknown categories {bad}; use: {', '.join(OUTPUTS)}")
    who = author or case.settings["operator"]
    now = iso(case.clock.now()) or ""
    labels = [
        HumanLabel(key[0], key[1], k, int(v), who, now, note)
        for key in keys
        for k, v in values.items()
    ]
    store = case.store
    with store.transaction():
        store.add_labels(labels)
        writer = LogWriter(store)
        for lab in labels:
            writer.append(
                "annotation",
                {
                    "message": f"{lab.platform}:{lab.id}",
                    "category": lab.category,
                    "value": lab.value,
                    "by": lab.author,
                    "at": lab.at,
                    "note": lab.note,
                    "sha256": label_digest(lab),
                },
            )
        writer.flush()
    sign_case_tree_head(case, "annotation")
    return labels


def current_labels(case: Case) -> dict[tuple[str, str], dict[str, int]]:
    """The latest label per message and category."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for lab in case.store.labels():
        out.setdefault((lab.platform, lab.id), {})[lab.category] = lab.value
    return out


def train_case_layer(case: Case, classifier: Classifier | None = None) -> CaseLayer:
    """Fit the case's layer from its labels and save it in the case folder."""
    labelled = current_labels(case)
    if not labelled:
        raise RempartError("this case has no labels yet; add some with `rempart label`")
    found = case.store.get_messages(labelled.keys())
    keys = [k for k in labelled if k in found]
    messages = [found[k].message for k in keys]
    base = classifier or Classifier.load()
    layer = fit_case_layer(
        base, [m.text for m in messages], [labelled[k] for k in keys], _parent_texts(case, messages)
    )
    if not layer.heads:
        raise RempartError(
            "not enough labels to adapt: each category needs at least 3 "
            "messages labelled yes and 3 labelled no"
        )
    layer.save(case_models_dir(case))
    return layer


def score_texts(texts: Iterable[str], classifier: Classifier | None = None) -> list[JSONObject]:
    """Score plain texts (the ``rempart.score`` API): one JSON-ready dict each."""
    clf = classifier or Classifier.load()
    return [s.to_json() for s in clf.score(list(texts))]


#: The names this module had before the case layer (kept for the callers that use them).
score_case = score


def label(
    case: Case, ref: str, values: dict[str, int], author: str | None = None, note: str | None = None
) -> list[HumanLabel]:
    """Confirm or correct the labels of message ``ref`` (``platform:id``, or a bare id when
    only one platform has it): 1 yes, 0 no per category; each is an ``annotation`` entry."""
    m = resolve_message(case, ref)
    return add_labels(case, m.key, values, author=author, note=note)


def train_layer(case: Case, classifier: Classifier | None = None) -> CaseLayer:
    """Adapt the classifier to the case from its labels (``rempart train --case``)."""
    return train_case_layer(case, classifier)


def score_items(
    items: list[JSONObject],
    case: Case | None = None,
    use_encoder: bool = True,
    batch: int = 1000,
) -> Iterator[JSONObject]:
    """Score ``{"id", "text", "parent_text"}`` items (``rempart score``), one JSON-ready dict
    each (scores, labels, severity, explanation), in order; with ``case``, its adapted layer
    is used."""
    clf = load_classifier(case, use_encoder=use_encoder)
    for start in range(0, len(items), batch):
        chunk = items[start : start + batch]
        results = clf.score(
            [str(x.get("text") or "") for x in chunk],
            [_text_or_none(x.get("parent_text")) for x in chunk],
            [None if x.get("id") is None else str(x["id"]) for x in chunk],
        )
        for r in results:
            yield r.to_json()


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)
