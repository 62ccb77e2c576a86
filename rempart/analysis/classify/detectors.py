"""Detectors for the three categories the French offences of a court file rest on.

A threat (222-17 of the penal code), a call to act against someone (24 of the 1881 law,
222-33-2-2 for a concerted raid) and an accusation put on a person (29 of the 1881 law) are
rarely made of one telling word: "ce serait dommage qu'il arrive quelque chose à ta fille" has
no slur and no verb of killing, "tous sur son dernier post" no insult, "tout le monde sait qu'il
a touché sa nièce" no swear word. Each detector looks for the *shape* of the speech act, in
French and in English, over the normalised tokens (lower case, no accents, ``@user`` for
mentions):

- **threat**: a harm, a hint or a person's private sphere (home, family, work, route), with the
  future or a condition, aimed at the addressee ("tu vas le regretter", "si tu continues",
  "on sait où tu bosses", "un accident est vite arrivé");
- **call to action**: words addressed to a crowd (a plural imperative, "il faut que", "tout le
  monde", "go", "everyone") asking for an act against a person (report, flood, contact their
  employer, find their address, spare accounts) or pointing at one;
- **accusation**: a crime or a disgraceful act put on an identified person as a fact, not as a
  question, a hedge, a denial or a court report.

They give dense features in ``[0, 1]``: they **feed the model** (whose weights, learnt from the
training data, decide how much each shape counts), they never decide alone.

>>> features(["on", "sait", "ou", "tu", "bosses"])["det.threat"]
1.0
>>> features(["signalez", "tous", "son", "compte"])["det.call_to_action"]
1.0
>>> features(["il", "a", "viole", "sa", "niece"])["det.accusation"]
1.0
>>> features(["il", "a", "viole", "sa", "niece"], "il a viole sa niece ?")["det.accusation"]
0.0
"""

from __future__ import annotations

from collections.abc import Sequence

FEATURES: tuple[str, ...] = (
    "det.threat",
    "det.threat_hint",
    "det.harm_future",
    "det.call_to_action",
    "det.crowd",
    "det.accusation",
    "det.crime",
    "det.hedge",
)

_SECOND = frozenset(
    "tu te t' toi ta ton tes vous votre vos t ty you your yours u ur yourself ya".split()
)
_FUTURE = frozenset(
    "vas va vais allez aller bientot demain ce soir prochaine prochain jour un "
    "gonna will 'll soon tonight tomorrow someday next day wait".split()
) - {"ce", "un", "jour", "day", "next", "soir"}
_FUTURE_PAIRS = frozenset(
    {
        ("ce", "soir"),
        ("un", "jour"),
        ("la", "prochaine"),
        ("one", "day"),
        ("next", "time"),
        ("sooner", "or"),
        ("tot", "ou"),
    }
)
_CONDITION = frozenset({"si", "if", "sinon", "otherwise", "unless", "tant", "serait", "would"})
_HARM_STEMS = (
    "accident", "bless", "souffr", "regret", "paier", "paiera", "payer", "cass", "brul",
    "crev", "mort", "tue", "tuer", "bute", "defonc", "frapp", "dommage", "malheur", "danger",
    "gaffe", "prudent", "surveill", "observ", "retrouv", "attend", "crame", "saign", "hurt",
    "regret", "burn", "accident", "shame", "careful", "watch", "bleed", "suffer", "pay",
    "sorry", "dead", "kill", "beat", "destroy", "ruin", "deglingu", "eclat", "planter", "couteau",
    "balle", "flingu", "arme", "gun", "knife", "tombe", "enterr", "cercueil", "hopital",
    "hospital", "grave", "coffin", "bullet", "fini", "finir", "finish", "end",
)  # fmt: skip
_HINT_PAIRS = frozenset(
    {
        ("on", "sait"),
        ("je", "sais"),
        ("on", "connait"),
        ("je", "connais"),
        ("on", "te"),
        ("on", "t'"),
        ("on", "vous"),
        ("we", "know"),
        ("i", "know"),
        ("we", "see"),
        ("we'll", "find"),
        ("fais", "gaffe"),
        ("fais", "attention"),
        ("attention", "a"),
        ("watch", "your"),
        ("watch", "out"),
        ("be", "careful"),
        ("tu", "verras"),
        ("tu", "vas"),
        ("you'll", "see"),
        ("you", "will"),
    }
)
_ADDRESSING = frozenset(
    {
        ("fais", "gaffe"),
        ("fais", "attention"),
        ("faites", "gaffe"),
        ("faites", "attention"),
        ("watch", "your"),
        ("watch", "out"),
        ("be", "careful"),
        ("dors", "bien"),
        ("profite", "bien"),
    }
)
_SPHERE = frozenset(
    "maison appart appartement domicile chez adresse porte fenetre voiture caisse boulot taf "
    "travail bureau ecole fac lycee college fille fils enfants enfant gosses gosse mome momes "
    "mere pere daronne daron parents famille femme mari copine copain chien chat rue trajet "
    "route parking metro sortie quartier immeuble boite home house car kids kid children "
    "daughter son wife husband family work office school dog street address door window "
    "parents mum mom dad".split()
)
_KNOW = frozenset(
    "sait sais savons connait connais connaissons vu vois suivi suit suivons trouve trouver "
    "retrouver retrouve attend attendons know knows seen see saw follow followed find found "
    "wait waiting".split()
)

