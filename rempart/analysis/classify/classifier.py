"""Score messages: n-grams and rules first, the sentence encoder when unsure, then context.

Pipeline for a batch of texts:

1. normalise (undo obfuscation), detect the language (fastText lid.176);
2. stage 1: a linear model over hashed character/word n-grams and rule features, calibrated;
3. stage 2, only for texts whose stage-1 ``abusive`` probability falls in the model's
   uncertainty band: a linear model over the multilingual sentence embedding (which is how
   English training data helps French) and the stage-1 logits, calibrated;
4. context and rules: a reply agreeing with an abusive parent is abusive; explicit death threats,
   disclosed personal data and counter-speech set floors and ceilings; whom the message is aimed
   at (the person addressed, or a third party);
5. labels at each output's threshold, a severity, and an explanation naming the rules and the
   n-grams that weighed most.

**Long texts** (over :data:`WINDOW` characters) are scored window by window: overlapping
windows of at most ``WINDOW`` characters, cut at spaces, cover the whole text, a bounded number
at a time, and the text gets the worst of them (each output's highest probability; the
explanation names the worst window's characters). Every stage (cleaning, normalisation, rules,
n-grams, language id, the encoder) thus sees at most ``WINDOW`` characters: memory stays flat
whatever the length, time grows with it, and abuse at the end of a long text is still found.
The stored message keeps its whole text. Direct callers of :meth:`Classifier.probabilities`
and :meth:`Classifier.logits` (training, the case layer) get each text clipped to its head and
tail (:func:`clip`).

Example::

    clf = Classifier.load()
    [s] = clf.score(["je sais où tu habites"])
    s.scores["threat"], s.labels, s.explanation
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import encoder, langid, rules
from .categories import ABUSIVE_CATEGORIES, IDENTITY, Score
from .cleaning import clean_text
from .features import hashed_features, word_bucket
from .model import Model, sigmoid
from .normalize import normalize, tokens

DEFAULT_MODEL = Path(__file__).parent / "resources" / "model"
#: Sentence embeddings kept per classifier (512 floats each: 20,000 is about 40 MB).
EMBEDDING_CACHE = 20_000
#: The most characters any stage of the classifier reads at once (see "Long texts" above):
#: messages are short (a post is 280 to 500 characters, the training data alike), and the
#: n-gram model drifts towards "abusive" on texts several times longer than it ever saw.
WINDOW = 1_000
#: Characters shared by consecutive windows, so that a phrase cut by a window's end is whole in
#: the next one.
OVERLAP = 150
#: Windows of one long text scored per batch (bounds memory whatever the text's length).
WINDOW_BATCH = 128
#: Of each batch of windows, how many of those the n-gram model is unsure of go to the sentence
#: encoder (the likeliest abusive first; about 50 ms each): the others keep the n-gram answer.
ENCODE_PER_BATCH = 2

AGREEMENT = {
    "+1",
    "pareil",
    "exactement",
    "tellement vrai",
    "trop vrai",
    "grave",
    "clairement",
    "moi aussi",
    "so true",
    "this",
    "exactly",
    "same",
    "agreed",
    "bien dit",
    "voilà",
    "voila",
    "carrément",
    "carrement",
    "validé",
    "valide",
    "je plussoie",
    "100%",
}


class Classifier:
    """A loaded model, ready to score texts. ``case_layer`` adapts it to one case."""

    def __init__(self, model: Model, use_encoder: bool = True, case_layer: object = None) -> None:
        self.model = model
        self.use_encoder = use_encoder and model.stage2 is not None and encoder.available()
        self.case_layer = case_layer
        self._idx = {name: i for i, name in enumerate(model.outputs)}
        self._embeddings: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def load(cls, folder: Path | None = None, use_encoder: bool = True) -> Classifier:
        return cls(_load(folder or DEFAULT_MODEL), use_encoder=use_encoder)

    @property
    def version(self) -> str:
        return str(self.model.meta.get("weights_sha256", "unknown"))[:16]

    # ------------------------------------------------------------------------------ scoring
    def logits(
        self, texts: Sequence[str], parents: Sequence[str | None] | None = None
    ) -> tuple[np.ndarray, list[rules.RuleResult]]:
        """Stage-1 logits ``(n, K)`` and the rule analysis of each text."""
        out, results, _ = self._stage1(texts, parents)
        return out, results

    def _stage1(
        self, texts: Sequence[str], parents: Sequence[str | None] | None
    ) -> tuple[np.ndarray, list[rules.RuleResult], list[str]]:
        texts = [clip(t) for t in texts]
        parents = (
            [clip(p) if p else p for p in parents] if parents is not None else ([None] * len(texts))
        )
        cleaned = [clean_text(t) for t in texts]
        norms = [normalize(c) for c in cleaned]
        # the rules read the raw text (leading mentions say whom it addresses); when cleaning
        # changed nothing, its normal form is the one already computed
        results = [
            rules.analyze(t, p, n if c == t else None)
            for t, p, c, n in zip(texts, parents, cleaned, norms)
        ]
        dense = rule_matrix(results, self.model.rule_features)
        X = hashed_features(norms, [tokens(n) for n in norms], self.model.n_bits)
        out = X.dot(self.model.hashed_t) + dense @ self.model.dense + self.model.bias
        return out, results, norms

    def probabilities(
        self,
        texts: Sequence[str],
        parents: Sequence[str | None] | None = None,
        encode_limit: int | None = None,
    ) -> tuple[np.ndarray, list[rules.RuleResult], list[str]]:
        """Calibrated probabilities ``(n, K)`` after both stages, before context rules (with
        ``encode_limit``, only that many unsure texts, the likeliest abusive, are encoded)."""
        z1, results, norms = self._stage1(texts, parents)
        m = self.model
        p = sigmoid(m.calib[0] * z1 + m.calib[1])
        if self.use_encoder and len(texts):
            a = p[:, self._idx["abusive"]]
            unsure = np.flatnonzero((a >= m.band[0]) & (a <= m.band[1]))
            if encode_limit is not None and len(unsure) > encode_limit:
                unsure = np.sort(unsure[np.argsort(-a[unsure], kind="stable")[:encode_limit]])
            if len(unsure):
                # raids are copy-paste: embed each distinct text once
                emb = self._embed([clip(texts[int(i)]) for i in unsure])
                p[unsure] = self._stage2(emb, z1[unsure])
        return p, results, norms

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Sentence embeddings, each distinct text encoded once and remembered (a raid repeats
        the same messages: copy-paste waves cost one encoding)."""
        cache = self._embeddings
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            for t, e in zip(missing, encoder.encode(missing)):
                cache[t] = e
            while len(cache) > EMBEDDING_CACHE:
                cache.popitem(last=False)
        return np.stack([cache[t] for t in texts])

    def _stage2(self, emb: np.ndarray, z1: np.ndarray) -> np.ndarray:
        m = self.model
        assert m.stage2 is not None and m.bias2 is not None and m.calib2 is not None
        z2 = np.hstack([emb, z1]) @ m.stage2 + m.bias2
        return sigmoid(m.calib2[0] * z2 + m.calib2[1])

    def score(
        self,
        texts: Sequence[str],
        parents: Sequence[str | None] | None = None,
        ids: Sequence[str | None] | None = None,
        explain: bool = True,
    ) -> list[Score]:
        """Score texts (with their parents' texts when known); one :class:`Score` each.

        A text longer than :data:`WINDOW` is scored window by window (see the module's "Long
        texts").
        """
        texts = [t or "" for t in texts]
        parents = list(parents) if parents is not None else [None] * len(texts)
        ids = list(ids) if ids is not None else [None] * len(texts)
        long = [i for i, t in enumerate(texts) if len(t) > WINDOW]
        if not long:
            return self._score(texts, parents, ids, explain)
        short = [i for i, t in enumerate(texts) if len(t) <= WINDOW]
        out: list[Score | None] = [None] * len(texts)
        for i, s in zip(
            short,
            self._score(
                [texts[i] for i in short],
                [parents[i] for i in short],
                [ids[i] for i in short],
                explain,
            ),
        ):
            out[i] = s
        for i in long:
            out[i] = self._score_long(texts[i], parents[i], ids[i], explain)
        return [s for s in out if s is not None]

    def _score_long(self, text: str, parent: str | None, mid: str | None, explain: bool) -> Score:
        """The worst of the windows of a long text, scored ``WINDOW_BATCH`` at a time."""
        parent_abusive = self._parent_scores([parent])
        probs: dict[str, float] = {}
        worst: tuple[float, Score, tuple[int, int]] | None = None
        langs: Counter[str] = Counter()
        identity: set[str] = set()
        spans = list(windows(text))
        for b in range(0, len(spans), WINDOW_BATCH):
            batch = spans[b : b + WINDOW_BATCH]
            scores = self._score(
                [text[x:y] for x, y in batch],
                [parent] * len(batch),
                [mid] * len(batch),
                explain,
                parent_abusive * len(batch),
                ENCODE_PER_BATCH,
            )
            for span, sc in zip(batch, scores):
                for k, v in sc.scores.items():
                    probs[k] = max(probs.get(k, 0.0), v)
                langs.update([sc.lang] if sc.lang else [])
                identity.update(sc.identity)
                rank = (SEVERITIES.index(sc.severity), sc.scores["abusive"])
                if worst is None or rank > (
                    SEVERITIES.index(worst[1].severity),
                    worst[1].scores["abusive"],
                ):
                    worst = (rank[1], sc, span)
        assert worst is not None
        _, top, (x, y) = worst
        labels = [
            c
            for c in self.model.outputs
            if c != "abusive" and probs[c] >= self.model.thresholds.get(c, 0.5)
        ]
        if probs["abusive"] >= self.model.thresholds.get("abusive", 0.5):
            labels.insert(0, "abusive")
        note = (
            f"long text ({len(text):,} characters) scored in {len(spans)} windows of at "
            f"most {WINDOW:,}: the worst is characters {x:,}-{y:,}"
        )
        return Score(
            mid,
            langs.most_common(1)[0][0] if langs else None,
            probs,
            labels,
            severity(probs, labels),
            [note, *top.explanation],
            sorted(identity) if "identity_attack" in labels else [],
            top.target,
        )

    def _score(
        self,
        texts: list[str],
        parents: list[str | None],
        ids: list[str | None],
        explain: bool,
        parent_abusive: list[float | None] | None = None,
        encode_limit: int | None = None,
    ) -> list[Score]:
        """Score texts of at most ``WINDOW`` characters."""
        p, results, norms = self.probabilities(texts, parents, encode_limit)
        if self.case_layer is not None:
            p = self.case_layer.adjust(self, texts, norms, p)  # type: ignore[attr-defined]
        if parent_abusive is None:
            parent_abusive = self._parent_scores(parents)
        langs = langid.detect(texts)
        out = []
        for i, text in enumerate(texts):
            probs = {name: float(p[i, j]) for j, name in enumerate(self.model.outputs)}
            notes: list[str] = []
            apply_context(
                probs,
                results[i],
                text,
                parent_abusive[i],
                notes,
                self.model.thresholds.get("support"),
            )
            out.append(self._finish(ids[i], langs[i], probs, results[i], norms[i], notes, explain))
        return out

    def _parent_scores(self, parents: Sequence[str | None]) -> list[float | None]:
        """The ``abusive`` probability of each parent (of its worst window when long)."""
        idx = [i for i, t in enumerate(parents) if t]
        out: list[float | None] = [None] * len(parents)
        short = [i for i in idx if len(parents[i] or "") <= WINDOW]
        if short:
            pp, _, _ = self.probabilities([parents[i] or "" for i in short])
            for j, i in enumerate(short):
                out[i] = float(pp[j, self._idx["abusive"]])
        for i in idx:
            if out[i] is None:
                out[i] = self._worst_abusive(parents[i] or "")
        return out

    def _worst_abusive(self, text: str) -> float:
        """The highest ``abusive`` probability over the windows of a long text."""
        spans = list(windows(text))
        best = 0.0
        for b in range(0, len(spans), WINDOW_BATCH):
            pp, _, _ = self.probabilities(
                [text[x:y] for x, y in spans[b : b + WINDOW_BATCH]], encode_limit=ENCODE_PER_BATCH
            )
            best = max(best, float(pp[:, self._idx["abusive"]].max()))
        return best

    def _finish(
        self,
        mid: str | None,
        lang: str | None,
        probs: dict[str, float],
        result: rules.RuleResult,
        norm: str,
        notes: list[str],
        explain: bool,
    ) -> Score:
        th = self.model.thresholds
        labels = [c for c in self.model.outputs if c != "abusive" and probs[c] >= th.get(c, 0.5)]
        if probs["abusive"] >= th.get("abusive", 0.5) and "abusive" not in labels:
            labels.insert(0, "abusive")
        explanation = list(notes)
        if explain:
            explanation += [f"rule {h.rule}: {h.evidence!r}" for h in result.hits[:4]]
            if "abusive" in labels:
                explanation += [f"word {g!r}" for g in self.top_ngrams(norm, "abusive", 3)]
        identity = (
            sorted({c for c in getattr(result, "identity", ()) if c in IDENTITY})
            if ("identity_attack" in labels)
            else []
        )
        return Score(
            mid,
            lang,
            probs,
            labels,
            severity(probs, labels),
            explanation,
            identity,
            target_of(result),
        )

    def top_ngrams(self, norm: str, output: str, n: int) -> list[str]:
        """The words of a normalised text whose n-gram weights push ``output`` up the most."""
        weights = self.model.hashed_t[self._idx[output]]
        bits = self.model.n_bits
        words = list(dict.fromkeys(w for w in tokens(norm) if len(w) >= 3))
        if not words:
            return []
        vals = np.array([weights[word_bucket(w, bits)] for w in words])
        return [words[int(k)] for k in np.argsort(-vals)[:n] if vals[int(k)] > 0]


