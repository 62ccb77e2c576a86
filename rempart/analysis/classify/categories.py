"""What the classifier predicts, and the records it trains and answers with.

Categories (multi-label, each a calibrated probability), plus an overall ``abusive`` score:

- ``insult``: name-calling, contempt, vulgar abuse aimed at someone;
- ``threat``: death threats and threats of violence, including ones with no slur
  ("je sais où tu habites");
- ``identity_attack``: hate aimed at a protected characteristic (see :data:`IDENTITY`);
- ``sexual_harassment``: sexual remarks, objectification, sexual threats or demands;
- ``defamation``: accusing the target of crimes or infamy ("pédophile", "escroc", "terroriste");
- ``incitement``: calls to act against the target (report them, find them, beat them, swarm);
- ``doxxing``: disclosure of personal data (addresses, phone numbers, e-mails, workplace…);
- ``spam``: spam or flood;
- ``support``: solidarity with the target, counter-speech (not abuse, even when it quotes abuse).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...models import JSONObject, JSONValue

CATEGORIES: tuple[str, ...] = (
    "insult",
    "threat",
    "identity_attack",
    "sexual_harassment",
    "defamation",
    "incitement",
    "doxxing",
    "spam",
    "support",
)

#: The categories that make a message abusive (``support`` and ``spam`` do not).
ABUSIVE_CATEGORIES: tuple[str, ...] = tuple(c for c in CATEGORIES if c not in ("spam", "support"))

#: Characteristics an identity attack can target.
IDENTITY: tuple[str, ...] = (
    "origin",
    "religion",
    "sex_or_gender",
    "sexual_orientation",
    "gender_identity",
    "disability",
)

#: Every score the classifier outputs, in order.
OUTPUTS: tuple[str, ...] = ("abusive", *CATEGORIES)

SEVERITIES: tuple[str, ...] = ("none", "low", "medium", "high", "critical")


@dataclass(slots=True)
class Example:
    """A labelled text for training or evaluation.

    ``labels`` maps an output name (``abusive`` or a category) to 0 or 1; a missing name means
    the source says nothing about it (it is then left out of that category's training).
    ``identity`` lists targeted characteristics when known. ``split`` is ``train``, ``dev`` or
    ``test``, fixed by a hash of the text so that it never changes between runs.
    """

    text: str
    labels: dict[str, int]
    source: str
    lang: str | None = None
    split: str = "train"
    parent_text: str | None = None
    identity: tuple[str, ...] = ()
    weight: float = 1.0


@dataclass(slots=True)
class Score:
    """The classifier's answer for one text (the JSON line ``rempart score`` prints).

    ``target`` says whom the abuse is aimed at: ``target`` (the person addressed or
    mentioned), ``third_party`` (someone else is talked about), or ``unknown``.
    """

    id: str | None
    lang: str | None
    scores: dict[str, float]
    labels: list[str]
    severity: str
    explanation: list[str] = field(default_factory=list)
    identity: list[str] = field(default_factory=list)
    target: str = "unknown"

    def to_json(self) -> JSONObject:
        return {
            "id": self.id,
            "lang": self.lang,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "labels": list[JSONValue](self.labels),
            "severity": self.severity,
            "explanation": list[JSONValue](self.explanation),
            "identity": list[JSONValue](self.identity),
            "target": self.target,
        }
