"""Rules for the categories with little training data, context cues, and the dense rule features.

:func:`analyze` reads one message (and its parent's text when it is a reply) and returns a
:class:`RuleResult`: the rules that fired (:class:`RuleHit`, each with a stable name such as
``threat.knows_address`` used in explanations), the context cues, and a dense feature vector with
the fixed names of :data:`RULE_FEATURES` that the trained model consumes.

Rules, French first then English (the regular expressions live in :mod:`.rule_patterns`;
the rules over lexicon hits are here): threats without slurs, explicit death threats, death
wishes and incitement to suicide, calls to act against the target (mass reporting, swarming,
finding, violence), defamatory accusations, sexual harassment, identity attacks (slurs,
dehumanisation, "go back to your country"), insults aimed at someone, doxxing cues (phone
numbers, e-mail addresses, postal addresses, plates, "she lives at …": simple patterns until
the doxxing detector exists), spam/flood, and support (solidarity, condemnation, reporting
the harassers).

Cues: ``second_person`` (the message addresses someone), ``third_party`` (it talks about
someone else), ``negated`` ("tu n'es pas une idiote"), ``quoted`` (abusive words inside quotes or
after a reporting verb: "il m'a traitée de …", "called me …"), ``counter_speech`` (condemning
abuse, possibly quoting it) and ``support``. Abusive evidence that is negated or quoted does not
fire a rule; it shows in the ``cue.*`` features instead.

Messages are attacker-controlled: the patterns are bounded (no nested quantifiers over
unbounded text) and only run when a cheap keyword prefilter matches.

Example::

    r = analyze("je sais où tu habites")
    [h.rule for h in r.hits]          # ['threat.knows_address']
    r.features["rule.threat"]         # 0.9
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from . import detectors
from .categories import IDENTITY
from .lexicon import Entry, load_lexicon, token_spans
from .normalize import normalize, tokens
from .rule_patterns import PATTERNS, Pattern

__all__ = ["RULE_FEATURES", "RuleHit", "RuleResult", "analyze"]


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One rule that fired: ``span`` indexes :attr:`RuleResult.norm`; ``evidence`` is the
    matched normalised text (redacted for personal data: a phone number is "phone number")."""

    rule: str
    category: str
    weight: float
    span: tuple[int, int]
    evidence: str


@dataclass(slots=True)
class RuleResult:
    """What the rules found in one message."""

    norm: str
    hits: list[RuleHit]
    features: dict[str, float]
    second_person: bool = False
    third_party: bool = False
    negated: bool = False
    quoted: bool = False
    counter_speech: bool = False
    support: bool = False
    identity: tuple[str, ...] = field(default_factory=tuple)


