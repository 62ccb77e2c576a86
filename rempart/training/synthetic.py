"""Template-generated training examples for the categories and hard negatives data lacks.

:func:`generate` fills French (mostly) and English templates with combinatorial slots (targets
and mentions, insults, verbs, groups, emoji, typos and obfuscation such as leetspeak and letter
spacing) and returns :class:`.categories.Example` records labelled for every output, with
``source="synthetic"``. It is deterministic: the same ``seed`` and ``n_per_template`` give the
same examples in the same order.

Positives: threats without slurs, threats with slurs, explicit death threats, death wishes and
incitement to suicide, incitement (mass reporting, swarming, finding, violence), defamation,
sexual harassment, doxxing (all personal data is fake: French numbers from the ranges ARCEP
reserves for fiction, ``example.*`` e-mail domains, generic streets), identity attacks and
spam/flood. Hard negatives (``abusive`` 0): support and solidarity, counter-speech that quotes
insults to denounce them (``support`` 1), negated insults, neutral mentions of identity groups,
talk about violence that is not a threat (news, fiction, games, idioms), reclaimed and
self-referential uses, everyday disagreement, and public contact details.

Example::

    examples = generate(seed=0, n_per_template=4)
    examples[0].labels    # {'abusive': 1, 'insult': 0, 'threat': 1, ...}
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..analysis.classify.categories import ABUSIVE_CATEGORIES, CATEGORIES, OUTPUTS, Example

__all__ = ["FAMILIES", "Family", "generate"]

SOURCE = "synthetic"


@dataclass(frozen=True)
class Family:
    """Templates that share their labels: ``categories`` are set to 1, the others to 0."""

    name: str
    lang: str
    categories: frozenset[str]
    templates: tuple[str, ...]
    identity: tuple[str, ...] = ()


def _fam(name: str, lang: str, cats: str, templates: str, identity: str = "") -> Family:
    """A family from a space-separated category list and one template per line."""
    lines = tuple(t.strip() for t in templates.strip().splitlines() if t.strip())
    return Family(name, lang, frozenset(cats.split()), lines, tuple(identity.split()))


# ---------------------------------------------------------------------------------- slots
_HANDLES = (
    "@camille_r",
    "@SarahMartin",
    "@dr_nadia",
    "@lea.journo",
    "@InesK",
    "@fatou_d",
    "@julie_b",
    "@thomas92",
    "@karim_off",
    "@manon_ecrit",
    "@AliceV",
    "@nour_s",
    "@zoe_podcast",
    "@emma_g",
    "@lucas_mtl",
    "@yasmine_b",
    "@ChloeRedac",
    "@marie_l",
)
_NAMES = (
    "Camille",
    "Sarah",
    "Nadia",
    "Léa",
    "Inès",
    "Fatou",
    "Julie",
    "Thomas",
    "Karim",
    "Manon",
    "Alice",
    "Nour",
    "Zoé",
    "Emma",
    "Lucas",
    "Yasmine",
    "Chloé",
    "Marie",
)
_SLOTS: dict[str, tuple[str, ...]] = {
    "insult": (
        "connasse",
        "connard",
        "salope",
        "sale conne",
        "grosse merde",
        "pauvre conne",
        "espèce d'idiote",
        "abrutie",
        "fdp",
        "sale pute",
        "bouffonne",
        "tocard",
        "pétasse",
        "enflure",
        "ordure",
        "raclure",
        "grosse truie",
        "sale chienne",
    ),
    "insult_en": (
        "bitch",
        "whore",
        "idiot",
        "piece of shit",
        "cunt",
        "slut",
        "loser",
        "dumb bitch",
        "moron",
        "asshole",
    ),
    "mild": ("idiote", "nulle", "conne", "stupide", "débile", "incompétente", "ignorante"),
    "mild_en": ("idiot", "stupid", "dumb", "incompetent", "a loser"),
    "kill": (
        "tuer",
        "buter",
        "égorger",
        "crever",
        "fumer",
        "saigner",
        "flinguer",
        "descendre",
        "décapiter",
        "étrangler",
        "abattre",
    ),
    "kill_en": ("kill", "murder", "shoot", "stab", "strangle"),
    "hit": (
        "défoncer",
        "démonter",
        "tabasser",
        "frapper",
        "casser la gueule",
        "éclater",
        "exploser la tête",
        "péter les dents",
        "massacrer",
        "refaire le portrait",
    ),
    "hit_en": ("beat", "punch", "hurt", "smash", "break your legs, and beat"),
    "defam": (
        "pédophile",
        "violeur",
        "escroc",
        "arnaqueur",
        "terroriste",
        "nazi",
        "voleur",
        "criminel",
        "fraudeur",
        "pédocriminel",
        "proxénète",
        "dealer",
        "harceleur",
    ),
    "defam_en": (
        "pedophile",
        "rapist",
        "scammer",
        "fraud",
        "terrorist",
        "nazi",
        "thief",
        "criminal",
        "groomer",
        "predator",
    ),
    "body": ("seins", "fesses", "cuisses", "lèvres", "formes", "nichons"),
    "heart": ("❤️", "💪", "🙏", "💜", "🫂", "❤️❤️", "💪🏽", ""),
    "weapon": ("🔪", "🔪🔪", "🔫", "💀", "⚰️", "🪦", "🔪💀", "☠️"),
    "angry": ("😡", "🤬", ""),
    "laugh": ("😂", "🤣", "mdr", "ptdr", "lol", ""),
    "city": ("Lyon", "Nantes", "Lille", "Rennes", "Toulouse", "Grenoble", "Dijon", "Brest"),
    "street": (
        "rue des Lilas",
        "avenue Victor-Hugo",
        "rue de la Gare",
        "boulevard Voltaire",
        "impasse du Moulin",
        "allée des Tilleuls",
        "rue Pasteur",
        "place de l'Église",
        "chemin des Vignes",
        "rue Jean-Jaurès",
    ),
    "street_en": ("Maple Street", "Oak Avenue", "Elm Road", "Park Lane", "Hill Drive"),
    "employer": (
        "la mairie",
        "l'hôpital",
        "la banque",
        "le lycée Jean-Moulin",
        "Carrefour",
        "la Poste",
        "une agence de com",
    ),
    "news_city": ("Marseille", "Lyon", "Paris", "Bordeaux", "Lille", "Nice"),
    "game": ("ce boss", "le dragon", "l'équipe adverse", "tous les zombies", "le raid"),
    "topic": (
        "ton article",
        "ta chronique",
        "ton thread",
        "ta vidéo",
        "ton analyse",
        "ta tribune",
        "ton podcast",
    ),
    "topic_en": ("your article", "your thread", "your column", "your take", "your video"),
    "spam_word": ("GRATUIT", "gratuit", "promo", "cadeau", "concours", "bitcoin", "crypto"),
    "flood": ("lol", "haha", "ptdr", "ouin", "cheh", "nul", "dehors", "😂", "🤡", "💩"),
    "insult_word": (
        "conne",
        "connard",
        "crétin",
        "crétine",
        "débile",
        "abruti",
        "abrutie",
        "imbécile",
        "idiote",
        "idiot",
        "salope",
        "pute",
        "connasse",
        "batard",
        "bâtarde",
        "enculé",
        "ordure",
        "déchet",
        "merde",
        "minable",
        "raté",
        "ratée",
        "tocard",
        "cassos",
        "bouffon",
        "bouffonne",
        "pouffiasse",
        "grognasse",
        "sous-merde",
        "fdp",
        "fils de pute",
        "tête de con",
        "naze",
        "loser",
        "clown",
        "tarée",
        "taré",
        "cinglée",
        "attardé",
        "mongole",
        "grosse vache",
        "truie",
        "baleine",
        "thon",
        "boloss",
        "guignol",
        "pétasse",
        "chienne",
        "enfoiré",
        "enflure",
        "sale con",
        "grosse conne",
        "pauvre type",
        "pauvre fille",
        "cas social",
        "incapable",
        "parasite",
        "vermine",
    ),
    "insult_word_en": (
        "idiot",
        "moron",
        "loser",
        "bitch",
        "dumbass",
        "asshole",
        "jerk",
        "piece of garbage",
        "piece of shit",
        "cunt",
        "whore",
        "slut",
        "retard",
        "clown",
        "pathetic loser",
        "waste of space",
        "dumb bitch",
        "fat pig",
        "worthless idiot",
        "scumbag",
        "douchebag",
        "imbecile",
    ),
    "contempt": (
        "personne ne t'aime",
        "t'es une honte",
        "t'es un déchet",
        "tu sers à rien",
        "ferme ta gueule",
        "ta gueule",
        "dégage",
        "casse-toi",
        "va te cacher",
        "t'es pathétique",
        "t'es d'une bêtise affligeante",
        "tu pues la merde",
        "retourne sous ton caillou",
        "t'as un QI d'huître",
        "tu fais pitié",
        "quelle tête à claques",
        "nique ta mère",
        "ntm",
        "ftg",
        "va te faire foutre",
        "tu me dégoûtes",
        "t'es qu'une moins que rien",
    ),
    "contempt_en": (
        "nobody cares",
        "nobody likes you",
        "shut up",
        "you're worthless",
        "you're pathetic",
        "get lost",
        "go to hell",
        "fuck off",
        "you disgust me",
        "you're a disgrace",
        "go die in a hole",
    ),
    "visit": ("venir", "passer", "débarquer", "faire un tour", "monter"),
    "place": (
        "chez toi",
        "devant ton boulot",
        "à la sortie de ton école",
        "devant ta porte",
        "à ton bureau",
        "devant chez ta mère",
        "à ta salle de sport",
    ),
    "when": (
        "ce soir",
        "bientôt",
        "un de ces jours",
        "demain",
        "cette nuit",
        "très vite",
        "quand tu t'y attendras pas",
        "sans prévenir",
    ),
    "kin": (
        "ta fille",
        "ta mère",
        "ton fils",
        "tes enfants",
        "ta femme",
        "ton mari",
        "ta petite sœur",
        "ton chien",
    ),
    "thing": ("ta voiture", "ta maison", "ton appart", "ton scooter", "ta boîte aux lettres"),
    "known": (
        "ton école",
        "ton adresse",
        "ton boulot",
        "tes horaires",
        "ton quartier",
        "la crèche de tes gosses",
        "ton code d'immeuble",
        "ta plaque",
    ),
    "bad_end": ("mal finir", "mal tourner", "très mal se passer", "dégénérer"),
    "deadline": ("demain", "la fin de la semaine", "la fin du mois", "Noël", "ton anniversaire"),
    "harm_act": ("mettre le feu à", "brûler", "défoncer", "saccager", "faire sauter"),
    "find_what": (
        "où elle bosse",
        "son adresse",
        "son employeur",
        "où elle habite",
        "le nom de son mari",
        "l'école de ses gosses",
        "son numéro",
    ),
    "pressure": (
        "appeler son patron",
        "écrire à son employeur",
        "prévenir ses voisins",
        "inonder ses DM",
        "pourrir ses mentions",
        "la faire virer",
    ),
    "crime_act": (
        "a volé",
        "a détourné",
        "a escroqué",
        "finance",
        "a agressé",
        "a tabassé",
        "a harcelé",
        "a trompé",
    ),
    "crime_obj": (
        "les dons de l'association",
        "l'argent de ses lecteurs",
        "le terrorisme",
        "son ex",
        "des mineurs",
        "ses collègues",
        "la caisse du club",
    ),
    "support_act": (
        "bloquez et signalez",
        "ne répondez pas, signalez",
        "faites des captures",
        "envoyez-lui du soutien",
        "témoignez si vous avez vu",
        "ne relayez pas",
    ),
    "compliment": (
        "une crème",
        "un amour",
        "géniale",
        "trop drôle",
        "une star",
        "brillante",
        "incroyable",
        "la meilleure",
        "adorable",
        "courageuse",
        "un exemple",
        "une perle",
        "trop forte",
        "un rayon de soleil",
        "inspirante",
    ),
    "when_en": ("tonight", "tomorrow", "this weekend", "right now"),
    "compliment_en": (
        "amazing",
        "a legend",
        "brilliant",
        "so kind",
        "the best",
        "a star",
        "hilarious",
        "an inspiration",
    ),
}
#: Identity groups: plural, singular, characteristic.
_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("musulmans", "musulman", "religion"),
    ("juifs", "juif", "religion"),
    ("arabes", "arabe", "origin"),
    ("noirs", "noir", "origin"),
    ("roms", "rom", "origin"),
    ("migrants", "migrant", "origin"),
    ("Chinois", "chinois", "origin"),
    ("gays", "gay", "sexual_orientation"),
    ("lesbiennes", "lesbienne", "sexual_orientation"),
    ("personnes trans", "trans", "gender_identity"),
    ("femmes", "femme", "sex_or_gender"),
    ("handicapés", "handicapé", "disability"),
    ("autistes", "autiste", "disability"),
)
_GROUPS_EN: tuple[tuple[str, str, str], ...] = (
    ("muslims", "muslim", "religion"),
    ("jews", "jew", "religion"),
    ("immigrants", "immigrant", "origin"),
    ("gays", "gay", "sexual_orientation"),
    ("trans people", "trans person", "gender_identity"),
    ("women", "woman", "sex_or_gender"),
)


# ------------------------------------------------------------------------------ families
FAMILIES: tuple[Family, ...] = (
    _fam(
        "threat_no_slur",
        "fr",
        "threat",
        """
        {at}je sais où tu habites{end}
        {at}on sait où tu habites, fais gaffe{end}
        {at}je connais ton adresse{end}
        {at}j'ai trouvé ton adresse, {name}{end}
        {at}on sait où vont tes enfants à l'école{end}
        {at}on va te retrouver{end}
        {at}je vais te retrouver, tu peux pas te cacher{end}
        {at}tu vas le regretter{end}
        {at}tu vas le payer très cher{end}
        {at}fais attention à toi quand tu sors{end}
        {at}fais gaffe à toi{end}
        {at}on viendra chez toi{end}
        {at}on va débarquer devant chez toi{end}
        {at}ta famille va payer{end}
        {at}je t'attends à la sortie de ton boulot{end}
        {at}on t'attend en bas de chez toi{end}
        {at}tu vas voir ce qui va t'arriver{end}
        {at}je vais te {hit}{end}
        {at}on va te {hit}{end}
        {at}on va te faire la vie impossible{end}
        {at}ça va mal finir pour toi{end}
        {at}tu ne sais pas à qui tu as affaire{end}
        {at}on te surveille{end}
        {at}si tu continues je vais te retrouver{end}
        {at}dernier avertissement{end}
        {at}efface ton tweet sinon je vais te {hit}{end}
        {at}mon poing dans ta gueule bientôt{end}
        {at}tu dormiras plus jamais tranquille{end}
        {at}il va t'arriver quelque chose{end}
        {at}{weapon}{weapon} à bientôt {name}
        """,
    ),
    _fam(
        "threat_with_slur",
        "fr",
        "threat insult",
        """
        {at}{insult}, je sais où tu habites{end}
        {at}je vais te {hit} {insult}{end}
        {at}on va te retrouver {insult}{end}
        {at}tu vas le regretter {insult}{end}
        {at}fais gaffe à toi {insult}, on connaît ton adresse{end}
        {at}sale {insult}, on viendra chez toi{end}
        """,
    ),
    _fam(
        "threat_en",
        "en",
        "threat",
        """
        {at}I know where you live{end}
        {at}we know where you live{end}
        {at}we will find you{end}
        {at}you'll regret this{end}
        {at}watch your back{end}
        {at}I'm going to {hit_en} you{end}
        {at}we're coming for you{end}
        {at}your family will pay{end}
        {at}you don't know who you're messing with{end}
        """,
    ),
    _fam(
        "threat_with_slur_en",
        "en",
        "threat insult",
        """
        {at}I know where you live, {insult_en}{end}
        {at}we will find you, {insult_en}{end}
        """,
    ),
    _fam(
        "death_threat",
        "fr",
        "threat",
        """
        {at}je vais te {kill}{end}
        {at}on va te {kill}{end}
        {at}je vais te {kill} {name}{end}
        {at}t'es mort{e}{end}
        {at}t'es mort{e}, je sais où tu habites{end}
        {at}tu vas crever{end}
        {at}je vais te mettre une balle dans la tête{end}
        {at}tes jours sont comptés{end}
        {at}tu finiras six pieds sous terre{end}
        {at}je te bute à la sortie{end}
        {at}je vais te {kill} {weapon}{end}
        {at}jvais te {kill}{end}
        {at}je vais t'égorger comme un mouton{end}
        {at}tu passeras pas la semaine{end}
        """,
    ),
    _fam(
        "death_threat_slur",
        "fr",
        "threat insult",
        """
        {at}je vais te {kill} {insult}{end}
        {at}t'es mort{e} {insult}{end}
        {at}{insult}, tes jours sont comptés{end}
        {at}crève {insult}{end}
        {at}j'espère que tu vas crever {insult}{end}
        """,
    ),
    _fam(
        "death_wish_suicide",
        "fr",
        "threat",
        """
        {at}j'espère que tu vas crever{end}
        {at}va crever{end}
        {at}va te pendre{end}
        {at}suicide-toi{end}
        {at}pends-toi{end}
        {at}le monde serait mieux sans toi, va te jeter d'un pont{end}
        {at}tu mérites de mourir{end}
        """,
    ),
    _fam(
        "death_threat_en",
        "en",
        "threat",
        """
        {at}I'm going to {kill_en} you{end}
        {at}I will {kill_en} you{end}
        {at}you're dead{end}
        {at}you are a dead woman{end}
        {at}I will find you and {kill_en} you{end}
        {at}kill yourself{end}
        {at}I hope you die{end}
        {at}your days are numbered{end}
        """,
    ),
    _fam(
        "death_threat_slur_en",
        "en",
        "threat insult",
        """
        {at}kys {insult_en}{end}
        {at}you're dead, {insult_en}{end}
        """,
    ),
    _fam(
        "incitement",
        "fr",
        "incitement",
        """
        signalez son compte{end} {m}
        signalez-la, elle mérite pas d'être sur twitter{end}
        tous sur {m}{end}
        allez lui dire ce que vous pensez de son article {m}{end}
        allez tous insulter {m}{end}
        harcelez-la jusqu'à ce qu'elle quitte twitter{end} {m}
        RT massivement pour que tout le monde voie sa tronche {m}
        qui a son adresse ? {m}
        quelqu'un a son numéro ? {m}
        balancez son adresse{end} {m}
        retrouvez-la et faites-lui passer l'envie de parler{end}
        mass report {m}{end}
        on pourrit son compte, tous ensemble{end} {m}
        faites-lui regretter d'avoir ouvert sa gueule{end} {m}
        à vos claviers : {m}
        """,
    ),
    _fam(
        "incitement_violence",
        "fr",
        "incitement threat",
        """
        il faut la {kill}{end} {m}
        quelqu'un devrait la {kill}{end}
        il faut la frapper{end} {m}
        faut le tabasser celui-là{end}
        quelqu'un doit lui casser la gueule{end} {m}
        il faudrait la faire taire une bonne fois pour toutes{end}
        au bûcher {m}{end}
        qu'on la pende{end} {m}
        """,
    ),
    _fam(
        "incitement_en",
        "en",
        "incitement",
        """
        everyone go tell {m} what you think{end}
        mass report {m}{end}
        report her account{end} {m}
        let's ratio her{end} {m}
        anyone have her address?{end} {m}
        spam her mentions{end} {m}
        someone should shut her up{end} {m}
        """,
    ),
    _fam(
        "defamation",
        "fr",
        "defamation",
        """
        {m} est un {defam}{end}
        c'est un {defam} notoire{end} {m}
        {m} est une {defam}, tout le monde le sait{end}
        faites tourner : {m} est un {defam}{end}
        {name} est un {defam}, méfiez-vous{end}
        cet {defam} de {name} devrait être en prison{end}
        {m} a violé des gamines, tout le monde le sait{end}
        {m} a escroqué des centaines de personnes{end}
        """,
    ),
    _fam(
        "defamation_en",
        "en",
        "defamation",
        """
        {m} is a {defam_en}{end}
        everyone knows {name} is a {defam_en}{end}
        {m} is a known {defam_en}{end}
        """,
    ),
    _fam(
        "sexual_harassment",
        "fr",
        "sexual_harassment",
        """
        {at}envoie des nudes{end}
        {at}montre tes {body}{end}
        {at}t'as de beaux {body}{end}
        {at}t'es bonne{end}
        {at}t'es trop bonne toi{end}
        {at}je veux te baiser{end}
        {at}suce-moi{end}
        {at}tes {body} me font bander{end}
        {at}t'as un cul de ouf{end}
        {at}envoie-moi des photos de toi nue{end}
        {at}je te prendrais bien à quatre pattes{end}
        """,
    ),
    _fam(
        "sexual_harassment_slur",
        "fr",
        "sexual_harassment insult",
        """
        {at}suce-moi {insult}{end}
        {at}à genoux salope{end}
        {at}envoie des nudes {insult}{end}
        """,
    ),
    _fam(
        "rape_threat",
        "fr",
        "sexual_harassment threat",
        """
        {at}je vais te violer{end}
        {at}on va te violer{end}
        {at}tu mérites de te faire violer{end}
        """,
    ),
    _fam(
        "rape_incitement",
        "fr",
        "sexual_harassment threat incitement",
        """
        faudrait la violer pour qu'elle se taise{end}
        """,
    ),
    _fam(
        "sexual_harassment_en",
        "en",
        "sexual_harassment",
        """
        {at}send nudes{end}
        {at}show me your tits{end}
        {at}nice tits{end}
        {at}I want to fuck you{end}
        """,
    ),
    _fam(
        "rape_threat_en",
        "en",
        "sexual_harassment threat",
        """
        {at}I'll rape you{end}
        {at}you deserve to get raped{end}
        """,
    ),
    _fam(
        "doxxing",
        "fr",
        "doxxing",
        """
        elle habite au {num} {street}, {city}{end}
        son numéro : {phone}{end}
        voici son adresse : {num} {street}, {city}{end}
        son 06 c'est le {mobile}{end}
        son mail perso c'est {email}{end}
        sa plaque : {plate}, elle se gare devant chez elle{end}
        {m} habite au {num} {street}, et elle bosse à {employer}{end}
        {m} son adresse : {num} {street}{end}
        """,
    ),
    _fam(
        "doxxing_incitement",
        "fr",
        "doxxing incitement",
        """
        appelez-la au {mobile}, elle adore ça{end}
        tous chez elle : {num} {street}, {city}{end}
        écrivez-lui à {email}, qu'elle comprenne{end}
        elle travaille à {employer} à {city}, allez la voir{end}
        """,
    ),
    _fam(
        "doxxing_en",
        "en",
        "doxxing",
        """
        she lives at {num} {street_en}{end}
        her number is {phone_en}{end}
        here's her address: {num} {street_en}{end}
        """,
    ),
    _fam(
        "identity_attack_origin",
        "fr",
        "identity_attack",
        """
        {at}retourne dans ton pays{end}
        {at}rentre dans ton bled{end}
        la France aux Français, dehors{end}
        """,
        identity="origin",
    ),
    _fam(
        "identity_attack_sexist",
        "fr",
        "identity_attack",
        """
        {at}retourne à la cuisine{end}
        {at}va faire la vaisselle au lieu d'écrire{end}
        """,
        identity="sex_or_gender",
    ),
    _fam(
        "identity_attack",
        "fr",
        "identity_attack",
        """
        les {group_pl} sont des rats{end}
        sale {group}{end}
        les {group_pl} dehors{end}
        les {group_pl} c'est de la vermine{end}
        tous les {group_pl} sont des parasites{end}
        """,
    ),
    _fam(
        "identity_attack_insult",
        "fr",
        "identity_attack insult",
        """
        {at}sale {group} de merde{end}
        {at}espèce de {group}, ferme ta gueule{end}
        """,
    ),
    _fam(
        "spam",
        "fr",
        "spam",
        """
        {spam_word} ! Gagnez un iPhone, cliquez ici https://promo.example.com/{num} https://bit.ly/{num}x
        abonnez-vous à ma chaîne https://youtube.example.com/c/{num} {spam_word}
        🎁 CONCOURS 🎁 RT + follow pour gagner, lien en bio https://example.com/{num}
        {flood_run}
        {flood_run} {flood_run}
        {m} {m} {m} {m} {m} {m} regardez ça https://example.org/{num}
        argent facile : {spam_word} crypto, lien en bio https://example.net/{num}
        """,
    ),
    _fam(
        "spam_en",
        "en",
        "spam",
        """
        check out my channel https://youtube.example.com/c/{num} subscribe!!
        FREE bitcoin giveaway click here https://example.com/{num} https://example.org/{num}
        win a free iphone, click here https://example.com/win{num}
        """,
    ),
    _fam(
        "insult_short",
        "fr",
        "insult",
        """
        {at}t'es vraiment {insult_word}{end}
        {at}t'es qu'un {insult_word}{end}
        {at}t'es juste une {insult_word}{end}
        {at}tu es un {insult_word}{end}
        {at}espèce de {insult_word}{end}
        {at}quelle {insult_word}{end}
        {at}pauvre {insult_word}{end}
        {at}sale {insult_word}{end}
        {at}{insult_word}{end}
        {insult_word} va{end}
        {at}{contempt}{end}
        {at}{contempt}, {insult_word}{end}
        {at}{insult_word}, {contempt}{end}
        mais quelle {insult_word} {m}{end}
        {at}toi t'es {mild} et {insult_word}{end}
        {at}{name} t'es {insult_word}{end}
        """,
    ),
    _fam(
        "insult_short_en",
        "en",
        "insult",
        """
        {at}you are such a {insult_word_en}{end}
        {at}you're a {insult_word_en}{end}
        {at}what a {insult_word_en}{end}
        {at}{insult_word_en}{end}
        {at}{contempt_en}, {insult_word_en}{end}
        {at}{contempt_en}{end}
        {at}you absolute {insult_word_en}{end}
        """,
    ),
    _fam(
        "veiled_threat",
        "fr",
        "threat",
        """
        {at}on va {visit} {place} {when}{end}
        {at}je vais {visit} {place} {when}{end}
        {at}quelqu'un va {visit} {place} {when}{end}
        {at}un accident est vite arrivé pour {kin}{end}
        {at}je me demande si {kin} sait ce qui l'attend{end}
        {at}on a repéré {known}{end}
        {at}tu crois qu'on ne connaît pas {known} ?{end}
        {at}je passe tous les jours devant {thing}{end}
        {at}ça risque de {bad_end} {when}{end}
        {at}tu ne seras plus tranquille nulle part{end}
        {at}un de ces soirs tu vas avoir une mauvaise surprise{end}
        {at}je vais {harm_act} {thing}{end}
        {at}on va {harm_act} {thing} {when}{end}
        {at}tu ne verras pas {deadline}{end}
        {at}compte les jours jusqu'à {deadline}{end}
        {at}on s'occupera de toi {when}{end}
        {at}tu vas comprendre ta douleur {when}{end}
        """,
    ),
    _fam(
        "veiled_threat_en",
        "en",
        "threat",
        """
        {at}we found out where you work{end}
        {at}accidents happen to people like you{end}
        {at}you won't feel safe anywhere{end}
        {at}we'll pay you a visit {when_en}{end}
        """,
    ),
    _fam(
        "incitement_more",
        "fr",
        "incitement",
        """
        qui a {find_what} ? faut {pressure}{end}
        on doit trouver {find_what}{end} {m}
        objectif : {pressure}{end} {m}
        partagez partout pour qu'elle perde son job{end}
        allez {pressure}{end} {m}
        on s'organise : chacun écrit à son employeur {when}{end}
        tous ensemble sur son dernier tweet {when}{end}
        """,
    ),
    _fam(
        "incitement_more_en",
        "en",
        "incitement",
        """
        everyone go flood her replies {when_en}{end}
        let's get her fired, email her boss{end}
        """,
    ),
    _fam(
        "defamation_more",
        "fr",
        "defamation",
        """
        {m} {crime_act} {crime_obj}{end}
        cette femme {crime_act} {crime_obj}, tout le monde doit savoir{end}
        on a la preuve que {name} {crime_act} {crime_obj}{end}
        {m} est une menteuse qui {crime_act} {crime_obj}{end}
        """,
    ),
    _fam(
        "defamation_more_en",
        "en",
        "defamation",
        """
        {m} abused kids, everyone knows it{end}
        {name} is a fraud who lies to everyone{end}
        """,
    ),
    # ------------------------------------------------------------------ hard negatives
    _fam(
        "support_more",
        "fr",
        "support",
        """
        {support_act}, et prenez soin d'elle {heart}
        ce que subit {name} est révoltant, {support_act}{end}
        pensées pour {name}, tiens le coup {heart}
        si tu veux porter plainte je peux t'accompagner {heart}
        face à cette meute : {support_act}{end}
        """,
    ),
    _fam(
        "compliment",
        "fr",
        "",
        """
        {at}t'es vraiment {compliment}{end}
        {at}tu es {compliment}{end}
        {at}quelle {compliment}{end}
        {at}t'es {compliment}, continue comme ça {heart}
        {at}{name} t'es {compliment}{end}
        """,
    ),
    _fam(
        "friendly",
        "fr",
        "",
        """
        {at}à bientôt {name} {heart}
        {at}merci, à bientôt{end}
        {at}vivement la suite{end}
        {at}on se voit demain ?{end}
        {at}à ce soir pour l'émission{end}
        {at}bonne soirée {name}{end}
        {at}je t'envoie ça dans la journée{end}
        {at}rendez-vous samedi au marché{end}
        """,
    ),
    _fam(
        "compliment_en",
        "en",
        "",
        """
        {at}you are {compliment_en}{end}
        {at}you're such {compliment_en}{end}
        """,
    ),
    _fam(
        "counter_speech_more",
        "fr",
        "support",
        """
        Hier soir encore quelqu'un l'a appelée « {insult_word} ». Ça doit cesser.
        J'ai reçu « {contempt} » en message privé, j'ai tout capturé pour la plainte.
        Non, écrire « {insult_word} » sous un article n'est pas de l'humour.
        On me colle l'étiquette de « {defam} » depuis une semaine. J'ai déposé plainte.
        Les gens qui écrivent « {insult_word} » à {name} devraient avoir honte.
        Petit rappel : « {contempt} », ce n'est pas un débat, c'est du harcèlement.
        Pensées pour {name}, personne ne mérite un tel déferlement {heart}
        Je ne connais pas {name} mais ce qu'on lui fait subir me révolte {heart}
        Si tu as besoin d'aide pour les captures d'écran, écris-moi {heart}
        Plein de courage {name}, on relaie ton travail {heart}
        """,
    ),
    _fam(
        "counter_speech_more_en",
        "en",
        "support",
        """
        Someone wrote "{insult_word_en}" under her post again. Screenshot, report, block.
        "{contempt_en}" is harassment, not criticism.
        No one deserves this flood of hate, thinking of you {name} {heart}
        I don't know {name} but what is happening to her is appalling {heart}
        """,
    ),
    _fam(
        "support",
        "fr",
        "support",
        """
        {at}courage à toi, on est avec toi {heart}
        {at}tout mon soutien face à ce harcèlement {heart}
        {at}je te soutiens {name}, ne lâche rien {heart}
        {at}force à toi, tu n'es pas seule {heart}
        {at}tiens bon, on est nombreux derrière toi {heart}
        {at}merci pour ton travail, ne les écoute pas {heart}
        {at}prends soin de toi {heart}
        {at}je te crois et je te soutiens {heart}
        solidarité avec {m} {heart}
        {at}rentre bien et prends soin de toi {heart}
        """,
    ),
    _fam(
        "support_en",
        "en",
        "support",
        """
        {at}stay strong {name}, we stand with you {heart}
        {at}sending love, you're not alone {heart}
        {at}I support you, don't listen to the haters {heart}
        """,
    ),
    _fam(
        "counter_speech",
        "fr",
        "support",
        """
        « {insult} » : voilà ce que {name} reçoit tous les jours. Inadmissible.
        On l'a traitée de {insult}, honte à ceux qui la harcèlent.
        Signalez les comptes qui la harcèlent, ça suffit {heart}
        Des messages comme « je sais où tu habites » sont des menaces : signalez-les.
        Stop au harcèlement de {name} !
        « t'es mort{e} » : c'est ce qu'elle lit chaque matin. C'est du harcèlement, point.
        Traiter une journaliste de « {insult} » n'est pas une opinion, c'est une insulte.
        Il m'a écrit « je vais te {kill} », j'ai porté plainte.
        Je reçois des messages qui me traitent de {insult}, merci pour votre soutien {heart}
        Honte à ceux qui insultent {name}, laissez-la tranquille.
        """,
    ),
    _fam(
        "counter_speech_en",
        "en",
        "support",
        """
        someone called her a "{insult_en}"? disgusting. leave her alone.
        "I know where you live" is a threat, not an opinion. Report these accounts.
        stop the harassment of {name}, this is shameful.
        """,
    ),
    _fam(
        "negated",
        "fr",
        "",
        """
        {at}tu n'es pas une {mild}, t'as juste mal compris{end}
        {at}t'es pas {mild}, on ne s'est pas compris{end}
        {at}personne ne pense que tu es {mild}{end}
        {at}je n'ai jamais dit que tu étais {mild}{end}
        {at}tu n'es pas un escroc, je le sais{end}
        {at}non, elle n'est pas une menteuse{end}
        """,
    ),
    _fam(
        "negated_en",
        "en",
        "",
        """
        {at}you're not {mild_en}, you just misunderstood{end}
        {at}nobody thinks you are {mild_en}{end}
        """,
    ),
    _fam(
        "neutral_identity",
        "fr",
        "",
        """
        les {group_pl} fêtent cette semaine une date importante{end}
        mon ami est {group} et heureux{end}
        les femmes journalistes sont de plus en plus nombreuses{end}
        table ronde sur la place des {group_pl} dans les médias{end}
        une association de {group_pl} organise une marche samedi à {city}{end}
        les musulmans fêtent l'Aïd ce week-end{end}
        la communauté juive commémore la rafle du Vel d'Hiv{end}
        je suis {group} et fier{e} de l'être{end}
        rencontre avec des {group_pl} de {city}{end}
        """,
    ),
    _fam(
        "neutral_identity_en",
        "en",
        "",
        """
        the {group_pl_en} of our city organise a fundraiser{end}
        my best friend is {group_en}{end}
        """,
    ),
    _fam(
        "violence_not_threat",
        "fr",
        "",
        """
        un homme a été tué hier soir à {news_city}{end}
        le suspect a menacé de tuer sa voisine, il a été interpellé{end}
        le film raconte l'histoire d'un tueur en série{end}
        l'assassin a été condamné à 30 ans de prison{end}
        j'ai tué {game} en deux minutes{laugh}
        je suis mort{e} de rire{laugh}
        cette série m'a tuée, quelle fin{end}
        ce prof va me tuer avec ses devoirs{laugh}
        on a massacré ce morceau au karaoké{laugh}
        le roman parle d'une femme qui veut se venger{end}
        """,
    ),
    _fam(
        "reclaimed",
        "fr",
        "",
        """
        je suis une salope et fière de l'être{end}
        nous les gouines on s'organise pour la marche{end}
        moi aussi je suis une féministe hystérique apparemment{laugh}
        on est des connasses et on assume{laugh}
        je suis pédé et je vous emmerde pas{end}
        """,
    ),
    _fam(
        "disagreement",
        "fr",
        "",
        """
        {at}je ne suis pas d'accord avec {topic}{end}
        {at}je trouve {topic} un peu faible sur ce point{end}
        {at}{topic} oublie un argument important{end}
        {at}désolé mais tu te trompes sur les chiffres{end}
        {at}ton raisonnement ne tient pas, voici pourquoi{end}
        {at}je ne partage pas du tout ton avis{end}
        """,
    ),
    _fam(
        "disagreement_en",
        "en",
        "",
        """
        {at}I disagree with {topic_en}{end}
        {at}{topic_en} misses an important point{end}
        """,
    ),
    _fam(
        "public_contact",
        "fr",
        "",
        """
        violences conjugales : appelez le 3919, numéro gratuit et anonyme{end}
        notre permanence a lieu à la mairie de {city} le mardi{end}
        rendez-vous le 12 mars à 18h devant la mairie{end}
        le colloque aura lieu à l'université de {city}{end}
        """,
    ),
)

_SLOT = re.compile(r"\{(\w+)\}")
_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5"})


def generate(seed: int = 0, n_per_template: int = 8) -> list[Example]:
    """Deterministic synthetic examples: up to ``n_per_template`` distinct texts per template."""
    rng = random.Random(seed)
    out: list[Example] = []
    seen: set[str] = set()
    for family in FAMILIES:
        labels = _labels(family.categories)
        for template in family.templates:
            made = 0
            for _ in range(n_per_template * 4):
                if made >= n_per_template:
                    break
                text, identity = _fill(template, family, rng)
                if text in seen:
                    continue
                seen.add(text)
                made += 1
                ident = (
                    tuple(sorted(set(family.identity) | set(identity)))
                    if ("identity_attack" in family.categories)
                    else ()
                )
                out.append(
                    Example(
                        text=text,
                        labels=dict(labels),
                        source=SOURCE,
                        lang=family.lang,
                        split="train",
                        identity=ident,
                    )
                )
    return out


def _labels(categories: frozenset[str]) -> dict[str, int]:
    unknown = categories - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories {sorted(unknown)}")
    labels = {c: int(c in categories) for c in CATEGORIES}
    labels["abusive"] = int(any(labels[c] for c in ABUSIVE_CATEGORIES))
    return {k: labels[k] for k in OUTPUTS}


def _fill(template: str, family: Family, rng: random.Random) -> tuple[str, tuple[str, ...]]:
    groups = _GROUPS_EN if family.lang == "en" else _GROUPS
    group = groups[rng.randrange(len(groups))]
    group_en = _GROUPS_EN[rng.randrange(len(_GROUPS_EN))]
    abusive = bool(family.categories & set(ABUSIVE_CATEGORIES))
    used: list[str] = []

    def slot(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "end" and not abusive:
            return rng.choice(("", "", ".", " !", "..."))
        fill = _FILLERS.get(name)
        if fill is not None:
            return fill(rng)
        if name in ("group", "group_pl"):
            used.append(group[2])
            return group[1] if name == "group" else group[0]
        if name in ("group_en", "group_pl_en"):
            used.append(group_en[2])
            return group_en[1] if name == "group_en" else group_en[0]
        value = rng.choice(_SLOTS[name])
        if name in ("insult", "insult_en", "mild", "defam") and abusive and rng.random() < 0.25:
            value = _obfuscate(value, rng)
        return value

    text = _SLOT.sub(slot, template)
    return _surface(text, rng, abusive), tuple(used)


def _obfuscate(word: str, rng: random.Random) -> str:
    """Leetspeak, letter spacing, repeated letters or a masked letter."""
    kind = rng.randrange(4)
    if kind == 0:
        return word.translate(_LEET)
    if kind == 1 and " " not in word:
        return rng.choice((" ", ".", "-")).join(word)
    if kind == 2:
        vowels = [i for i, c in enumerate(word) if c in "aeiou"]
        if vowels:
            i = rng.choice(vowels)
            return word[:i] + word[i] * rng.randint(3, 6) + word[i + 1 :]
    if len(word) > 3:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + "*" + word[i + 1 :]
    return word


def _surface(text: str, rng: random.Random, abusive: bool) -> str:
    """Typing variations: accents dropped, "je vais" -> "jvais", capitals, spacing."""
    text = " ".join(text.split())
    r = rng.random()
    if r < 0.2:
        text = text.translate(_NO_ACCENTS)
    if abusive and rng.random() < 0.15:
        text = text.replace("je vais ", "jvais ").replace("t'es ", "tes ")
    r = rng.random()
    if r < 0.08:
        text = text.upper()
    elif r < 0.5 and text[:1].isalpha():
        text = text[0].upper() + text[1:]
    return text.strip()


_NO_ACCENTS = str.maketrans("éèêàâùûôîïçÉÈ", "eeeaauuoiicEE")


def _digits(n: int) -> Callable[[random.Random], str]:
    return lambda rng: "".join(str(rng.randrange(10)) for _ in range(n))


def _phone(prefix: Sequence[str]) -> Callable[[random.Random], str]:
    def fill(rng: random.Random) -> str:
        return rng.choice((" ", ".", "")).join(
            [*prefix, *(f"{rng.randrange(100):02d}" for _ in range(5 - len(prefix)))]
        )

    return fill


# ARCEP reserves 01 99 00 xx xx and 06 39 98 xx xx for works of fiction.
_FICTION_LANDLINE = _phone(("01", "99", "00"))
_FICTION_MOBILE = _phone(("06", "39", "98"))


def _fiction_intl(rng: random.Random) -> str:
    return f"+33 6 39 98 {rng.randrange(100):02d} {rng.randrange(100):02d}"


_FILLERS: dict[str, Callable[[random.Random], str]] = {
    "at": lambda rng: rng.choice(
        (
            "",
            "",
            f"{rng.choice(_HANDLES)} ",
            f"{rng.choice(_NAMES)}, ",
            f"{rng.choice(_HANDLES)} {rng.choice(_HANDLES)} ",
        )
    ),
    "m": lambda rng: rng.choice(_HANDLES),
    "name": lambda rng: rng.choice(_NAMES),
    "e": lambda rng: rng.choice(("", "e")),
    "end": lambda rng: rng.choice(
        ("", "", ".", " !", " !!", "...", " " + rng.choice(_SLOTS["angry"]))
    ).rstrip(),
    "num": lambda rng: str(rng.randint(1, 120)),
    "phone": lambda rng: rng.choice((_FICTION_LANDLINE, _FICTION_MOBILE))(rng),
    "mobile": lambda rng: rng.choice((_FICTION_MOBILE, _fiction_intl))(rng),
    "phone_en": lambda rng: f"(555) 01{rng.randrange(100):02d}-{rng.randrange(10000):04d}",
    "email": lambda rng: f"{rng.choice(_NAMES).lower()}.{_digits(3)(rng)}@example.com",
    "flood_run": lambda rng: " ".join([rng.choice(_SLOTS["flood"])] * rng.randint(6, 14)),
    "plate": lambda rng: "ZZ-" + _digits(3)(rng) + "-ZZ",
}
