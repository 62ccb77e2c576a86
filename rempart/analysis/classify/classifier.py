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

Example::

    clf = Classifier.load()
    [s] = clf.score(["je sais où tu habites"])
    s.scores["threat"], s.labels, s.explanation
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import encoder, langid, rules
from .categories import ABUSIVE_CATEGORIES, IDENTITY, Score
from .data import clean_text
from .features import hashed_features, word_bucket
from .model import Model, sigmoid
from .normalize import normalize, tokens

DEFAULT_MODEL = Path(__file__).parent / "resources" / "model"
#: Sentence embeddings kept per classifier (512 floats each: 20,000 is about 40 MB).
EMBEDDING_CACHE = 20_000

AGREEMENT = {"+1", "pareil", "exactement", "tellement vrai", "trop vrai", "grave", "clairement",
             "moi aussi", "so true", "this", "exactly", "same", "agreed", "bien dit", "voilà",
             "voila", "carrément", "carrement", "validé", "valide", "je plussoie", "100%"}


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
    def logits(self, texts: Sequence[str], parents: Sequence[str | None] | None = None
               ) -> tuple[np.ndarray, list[rules.RuleResult]]:
        """Stage-1 logits ``(n, K)`` and the rule analysis of each text."""
        out, results, _ = self._stage1(texts, parents)
        return out, results

    def _stage1(self, texts: Sequence[str], parents: Sequence[str | None] | None
                ) -> tuple[np.ndarray, list[rules.RuleResult], list[str]]:
        parents = parents if parents is not None else [None] * len(texts)
        cleaned = [clean_text(t) for t in texts]
        norms = [normalize(c) for c in cleaned]
        # the rules read the raw text (leading mentions say whom it addresses); when cleaning
        # changed nothing, its normal form is the one already computed
        results = [rules.analyze(t, p, n if c == t else None)
                   for t, p, c, n in zip(texts, parents, cleaned, norms)]
        dense = rule_matrix(results, self.model.rule_features)
        X = hashed_features(norms, [tokens(n) for n in norms], self.model.n_bits)
        out = X.dot(self.model.hashed_t) + dense @ self.model.dense + self.model.bias
        return out, results, norms

    def probabilities(self, texts: Sequence[str], parents: Sequence[str | None] | None = None
                      ) -> tuple[np.ndarray, list[rules.RuleResult], list[str]]:
        """Calibrated probabilities ``(n, K)`` after both stages, before context rules."""
        z1, results, norms = self._stage1(texts, parents)
        m = self.model
        p = sigmoid(m.calib[0] * z1 + m.calib[1])
        if self.use_encoder and len(texts):
            a = p[:, self._idx["abusive"]]
            unsure = np.flatnonzero((a >= m.band[0]) & (a <= m.band[1]))
            if len(unsure):
                # raids are copy-paste: embed each distinct text once
                emb = self._embed([texts[int(i)] for i in unsure])
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

    def score(self, texts: Sequence[str], parents: Sequence[str | None] | None = None,
              ids: Sequence[str | None] | None = None, explain: bool = True) -> list[Score]:
        """Score texts (with their parents' texts when known); one :class:`Score` each."""
        texts = [t or "" for t in texts]
        parents = list(parents) if parents is not None else [None] * len(texts)
        ids = list(ids) if ids is not None else [None] * len(texts)
        p, results, norms = self.probabilities(texts, parents)
        if self.case_layer is not None:
            p = self.case_layer.adjust(self, texts, norms, p)  # type: ignore[attr-defined]
        parent_abusive = self._parent_scores(parents)
        langs = langid.detect(texts)
        out = []
        for i, text in enumerate(texts):
            probs = {name: float(p[i, j]) for j, name in enumerate(self.model.outputs)}
            notes: list[str] = []
            apply_context(probs, results[i], text, parent_abusive[i], notes)
            out.append(self._finish(ids[i], langs[i], probs, results[i], norms[i], notes,
                                    explain))
        return out

    def _parent_scores(self, parents: Sequence[str | None]) -> list[float | None]:
        idx = [i for i, t in enumerate(parents) if t]
        out: list[float | None] = [None] * len(parents)
        if idx:
            pp, _, _ = self.probabilities([parents[i] or "" for i in idx])
            for j, i in enumerate(idx):
                out[i] = float(pp[j, self._idx["abusive"]])
        return out

    def _finish(self, mid: str | None, lang: str | None, probs: dict[str, float],
                result: rules.RuleResult, norm: str, notes: list[str], explain: bool) -> Score:
        th = self.model.thresholds
        labels = [c for c in self.model.outputs if c != "abusive" and probs[c] >= th.get(c, 0.5)]
        if probs["abusive"] >= th.get("abusive", 0.5) and "abusive" not in labels:
            labels.insert(0, "abusive")
        explanation = list(notes)
        if explain:
            explanation += [f"rule {h.rule}: {h.evidence!r}" for h in result.hits[:4]]
            if "abusive" in labels:
                explanation += [f"word {g!r}" for g in self.top_ngrams(norm, "abusive", 3)]
        identity = sorted({c for c in getattr(result, "identity", ()) if c in IDENTITY}) if (
            "identity_attack" in labels) else []
        return Score(mid, lang, probs, labels, severity(probs, labels), explanation, identity,
                     target_of(result))

    def top_ngrams(self, norm: str, output: str, n: int) -> list[str]:
        """The words of a normalised text whose n-gram weights push ``output`` up the most."""
        weights = self.model.hashed_t[self._idx[output]]
        bits = self.model.n_bits
        words = list(dict.fromkeys(w for w in tokens(norm) if len(w) >= 3))
        if not words:
            return []
        vals = np.array([weights[word_bucket(w, bits)] for w in words])
        return [words[int(k)] for k in np.argsort(-vals)[:n] if vals[int(k)] > 0]


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