_CATS = (
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
_LEX = (
    "insult",
    "vulgar",
    "sexual",
    "defamation",
    "threat",
    "death",
    "dehumanizing",
    "call_to_action",
    "support",
    "condemnation",
    "harassment_topic",
    "spam",
)

#: The dense features, in the order the model expects them. Values are in [0, 1].
RULE_FEATURES: tuple[str, ...] = (
    *(f"rule.{c}" for c in _CATS),
    "rule.death_threat",
    *(f"lex.{name}" for name in _LEX),
    "lex.insult_severity",
    *(f"lex.slur.{c}" for c in IDENTITY),
    *(f"lex.group.{c}" for c in IDENTITY),
    "cue.second_person",
    "cue.third_person",
    "cue.third_party",
    "cue.mention_start",
    "cue.negation",
    "cue.negated_abuse",
    "cue.quote",
    "cue.quoted_abuse",
    "cue.reporting",
    "cue.counter_speech",
    "emoji.threat",
    "emoji.insult",
    "emoji.racist",
    "emoji.sexual",
    "emoji.support",
    "emoji.laugh",
    "surf.urls",
    "surf.mentions",
    "surf.caps",
    "surf.repeat",
    "surf.length",
    "surf.obfuscated",
    "ctx.has_parent",
    "ctx.parent_abusive",
    "ctx.parent_support",
    "ctx.agrees_with_parent",
    *detectors.FEATURES,
)

_ZERO = dict.fromkeys(RULE_FEATURES, 0.0)
_LEX_FEATURE = {name: f"lex.{name}" for name in _LEX}
# Lists whose words count as abusive evidence (to be negated or quoted).
_ABUSIVE_LISTS = frozenset(
    {"insult", "defamation", "dehumanizing", "death", *(f"slur.{c}" for c in IDENTITY)}
)
_EMOJI_FEATURES = {
    "emoji_arme": "emoji.threat",
    "emoji_mort": "emoji.threat",
    "emoji_corde": "emoji.threat",
    "emoji_sang": "emoji.threat",
    "emoji_cible": "emoji.threat",
    "emoji_doigt": "emoji.insult",
    "emoji_clown": "emoji.insult",
    "emoji_caca": "emoji.insult",
    "emoji_vomi": "emoji.insult",
    "emoji_porc": "emoji.insult",
    "emoji_vermine": "emoji.insult",
    "emoji_singe": "emoji.racist",
    "emoji_banane": "emoji.racist",
    "emoji_sexe": "emoji.sexual",
    "emoji_soutien": "emoji.support",
    "emoji_rire": "emoji.laugh",
}
_EMOJI_TOKENS = frozenset(_EMOJI_FEATURES)
_NEG_SOFT = frozenset({"plus", "rien", "aucun", "aucune", "ni", "no"})  # need "ne"/"n'" or EN
_RESTRICT = frozenset({"que", "qu'", "only", "just", "seulement", "juste", "but"})
_PREDICATE = frozenset(
    {
        "est",
        "es",
        "etes",
        "etait",
        "etais",
        "sont",
        "c'",
        "t'",
        "tu",
        "is",
        "are",
        "was",
        "were",
        "you'",
        "he'",
        "she'",
        "re",
        "s",
        "sale",
        "sales",
        "espece",
        "cet",
        "cette",
        "ce",
        "ces",
        "this",
        "that",
        "these",
        "those",
        "@user",
        "qu'",
        "vrai",
        "vraie",
        "gros",
        "grosse",
        "pauvre",
        "sombre",
        "fucking",
        "such",
        "like",
        "notoire",
        "known",
    }
)
_PREPOSITION = frozenset({"dans", "sur", "a", "de", "en", "par", "contre"})
_DIE = frozenset({"creve", "crevez", "creves", "meurs", "mourez", "die", "rip", "kys"})
_ADDRESS = frozenset(
    {
        "espece",
        "sale",
        "sales",
        "bande",
        "pauvre",
        "sombre",
        "gros",
        "grosse",
        "petit",
        "petite",
        "fucking",
        "stupid",
        "dumb",
    }
)
_COPULA = frozenset(
    {
        "sont",
        "est",
        "c'",
        "=",
        "are",
        "is",
        "etaient",
        "restent",
        "comme",
        "like",
        "ressemblent",
        "tous",
        "toutes",
        "all",
    }
)
_GENERALIZE = frozenset({"tous", "toutes", "all", "every", "chaque"})


class _Lists:
    """The lexicon's cue lists as frozensets, built once."""

    def __init__(self) -> None:
        lex = load_lexicon()
        self.lexicon = lex
        self.second = lex.words("second_person") | {"tes", "tas", "you'", "y'"}
        self.third = lex.words("third_person") | {"he'", "she'", "they'"}
        self.negation = lex.words("negation")
        self.reporting = lex.words("reporting")
        self.agreement = lex.words("agreement")
        triggers: dict[str, list[int]] = {}
        for i, p in enumerate(PATTERNS):
            for t in p.triggers:
                triggers.setdefault(t, []).append(i)
        self.triggers = triggers
        self.trigger_words = frozenset(triggers)


@lru_cache(maxsize=1)
def _lists() -> _Lists:
    return _Lists()


_DIGIT = re.compile(r"\d")
_UPPER_RUN = re.compile(r"[A-Z]{4}")
_LEET_IN_WORD = re.compile(r"[0-9@$*](?<=[a-zA-Z].)(?=[a-zA-Z])")
_SPACED_LETTERS = re.compile(r"[ .\-_*](?<=\b\w.)\w[ .\-_*]\w[ .\-_*]\w\b")


def _obfuscated(text: str) -> bool:
    """Leetspeak or masks inside a word ("c0nnard", "p*te"), or spaced letters ("c o n")."""
    return bool(_LEET_IN_WORD.search(text) or _SPACED_LETTERS.search(text))


_REPORT_FRAME = re.compile(
    r"\b(?:m'|me |m |l'|la |le |les |nous |t'|te |se |s')?"
    r"(?:a |as |ont |avait |avaient |suis fait |fait |fais |faire |est fait |faisait )?"
    r"(?:traite|traitee|traites|traitees|traiter|traitent|traitait|traitaient|appele|appelee|"
    r"appelle|appellent|qualifie|qualifiee|qualifient|insulte|insultee|insultent|surnomme|"
    r"surnommee)(?: de| d'| d)?\b"
    r"|\b(?:dit|dire|disent|disait|ecrit|ecrire|ecrivent|ecrivait|repondu|pretend|pretendent|"
    r"affirme|affirment|raconte|racontent|accuse|accusee|accusent|accuser|suggere)"
    r" (?:que|qu'|d'etre|de|d')"
    r"|\b(?:called|calls|calling|call) (?:me|her|him|them|us|you|people)\b"
    r"|\b(?:said|says|wrote|writes|tweeted|posted|claims|claimed|claiming|accused|accusing|"
    r"accuse)(?: me| her| him| them| us)? (?:that|of being|i'm|i am|she's|she is|he's|he is)\b"
    r"|\b(?:recu|recois|recoit|recoivent|recevoir|received|receive|receiving|get|gets|getting)"
    r" (?:des |plein de |encore des |tant de |\d+ |hundreds of |tons of |lots of |so many )?"
    r"(?:messages|dm|dms|mp|tweets|commentaires|insultes|menaces|mails|comments|replies|"
    r"threats|insults)\b"
)
_REPORT_TRIGGERS = frozenset(
    "traite traitee traites traitees traiter traitent traitait traitaient appele appelee appelle "
    "appellent qualifie qualifiee qualifient insulte insultee insultent surnomme surnommee dit "
    "dire disent disait ecrit ecrire ecrivent ecrivait repondu pretend pretendent affirme "
    "affirment raconte racontent accuse accusee accusent accuser suggere called calls calling "
    "call said says wrote writes tweeted posted claims claimed claiming accused accusing recu "
    "recois recoit recoivent recevoir received receive receiving get gets getting".split()
)
#: Single quotes used as quote marks: opened after a space or punctuation, closed before one.
_SINGLE_QUOTED = re.compile(r"""(?:(?<=\s)|^)'[^'\n]{2,80}?[^\s']'(?=[\s.,;:!?)\]]|$)""")
#: The speaker relays abuse aimed at them: receiving it, being called it, being told it.
_VICTIM_FRAME = re.compile(
    r"\b(?:on|il|elle|ils|elles|quelqu'un|certains|des gens|des comptes|ce compte) "
    r"(?:me|m') ?(?:dit|disent|dire|ecrit|ecrivent|a dit|a ecrit|ont dit|ont ecrit|traite|"
    r"traitent|a traite|a traitee|ont traite|ont traitee|envoie|envoient|a envoye|ont envoye)\b"
    r"|\b(?:j'ai recu|je recois|je reçois|recevoir|on recoit|ce qu'on recoit|ce que je recois|"
    r"capture d'ecran|screenshot|in my dms|en mp|en message prive|mon quotidien|"
    r"(?:he|she|they|someone|people) (?:called|calls|call) me|being told|i was told|"
    r"(?:someone|he|she|they|people) (?:wrote|writes|sent|sends|told) (?:me|under my)|"
    r"(?:le|ce|un) mot|the word)\b"
)
_SELF = frozenset({"je", "j'", "me", "m'", "suis", "sommes", "i", "i'", "am", "m", "nous"})
_FIRST_PERSON_FRAME = re.compile(r"^(?:m'|me |m |nous |called me|calls me|calling me)")
_SECOND_AFTER_FRAME = re.compile(
    r"\b(?:tu|t'|toi|te|ton|ta|tes|vous|votre|vos|you|your|ur|u)\b|\bt'|\bt ?es\b"
)


def analyze(text: str, parent_text: str | None = None, norm: str | None = None) -> RuleResult:
    """Rules, cues and dense features for one message (and its parent's text, for a reply).

    ``norm``, when the caller already has it, must be ``normalize(text)``."""
    result = _analyze(text, norm)
    feats = result.features
    if parent_text:
        parent = _parent_summary(parent_text)
        feats["ctx.has_parent"] = 1.0
        feats["ctx.parent_abusive"] = parent[0]
        feats["ctx.parent_support"] = parent[1]
        toks = tokens(result.norm)
        agrees = len(toks) <= 4 and (
            bool(set(toks) & _lists().agreement)
            or feats["emoji.laugh"] > 0
            or any(t.startswith(("mdr", "ptdr", "lol", "haha", "xd")) for t in toks)
        )
        feats["ctx.agrees_with_parent"] = parent[0] if agrees else 0.0
    return result


@lru_cache(maxsize=4096)
def _parent_summary(parent_text: str) -> tuple[float, float]:
    r = _analyze(parent_text)
    f = r.features
    abusive = max(
        f["rule.insult"],
        f["rule.threat"],
        f["rule.identity_attack"],
        f["rule.sexual_harassment"],
        f["rule.defamation"],
        f["rule.incitement"],
        f["lex.insult_severity"] * (1.0 - f["cue.negated_abuse"]),
    )
    return abusive, f["rule.support"]


def _analyze(text: str, norm: str | None = None) -> RuleResult:
    L = _lists()
    if norm is None:
        norm = normalize(text)
    toks = tokens(norm)
    tokset = set(toks)
    feats = _ZERO.copy()
    ctx = _Context(norm, toks, tokset, L)
    by_list: dict[str, list[tuple[Entry, int, int]]] = {}
    for hit in L.lexicon.find(toks):
        found = by_list.get(hit[0].list)
        if found is None:
            by_list[hit[0].list] = [hit]
        else:
            found.append(hit)
    hits: list[RuleHit] = []
    # --- regex rules, only those whose trigger words are present
    selected: set[int] = set()
    for tok in tokset & L.trigger_words:
        selected.update(L.triggers[tok])
    if _DIGIT.search(norm):
        selected.update(i for i, prefilter in _PREFILTERED if prefilter.search(norm))
    for i in sorted(selected):
        hits.extend(_run(PATTERNS[i], ctx))
    # --- rules over lexicon hits
    hits.extend(_lexicon_rules(by_list, ctx))
    hits.extend(_surface_rules(text, norm, toks, tokset, feats))
    hits.extend(_emoji_rules(ctx, feats))
    hits.extend(ctx.report_rules())
    # --- cues and verdicts
    live_abuse = [h for h in hits if h.category not in ("support", "spam")]
    counter = ctx.counter_speech(hits, by_list, live_abuse)
    if counter:
        hits.append(RuleHit("support.counter_speech", "support", 0.7, (0, len(norm)), _clip(norm)))
    identity = sorted(
        {
            h.rule.split(".")[2]
            for h in hits
            if h.rule.startswith("identity.") and h.rule.count(".") == 2
        }
    )
    _features(feats, hits, by_list, ctx, toks, tokset)
    feats["cue.counter_speech"] = 1.0 if counter else 0.0
    feats.update(detectors.features(toks, norm))
    return RuleResult(
        norm=norm,
        hits=sorted(hits, key=lambda h: (-h.weight, h.span, h.rule)),
        features=feats,
        second_person=ctx.second_person,
        third_party=ctx.third_party,
        negated=ctx.n_negated > 0 and not live_abuse,
        quoted=ctx.n_quoted + ctx.n_reported > 0 and not live_abuse,
        counter_speech=counter,
        support=counter or any(h.category == "support" for h in hits),
        identity=tuple(identity),
    )


class _Context:
    """Per-message state shared by the rules: cues, and where abuse is quoted or negated."""

    def __init__(self, norm: str, toks: list[str], tokset: set[str], lists: _Lists) -> None:
        self.norm, self.toks, self.tokset, self.lists = norm, toks, tokset, lists
        self.second_person = bool(tokset & lists.second) or (bool(toks) and toks[0] == "@user")
        self.second_pronoun = bool(tokset & lists.second)
        self.third_person = bool(tokset & lists.third)
        self.third_party = self.third_person and not self.second_pronoun
        self.n_negated = 0
        self.n_quoted = 0
        self.n_reported = 0
        self.n_self = 0
        self.report_support: list[RuleHit] = []
        self._spans: list[tuple[int, int]] | None = None
        self._quotes = (
            self._quote_ranges(norm)
            if ('"' in norm or " '" in norm or norm.startswith("'"))
            else []
        )
        self._frames: list[tuple[int, int, bool]] | None = None
        self._status: dict[tuple[int, int], str | None] = {}

    # ---------------------------------------------------------------- positions and frames
    @property
    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = token_spans(self.norm, self.toks)
        return self._spans

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        spans = self.spans
        return spans[start][0], spans[end - 1][1]

    @staticmethod
    def _quote_ranges(norm: str) -> list[tuple[int, int]]:
        """Quoted stretches: between pairs of ``"`` (typographic quotes and guillemets are
        normalised to it), and between single quotes used as quote marks ("called me 'whore'"),
        which apostrophes inside words ("qu'il", "don't") never open or close."""
        marks = [i for i, c in enumerate(norm) if c == '"']
        out = [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]
        if " '" in norm or norm.startswith("'"):
            out.extend((m.start(), m.end() - 1) for m in _SINGLE_QUOTED.finditer(norm))
        return out

    @property
    def frames(self) -> list[tuple[int, int, bool]]:
        """Reporting frames ``(start, end, first_person)``: "m'a traitée de", "called me"."""
        if self._frames is None:
            self._frames = []
            if self.tokset & _REPORT_TRIGGERS:
                for m in _REPORT_FRAME.finditer(self.norm):
                    first = bool(_FIRST_PERSON_FRAME.match(m.group()))
                    self._frames.append((m.start(), m.end(), first))
        return self._frames

    def neutralised(self, span: tuple[int, int]) -> str | None:
        """``"quoted"`` or ``"reported"`` when the abusive text at ``span`` is not the
        speaker's own (inside quotes, or after a reporting verb in the same sentence)."""
        for a, b in self._quotes:
            if a < span[0] and span[1] <= b:
                return "quoted"
        for _, b, first in self.frames:
            if b <= span[0] and span[0] - b <= 80:
                between = self.norm[b : span[0]]
                if any(c in between for c in ".!?;"):
                    continue
                # "on m'a dit que TU es une …" relays the insult to the addressee: still abuse.
                if not first and _SECOND_AFTER_FRAME.search(between):
                    continue
                return "reported"
        return None

    def negated(self, start: int) -> bool:
        """Whether a negation governs the token at ``start`` ("pas une idiote", "not a liar")."""
        toks = self.toks
        neg = self.lists.negation
        for j in range(start - 1, max(-1, start - 5), -1):
            t = toks[j]
            if t in _RESTRICT:
                return False
            if t in neg:
                if (
                    t in _NEG_SOFT
                    and t != "no"
                    and not any(x in ("ne", "n'") for x in toks[max(0, j - 3) : j])
                ):
                    continue
                # "no, you're an idiot": a comma or full stop between them breaks the link.
                between = self.norm[self.spans[j][1] : self.spans[start][0]]
                return not any(c in between for c in ",.;!?")
        return False

    def status(self, start: int, end: int) -> str | None:
        """``negated``, ``quoted``, ``reported`` or None (live) for the tokens ``[start, end)``.

        Counted once per position in ``n_negated`` / ``n_quoted`` / ``n_reported``.
        """
        key = (start, end)
        if key in self._status:
            return self._status[key]
        how: str | None = None
        if self.negated(start):
            how = "negated"
            self.n_negated += 1
        elif self._quotes or self.frames:
            how = self.neutralised(self.char_span(start, end))
            if how == "quoted":
                self.n_quoted += 1
            elif how == "reported":
                self.n_reported += 1
        self._status[key] = how
        return how

    def check(self, hit: RuleHit, token_start: int | None = None) -> RuleHit | None:
        """The hit, or None when its evidence is negated, quoted or reported."""
        if token_start is not None and self.negated(token_start):
            self.n_negated += 1
            return None
        how = self.neutralised(hit.span)
        if how == "quoted":
            self.n_quoted += 1
            return None
        if how == "reported":
            self.n_reported += 1
            return None
        return hit

    # ------------------------------------------------------------------- report / support
    def report_rules(self) -> list[RuleHit]:
        return self.report_support

    def counter_speech(
        self,
        hits: list[RuleHit],
        by_list: dict[str, list[tuple[Entry, int, int]]],
        live_abuse: list[RuleHit],
    ) -> bool:
        """Condemnation or support, with no live abuse (quoted or negated abuse is fine)."""
        if any(h.category in ("threat", "incitement", "doxxing") for h in live_abuse):
            return False
        strong_support = any(h.category == "support" and h.weight >= 0.5 for h in hits)
        condemn = "condemnation" in by_list
        topic = "harassment_topic" in by_list
        neutralised = self.n_quoted + self.n_reported + self.n_negated
        if live_abuse:
            return False
        if strong_support and (condemn or topic or neutralised):
            return True
        # the speaker relays what they received ("on m'écrit « crève »", "called me 'whore'")
        if (self.n_quoted or self.n_reported) and _VICTIM_FRAME.search(self.norm):
            return True
        return neutralised > 0 and (condemn or topic or "support" in by_list)


def _clip(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _run(p: Pattern, ctx: _Context) -> Iterable[RuleHit]:
    for m in p.regex.finditer(ctx.norm):
        if p.decide is not None:
            verdict = p.decide(m, ctx.norm)
            if verdict is None:
                continue
            name, category, weight = verdict
        else:
            name, category, weight = p.name, p.category, p.weight
        span = m.span()
        evidence = p.redact or _clip(m.group())
        hit = RuleHit(name, category, weight, span, evidence)
        if category == "support":
            ctx.report_support.append(hit)
            continue
        if category in ("doxxing", "spam"):
            yield hit
            continue
        checked = ctx.check(hit)
        if checked is not None:
            yield checked
        if p.also is not None and checked is not None:
            name2, cat2, w2 = p.also
            yield RuleHit(name2, cat2, w2, span, evidence)


# Rules with a regex prefilter instead of trigger words; they all need digits.
_PREFILTERED = tuple((i, p.prefilter) for i, p in enumerate(PATTERNS) if p.prefilter)


def _lexicon_rules(
    by_list: dict[str, list[tuple[Entry, int, int]]], ctx: _Context
) -> list[RuleHit]:
    """Insults aimed at someone, defamatory accusations, slurs and dehumanisation."""
    for name, found in by_list.items():
        if name in _ABUSIVE_LISTS:
            for _, start, end in found:
                ctx.status(start, end)
    out: list[RuleHit] = []
    toks = ctx.toks
    second = ctx.lists.second
    for e, start, end in by_list.get("insult", ()):
        if ctx.status(start, end) is not None:
            continue
        window = toks[max(0, start - 4) : end + 3]
        if _self_reference(toks, start, second):
            ctx.n_self += 1  # "je suis une salope et fière de l'être": self-referential
            continue
        span = ctx.char_span(start, end)
        die = start > 0 and toks[start - 1] in _DIE
        if die:  # "crève ordure"
            out.append(
                RuleHit(
                    "threat.wish",
                    "threat",
                    0.7,
                    ctx.char_span(start - 1, end),
                    f"{toks[start - 1]} {e.term}",
                )
            )
        if start > 0 and toks[start - 1] in _PREPOSITION and toks[start] in ("ta", "ton", "ma"):
            continue  # "mon poing dans ta gueule" is a threat, not the insult "ta gueule"
        vocative = (
            not ctx.third_person
            and all(t.startswith("emoji_") for t in toks[end:])
            and (start == 0 or "," in ctx.norm[ctx.spans[start - 1][1] : ctx.spans[start][0]])
        )
        aimed = (
            die
            or vocative
            or bool(set(window) & second)
            or (all(t == "@user" for t in toks[:start]))
            or (bool(set(toks[max(0, start - 2) : start]) & _ADDRESS))
            or (ctx.second_person and not ctx.third_person)
        )
        if aimed:
            out.append(
                RuleHit("insult.direct", "insult", min(0.85, 0.45 + 0.1 * e.severity), span, e.term)
            )
        elif e.severity >= 3:
            out.append(RuleHit("insult.strong", "insult", 0.5, span, e.term))
        elif ctx.third_person and e.severity >= 2:
            out.append(RuleHit("insult.third_party", "insult", 0.35, span, e.term))
    for e, start, end in by_list.get("defamation", ()):
        before = set(toks[max(0, start - 3) : start])
        if not before & _PREDICATE or ctx.status(start, end) is not None:
            continue
        aimed = bool(before & second) or "@user" in toks[max(0, start - 4) : start]
        out.append(
            RuleHit(
                "defamation.accusation",
                "defamation",
                0.7 if aimed else 0.6,
                ctx.char_span(start, end),
                e.term,
            )
        )
    groups: list[tuple[str, int, int]] = []
    for c in IDENTITY:
        for e, start, end in by_list.get(f"slur.{c}", ()):
            if ctx.status(start, end) is not None:
                continue
            if _self_reference(toks, start, second):
                ctx.n_self += 1  # "nous les gouines on s'organise": reclaimed
                continue
            out.append(
                RuleHit(
                    f"identity.slur.{c}",
                    "identity_attack",
                    min(0.9, 0.3 + 0.15 * e.severity),
                    ctx.char_span(start, end),
                    e.term,
                )
            )
            groups.append((c, start, end))
        for _, start, end in by_list.get(f"group.{c}", ()):
            groups.append((c, start, end))
    if groups:
        out.extend(_group_rules(groups, by_list, ctx))
    return out


def _self_reference(toks: list[str], start: int, second: frozenset[str]) -> bool:
    """Whether the speaker says it of themself ("je suis une …", "nous les …", "i'm a …")."""
    for j in range(start - 1, max(-1, start - 7), -1):
        if toks[j] in second:
            return False
        if toks[j] in _SELF:
            return True
    return False


def _group_rules(
    groups: list[tuple[str, int, int]],
    by_list: dict[str, list[tuple[Entry, int, int]]],
    ctx: _Context,
) -> list[RuleHit]:
    """Identity groups insulted, dehumanised or generalised about."""
    out: list[RuleHit] = []
    toks = ctx.toks
    dehum = by_list.get("dehumanizing", ())
    insults = by_list.get("insult", ())
    for c, start, end in groups:
        before = toks[max(0, start - 2) : start]
        rule = weight = None
        for _, d0, d1 in dehum:
            if end <= d0 <= end + 6 and set(toks[end:d0]) & _COPULA:
                rule, weight, span_end = f"identity.dehumanize.{c}", 0.8, d1
                break
        if rule is None and set(before) & {
            "sale",
            "sales",
            "espece",
            "bande",
            "filthy",
            "dirty",
            "fucking",
            "putain",
            "sous",
        }:
            rule, weight, span_end = f"identity.insult_group.{c}", 0.75, end
        if rule is None:
            for _, i0, i1 in insults:
                if end <= i0 <= end + 4 and set(toks[end:i0]) & _COPULA:
                    rule, weight, span_end = f"identity.insult_group.{c}", 0.7, i1
                    break
        if rule is None and end < len(toks) and toks[end] == "dehors":
            rule, weight, span_end = f"identity.go_back.{c}", 0.7, end + 1
        if (
            rule is None
            and set(before) & _GENERALIZE
            and set(toks[end : end + 3])
            & {"sont", "are", "devraient", "doivent", "should", "must", "c'"}
        ):
            rule, weight, span_end = f"identity.generalize.{c}", 0.35, min(end + 3, len(toks))
        if rule is not None and weight is not None:
            span = ctx.char_span(start, span_end)
            evidence = " ".join(toks[start:span_end])
            hit = ctx.check(RuleHit(rule, "identity_attack", weight, span, evidence), start)
            if hit is not None:
                out.append(hit)
                if ".insult_group." in rule and ctx.second_person:  # "@x sale arabe": both
                    out.append(RuleHit("insult.identity", "insult", 0.6, span, evidence))
    return out


def _surface_rules(
    text: str, norm: str, toks: list[str], tokset: set[str], feats: dict[str, float]
) -> list[RuleHit]:
    """Spam and flood, emoji cues; fills the ``surf.*`` and ``emoji.*`` features."""
    out: list[RuleHit] = []
    n = len(toks)
    n_urls = toks.count("url") if "url" in tokset else 0
    n_mentions = toks.count("@user") if "@user" in tokset else 0
    feats["surf.urls"] = min(1.0, n_urls / 3)
    feats["surf.mentions"] = min(1.0, n_mentions / 5)
    feats["surf.length"] = min(1.0, len(text) / 500)
    if n >= 6:
        feats["surf.repeat"] = 1.0 - len(tokset) / n
    if text.isupper():
        feats["surf.caps"] = 1.0
    elif _UPPER_RUN.search(text):
        letters = sum(map(str.isalpha, text))
        feats["surf.caps"] = sum(map(str.isupper, text)) / max(1, letters)
    if _obfuscated(text):
        feats["surf.obfuscated"] = 1.0
    if "emoji_" in norm:
        for tok in tokset & _EMOJI_TOKENS:
            name = _EMOJI_FEATURES[tok]
            feats[name] = min(1.0, feats[name] + toks.count(tok) / 3)
    if n_urls >= 2:
        out.append(
            RuleHit("spam.links", "spam", min(0.6, 0.2 * n_urls), (0, len(norm)), f"{n_urls} links")
        )
    if n_mentions >= 5:
        out.append(
            RuleHit("spam.mass_mentions", "spam", 0.4, (0, len(norm)), f"{n_mentions} mentions")
        )
    if n >= 6 and len(tokset) / n < 0.35:
        out.append(RuleHit("spam.repeated", "spam", 0.5, (0, len(norm)), "repeated words"))
    return out


def _emoji_rules(ctx: _Context, feats: dict[str, float]) -> list[RuleHit]:
    """Weapons, skulls, middle fingers or monkeys aimed at someone."""
    if not (ctx.second_person or "@user" in ctx.tokset):
        if feats["emoji.threat"] < 0.6:  # two weapons or skulls, even unaddressed
            return []
        found = [t for t in ctx.toks if _EMOJI_FEATURES.get(t) == "emoji.threat"]
        start = ctx.norm.find(found[0])
        return [
            RuleHit(
                "threat.emoji", "threat", 0.35, (start, start + len(found[0])), " ".join(found[:4])
            )
        ]
    out: list[RuleHit] = []
    norm = ctx.norm
    for feature, name, category, weight in (
        ("emoji.threat", "threat.emoji", "threat", 0.45),
        ("emoji.insult", "insult.emoji", "insult", 0.35),
        ("emoji.racist", "identity.emoji.origin", "identity_attack", 0.45),
    ):
        if feats[feature] <= 0:
            continue
        found = [t for t in ctx.tokset if _EMOJI_FEATURES.get(t) == feature]
        start = min(norm.find(t) for t in found)
        if feature == "emoji.racist" and {"emoji_singe", "emoji_banane"} <= ctx.tokset:
            weight = 0.6
        hit = ctx.check(
            RuleHit(name, category, weight, (start, start + len(found[0])), " ".join(sorted(found)))
        )
        if hit is not None:
            out.append(hit)
    return out


def _features(
    feats: dict[str, float],
    hits: list[RuleHit],
    by_list: dict[str, list[tuple[Entry, int, int]]],
    ctx: _Context,
    toks: list[str],
    tokset: set[str],
) -> None:
    for h in hits:
        key = "rule." + h.category
        if h.weight > feats[key]:
            feats[key] = h.weight
        if h.rule.startswith("threat.death") and h.weight > feats["rule.death_threat"]:
            feats["rule.death_threat"] = h.weight
    for name, found in by_list.items():
        lex_key = _LEX_FEATURE.get(name)
        if lex_key is not None:
            feats[lex_key] = min(1.0, len(found) / 3)
    spam_words = len(by_list.get("spam", ()))
    if spam_words >= 2 and not any(h.category == "spam" for h in hits):
        w = 0.5 if "url" in tokset else 0.3
        feats["rule.spam"] = max(feats["rule.spam"], w)
        hits.append(
            RuleHit("spam.promo", "spam", w, (0, len(ctx.norm)), f"{spam_words} promotional words")
        )
    insults = by_list.get("insult")
    if insults:
        feats["lex.insult_severity"] = max(e.severity for e, _, _ in insults) / 4
    for name, found in by_list.items():
        if name.startswith("slur."):
            feats["lex." + name] = max(e.severity for e, _, _ in found) / 4
        elif name.startswith("group."):
            feats["lex." + name] = 1.0
    feats["cue.second_person"] = 1.0 if ctx.second_pronoun else 0.0
    feats["cue.mention_start"] = 1.0 if toks and toks[0] == "@user" else 0.0
    feats["cue.third_person"] = 1.0 if ctx.third_person else 0.0
    feats["cue.third_party"] = 1.0 if ctx.third_party else 0.0
    feats["cue.negation"] = 1.0 if "negation" in by_list else 0.0
    feats["cue.quote"] = 1.0 if ctx._quotes else 0.0
    feats["cue.reporting"] = 1.0 if ctx.frames else 0.0
    evidence = sum(len(v) for k, v in by_list.items() if k in _ABUSIVE_LISTS)
    if evidence:
        feats["cue.negated_abuse"] = min(1.0, ctx.n_negated / evidence)
        feats["cue.quoted_abuse"] = min(1.0, (ctx.n_quoted + ctx.n_reported) / evidence)
    elif ctx.n_quoted + ctx.n_reported:
        feats["cue.quoted_abuse"] = 1.0