_CROWD_WORDS = frozenset(
    "tous toutes go goo rdv everyone everybody y'all yall guys gars kheys khey "
    "lets let's faites allons balancez hesitez".split()
)
_CROWD_PAIRS = frozenset(
    {
        ("tout", "le"),
        ("il", "faut"),
        ("faut", "que"),
        ("faut", "qu'"),
        ("faudrait", "que"),
        ("faudrait", "qu'"),
        ("on", "doit"),
        ("on", "devrait"),
        ("on", "va"),
        ("on", "peut"),
        ("qui", "a"),
        ("qui", "peut"),
        ("qui", "connait"),
        ("let", "s"),
        ("we", "should"),
        ("we", "need"),
        ("someone", "should"),
        ("somebody", "should"),
        ("quelqu'un", "doit"),
        ("il", "faudrait"),
    }
)
_NOT_IMPERATIVE = frozenset({"chez", "nez", "assez", "rez", "allez"})
_ACTION_STEMS = (
    "signal", "report", "spam", "flood", "harcel", "inond", "envoy", "ecri", "appel", "contact",
    "mail", "tag", "raid", "ddos", "trouv", "cherch", "balanc", "partag", "diffus", "retweet",
    "bombard", "pourri", "defonc", "insult", "commente", "comment", "dm", "mp", "bloqu",
    "ban", "denonc", "expos", "call", "text", "message", "find", "dox", "harass", "pile",
    "brigad", "troll", "boycott", "compte", "multi", "hashtag", "employeur", "patron", "boss",
    "rh", "direction", "sponsor", "proprio", "adresse", "numero", "tel", "telephone", "phone",
    "address", "employer", "school", "ecole", "fac", "parents", "famille", "family",
)  # fmt: skip
_TARGET = frozenset(
    "le la l' lui les leur son sa ses him her them his their this that ce cette cet ces "
    "@user mec meuf type gars nana gonzesse".split()
)