def apply_context(probs: dict[str, float], result: rules.RuleResult, text: str,
                  parent_abusive: float | None, notes: list[str]) -> None:
    """Context and rule floors/ceilings, in place; reasons appended to ``notes``."""
    for hit in result.hits:
        if hit.rule.startswith(("threat.death", "threat.wish")) and not result.negated:
            floor = 0.95 if hit.rule.startswith("threat.death") else 0.85  # a wish: "crève"
            probs["threat"] = max(probs["threat"], floor)
            probs["abusive"] = max(probs["abusive"], floor)
        elif hit.category == "doxxing" and hit.weight >= 0.7:  # a phone number, an address
            probs["doxxing"] = max(probs["doxxing"], min(0.9, 0.5 + hit.weight / 2))
    short = " ".join(text.lower().split()).strip(" !.?")
    if parent_abusive is not None and parent_abusive >= 0.5 and (
        short in AGREEMENT or (len(short) <= 12 and short.startswith(("+", "mdr", "ptdr", "lol")))
    ):
        probs["abusive"] = max(probs["abusive"], 0.9 * parent_abusive)
        notes.append(f"agrees with an abusive parent ({parent_abusive:.2f})")
    if result.counter_speech and not any(
        h.rule.startswith("threat.death") for h in result.hits
    ):
        probs["support"] = max(probs["support"], 0.7)
        if probs["abusive"] > 0.3:
            probs["abusive"] = min(probs["abusive"], 0.3)
            notes.append("counter-speech: quotes or condemns abuse")
    # a threat, or personal data laid bare, is abuse whatever the abusive head says
    lift = max(probs["threat"], probs["doxxing"] if probs["doxxing"] >= 0.7 else 0.0)
    probs["abusive"] = max(probs["abusive"], lift)


def severity(probs: dict[str, float], labels: Sequence[str]) -> str:
    """none, low, medium, high or critical."""
    if probs["abusive"] < 0.3 and not any(c in labels for c in ABUSIVE_CATEGORIES):
        return "none"
    if probs["threat"] >= 0.9 or ("doxxing" in labels and "threat" in labels):
        return "critical"
    if any(c in labels for c in ("threat", "doxxing", "identity_attack", "sexual_harassment",
                                 "incitement")):
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