def windows(text: str, size: int = WINDOW, overlap: int = OVERLAP) -> Iterator[tuple[int, int]]:
    """``(start, end)`` spans of at most ``size`` characters covering ``text``, consecutive
    ones sharing at least ``overlap`` characters; they end and start at a space when one lies
    near enough (a fifth of a window before the end, a tenth before the overlap)."""
    n, start = len(text), 0
    while True:
        end = min(start + size, n)
        if end < n:
            cut = text.rfind(" ", end - size // 5, end)
            if cut > start + overlap:
                end = cut
        yield start, end
        if end >= n:
            return
        nxt = max(end - overlap, start + 1)
        space = text.rfind(" ", max(nxt - size // 10, start + 1), nxt)
        start = space + 1 if space >= 0 else nxt


def clip(text: str, size: int = WINDOW) -> str:
    """``text`` when short, else its head and tail (``size`` characters in all)."""
    if len(text) <= size:
        return text
    half = (size - 3) // 2
    return text[:half] + " … " + text[-half:]


def rule_matrix(results: Sequence[rules.RuleResult], names: Sequence[str]) -> np.ndarray:
    """Dense ``(n, F)`` rule features in the model's order."""
    out = np.zeros((len(results), len(names)), dtype=np.float32)
    for i, r in enumerate(results):
        feats = r.features
        for j, name in enumerate(names):
            v = feats.get(name)
            if v:
                out[i, j] = v
    return out


def apply_context(
    probs: dict[str, float],
    result: rules.RuleResult,
    text: str,
    parent_abusive: float | None,
    notes: list[str],
    support_threshold: float | None = None,
) -> None:
    """Context and rule floors/ceilings, in place; reasons appended to ``notes``. With
    ``support_threshold``, a message read as support is not counted as abuse."""
    for hit in result.hits:
        if hit.rule.startswith(("threat.death", "threat.wish")) and not result.negated:
            floor = 0.95 if hit.rule.startswith("threat.death") else 0.85  # a wish: "crève"
            probs["threat"] = max(probs["threat"], floor)
            probs["abusive"] = max(probs["abusive"], floor)
        elif hit.category == "doxxing" and hit.weight >= 0.7:  # a phone number, an address
            probs["doxxing"] = max(probs["doxxing"], min(0.9, 0.5 + hit.weight / 2))
    short = " ".join(text.lower().split()).strip(" !.?")
    if (
        parent_abusive is not None
        and parent_abusive >= 0.5
        and (
            short in AGREEMENT
            or (len(short) <= 12 and short.startswith(("+", "mdr", "ptdr", "lol")))
        )
    ):
        probs["abusive"] = max(probs["abusive"], 0.9 * parent_abusive)
        notes.append(f"agrees with an abusive parent ({parent_abusive:.2f})")
    if result.counter_speech and not any(h.rule.startswith("threat.death") for h in result.hits):
        probs["support"] = max(probs["support"], 0.7)
        if probs["abusive"] > 0.3:
            probs["abusive"] = min(probs["abusive"], 0.3)
            notes.append("counter-speech: quotes or condemns abuse")
    # a threat, or personal data laid bare, is abuse whatever the abusive head says
    lift = max(probs["threat"], probs["doxxing"] if probs["doxxing"] >= 0.7 else 0.0)
    probs["abusive"] = max(probs["abusive"], lift)
    # A message the model reads as support ("courage", "ces menaces sont inadmissibles",
    # quoting the abuse received to expose it) is not abuse, whatever words it quotes: a
    # supporter labelled abusive in a court file is harm done. A near-certain threat stays.
    # Not when the rules see abuse of the speaker's own beside it (not quoted, reported or
    # negated): "soutien à elle, et toi t'es qu'un sale …" is abuse wrapped in support.
    if (
        support_threshold is not None
        and probs["support"] >= support_threshold
        and probs["threat"] < SUPPORT_KEEPS_THREAT
        and probs["doxxing"] < 0.7
        and not any(h.category in ABUSIVE_CATEGORIES for h in result.hits)
    ):
        capped = [c for c in ("abusive", *ABUSIVE_CATEGORIES) if probs.get(c, 0.0) > 0.3]
        for c in capped:
            probs[c] = 0.3
        if capped:
            notes.append(f"read as support ({probs['support']:.2f}): not counted as abuse")


#: A message read as support keeps a threat this likely (see :func:`apply_context`).
SUPPORT_KEEPS_THREAT = 0.9

#: Severities, mildest first.
SEVERITIES = ("none", "low", "medium", "high", "critical")


def severity(probs: dict[str, float], labels: Sequence[str]) -> str:
    """none, low, medium, high or critical."""
    if probs["abusive"] < 0.3 and not any(c in labels for c in ABUSIVE_CATEGORIES):
        return "none"
    if probs["threat"] >= 0.9 or ("doxxing" in labels and "threat" in labels):
        return "critical"
    if any(
        c in labels
        for c in ("threat", "doxxing", "identity_attack", "sexual_harassment", "incitement")
    ):
        return "high"
    if any(c in labels for c in ("insult", "defamation")) or probs["abusive"] >= 0.5:
        return "medium"
    return "low"


def target_of(result: rules.RuleResult) -> str:
    if result.second_person:
        return "target"
    if result.third_party:
        return "third_party"
    return "unknown"


@lru_cache(maxsize=4)
def _load(folder: Path) -> Model:
    return Model.load(folder)