_CRIME_STEMS = (
    "pedo", "pedophil", "pedocrim", "violeur", "viol", "agresseur", "agress", "pervers",
    "voleur", "vole", "escroc", "escroqu", "arnaqu", "fraud", "dealer", "deal", "trafiqu",
    "detourn", "corromp", "corrupt", "pot-de-vin", "bat", "battu", "frappe", "terroris",
    "meurtr", "assassin", "mafi", "proxenet", "maltrait", "trich", "plagi", "falsifi", "truqu",
    "paye", "vendu", "finance", "espion", "collabo", "prison", "taule", "casier", "abus",
    "attouch", "inceste", "zoophil", "touche", "drogu", "trafic", "blanchi", "triche",
    "rapist", "raped", "rape", "abuser", "abused", "thief", "stole", "steal", "scam",
    "embezzl", "dealer", "drug", "cheat", "plagiar", "faked", "fake", "falsif", "paid",
    "spy", "criminal", "groom", "molest", "beats", "beat", "murder", "fraud", "corrupt",
    "bribe", "launder", "traffick", "pimp", "nonce", "predat", "predateur",
)  # fmt: skip
_PERSON = frozenset(
    "il elle lui ce cette cet mec meuf type nana journaliste prof maire depute ministre "
    "streamer youtubeur youtubeuse militante militant @user tu t' toi he she him this that "
    "guy girl woman man you teacher journalist mayor streamer".split()
)
_HEDGE_STEMS = (
    "presum", "suppos", "soupcon", "accuse", "allegu", "alleged", "rumeur", "rumor", "rumour",
    "enquete", "investig", "examen", "proces", "tribunal", "juge", "selon", "d'apres",
    "jamais", "never", "faux", "fausse", "false", "mensonge", "lie", "calomni", "diffam",
    "defam", "condamn", "convicted", "sentenced", "charged", "court", "police", "plainte",
)  # fmt: skip
_QUESTION = frozenset({"?", "est-ce", "est-ce-que", "whether"})


def _pairs(toks: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(toks, toks[1:]))


def _stem_hit(toks: Sequence[str], stems: tuple[str, ...]) -> bool:
    return any(t.startswith(stems) for t in toks if len(t) > 2)


def _future(toks: Sequence[str], pairs: set[tuple[str, str]]) -> bool:
    if _FUTURE.intersection(toks) or _FUTURE_PAIRS & pairs:
        return True
    # simple future and conditional: "regretteras", "paieras", "verras", "arrivera"
    return any(
        len(t) > 5 and t.endswith(("eras", "iras", "ras", "rez", "era", "ira", "rait", "raient"))
        for t in toks
    )


def features(toks: Sequence[str], text: str = "") -> dict[str, float]:
    """The detectors' features for one message's normalised tokens (``text``: its normal
    form, for the question mark)."""
    pairs = _pairs(toks)
    tokset = set(toks)
    # "fais gaffe", "watch your back": an imperative addresses someone without a pronoun
    second = bool(_SECOND & tokset) or bool(_ADDRESSING & pairs)
    future = _future(toks, pairs)
    condition = bool(_CONDITION & tokset)
    harm = _stem_hit(toks, _HARM_STEMS)
    sphere = bool(_SPHERE & tokset)
    hint = bool(_HINT_PAIRS & pairs) or (bool(_KNOW & tokset) and (sphere or second))
    threat = second and (future or condition or hint) and (harm or sphere or hint)
    crowd = (
        bool(_CROWD_WORDS & tokset)
        or bool(_CROWD_PAIRS & pairs)
        or any(
            t.endswith("ez")
            and len(t) > 4
            and t not in _NOT_IMPERATIVE
            and (i == 0 or toks[i - 1] != "vous")
            for i, t in enumerate(toks)
        )
    )
    action = _stem_hit(toks, _ACTION_STEMS)
    pointed = bool(_TARGET & tokset)
    crime = _stem_hit(toks, _CRIME_STEMS)
    hedge = _stem_hit(toks, _HEDGE_STEMS)
    question = bool(_QUESTION & tokset) or "?" in text
    person = bool(_PERSON & tokset)
    return {
        "det.threat": 1.0 if threat else 0.0,
        "det.threat_hint": 1.0 if hint and (second or sphere) else 0.0,
        "det.harm_future": 1.0 if harm and (future or condition) else 0.0,
        "det.call_to_action": 1.0 if crowd and action and pointed else 0.0,
        "det.crowd": 1.0 if crowd else 0.0,
        "det.accusation": 1.0 if crime and person and not hedge and not question else 0.0,
        "det.crime": 1.0 if crime else 0.0,
        "det.hedge": 1.0 if hedge or question else 0.0,
    }


__all__ = ["FEATURES", "features"]
