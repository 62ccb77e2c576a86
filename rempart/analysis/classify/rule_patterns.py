"""The regular-expression rules of :mod:`.rules`, French first then English.

Each :class:`Pattern` has a stable name (used in explanations), a category, a weight in (0, 1],
the trigger words that must be among the message's tokens for the pattern to run at all (a
cheap prefilter), and a regex over :func:`.normalize.normalize`'d text (lower case, no accents,
``'`` apostrophes, ``@user`` mentions). Patterns are bounded: no nested unbounded repetition.

Families: ``threat.*`` (``threat.death*`` are explicit death threats), ``incitement.*``,
``defamation.*``, ``sexual.*``, ``identity.*``, ``doxxing.*`` and ``support.*``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["PATTERNS", "Pattern"]

Verdict = tuple[str, str, float]


@dataclass(frozen=True)
class Pattern:
    """One rule: fires on every match of ``regex`` (``decide`` may rename, reweigh or veto)."""

    name: str
    category: str
    weight: float
    triggers: frozenset[str]
    regex: re.Pattern[str]
    decide: Callable[[re.Match[str], str], Verdict | None] | None = None
    redact: str | None = None  # evidence shown instead of the match (personal data)
    also: Verdict | None = None  # a second hit with the same span (e.g. rape threat: sexual)
    prefilter: re.Pattern[str] | None = None  # runs when this matches (instead of triggers)


def _alt(words: Iterable[str]) -> str:
    return "(?:" + "|".join(sorted(set(words), key=lambda w: (-len(w), w))) + ")"


_ER = ("er", "e", "es", "ez", "erai", "eras", "era", "erons", "erez", "eront", "ais", "ait")


def _er(stems: Iterable[str]) -> list[str]:
    return [s + x for s in stems for x in _ER]


_STOP = frozenset(
    "la le les l' un une de du des d' a au en te t' comme faire mettre dessus vif "
    "vive vivant vivante sous the and in of to up down on for me moi nous it that "
    "this a after une tete ta ton tes votre vos deux pour".split()
)


def _words(*groups: Iterable[str]) -> frozenset[str]:
    """Trigger tokens: the content words of the given phrases (as :func:`tokens` splits them)."""
    out: set[str] = set()
    for group in groups:
        for phrase in group:
            out.update(re.findall(r"\w+'?", phrase))
    return frozenset(out - _STOP)


def _p(
    name: str,
    category: str,
    weight: float,
    triggers: Iterable[str],
    regex: str,
    *,
    decide: Callable[[re.Match[str], str], Verdict | None] | None = None,
    redact: str | None = None,
    also: Verdict | None = None,
    prefilter: str | None = None,
) -> Pattern:
    return Pattern(
        name,
        category,
        weight,
        frozenset(triggers),
        re.compile(regex),
        decide,
        redact,
        also,
        re.compile(prefilter) if prefilter else None,
    )


#: Words every call for violence contains ("il faut la …", "someone should …").
_CALL = frozenset(
    {
        "faut",
        "faudrait",
        "faudra",
        "doit",
        "devrait",
        "should",
        "must",
        "need",
        "needs",
        "gotta",
        "deserve",
        "deserves",
    }
)
_EN_WILL = frozenset({"will", "ll", "gonna", "going", "wanna", "want"})
_EIGHT_DIGITS = r"\d(?:[ .()-]{0,2}\d){7}"


# ----------------------------------------------------------------------------- vocabulary
SUBJ = r"(?:\bje |\bj'|\bj ?|\bon |\bnous |\bmoi je )"
FUT = (
    r"(?:(?:vais|vai|ve|v|va|vas|allons|compte|comptons|veux|voulons|peux|devrais|"
    r"m'en vais|vais bien|vais finir par|finirai par|va finir par)(?: bien| vraiment| meme)? )?"
)
OBJ2 = r"(?:te |t'|t |vous |vs |t(?=[aeiouy]))"
OBJ3 = r"(?:le |la |les |l'|lui )"

KILL = _er(
    [
        "tu",
        "but",
        "egorg",
        "saign",
        "decapit",
        "flingu",
        "fusill",
        "etrangl",
        "assassin",
        "zigouill",
        "eventr",
        "crev",
        "fum",
        "dessoud",
        "butt",
        "execut",
        "immol",
        "lapid",
        "liquid",
        "trucid",
        "suicid",
    ]
) + [
    "abattre",
    "abats",
    "abat",
    "abattrai",
    "pendre",
    "pends",
    "pend",
    "pendrai",
    "descendre",
    "descends",
    "descend",
    "descendrai",
    "noyer",
    "noie",
    "noierai",
    "faire la peau",
    "trouer la peau",
    "faire sauter la cervelle",
    "mettre une balle",
    "mettre un coup de couteau",
    "tirer dessus",
    "tirer une balle",
    "bruler vif",
    "bruler vive",
    "enterrer",
    "enterrer vivant",
    "enterrer vivante",
    "faire disparaitre",
    "egorger comme un mouton",
    "crever comme un chien",
    "crever comme une chienne",
    "gazer",
]
HIT = _er(
    [
        "frapp",
        "cogn",
        "tabass",
        "defonc",
        "demont",
        "baff",
        "gifl",
        "claqu",
        "eclat",
        "explos",
        "massacr",
        "ecras",
        "dechir",
        "niqu",
        "bousill",
        "degomm",
        "lynch",
        "tap",
        "bless",
        "mutil",
        "defigur",
        "brul",
        "cram",
        "tortur",
        "fracass",
        "allum",
        "soulev",
        "plant",
        "encul",
        "arrach",
        "bolloss",
        "terrass",
        "attach",
        "sequestr",
        "kidnapp",
        "enlev",
        "agress",
        "rat",
        "marav",
        "bz",
        "enfonc",
        "train",
        "mel",
        "mmel",
        "bott",
        "gaz",
    ]
) + [
    "demolir",
    "demolis",
    "demolit",
    "demolirai",
    "detruire",
    "detruis",
    "detruit",
    "detruirai",
    "faire mal",
    "faire du mal",
    "faire souffrir",
    "faire la misere",
    "faire bouffer",
    "faire manger le trottoir",
    "faire regretter",
    "faire payer",
    "refaire le portrait",
    "casser en deux",
    "ouvrir en deux",
    "mettre une raclee",
    "mettre une branlee",
    "mettre des coups",
    "mettre une patate",
    "mettre une droite",
    "mettre des baffes",
    "foutre une raclee",
    "bz",
    "tej",
    "bolosser",
    "faire une tete",
    "faire vivre un enfer",
    "ntm",
    "niquer ta mere",
    "rouler dessus",
    "regler ton compte",
    "regler votre compte",
    "reglerai ton compte",
    "reglerais ton compte",
    "reglerais votre compte",
    "reglerai votre compte",
    "coudre la bouche",
    "faire gouter",
]
HIT = [h for h in HIT if h not in ("rate", "rates", "ratez", "rat", "taper")] + ["taper"]
BODY = (
    "gueule",
    "tete",
    "dents",
    "face",
    "jambes",
    "jambe",
    "genoux",
    "chevilles",
    "crane",
    "tronche",
    "nez",
    "bouche",
    "cul",
    "fion",
    "machoire",
    "bras",
    "nuque",
    "cou",
    "yeux",
    "portrait",
    "gueule de merde",
    "sale gueule",
    "cote",
    "cotes",
    "doigts",
    "rotule",
)
BREAK = (
    "casser",
    "casse",
    "peter",
    "pete",
    "eclater",
    "eclate",
    "exploser",
    "explose",
    "defoncer",
    "defonce",
    "refaire",
    "refais",
    "arracher",
    "arrache",
    "briser",
    "brise",
    "fracasser",
    "fracasse",
    "ouvrir",
    "ouvre",
    "crever",
    "creve",
    "demonter",
    "demonte",
    "niquer",
    "nique",
    "peter",
    "defigurer",
    "defigure",
    "bruler",
    "brule",
)

I_WILL = (
    r"\b(?:i(?:'ll| will|'m going to|'m gonna| am going to| am gonna| gonna|ll|m gonna|"
    r"'m coming to| want to| wanna)|we(?:'ll| will|'re going to|'re gonna| are going to|"
    r" are gonna| gonna|re gonna)|gonna) (?:fucking |fuckin |literally |personally )?"
)
EN_KILL = (
    "kill",
    "murder",
    "shoot",
    "stab",
    "strangle",
    "behead",
    "hang",
    "execute",
    "gut",
    "butcher",
    "slit",
    "bury",
    "end",
    "lynch",
    "gun down",
    "put a bullet in",
    "kill and",
)
EN_HIT = (
    "beat",
    "punch",
    "hit",
    "smash",
    "hurt",
    "break",
    "slap",
    "kick",
    "choke",
    "burn",
    "destroy",
    "fuck up",
    "beat up",
    "bash",
    "wreck",
    "cut",
    "jump",
    "rape",
    "torture",
    "find",
    "hunt",
    "get",
    "come for",
    "come after",
    "ruin",
)
EN_OBJ2 = r"(?:you|u|ya|y'all|your|ur|yo)\b"
EN_OBJ3 = r"(?:her|him|them|this (?:bitch|guy|girl|woman|man|person))\b"


def _obj_verdict(second: Verdict, third: Verdict) -> Callable[[re.Match[str], str], Verdict]:
    def decide(m: re.Match[str], norm: str) -> Verdict:
        return second if m.group("o2") else third

    return decide


# ---------------------------------------------------------------------------- threats
_THREATS = [
    # explicit death threats: "je vais te tuer", "on va te buter", "je te bute", "jvais t'egorger"
    _p(
        "threat.death",
        "threat",
        1.0,
        _words(KILL),
        SUBJ + FUT + r"(?:(?P<o2>" + OBJ2 + r")|" + OBJ3 + r")" + _alt(KILL) + r"\b",
        decide=_obj_verdict(("threat.death", "threat", 1.0), ("threat.death_third", "threat", 0.8)),
    ),
    _p(
        "threat.death",
        "threat",
        1.0,
        {
            "mort",
            "morte",
            "morts",
            "mortes",
            "mourir",
            "crever",
            "passer",
            "cercueil",
            "morgue",
            "cimetiere",
            "pieds",
            "jours",
            "balle",
            "semaine",
            "noel",
            "crevard",
            "vie",
        },
        r"\b(?:t'es|t es|tes|tu es|t'est|vous etes|t'etais|t'as deja|t'est deja|t'es deja) "
        r"(?:deja |un |une |vraiment |grave |bien |tellement )?"
        r"(?:mort|morte|morts|mortes|un homme mort|une femme morte|une fille morte)\b"
        r"(?! de (?:rire|peur|fatigue|honte|froid|faim)| pour (?:moi|nous)| a mes yeux| dans ma)"
        r"|\b(?:tu vas|tu va|tu vs|vous allez|t'vas|tu vas bientot|tu risques de) "
        r"(?:mourir|crever|y passer|finir (?:au|a la|dans un|dans une|six|6|en|entre) "
        r"(?:cimetiere|morgue|cercueil|sac|pieds|planches|boite|quatre)"
        r"|te faire (?:buter|tuer|egorger|fumer|descendre|flinguer|abattre|trouer))"
        r"|\b(?:six|6) pieds? sous terre|\b(?:tes|vos|ses) jours sont comptes"
        r"|\b(?:tu|vous) (?:seras|serai|sera|serez) (?:deja )?(?:mort|morte|morts|mortes)\b"
        r"(?! de (?:rire|peur|fatigue|honte|froid|faim))"
        r"|\b(?:ta|votre) vie (?:s'arrete|va s'arreter|est finie|se termine|va se terminer|"
        r"touche a sa fin)\b"
        r"|\btu (?:ne )?(?:verras|passeras|finiras) (?:pas|plus) "
        r"(?:la semaine|l'annee|l'ete|l'hiver|noel|la nuit|le mois|demain|le week-end)"
        r"|\b(?:une|ma|des|mes) balles? dans (?:la|ta|ton|ses|vos|sa|tes) "
        r"(?:tete|crane|nuque|bide|front|gueule|ventre|corps)",
    ),
    _p(
        "threat.death",
        "threat",
        1.0,
        _words(KILL),
        SUBJ + FUT + _alt(KILL) + r" (?:toute |toutes |tous |tout )?(?:ta|ton|tes|votre|vos) "
        r"(?:famille|descendance|descendence|race|mere|pere|soeur|frere|enfants|gosses|gueule|"
        r"fille|fils|proches|potes)\b",
    ),
    _p(
        "threat.death",
        "threat",
        1.0,
        _EN_WILL | {"dead", "bullet", "days", "meat", "re"},
        I_WILL + _alt(EN_KILL) + r" (?:(?P<o2>" + EN_OBJ2 + r")|" + EN_OBJ3 + r")"
        r"|\byou(?:'re| are|re| r|r) (?:so |fucking |already |a )?dead\b"
        r"(?! inside| tired| wrong| right| serious| on| to me| set| last| weight)"
        r"|\byou(?:'re| are) a dead (?:man|woman|person|girl|boy|bitch)"
        r"|\byou(?:'ll| will| are going to|'re going to|'re gonna| gonna| are gonna) "
        r"(?:die|be dead|be killed|get killed|get shot|get stabbed|end up dead)\b"
        r"|\b(?:a )?bullet (?:in|through|between) (?:your|ur) (?:head|skull|brain|eyes)"
        r"|\byour days are numbered|\byou(?:'re| are) dead meat",
        decide=lambda m, norm: (
            ("threat.death", "threat", 1.0)
            if m.group("o2") or not re.match(r"i|we|gonna", m.group())
            else ("threat.death_third", "threat", 0.8)
        ),
    ),
    # death wishes and incitement to suicide
    _p(
        "threat.wish",
        "threat",
        0.7,
        {
            "crever",
            "creve",
            "creves",
            "crevez",
            "mourir",
            "meurs",
            "meures",
            "mourez",
            "creviez",
            "merites",
            "meriterais",
            "qu'a",
            "cas",
            "hope",
            "die",
            "deserve",
            "deserves",
            "rot",
            "burn",
            "drop",
            "fire",
        },
        r"\bj'espere (?:que )?(?:tu|t'|vous|qu'(?:il|elle|ils|elles)) ?"
        r"(?:vas |va |allez |vont )?(?:crever|mourir|creves|creve|meurs|meures|crevez|creviez|"
        r"mourrez|mourras|creveras|vas crever|claques|te fasses tuer|te fasse tuer)"
        r"|\b(?:va|vas|allez|vazy|vas-y) (?:crever|mourir|te faire tuer)"
        r"|(?:^|[.!?;] )(?:creve|crevez|meurs|mourez)\s*(?:[.!?;]|$)"
        r"|\b(?:creve|crevez|meurs|mourez|creves)(?: donc| bien| en enfer| sale| salope| connard|"
        r" connasse| batard| pute| chienne| enfoire| la bouche ouverte| seule?| vite)"
        r"|\bque (?:tu|vous) (?:creves|meures|crevez|mouriez|crever)"
        r"|\b(?:tu merites|tu meriterais|vous meritez|elle merite|il merite) (?:de |d')"
        r"(?:mourir|crever|etre tuee?|te faire tuer|te faire buter|se faire tuer|y passer)"
        r"|\b(?:t'as|tu as|t'a) (?:qu'a|cas|ka|qua|ka) (?:crever|mourir)"
        r"|\b(?:i |we )?hope (?:you|u|she|he|they) (?:die|dies|get killed|gets killed|burn|rot|"
        r"choke|get cancer|get hit by a)"
        r"|\b(?:go )?die in a (?:fire|hole|ditch|car crash)|\bdrop dead\b"
        r"|\byou (?:should|deserve to|need to) die\b|\b(?:rot|burn) in hell\b",
    ),
    _p(
        "threat.suicide",
        "threat",
        0.85,
        {
            "pendre",
            "suicider",
            "suicide",
            "pends",
            "jeter",
            "jette",
            "tue",
            "tuer",
            "flinguer",
            "foutre",
            "balle",
            "mieux",
            "regrettera",
            "kys",
            "kill",
            "yourself",
            "urself",
            "neck",
            "hang",
            "wrists",
            "better",
            "miss",
            "bleach",
        },
        r"\b(?:va|vas|allez|vazy|vas-y|tu devrais|tu ferais mieux de|tu peux) "
        r"(?:te |t'|vous )(?:pendre|suicider|jeter (?:d'un pont|sous un train|par la fenetre|"
        r"du haut|d'une falaise)|tuer|flinguer|foutre en l'air|tirer une balle|ouvrir les veines)"
        r"|\b(?:suicide|suicides|pends|tue|jette|flingue|butes?)[- ]toi\b"
        r"|\ble monde (?:serait|sera|irait) mieux sans (?:toi|vous)"
        r"|\bpersonne ne (?:te|vous) regrettera"
        r"|\bkys\b|\bkill (?:yourself|urself|ur self|your self)\b"
        r"|\b(?:go )?(?:hang|neck) yourself\b|\bslit (?:your|ur) wrists\b"
        r"|\bdrink bleach\b|\bthe world (?:would be|is|will be) better (?:off )?without you"
        r"|\bnobody (?:would|will) miss you",
    ),
    # threats without slurs
    _p(
        "threat.knows_address",
        "threat",
        0.9,
        {
            "habites",
            "habite",
            "habitez",
            "thabite",
            "thabites",
            "vis",
            "vivez",
            "bosses",
            "bosse",
            "travailles",
            "dors",
            "creches",
            "traines",
            "caches",
            "adresse",
            "domicile",
            "maison",
            "lycee",
            "bureau",
            "boulot",
            "quartier",
            "immeuble",
            "enfants",
            "gosses",
            "fille",
            "fils",
            "gamins",
            "momes",
            "famille",
            "femme",
            "live",
            "address",
            "work",
            "house",
            "workplace",
            "kids",
            "children",
            "daughter",
        },
        r"\b(?:je |j'|j |j|on |nous |moi je )(?:sais|sait|connais|connait|connaissons|savons|"
        r"ai|a|avons|trouve|ai trouve|a trouve|ai retrouve|a retrouve) "
        r"(?:(?:bien |tres bien |exactement |deja |maintenant )?ou (?:tu |t'|t ?|vous )"
        r"(?:habites?|habitez|vis|vivez|bosses?|travailles?|dors|creches|traines|te caches|"
        r"vas a l'ecole)|(?:ton|ta|votre) (?:adresse|domicile|maison|ecole|lycee|bureau|boulot|"
        r"quartier|immeuble|rue)|ou (?:vont|va|est|sont) (?:tes|ta|ton) "
        r"(?:enfants|gosses|fille|fils|gamins|momes|famille|mere|femme))"
        r"|\b(?:i|we) (?:know|found|have|got) (?:exactly |now )?(?:where (?:you|u) "
        r"(?:live|work|sleep|go to school|hide)|(?:your|ur) (?:address|home address|house|"
        r"workplace)|where (?:your|ur) (?:kids|children|daughter|son|family) (?:live|are|go))",
    ),
    _p(
        "threat.will_find",
        "threat",
        0.75,
        {
            "retrouver",
            "retrouverai",
            "retrouvera",
            "retrouverons",
            "trouver",
            "trouverai",
            "choper",
            "chope",
            "choperai",
            "attraper",
            "attrape",
            "attraperai",
            "traquer",
            "pister",
            "attend",
            "attends",
            "attendra",
            "attendrai",
            "attendrons",
            "sortie",
            "find",
            "hunt",
            "coming",
            "track",
            "verra",
            "verrons",
            "recuperer",
        },
        SUBJ + FUT + OBJ2 + r"(?:retrouver|retrouve|retrouverai|retrouvera|retrouverons|"
        r"trouver|trouverai|choper|chope|choperai|attraper|attrape|attraperai|traquer|pister|"
        r"recuperer|tomber dessus)\b(?! (?:un|une|des|du|de|quelque|le|la|les|ca|ce|cette|"
        r"mieux|rapidement|vite|bientot|facilement)\b)"
        r"|\b(?:je |on |j'|j )(?:t'|vous |te |t )(?:attends|attend|attendrai|attendra|"
        r"attendrons|attendons|guette|guetterai) (?:a la sortie|devant|en bas|dehors|au coin|"
        r"apres les cours|a la fin|a plusieurs|a 2|a deux|a trois|a 3)"
        r"|\bon (?:se )?(?:verra|voit|se voit|se verra) (?:a la sortie?|dehors|en vrai|irl|"
        r"en face|apres les cours)"
        r"|\b(?:i|we)(?:'ll| will|'re going to|'re gonna| are going to) (?:find|hunt|track)"
        r" (?:you|u)\b|\b(?:i'm|we're|we are|i am) coming for (?:you|u)\b",
    ),
    _p(
        "threat.come_home",
        "threat",
        0.8,
        {
            "chez",
            "domicile",
            "porte",
            "debarquer",
            "debarque",
            "house",
            "home",
            "door",
            "place",
            "doorstep",
            "plusieurs",
            "bande",
            "potes",
            "attend",
            "attends",
            "attendrai",
            "attendrais",
            "attendra",
            "attendrons",
            "guette",
            "guetterai",
        },
        r"\b(?:je |j'|j |on |nous |moi je )(?:vais |va |allons |compte |veux )?"
        r"(?:venir|viens|vient|viendrai|viendra|passer|passe|passerai|debarquer|debarque|"
        r"debarquerai|monter|sonner|frapper|camper|aller|serai|sera|serons|etre)"
        r"(?: te voir| te rendre visite| te chercher| a plusieurs| avec mes potes| en bande)?"
        r" (?:devant chez (?:toi|vous|tes parents)|en bas de chez (?:toi|vous)|"
        r"a (?:ton|votre) domicile|devant (?:ta|votre) porte|a (?:ta|votre) porte|"
        r"chez (?:toi|vous|tes parents) (?:a plusieurs|en bande|avec|et (?:tu|on|je)|"
        r"cette nuit|ce soir|demain)|chez toi(?= ?$| ?[.!]))"
        r"|\bon (?:va |viendra |vient |va venir )?(?:debarquer|debarque|venir|viendra) "
        r"chez (?:toi|vous)"
        r"|\b(?:on|nous) (?:va|vas|allons|viendra|viendrons|vient) (?:venir |debarquer |passer )?"
        r"(?:a plusieurs|en bande|avec (?:mes|nos) (?:potes|gars|freres|cousins))"
        r"|\b(?:je |j'|j |on )(?:l'|la |le |les )(?:attend|attends|attendrai|attendrais|attendra|"
        r"attendrons|guette|guetterai) (?:devant chez (?:elle|lui|eux)|a la sortie|en bas de chez)"
        r"|\b(?:we(?:'ll| will|'re going to|'re gonna| are going to)|i(?:'ll| will|'m going to|"
        r"'m gonna)) (?:come|show up|be|pay a visit|visit you) "
        r"(?:to|at|outside|around) (?:your|ur) (?:house|home|door|place|work|doorstep)",
    ),
    _p(
        "threat.regret",
        "threat",
        0.55,
        {
            "regretter",
            "regretteras",
            "regretterez",
            "payer",
            "paieras",
            "payeras",
            "souffrir",
            "morfler",
            "deguster",
            "cher",
            "baver",
            "couter",
            "regret",
            "pay",
            "suffer",
            "sorry",
        },
        r"\b(?:tu vas|tu va|tu vs|vous allez|t'vas|tu vas bien)"
        r"(?: vraiment| vrm| vrmt| grave| bien|"
        r" trop| tellement)? (?:le |me |nous |la |les )?(?:regretter|"
        r"payer (?:cher|tres cher|pour (?:ca|tout|ce que))|payer(?= ?$| ?[.!])|"
        r"le payer|souffrir|morfler|deguster|prendre cher|en baver|le sentir passer|"
        r"comprendre ta douleur|pleurer ta mere)"
        r"|\btu (?:le |me |nous )?(?:regretteras|paieras|payeras|le paieras)\b"
        r"|\bca (?:va|risque de) (?:te |vous )?couter (?:tres )?cher"
        r"|\byou(?:'ll| will| are going to|'re going to|'re gonna| gonna| are gonna) "
        r"(?:regret (?:this|it|that|everything)|pay for (?:this|it|that|what)|suffer|be sorry)",
    ),
    _p(
        "threat.watch_out",
        "threat",
        0.4,
        {
            "gaffe",
            "attention",
            "prevenu",
            "prevenue",
            "prevenus",
            "avertissement",
            "gare",
            "back",
            "warned",
            "warning",
            "yourself",
        },
        r"\bfais (?:gaffe|attention) (?:a toi|a tes fesses|a ton cul|a ta gueule|a ce que tu "
        r"(?:dis|fais|ecris)|quand tu (?:sors|rentres))"
        r"|\b(?:t'es|tu es|vous etes|t es|te voila) (?:prevenue?|prevenus)\b"
        r"|\bdernier avertissement\b|\bgare a (?:toi|tes fesses|ton cul|vous)\b"
        r"|\bwatch (?:your|ur) back\b|\byou(?:'ve| have) been warned\b|\blast warning\b"
        r"|\bwatch yourself\b",
    ),
    _p(
        "threat.veiled",
        "threat",
        0.5,
        {
            "finir",
            "chauffer",
            "barder",
            "saigner",
            "problemes",
            "ennuis",
            "soucis",
            "arriver",
            "affaire",
            "surveille",
            "surveillons",
            "observe",
            "oeil",
            "voit",
            "suit",
            "impossible",
            "infernale",
            "enfer",
            "dormiras",
            "finie",
            "fini",
            "foutue",
            "foutu",
            "watching",
            "dealing",
            "messing",
            "happen",
            "eye",
            "sleep",
        },
        r"\bca va (?:mal finir|mal se passer|chauffer|barder|saigner)(?: pour toi| pour vous)?"
        r"|\b(?:tu vas|tu va|vous allez) avoir (?:des|de gros|de serieux) "
        r"(?:problemes|ennuis|soucis)"
        r"|\bil (?:va|risque de) (?:t'|vous )arriver (?:quelque chose|des bricoles|malheur|"
        r"des trucs|un accident)"
        r"|\btu (?:ne )?sais pas (?:a|avec) qui tu (?:as affaire|parles|joues|t'attaques)"
        r"|\b(?:on|je|j) (?:te|t'|vous) (?:surveille|surveillons|observe|observons|suit|suis|"
        r"a a l'oeil|ai a l'oeil|garde a l'oeil|vois|voit)\b"
        r"|\b(?:on|je) (?:va|vais) (?:te|vous) (?:faire|rendre|pourrir) la vie"
        r"(?: impossible| infernale| dure)?"
        r"|\b(?:tu|vous) (?:ne )?(?:dormiras|dormirez) (?:plus|jamais) (?:tranquille|en paix)?"
        r"|\b(?:t'es|tu es|t es) (?:finie?|foutue?)\b(?! de)"
        r"|\byou don'?t know who (?:you're|you are|ur) (?:dealing|messing|fucking) with"
        r"|\bsomething (?:bad )?(?:will|is going to|gonna) happen to (?:you|u)"
        r"|\b(?:we're|we are|i'm|i am) watching (?:you|u)\b|\bsleep with one eye open",
    ),
    _p(
        "threat.you_will_see",
        "threat",
        0.35,
        {"voir", "verras", "verrez", "see"},
        r"\b(?:tu vas|tu va|vous allez|tu vs) (?:voir|le voir|comprendre)(?: ce qui (?:va|vas) "
        r"(?:t'arriver|se passer|te tomber dessus)| ta gueule| ta douleur)?"
        r"(?= ?$| ?[.!]| ce qui| quand| demain| ce soir| a la sortie)"
        r"|\btu (?:verras|verrais)(?= ?$| ?[.!])|\byou(?:'ll| will) see(?= ?$| ?[.!])",
    ),
    _p(
        "threat.conditional",
        "threat",
        0.5,
        {"sinon", "si", "ou", "else"},
        r"\b(?:sinon|ou sinon|ou bien|ou) (?:je |j'|j |on )(?:vais |va |te |t'|vous |t )"
        r"(?:te |t'|vous |t )?(?:"
        + "|".join(
            [
                "tuer",
                "buter",
                "frapper",
                "defoncer",
                "casser",
                "peter",
                "retrouver",
                "balancer",
                "afficher",
                "exposer",
                "detruire",
                "faire",
                "publier",
                "poster",
                "envoyer",
                "niquer",
                "bute",
                "tue",
                "defonce",
                "casse",
                "pete",
            ]
        )
        + r")"
        r"|\bsi tu (?:continues|recommences|parles|portes plainte|vas voir (?:la police|les "
        r"flics)|ouvres (?:encore )?(?:ta|la) (?:gueule|bouche)|reviens|postes|publies|"
        r"supprimes pas|effaces pas)[^.!?]{0,40}\b(?:je |j'|j |on )(?:vais |va )?"
        r"(?:te |t'|vous |t )"
        r"|\bor else\b|\bif you (?:keep|continue|post|talk|go to the police|report)"
        r"[^.!?]{0,40}\b(?:i|we)(?:'ll| will| am going to| are going to)",
    ),
    _p(
        "threat.family",
        "threat",
        0.85,
        {
            "famille",
            "enfants",
            "gosses",
            "momes",
            "mome",
            "fille",
            "fils",
            "soeur",
            "frere",
            "irai",
            "irais",
            "mere",
            "pere",
            "parents",
            "femme",
            "mari",
            "gamins",
            "gamin",
            "maternelle",
            "creche",
            "family",
            "kids",
            "children",
            "daughter",
            "son",
            "wife",
            "mother",
            "husband",
        },
        r"\b(?:ta|tes|ton|votre|vos) (?:famille|enfants|gosses|momes|fille|fils|soeur|"
        r"petite soeur|frere|mere|pere|parents|femme|mari|gamins|copine|copain)"
        r" (?:va|vont|vas|ira|iront|sera|seront|risque|risquent|pourrait|pourraient) "
        r"(?:payer|y passer|souffrir|morfler|le regretter|crever|mourir|prendre cher|"
        r"avoir des problemes|avoir un accident|disparaitre)"
        r"|\b(?:j'irai|j irai|j'irais|j irais|je vais aller|on va aller|on ira|je vais) "
        r"(?:la |le |les )?"
        r"(?:chercher|attendre|recuperer|prendre) (?:a|devant) (?:l'ecole|la maternelle|"
        r"la creche|la sortie de l'ecole|son ecole|leur ecole)"
        r"|\b(?:je|on) (?:vais|va) (?:m'occuper|s'occuper|m'en prendre|s'en prendre) "
        r"(?:de|a) (?:ta|tes|ton) (?:famille|enfants|fille|fils|soeur|mere|femme|gosses)"
        r"|\b(?:your|ur) (?:family|kids|children|daughter|son|wife|mother|husband|mom)"
        r" (?:will|are going to|is going to|gonna|are gonna|is gonna) "
        r"(?:pay|suffer|die|regret|get hurt)",
    ),
    _p(
        "threat.violence",
        "threat",
        0.75,
        _words(HIT),
        SUBJ + FUT + r"(?:(?P<o2>" + OBJ2 + r")|" + OBJ3 + r")" + _alt(HIT) + r"\b"
        r"(?! (?:un|une) (?:message|mail|lien|dm|mp|sms|cadeau|bise|bisou|verre|cafe))",
        decide=_obj_verdict(
            ("threat.violence", "threat", 0.75), ("threat.violence_third", "threat", 0.6)
        ),
    ),
    _p(
        "threat.violence",
        "threat",
        0.75,
        set(BREAK) | {"poing", "trottoir", "mains"},
        SUBJ + FUT + r"(?:te |t'|t |vous |lui )?" + _alt(BREAK) + r" (?:la |les |le |ta |tes |"
        r"ton |sa |ses |son |)" + _alt(BODY) + r"\b"
        r"|\bmon poing (?:dans|sur) (?:ta|la|ton|sa|votre) (?:gueule|face|tronche|bouche|nez)"
        r"|\btu vas (?:prendre|manger|recevoir|te prendre) (?:une|des|cher|un) ?"
        r"(?:baffes?|claques?|coups?|patates?|droites?|tartes?|raclees?|pains?|mandales?)?"
        r"|\btu vas te faire (?:defoncer|tabasser|casser la gueule|demonter|frapper|lyncher|"
        r"massacrer|eclater|niquer|refaire le portrait)",
    ),
    _p(
        "threat.violence",
        "threat",
        0.75,
        _EN_WILL,
        I_WILL
        + r"(?:(?P<o2>"
        + "(?:"
        + "|".join(EN_HIT)
        + r") "
        + EN_OBJ2
        + r")|"
        + "(?:"
        + "|".join(EN_HIT)
        + r") "
        + EN_OBJ3
        + r")"
        r"|\b(?:i|we)(?:'ll| will|'m gonna|'re gonna| gonna) (?:beat|kick|knock) "
        r"(?:the (?:shit|crap|hell|fuck)|your ass|ur ass)(?: out of (?:you|u))?"
        r"|\b(?:i|we)(?:'ll| will|'m gonna|'re gonna| gonna) (?:break|snap|smash) "
        r"(?:your|ur) (?:neck|legs|arms|jaw|face|teeth|skull|nose)",
        decide=lambda m, norm: (
            ("threat.violence", "threat", 0.75)
            if (m.group("o2") or not m.group().startswith(("i", "we", "gonna")))
            else ("threat.violence_third", "threat", 0.6)
        ),
    ),
    # rape threats are threats and sexual harassment
    _p(
        "threat.rape",
        "threat",
        0.95,
        {
            "violer",
            "viole",
            "violee",
            "violerai",
            "violera",
            "tournante",
            "tourner",
            "tournee",
            "rape",
            "raped",
        },
        SUBJ + FUT + r"(?:te |t'|t |vous |la |le |les |l'|lui )?(?:violer|viole|violerai|"
        r"violera|violerons|faire une tournante|faire tourner|faire tournee|passer dessus a "
        r"plusieurs)\b"
        r"|\b(?:dire|demander) a (?:un|des|mes|nos) \w+ de (?:la |le |te |les )violer"
        r"|\b(?:tu merites|tu meriterais|tu devrais|elle merite|elle meriterait|faut|faudrait|"
        r"il faut|il faudrait) (?:de te faire |d'etre |de se faire |te |la |les |qu'on te )"
        r"(?:violer|violee|viole|violent)"
        r"|\b(?:i|we)(?:'ll| will|'m going to|'m gonna|'re gonna| gonna| want to| wanna) rape "
        r"(?:you|u|her|them)\b|\b(?:you|she|he) (?:deserves?|should|needs? to) (?:to )?"
        r"(?:be|get) raped\b|\bhope (?:you|u|she) (?:get|gets) raped\b",
        also=("sexual.rape_threat", "sexual_harassment", 0.9),
    ),
]

# ------------------------------------------------------------------------------ incitement
_HARASS_OBJECT = re.compile(
    r"harcel|insult|menac|attaqu|haters?\b|trolls?\b|bots?\b|harass|abus|threat|messages|"
    r"(?:these|those) accounts|accounts (?:that|who|harassing)|"
    r"comptes (?:qui|"
    r"haineux|racistes|sexistes)|ces comptes|raclures|lache|agress|cyberharcel"
)


def _report(m: re.Match[str], norm: str) -> Verdict | None:
    """ "signalez les comptes qui la harcèlent" is support; "signalez-la" is incitement."""
    obj = m.group("obj").strip()
    person = re.match(
        r"-?(?:le|la|l'|lui)\b|son |sa |ses |cet? (?:individu|mec|type|gars|"
        r"compte)|cette (?:meuf|personne|folle|salope|pute|conne|femme|fille|"
        r"journaliste)|@user|(?:her|him|his|this account)\b",
        obj,
    )
    if person:
        # A person is named: incitement, weaker when harassment is alleged ("il la harcèle").
        return ("incitement.mass_report", "incitement", 0.35 if _HARASS_OBJECT.search(obj) else 0.6)
    if _HARASS_OBJECT.search(obj):
        return ("support.report_abusers", "support", 0.6)
    # "des messages comme … sont des menaces : signalez-les" (the messages, not the target)
    if re.match(r"-?les\b|-?ces\b|them\b", obj):
        if _HARASS_OBJECT.search(norm[: m.start()]):
            return ("support.report_abusers", "support", 0.6)
        return ("incitement.mass_report", "incitement", 0.5)
    return None


_INCITEMENT = [
    _p(
        "incitement.mass_report",
        "incitement",
        0.6,
        {
            "signalez",
            "signaler",
            "signalons",
            "signalez-le",
            "signalez-la",
            "signalez-les",
            "report",
            "reportez",
            "mass",
            "signalement",
            "signalements",
        },
        r"\b(?:signalez|signaler|signalons|reportez|report|mass ?report(?:ing)?|"
        r"signalement(?:s)? en masse|signalements? massifs?)(?:-(?=l)|\b)(?P<obj>[^.!?\n]{0,70})",
        decide=_report,
    ),
    _p(
        "incitement.swarm",
        "incitement",
        0.6,
        {
            "tous",
            "tout",
            "allez",
            "aller",
            "allons",
            "venez",
            "go",
            "harcelez",
            "insultez",
            "spammez",
            "pourrissez",
            "inondez",
            "affichez",
            "detruisez",
            "lynchez",
            "bombardez",
            "ratio",
            "raid",
            "faites",
            "rendez",
            "everyone",
            "everybody",
            "lets",
            "let's",
            "spam",
            "flood",
            "harass",
            "dogpile",
            "claviers",
            "massivement",
            "masse",
            "pourrit",
            "spamme",
            "harcele",
            "inonde",
            "bombarde",
        },
        r"\b(?:tous|toutes|tout le monde|everyone|everybody) (?:sur|chez|go|a|au|vers|on) "
        r"(?:@user|lui|elle|eux|son (?:compte|profil|insta|twitter|tiktok|post|tweet)|"
        r"sa (?:page|photo)|ses (?:posts|tweets|photos|comptes)|ce compte|cette (?:meuf|folle|"
        r"conne|salope))"
        r"|\b(?:allez|aller|go|vas-y|allez-y|venez|allons) (?:tous |toutes )?(?:lui |leur )"
        r"(?:dire|ecrire|expliquer|rappeler|faire comprendre|envoyer|repondre|souhaiter)"
        r"|\b(?:allez|allons|venez|on va|go) (?:tous |toutes )?(?:l'|le |la |les )?"
        r"(?:insulter|harceler|emmerder|spammer|defoncer|detruire|pourrir|afficher|lyncher|"
        r"humilier|clasher|ratio|ratioer|bombarder|inonder)"
        r"|\b(?:harcelez|insultez|spammez|pourrissez|inondez|affichez|detruisez|lynchez|"
        r"ratioez|bombardez|emmerdez|defoncez)(?:-| )(?:le|la|les|lui|leur|son|sa|ses|@user|"
        r"cette|ce)\b"
        r"|\b(?:rt|retweetez|partagez|diffusez) (?:massivement|en masse|un max|a fond)"
        r"|\bon (?:la |le |les |l')?(?:pourrit|spamme|harcele|insulte|inonde|defonce|detruit|"
        r"bombarde|ratio) (?:son|sa|ses|la|le|les|l'|sur)\b"
        r"|\bfaites(?:-| )(?:le|la|les|lui|leur) (?:payer|regretter|vivre un enfer|taire)"
        r"|\brendez(?:-| )(?:lui|leur) la vie (?:impossible|infernale|dure)"
        r"|\ba vos claviers\b|\braid (?:sur|contre|chez) "
        r"|\b(?:everyone|everybody|y'all|lets|let's|go) (?:go )?(?:tell|harass|spam|attack|"
        r"flood|ratio|dogpile|raid|report) (?:him|her|them|@user|this)\b"
        r"|\b(?:spam|flood|raid|ratio) (?:his|her|their|this) (?:account|page|mentions|post)",
    ),
    _p(
        "incitement.find",
        "incitement",
        0.75,
        {
            "retrouvez",
            "retrouvez-le",
            "retrouvez-la",
            "retrouvez-les",
            "retrouver",
            "trouver",
            "trouvez",
            "cherchez",
            "balancez",
            "postez",
            "donnez",
            "diffusez",
            "publiez",
            "partagez",
            "adresse",
            "numero",
            "num",
            "identite",
            "habite",
            "vit",
            "bosse",
            "travaille",
            "find",
            "dox",
            "doxx",
            "expose",
            "address",
            "number",
            "leak",
            "identifier",
            "doxxez",
        },
        r"\bretrouvez(?:-| )(?:le|la|les|l'|ce|cette|son|sa|ses|@user)\b"
        r"|\b(?:il |)(?:faut|faudrait) (?:le|la|les|l') (?:retrouver|trouver|choper|identifier)"
        r"|\b(?:trouvez|cherchez|balancez|partagez|postez|donnez|diffusez|publiez|envoyez)"
        r"(?:-moi|-nous| moi| nous)? (?:son|sa|ses|leur|leurs) (?:adresse|numero|num|06|07|tel|"
        r"telephone|identite|vrai nom|nom|employeur|boulot|photos?|domicile|ecole|lycee|plaque|"
        r"coordonnees|infos)"
        r"|\b(?:qui|quelqu'un|quelqu un) (?:a|connait|possede|sait) (?:son|sa|ses|leur) "
        r"(?:adresse|numero|num|06|tel|identite|vrai nom|nom de famille|employeur|ecole)"
        r"|\b(?:qui|quelqu'un|quelqu un) sait ou (?:il|elle|ils|elles|@user) (?:habite|vit|"
        r"bosse|travaille|loge|dort)"
        r"|\bdoxx?(?:ez)?(?:-| )(?:le|la|les|lui)\b"
        r"|\b(?:find|dox|doxx|expose|track down) (?:him|her|them|this (?:bitch|guy|person)|@user)"
        r"\b|\b(?:anyone|does anyone|who|somebody|someone) (?:have|has|know|knows|got) (?:his|"
        r"her|their) (?:address|number|phone|real name|employer|workplace|school)"
        r"|\b(?:post|drop|share|leak) (?:his|her|their) (?:address|number|info|dox|phone)",
    ),
    _p(
        "incitement.contact",
        "incitement",
        0.6,
        {
            "appelez",
            "appelez-la",
            "appelez-le",
            "contactez",
            "ecrivez",
            "ecrivez-lui",
            "call",
            "email",
            "text",
        },
        r"\b(?:appelez|contactez|ecrivez|telephonez|spammez|harcelez)(?:-| )(?:la|le|les|lui|leur)"
        r" (?:au|a|sur|par)\b"
        r"|\b(?:call|text|email) (?:her|him|them) (?:at|on)\b",
    ),
    # calls to kill are incitement and death threats; calls to beat are incitement
    _p(
        "incitement.violence",
        "incitement",
        0.85,
        _CALL
        | {
            "mort",
            "pendez",
            "tuez",
            "butez",
            "brulez",
            "fusillez",
            "gazez",
            "pende",
            "tue",
            "brule",
            "fusille",
            "bute",
            "lynche",
            "gaze",
            "egorge",
            "noie",
            "abatte",
            "decapite",
            "lynchez",
            "egorgez",
            "abattez",
            "bucher",
            "potence",
            "poteau",
            "lanterne",
            "hang",
            "gas",
        },
        r"\b(?:il )?(?:faut|faudrait|faut que quelqu'un|quelqu'un doit|quelqu'un devrait|"
        r"on devrait|on doit|faut juste|faudra) (?:le |la |les |l'|lui |leur |leurs )"
        r"(?:"
        + "|".join(k for k in KILL if " " in k or k.endswith(("er", "re", "ir")))
        + r"|bruler|lyncher|eliminer|exterminer|gazer|buter tous|tuer tous)\b"
        r"|\bqu'on (?:le |la |les |l')(?:pende|tue|brule|fusille|bute|lynche|gaze|egorge|noie|"
        r"abatte|decapite)"
        r"|\b(?:au|a la) (?:bucher|poteau|potence|lanterne)\b"
        r"|\ba mort (?:@user|le |la |les |ce |cette |ces |l')"
        r"|\bmort aux? \w+"
        r"|\b(?:pendez|tuez|butez|brulez|fusillez|gazez|lynchez|egorgez|abattez)(?:-| )"
        r"(?:le|la|les|lui|tous|toutes|ces|ce|cette)\b"
        r"|\b(?:someone|somebody|you all|y'all|people|we) (?:should|needs? to|gotta|has to|"
        r"have to|must) (?:kill|shoot|hang|murder|lynch|burn) (?:him|her|them|this|that|these|"
        r"those)\b"
        r"|\b(?:he|she|they) (?:should|must|needs? to|deserves? to) (?:be )?(?:killed|shot|"
        r"hanged|hung|lynched|die|burned|burnt|executed)\b"
        r"|\bhang (?:him|her|them)\b|\bgas (?:the|them|all)\b",
        also=("threat.death_call", "threat", 0.85),
    ),
    _p(
        "incitement.violence",
        "incitement",
        0.75,
        _CALL,
        r"\b(?:il )?(?:faut|faudrait|faut que quelqu'un|quelqu'un doit|quelqu'un devrait|"
        r"on devrait|on doit|faut juste|faudra) (?:le |la |les |l'|lui |leur |leurs )"
        r"(?:frapper|tabasser|defoncer|violer|casser la gueule|faire taire|faire payer|"
        r"degommer|eclater|demonter|cogner|lyncher|massacrer|bruler)"
        r"|\b(?:someone|somebody|you all|y'all|people|we) (?:should|needs? to|gotta|has to|"
        r"have to|must) (?:(?:beat|punch|rape|stab|hurt|slap|dox) (?:him|her|them|this|that)\b|"
        r"shut (?:him|her|them) up\b)"
        r"|\b(?:he|she|they) (?:should|must|needs? to|deserves? to) (?:be |get )?(?:raped|"
        r"beaten|punched|stabbed)\b",
        also=("threat.violence_call", "threat", 0.6),
    ),
]

# ------------------------------------------------------------------------------ defamation
_DEFAMATION = [
    _p(
        "defamation.crime_claim",
        "defamation",
        0.6,
        {
            "viole",
            "violee",
            "agresse",
            "drogue",
            "tue",
            "assassine",
            "vole",
            "escroque",
            "arnaque",
            "detourne",
            "touche",
            "tripote",
            "raped",
            "molested",
            "abused",
            "groomed",
            "killed",
            "murdered",
            "stole",
            "scammed",
            "defrauded",
            "embezzled",
            "molests",
            "rapes",
        },
        r"(?<![\w@])(?:il|elle|@user|lui|ce mec|ce type|cette meuf|cette femme|ton pere|ton mec|"
        r"tu|t'|vous|he|she|you) (?:a |as |avez |avait |has |have |had )?(?:deja )?"
        r"(?:viole|agresse|drogue|assassine|escroque|arnaque|detourne|touche|tripote|"
        r"raped|molested|abused|groomed|murdered|scammed|defrauded|embezzled|molests|rapes|"
        r"stole|vole)"
        r" (?:des|une|un|sa|ses|les|son|mon|ma|a|an|her|his|their|children|kids|enfants|gamins|"
        r"gamines|mineures?|mineurs|petites?|fillettes?|femmes?|gens|money|argent|millions|"
        r"une gamine|des gosses|little)",
    ),
]

# ------------------------------------------------------------------------ sexual harassment
_SEXUAL = [
    _p(
        "sexual.demand",
        "sexual_harassment",
        0.8,
        {
            "envoie",
            "envoi",
            "envois",
            "envoies",
            "montre",
            "montres",
            "montrez",
            "voir",
            "file",
            "suce",
            "suces",
            "sucer",
            "baiser",
            "sauter",
            "lecher",
            "doigter",
            "sodomiser",
            "enculer",
            "toucher",
            "tripoter",
            "peloter",
            "coucher",
            "assieds",
            "send",
            "show",
            "suck",
            "sit",
            "fuck",
            "bang",
            "lick",
            "grope",
            "nudes",
            "nude",
        },
        r"\b(?:envoie|envoi|envois|envoies|envoyez|montre|montres|montrez|fais voir|file|donne)"
        r"(?:-moi| moi|-nous)? (?:des |tes |ta |ton |une |un |quelques |moi )?(?:nudes?|"
        r"photos? (?:nue?s?|de toi nue?|de tes seins|de ton cul|sexy|hot|en sous-vetements)|"
        r"seins|nichons|fesses|cul|chatte|bite|tetons|nibards|formes|boobs|tits|pussy)"
        r"|\bsuce(?:-| )(?:moi|ma|mes|la|les)\b|\btu suces\b"
        r"|\b(?:je veux|j'ai envie de|je vais|on va|laisse-moi|laisse moi|j'aimerais|je voudrais)"
        r" (?:te |t')(?:baiser|sauter|prendre|lecher|doigter|sodomiser|enculer|toucher|tripoter|"
        r"peloter|culbuter|defoncer la chatte|remplir|mettre ma)"
        r"|\b(?:viens|tu veux|on va) (?:baiser|coucher|sucer|niquer)\b"
        r"|\bassieds(?:-| )toi sur (?:ma|mon) (?:bite|queue|face|visage|teub)"
        r"|\b(?:send|show)(?: me)? (?:nudes|(?:your|ur) (?:tits|boobs|ass|pussy|body|dick))"
        r"|\b(?:i want to|i wanna|i'm gonna|i'll|let me|i'd) (?:fuck|bang|touch|lick|grope|"
        r"eat out) (?:you|u|ur|your)\b|\bsuck my (?:dick|cock)\b|\bsit on my (?:face|dick)\b",
    ),
    _p(
        "sexual.body",
        "sexual_harassment",
        0.55,
        {
            "seins",
            "nichons",
            "fesses",
            "cul",
            "boobs",
            "tits",
            "levres",
            "cuisses",
            "formes",
            "courbes",
            "nibards",
            "tetons",
            "bonne",
            "baisable",
            "chaude",
            "chaudasse",
            "bandante",
            "excitante",
            "sexy",
            "hot",
            "fuckable",
            "baiserais",
            "prendrais",
            "sauterais",
            "ass",
            "pattes",
            "genoux",
            "bander",
            "mouiller",
        },
        r"\b(?:t'as|tu as|vous avez|t'a|elle a|t as) (?:de |des |une |un |de belles |de beaux |"
        r"de bons |de bonnes |de gros |de grosses )?(?:beaux |belles |bons |bonnes |gros |grosses |"
        r"jolis |jolies |petits |petites |sacres |sacrees )?(?:seins|nichons|fesses|cul|boobs|"
        r"tits|levres|cuisses|formes|courbes|nibards|tetons)\b"
        r"|\b(?:tes|vos) (?:seins|nichons|fesses|boobs|tits|cuisses|tetons|nibards|levres|formes|"
        r"courbes)\b|\b(?:me|m') (?:fait|font|fais|faites) (?:bander|mouiller)\b"
        r"|\b(?:t'es|tu es|t es|tes|vous etes|elle est) (?:trop |vraiment |tellement |grave |bien |"
        r"super |tres )?(?:bonne|baisable|chaudasse|bandante|excitante|fuckable)"
        r"(?= ?$| ?[.!,?]| emoji_| (?:de ouf|grave|sa mere|comme|la|ta|cette|toi|avec|quand|"
        r"en vrai)\b)"
        r"|\bje (?:te |t')(?:baiserais|prendrais|sauterais|defoncerais|mettrais)\b"
        r"|\ba (?:quatre pattes|genoux) (?:salope|chienne|devant moi|sale)"
        r"|\b(?:nice|great|big|sexy) (?:tits|boobs|ass)\b"
        r"|\byou(?:'re| are| r) (?:so |really )?(?:fuckable|sexy af)\b"
        r"|\b(?:i'd|i would) (?:fuck|bang|smash|hit) (?:you|u|that)\b",
    ),
    _p(
        "sexual.objectify",
        "sexual_harassment",
        0.5,
        {"trou", "poupee", "qu'a", "vide-couilles", "vide", "foutre"},
        r"\b(?:t'es|tu es|c'est|t es|elle est) (?:juste |qu'|rien qu')?(?:un trou|une poupee "
        r"gonflable|un vide-couilles|un vide couilles|un sac a foutre|une salope a)"
        r"|\bbonne qu'a (?:sucer|baiser|ecarter|ca|la baise)",
    ),
]

# -------------------------------------------------------------------------- identity attacks
_IDENTITY = [
    _p(
        "identity.go_back.origin",
        "identity_attack",
        0.7,
        {
            "retourne",
            "retournez",
            "rentre",
            "rentrez",
            "renvoyez",
            "repars",
            "repartez",
            "degage",
            "degagez",
            "dehors",
            "remigration",
            "francais",
            "back",
            "send",
        },
        r"\b(?:retourne|retournez|rentre|rentrez|renvoyez(?:-les| les)?|repars|repartez|"
        r"casse-toi|cassez-vous|degage|degagez|rentre chez toi) (?:dans|en|au|a|chez|sur) "
        r"(?:ton |ta |votre |vos |leur |leurs |son |sa |l')?(?:pays|bled|afrique|maghreb|"
        r"algerie|maroc|tunisie|senegal|mali|chine|brousse|jungle|desert|cocotiers?|arbre|grotte|"
        r"caverne|ghetto|gourbi|tribu|cases?)\b"
        r"|\bla france aux francais\b|\bremigration\b"
        r"|\bdehors les (?:arabes|noirs|musulmans|migrants|juifs|etrangers|bougnoules|negres|"
        r"renois|rebeus|roms|chinois|immigres)"
        r"|\bgo back to (?:your|ur|their) (?:country|africa|china|mexico|shithole|own country|"
        r"jungle|cave|desert)|\bsend them (?:all )?back\b",
    ),
    _p(
        "identity.sexist.sex_or_gender",
        "identity_attack",
        0.6,
        {"cuisine", "vaisselle", "menage", "sandwich", "kitchen", "femmes"},
        r"\b(?:retourne|retournez|va|allez|file|filez) (?:a |dans |faire )?"
        r"(?:la |ta |votre )?(?:cuisine|vaisselle|menage)\b"
        r"|\b(?:fais|faites)(?:-| )moi (?:un sandwich|a manger)\b"
        r"|\bmake me a sandwich\b|\b(?:get )?back (?:to|in) the kitchen\b"
        r"|\bles femmes (?:c'est|ca sert|sont faites?) (?:juste |qu'|que )?(?:pour|a|bonnes a)",
    ),
]

# --------------------------------------------------------------------------------- doxxing
_DOXXING = [
    _p(
        "doxxing.phone",
        "doxxing",
        0.85,
        (),
        r"(?<![\d+])(?:(?:\+|00) ?33 ?\(?0?\)? ?[1-9]|0[1-9])(?:[ .-]?\d{2}){4}(?!\d)",
        redact="phone number",
        prefilter=_EIGHT_DIGITS,
        decide=lambda m, norm: (
            "doxxing.phone",
            "doxxing",
            0.85 if re.search(r"(?:^|[^\d])(?:0|33 ?\(?0?\)? ?)[67]", m.group()) else 0.7,
        ),
    ),
    _p(
        "doxxing.phone",
        "doxxing",
        0.7,
        (),
        r"(?<![\d+])\+(?!33)[1-9]\d{0,2}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}(?!\d)"
        r"|(?<![\d-])\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b(?![\d-])",
        redact="phone number",
        prefilter=_EIGHT_DIGITS,
    ),
    _p(
        "doxxing.address",
        "doxxing",
        0.8,
        {
            "rue",
            "avenue",
            "av",
            "boulevard",
            "bd",
            "bvd",
            "allee",
            "impasse",
            "chemin",
            "place",
            "quai",
            "route",
            "cours",
            "square",
            "passage",
            "villa",
            "residence",
            "lotissement",
            "cite",
            "sentier",
            "voie",
            "faubourg",
            "rond",
            "street",
            "st",
            "ave",
            "road",
            "rd",
            "lane",
            "ln",
            "drive",
            "dr",
            "blvd",
            "court",
            "ct",
            "way",
            "pl",
        },
        r"\b\d{1,4}(?: ?(?:bis|ter))?,? (?:rue|avenue|av|boulevard|bd|bvd|allee|impasse|chemin|"
        r"place|quai|route|cours|square|passage|villa|residence|lotissement|cite|sentier|voie|"
        r"faubourg|rond-point) (?:de la |de l'|du |des |de |d')?[a-z][a-z'-]+"
        r"|\b\d{1,5} (?:[a-z]+ ){1,2}(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|"
        r"boulevard|blvd|court|ct|way|place|pl)\b",
        redact="postal address",
    ),
    _p(
        "doxxing.plate",
        "doxxing",
        0.5,
        (),
        r"(?<![\w-])[a-z]{2}-\d{3}-[a-z]{2}(?![\w-])",
        redact="licence plate",
        prefilter=r"\d{3}-[a-z]",
    ),
    _p(
        "doxxing.id_number",
        "doxxing",
        0.7,
        (),
        r"\bfr\d{2}(?: ?[0-9a-z]{4}){5}(?: ?[0-9a-z]{1,3})?\b"
        r"|(?<!\d)[12] ?\d{2} ?(?:0[1-9]|1[0-2]) ?\d{2} ?\d{3} ?\d{3}(?: ?\d{2})?(?!\d)",
        redact="bank or social-security number",
        prefilter=_EIGHT_DIGITS,
    ),
    _p("doxxing.email", "doxxing", 0.6, {"email_addr"}, r"\bemail_addr\b", redact="e-mail address"),
    _p(
        "doxxing.lives_at",
        "doxxing",
        0.3,
        {
            "habite",
            "habitent",
            "vit",
            "vivent",
            "loge",
            "reside",
            "dort",
            "bosse",
            "travaille",
            "scolarise",
            "scolarisee",
            "lives",
            "works",
        },
        r"(?<![\w@])(?:il|elle|ils|elles|@user|cette (?:meuf|folle|conne|femme|personne)|"
        r"ce (?:mec|type|gars)|sa (?:mere|famille)) (?:habite|habitent|vit|vivent|loge|reside|"
        r"dort|bosse|travaille|est scolarise|est scolarisee) (?:au |a |aux |dans la rue |rue |"
        r"en face |pres |sur |chez |dans le |dans la |au-dessus )[^.!?]{2,40}"
        r"|\b(?:he|she|they) (?:lives|live|works|work) (?:at|on) [^.!?]{2,40}",
        redact="where someone lives or works",
    ),
    _p(
        "doxxing.shares_info",
        "doxxing",
        0.6,
        {
            "adresse",
            "domicile",
            "numero",
            "num",
            "tel",
            "telephone",
            "portable",
            "plaque",
            "immatriculation",
            "employeur",
            "coordonnees",
            "address",
            "number",
            "voici",
            "here's",
            "here",
            "06",
            "07",
        },
        r"\b(?:son|sa|ses|leur) (?:adresse|domicile|numero|num|tel|telephone|portable|06|07|"
        r"plaque|immatriculation|employeur|lieu de travail|coordonnees)(?: perso)?"
        r" ?(?:c'est|est|:|=|->|la voici|ici|en dm|en mp|en bio)"
        r"|\bvoici (?:son|sa|ses|leur) (?:adresse|numero|num|tel|06|coordonnees|infos|identite|"
        r"vrai nom)"
        r"|\b(?:his|her|their) (?:address|number|phone number|home address|workplace) (?:is|:)"
        r"|\bhere(?:'s| is) (?:his|her|their) (?:address|number|info|phone)",
        redact="someone's personal data",
    ),
]

# --------------------------------------------------------------------------------- support
_SUPPORT = [
    _p(
        "support.condemnation",
        "support",
        0.6,
        {
            "honte",
            "stop",
            "harcelement",
            "cyberharcelement",
            "laissez",
            "laissez-la",
            "racisme",
            "discrimination",
            "sexisme",
            "homophobie",
            "transphobie",
            "grossophobie",
            "misogynie",
            "antisemitisme",
            "propos",
            "arretez",
            "laissez-le",
            "laissez-les",
            "foutez",
            "foutez-lui",
            "justifie",
            "harassment",
            "leave",
            "bullying",
            "acharnement",
            "inadmissible",
            "inacceptable",
            "intolerable",
            "scandaleux",
        },
        r"\bhonte a (?:ceux|celles|vous|eux|ces|tous ceux|toutes celles|ce)\b"
        r"|\bstop (?:au |aux |a la |a l')?(?:harcelement|cyberharcelement|haine|raids?|insultes|"
        r"menaces|acharnement|meute)"
        r"|\b(?:c'est|ceci est|ca s'appelle|ca c'est|c est) du (?:cyber-?)?harcelement"
        r"|\blaissez(?:-| )(?:la|le|les|lui) (?:tranquilles?|en paix|vivre|respirer)"
        r"|\bfoutez(?:-| )(?:lui|leur|nous) la paix|\brien ne justifie\b"
        r"|\b(?:c'est|c est|ce harcelement est|ces messages sont|ces insultes sont|ces menaces "
        r"sont) (?:juste |vraiment |totalement |absolument )?(?:inadmissible|inacceptable|"
        r"intolerable|scandaleux|honteux|ignoble|abject|degueulasse|revoltant)s?"
        r"|\b(?:c'est|c est|ca c'est|ca s'appelle) (?:du |de la |une |un )?(?:pure |vrai |"
        r"vraie )?(?:racisme|discrimination|sexisme|homophobie|transphobie|grossophobie|"
        r"misogynie|antisemitisme|harcelement)\b"
        r"|\b(?:ces |tes |vos |leurs )propos (?:sont )?(?:desolants|inadmissibles|racistes|"
        r"sexistes|homophobes|honteux|degueulasses|ignobles)"
        r"|\barretez (?:de (?:la |le |les |l')?(?:harceler|insulter|emmerder|menacer)|"
        r"de vous moquer|ce harcelement)"
        r"|\bleave (?:her|him|them) alone\b|\bthis is (?:harassment|bullying|abuse)\b"
        r"|\bstop (?:the )?(?:harassment|hate|bullying|pile-?on)\b",
    ),
    _p(
        "support.solidarity",
        "support",
        0.6,
        {
            "soutien",
            "soutiens",
            "soutient",
            "ecoute",
            "comme",
            "listen",
            "courage",
            "force",
            "avec",
            "seule",
            "seul",
            "tiens",
            "lache",
            "soin",
            "crois",
            "support",
            "stand",
            "strong",
            "alone",
            "back",
            "love",
            "hugs",
            "solidarite",
            "fiere",
            "fier",
            "proud",
            "hang",
        },
        r"\b(?:je te soutiens|je vous soutiens|on te soutient|on vous soutient|tout mon soutien|"
        r"tout notre soutien|soutien total|soutien a toi|soutien a vous|force a (?:toi|vous|elle|"
        r"lui)|(?:plein de |bon )?courage a (?:toi|vous|elle|lui)|on est (?:tous |toutes )?(?:avec|"
        r"derriere|la pour) (?:toi|vous|elle|lui)|je suis (?:avec|derriere|la pour) (?:toi|vous|"
        r"elle|lui)|tu n'es pas seule?|t'es pas seule?|vous n'etes pas seule?s?|tiens bon|"
        r"lache rien|ne lache rien|prends soin de toi|je te crois|on te croit|fiere? de toi|"
        r"solidarite avec|i support you|we support you|stand with (?:you|her|him)|stay strong|"
        r"sending (?:love|hugs|strength)|you(?:'re| are) not alone|got your back|"
        r"hang in there|proud of you|ne (?:les|l') ecoute pas|les ecoute pas|"
        r"(?:t'es|tu es) (?:tres |trop )?bien comme (?:tu es|t'es)|je (?:la|le|te) soutiens|"
        r"(?:on|je) (?:la|le|te|vous) soutien[st]?|don'?t listen to (?:them|the haters))\b",
    ),
]

PATTERNS: tuple[Pattern, ...] = (
    *_THREATS,
    *_INCITEMENT,
    *_DEFAMATION,
    *_SEXUAL,
    *_IDENTITY,
    *_DOXXING,
    *_SUPPORT,
)
