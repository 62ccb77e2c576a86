"""Invented people for the raid simulator: names, handles, look-alike handles, personal data.

Handles follow X's rules (4 to 15 characters among ``A-Z a-z 0-9 _``; unique ignoring case), so
impersonators and ban evaders can only play on ASCII look-alikes in handles (``I``/``l``,
``0``/``O``, ``rn``/``m``, suffixes); Cyrillic look-alikes appear in display names only.
Personal data is fictitious: French phone numbers come from the ranges ARCEP reserves for
fiction (01 99 00, 02 61 91, 03 53 01, 04 65 71, 05 36 49), which ``phonenumbers`` accepts as
valid; e-mail addresses use ``.example`` domains; towns and companies are made up.

Example::

    names = HandleRegistry()
    h = names.claim(raider_handle(random.Random(1), "fr"))
    evasion_handle(random.Random(2), h, names)
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

_FIRST: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "f": (
            "Claire",
            "Camille",
            "Julie",
            "Sophie",
            "Élodie",
            "Marie",
            "Léa",
            "Chloé",
            "Manon",
            "Inès",
            "Sarah",
            "Laura",
            "Céline",
            "Nathalie",
            "Aurélie",
            "Pauline",
            "Lucie",
            "Hélène",
            "Anaïs",
            "Margaux",
            "Mathilde",
            "Agathe",
            "Nadia",
            "Yasmine",
        ),
        "m": (
            "Thomas",
            "Nicolas",
            "Julien",
            "Maxime",
            "Antoine",
            "Pierre",
            "Lucas",
            "Hugo",
            "Mathieu",
            "Romain",
            "Guillaume",
            "Kevin",
            "Jérôme",
            "Sébastien",
            "Olivier",
            "Benoît",
            "Damien",
            "Yanis",
            "Mehdi",
            "Karim",
            "Bastien",
            "Florian",
            "Loïc",
        ),
    },
    "en": {
        "f": (
            "Emma",
            "Olivia",
            "Grace",
            "Chloe",
            "Hannah",
            "Lucy",
            "Amelia",
            "Ruby",
            "Megan",
            "Holly",
            "Ellie",
            "Jessica",
        ),
        "m": (
            "Jack",
            "Oliver",
            "Harry",
            "George",
            "Liam",
            "Noah",
            "James",
            "Ethan",
            "Ryan",
            "Connor",
            "Callum",
            "Owen",
        ),
    },
    "es": {
        "f": ("Lucía", "María", "Carmen", "Laura", "Elena", "Paula"),
        "m": ("Pablo", "Javier", "Carlos", "Diego", "Sergio", "Álvaro"),
    },
    "de": {
        "f": ("Anna", "Lena", "Julia", "Katrin", "Sabine", "Miriam"),
        "m": ("Jonas", "Lukas", "Felix", "Tobias", "Stefan", "Jan"),
    },
    "it": {
        "f": ("Giulia", "Chiara", "Sara", "Francesca", "Martina", "Elisa"),
        "m": ("Luca", "Marco", "Matteo", "Andrea", "Davide", "Paolo"),
    },
}
_LAST = {
    "fr": (
        "Martin",
        "Bernard",
        "Dubois",
        "Durand",
        "Lefebvre",
        "Moreau",
        "Simon",
        "Michel",
        "Garcia",
        "Roux",
        "Fournier",
        "Girard",
        "Bonnet",
        "Lambert",
        "Fontaine",
        "Rousseau",
        "Vincent",
        "Muller",
        "Faure",
        "Mercier",
        "Blanc",
        "Guérin",
        "Boyer",
        "Garnier",
        "Chevalier",
        "Legrand",
        "Gauthier",
        "Perrin",
        "Robin",
        "Morin",
        "Henry",
        "Roussel",
        "Masson",
        "Benali",
        "Haddad",
        "Nguyen",
        "Da Silva",
        "Le Goff",
    ),
    "en": (
        "Smith",
        "Jones",
        "Taylor",
        "Brown",
        "Wilson",
        "Evans",
        "Roberts",
        "Walker",
        "Wright",
        "Hughes",
        "Green",
        "Hall",
        "Clarke",
        "Baker",
        "Turner",
    ),
    "es": ("García", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Díaz"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"),
}
#: Syllables for the targets' surnames: made up, so no real journalist is named.
_SURNAME_HEAD = (
    "Mor",
    "Dar",
    "Vau",
    "Gri",
    "Lan",
    "Roc",
    "Fen",
    "Cas",
    "Tré",
    "Ker",
    "Bel",
    "Sau",
    "Gal",
    "Pel",
    "Lor",
)
_SURNAME_TAIL = (
    "vellec",
    "naud",
    "trin",
    "mier",
    "zac",
    "bault",
    "gnol",
    "deron",
    "chet",
    "vaux",
    "rigue",
    "tallier",
    "bonnec",
    "drac",
)
_WORDS = {
    "fr": (
        "vrai",
        "patriote",
        "gaulois",
        "lucide",
        "reveil",
        "libre",
        "citoyen",
        "franc",
        "parleur",
        "anon",
        "verite",
        "justice",
        "resistant",
        "rebelle",
        "fier",
        "souverain",
        "ordinaire",
        "eveille",
        "veilleur",
        "sentinelle",
        "colere",
        "peuple",
        "terroir",
    ),
    "en": (
        "truth",
        "patriot",
        "real",
        "freedom",
        "anon",
        "based",
        "awake",
        "free",
        "honest",
        "voice",
        "citizen",
        "watcher",
        "sentinel",
        "angry",
        "people",
        "plain",
    ),
    "es": ("verdad", "libre", "patriota", "anonimo", "despierto", "pueblo"),
    "de": ("wahrheit", "frei", "patriot", "anonym", "wach", "volk"),
    "it": ("verita", "libero", "patriota", "anonimo", "sveglio", "popolo"),
}
_HOBBIES = (
    "velo",
    "cafe",
    "livres",
    "jardin",
    "rando",
    "photo",
    "cuisine",
    "jazz",
    "rugby",
    "echecs",
    "cine",
    "voile",
    "poterie",
    "astro",
    "trail",
)
_BIOS = {
    "fr": (
        "Prof d'histoire. Vélo, livres et café.",
        "Parent, lecteur, râleur modéré.",
        "Infirmière de nuit. Avis perso.",
        "Retraité curieux de tout.",
        "Étudiante en droit.",
        "Artisan boulanger et lecteur de presse.",
        "",
        "Ingénieur, randonneur, parfois d'accord.",
        "Syndicaliste. Mes tweets m'engagent.",
        "Bibliothécaire.",
        "Élu local (opposition).",
        "Photographe amateur.",
    ),
    "en": (
        "History teacher. Bikes, books, coffee.",
        "Parent, reader, mild grumbler.",
        "Night nurse. Views my own.",
        "Retired and curious.",
        "Law student.",
        "",
        "Engineer and hiker.",
        "Librarian.",
        "Amateur photographer.",
    ),
}
_RAIDER_BIOS = (
    "",
    "",
    "",
    "Libre penseur. Pas de DM.",
    "Ici on dit la vérité.",
    "Je dis ce que je pense.",
    "🇫🇷",
    "Anti-propagande.",
    "No DM.",
    "Free speech.",
    "Just asking questions.",
    "Réveillez-vous.",
)
_STREET_TYPES = (
    "rue",
    "avenue",
    "boulevard",
    "bd",
    "allée",
    "impasse",
    "chemin",
    "place",
    "quai",
    "route",
)
_STREETS = (
    "des Lilas",
    "Victor-Hugo",
    "de la Gare",
    "des Tisserands",
    "du Moulin",
    "Jean-Jaurès",
    "des Peupliers",
    "de la République",
    "du Port",
    "des Écoles",
    "Pasteur",
    "des Acacias",
    "du Stade",
    "des Glycines",
    "du Vieux-Puits",
)
_TOWNS = (
    "Aurelac",
    "Montbrévin",
    "Villaroche-sur-Serre",
    "Bellecombe-en-Vaux",
    "Lanrivoal",
    "Saint-Ombre",
    "Pontcharrec",
    "Vernoux-la-Plaine",
    "Castelbrune",
    "Roquefageol",
)
_COMPANIES = (
    "Transports Garnier-Lebon",
    "Boulangerie Malaurie",
    "Cabinet Verdier Conseil",
    "Assurances Pelletier",
    "Imprimerie du Ruisseau",
    "Garage Tolvane",
    "Optique Brénaz",
    "Laboratoires Sorvel",
)
_PLACES = (
    "la mairie de {town}",
    "la médiathèque de {town}",
    "l'hôpital de {town}",
    "la pharmacie du Centre de {town}",
    "la poste de {town}",
)
_SCHOOLS = (
    "collège des Grands-Prés",
    "collège du Val-Fleuri",
    "lycée Hélène-Boucher",
    "collège des Trois-Chênes",
    "lycée du Parc-Vert",
    "collège Marcel-Pagnol",
)
_DOMAINS = ("mail.example", "courriel.example", "example.com", "example.org", "boite.example")
#: The five French fixed-line ranges reserved for fiction (10 digits once completed).
_FICTION_PREFIXES = ("019900", "026191", "035301", "046571", "053649")
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"  # SIV plates never use I, O or U
_HOMOGLYPHS = {
    "l": "I",
    "I": "l",
    "o": "0",
    "O": "0",
    "0": "O",
    "i": "1",
    "1": "l",
    "e": "3",
    "a": "4",
    "s": "5",
}
_CYRILLIC = {
    "a": "а",
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "x": "х",
    "y": "у",
    "A": "А",
    "E": "Е",
    "O": "О",
    "C": "С",
    "M": "М",
    "T": "Т",
    "H": "Н",
    "K": "К",
}
_HANDLE_OK = re.compile(r"^[A-Za-z0-9_]{4,15}$")


def ascii_fold(text: str) -> str:
    """Accents removed, letters and digits kept (for handles and e-mail addresses)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded)


class HandleRegistry:
    """The handles in use, ignoring case (X handles are case-insensitive)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def taken(self, handle: str) -> bool:
        return handle.lower() in self._taken

    def claim(self, handle: str, rng: random.Random | None = None) -> str:
        """``handle`` if free and valid, else a variant with digits; recorded as taken."""
        handle = _valid(handle)
        r = rng or random.Random(handle)
        while self.taken(handle):
            handle = _valid(handle[:11] + str(r.randint(1, 999)))
        self._taken.add(handle.lower())
        return handle


def _valid(handle: str) -> str:
    handle = re.sub(r"[^A-Za-z0-9_]", "", handle)[:15]
    return handle if len(handle) >= 4 else (handle + "_x00")[:4]


@dataclass(frozen=True)
class Person:
    """A person's name and the personal data a doxxer could disclose."""

    first: str
    last: str
    gender: str
    phone: str  # national digits, or an international number written "+CC ..."
    phone_abroad: str  # a second line abroad (+1, +32 or +41), disclosed now and then
    email: str
    number: int
    street: str  # street type and name, "rue des Lilas"
    postcode: str
    town: str
    workplace: str
    workplace_prep: str  # "chez" for a company, "à" for a public place
    school: str  # a child's school
    plate: str


def first_name(rng: random.Random, lang: str, gender: str) -> str:
    return rng.choice(_FIRST.get(lang, _FIRST["fr"])[gender])


def last_name(rng: random.Random, lang: str) -> str:
    return rng.choice(_LAST.get(lang, _LAST["fr"]))


def invented_surname(rng: random.Random) -> str:
    """A surname made of two syllables (Morvellec, Darnaud...): for targets."""
    return rng.choice(_SURNAME_HEAD) + rng.choice(_SURNAME_TAIL)


def person(rng: random.Random, first: str, last: str, gender: str, foreign: bool = False) -> Person:
    """A person with fictitious contact data; ``foreign`` gives a +32, +41 or +1 phone."""
    phone = (
        _foreign_phone(rng)
        if foreign
        else (rng.choice(_FICTION_PREFIXES) + f"{rng.randrange(10000):04d}")
    )
    f, last_ = ascii_fold(first).lower(), ascii_fold(last).lower()
    local = rng.choice(
        (f"{f}.{last_}", f"{f[0]}{last_}", f"{f}{last_}{rng.randint(1, 99)}", f"{f}_{last_[:3]}")
    )
    email = f"{local}@{rng.choice(_DOMAINS)}"
    town = rng.choice(_TOWNS)
    if rng.random() < 0.5:
        workplace, prep = rng.choice(_COMPANIES), "chez"
    else:
        workplace, prep = rng.choice(_PLACES).format(town=town), "à"
    return Person(
        first=first,
        last=last,
        gender=gender,
        phone=phone,
        phone_abroad=_foreign_phone(rng),
        email=email,
        number=rng.randint(1, 180),
        street=f"{rng.choice(_STREET_TYPES)} {rng.choice(_STREETS)}",
        postcode=f"{rng.randint(1, 95):02d}{rng.randint(0, 9)}{rng.randint(0, 9)}0",
        town=town,
        workplace=workplace,
        workplace_prep=prep,
        school=rng.choice(_SCHOOLS),
        plate=_plate(rng),
    )


def _foreign_phone(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return f"+1 212-555-01{rng.randrange(100):02d}"  # the NANP range kept for fiction
    if kind == 1:
        return f"+32 2 555 {rng.randrange(100):02d} {rng.randrange(100):02d}"
    return f"+41 21 555 {rng.randrange(100):02d} {rng.randrange(100):02d}"


def _plate(rng: random.Random) -> str:
    letters = "".join(rng.choice(_PLATE_LETTERS) for _ in range(4))
    digits = f"{rng.randint(1, 999):03d}"
    return f"{letters[:2]}-{digits}-{letters[2:]}"


# --------------------------------------------------------------------------- how data is written


def phone_text(rng: random.Random, phone: str) -> str:
    """A phone number written as people write it: spaces, dots, dashes, +33, (0), 0033."""
    if phone.startswith("+"):
        return phone
    pairs = [phone[i : i + 2] for i in range(0, 10, 2)]
    rest = phone[1:]
    styles = (
        " ".join(pairs),
        ".".join(pairs),
        "-".join(pairs),
        phone,
        "+33 " + rest[0] + " " + " ".join(pairs[1:]),
        "+33 (0)" + rest[0] + " " + " ".join(pairs[1:]),
        "0033 " + rest[0] + " " + " ".join(pairs[1:]),
        "+33" + rest,
    )
    return rng.choice(styles)


def email_text(rng: random.Random, email: str) -> str:
    """An e-mail address, plain or lightly obfuscated ("[at]", "(at)", "arobase", "[dot]")."""
    local, domain = email.split("@")
    style = rng.randrange(6)
    if style <= 1:
        return email
    if style == 2:
        return f"{local} [at] {domain}"
    if style == 3:
        return f"{local}(at){domain}"
    if style == 4:
        return f"{local} arobase {domain}"
    return f"{local} [at] {domain.replace('.', ' [dot] ')}"


def address_text(rng: random.Random, p: Person) -> str:
    """A postal address: number, optional bis/ter, street, optional postcode and town."""
    extra = rng.choice(("", "", "", " bis", " ter"))
    street = f"{p.number}{extra} {p.street}"
    style = rng.randrange(3)
    if style == 0:
        return f"{street}, {p.postcode} {p.town}"
    if style == 1:
        return f"{street} {p.postcode} {p.town}"
    return street


def plate_text(rng: random.Random, plate: str) -> str:
    """A licence plate: AB-123-CD, AB 123 CD, or the old 1234 AB 75 format."""
    style = rng.randrange(4)
    if style == 0:
        return plate.replace("-", " ")
    if style == 1:
        return f"{rng.randint(100, 9999)} {plate[:2]} {rng.randint(1, 95):02d}"
    return plate


# --------------------------------------------------------------------------- handles


def regular_handle(rng: random.Random, first: str, last: str) -> str:
    """An ordinary user's handle: names, initials, a hobby, digits."""
    f, lname = ascii_fold(first), ascii_fold(last)
    style = rng.randrange(7)
    if style == 0:
        return f"{f}_{lname}".lower()
    if style == 1:
        return f"{f[0]}{lname}".lower()
    if style == 2:
        return f"{f}{lname}{rng.randint(1, 99)}"
    if style == 3:
        return f"{f.lower()}_{rng.choice(_HOBBIES)}"
    if style == 4:
        return f"{lname}{f[0]}".lower()
    if style == 5:
        return f"{f}{lname[0]}_{rng.randint(10, 99)}"
    return f"{rng.choice(_HOBBIES)}_{f.lower()}{rng.randint(1, 9)}"


def raider_handle(rng: random.Random, lang: str) -> str:
    """A raider's handle: word pairs with digits, or X's default name-and-digits handle."""
    words = _WORDS.get(lang, _WORDS["fr"])
    style = rng.randrange(5)
    if style <= 1:
        first = ascii_fold(first_name(rng, lang, rng.choice("fm")))
        return f"{first}{rng.randint(10 ** (12 - len(first)), 10 ** (14 - len(first)))}"[:15]
    a, b = rng.sample(words, 2)
    if style == 2:
        return f"{a}_{b}{rng.randint(1, 99)}"
    if style == 3:
        return f"{a.capitalize()}{b.capitalize()}{rng.randint(1, 999)}"
    return f"{a}{rng.randint(1, 99)}_{b}"


def display_name(rng: random.Random, first: str, last: str, role: str) -> str:
    """A display name for a regular (names) or a raider (pseudonyms, emoji)."""
    if role == "raider":
        style = rng.randrange(4)
        if style == 0:
            return first
        if style == 1:
            return f"{rng.choice(('Le Vrai', 'Citoyen', 'Anon', 'Patriote'))} {first} 🇫🇷"
        if style == 2:
            return rng.choice(("Libre", "Anonyme", "Vérité", "Réveil", "Truth")) + f" {last[0]}."
        return f"{first} {last[0]}."
    return rng.choice((f"{first} {last}", f"{first} {last[0]}.", f"{first}", f"{first} {last}"))


def bio(rng: random.Random, lang: str, role: str) -> str:
    if role == "raider":
        return rng.choice(_RAIDER_BIOS)
    return rng.choice(_BIOS.get(lang, _BIOS["fr"]))


def evasion_handle(rng: random.Random, handle: str, names: HandleRegistry) -> str:
    """The handle a suspended user comes back with: digits, underscores, a swap, a homoglyph."""
    for _ in range(20):
        candidate = _variant(rng, handle)
        if (
            candidate.lower() != handle.lower()
            and _HANDLE_OK.match(candidate)
            and not (names.taken(candidate))
        ):
            return names.claim(candidate)
    return names.claim(handle[:12] + "_" + str(rng.randint(10, 99)))


def _variant(rng: random.Random, h: str) -> str:
    kind = rng.randrange(6)
    m = re.search(r"(\d+)$", h)
    if kind == 0 and m:
        return h[: m.start()] + str(int(m.group(1)) + rng.choice((1, 1, 2, -1)))
    if kind <= 1:
        return (h + str(rng.randint(1, 9)))[:15] if len(h) < 15 else h[:14] + "2"
    if kind == 2:
        return h.replace("_", "", 1) if "_" in h else _insert(h, rng, "_")
    if kind == 3 and len(h) > 4:
        i = rng.randrange(1, len(h) - 2)
        return h[:i] + h[i + 1] + h[i] + h[i + 2 :]
    if kind == 4:
        spots = [i for i, c in enumerate(h) if c in _HOMOGLYPHS]
        if spots:
            i = rng.choice(spots)
            return h[:i] + _HOMOGLYPHS[h[i]] + h[i + 1 :]
    return (h + rng.choice(("_", "_bis", "_back", "2", "_v2")))[:15]


def _insert(h: str, rng: random.Random, c: str) -> str:
    i = rng.randrange(1, len(h))
    return (h[:i] + c + h[i:])[:15]


def impersonation_handle(rng: random.Random, handle: str, names: HandleRegistry) -> str:
    """A handle mimicking a target: I/l, 0/O, rn/m, vv/w, suffixes, prefixes, double ``_``."""
    for _ in range(30):
        candidate = _mimic(rng, handle)
        if (
            candidate.lower() != handle.lower()
            and _HANDLE_OK.match(candidate)
            and not names.taken(candidate)
        ):
            return names.claim(candidate)
    return names.claim(handle[:11] + "_off")


def _mimic(rng: random.Random, h: str) -> str:
    kind = rng.randrange(8)
    if kind == 0 and "l" in h:
        i = h.index("l")
        return h[:i] + "I" + h[i + 1 :]
    if kind == 1 and ("o" in h.lower()):
        i = h.lower().index("o")
        return h[:i] + "0" + h[i + 1 :]
    if kind == 2 and "m" in h and len(h) < 15:
        i = h.index("m")
        return h[:i] + "rn" + h[i + 1 :]
    if kind == 3 and "w" in h and len(h) < 15:
        i = h.index("w")
        return h[:i] + "vv" + h[i + 1 :]
    if kind == 4 and "_" in h and len(h) < 15:
        return h.replace("_", "__", 1)
    prefixes = [p for p in ("official_", "real_", "the", "Vrai") if len(p) + len(h) <= 15]
    if kind == 5 and prefixes:
        return rng.choice(prefixes) + h
    suffixes = [
        s
        for s in ("_officiel", "_off", "_real", "_fr", "_", "2", "_bis", "_info")
        if len(h) + len(s) <= 15
    ]
    return h + rng.choice(suffixes) if suffixes else h[:12] + "_fr"


def impersonation_name(rng: random.Random, name: str) -> str:
    """The target's display name copied as is, with Cyrillic look-alikes, or a badge."""
    style = rng.randrange(4)
    if style == 0:
        return name
    if style == 1:
        return "".join(_CYRILLIC.get(c, c) if i % 2 == 0 else c for i, c in enumerate(name))
    if style == 2:
        spots = [i for i, c in enumerate(name) if c in _CYRILLIC]
        i = rng.choice(spots) if spots else 0
        return name[:i] + _CYRILLIC.get(name[i], name[i]) + name[i + 1 :]
    return f"{name} {rng.choice(('✔️', '(officiel)', '(compte officiel)', '🔵'))}"


# --------------------------------------------------------------------------- doxxing messages

#: The kinds of personal data a doxxing message discloses (the span kinds of the truth).
DOXX_KINDS = ("phone", "email", "address", "workplace", "school", "licence_plate")

_DOXX: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "phone": (
            "Son numéro perso : {v}. Vous savez quoi faire.",
            "Appelez-{le} au {v} 😂",
            "{v} c'est son fixe, faites tourner",
            "Pour lui dire ce qu'on pense : {v}",
            "Son 📞 {v}",
        ),
        "email": (
            "Écrivez-lui directement : {v}",
            "Son mail perso {v}, lâchez-vous",
            "{v} boîte mail perso, remplissez-la",
        ),
        "address": (
            "{Il} habite {v}, on passe quand ?",
            "Adresse : {v}. Bonne visite",
            "{v} c'est chez {lui}, portail vert",
            "Domicile : {v}",
        ),
        "workplace": (
            "{Il} bosse {prep} {v}, appelez son patron",
            "{Il} travaille {prep} {v}, prévenez ses collègues",
            "Son boulot c'est {prep} {v}",
        ),
        "school": (
            "Son fils est au {v}",
            "Sa fille est en 4e au {v}, ça vous parle ?",
            "Ses gosses sont au {v}",
        ),
        "licence_plate": (
            "Sa voiture : {v}, une citadine grise",
            "Immatriculée {v}, vous la reconnaîtrez",
            "Plaque {v}, garée devant chez {lui} tous les soirs",
        ),
    },
    "en": {
        "phone": (
            "{Son} number: {v}. You know what to do.",
            "Call {le} on {v} 😂",
            "{v} is {son} landline, pass it on",
        ),
        "email": ("Email {le} directly: {v}", "{Son} private email {v}, go for it"),
        "address": ("{Il} lives at {v}, who's visiting?", "Address: {v}. Enjoy"),
        "workplace": ("{Il} works {prep} {v}, call {son} boss", "{Son} job: {prep} {v}"),
        "school": ("{Son} kid goes to the {v}", "{Son} daughter is at the {v}"),
        "licence_plate": ("{Son} car: {v}", "Plate {v}, parked outside every night"),
    },
}
_DOXX_RELATIVE: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "phone": ("Le numéro de {rel} : {v}", "{Rel} répond au {v}"),
        "email": ("Le mail de {rel} : {v}",),
        "address": ("{Rel} habite {v}", "Chez {rel} : {v}"),
        "workplace": ("{Rel} bosse {prep} {v}", "{Rel} travaille {prep} {v}, allez-y"),
        "licence_plate": ("La voiture de {rel} : {v}",),
    },
    "en": {
        "phone": ("{Rel}'s number: {v}",),
        "email": ("{Rel}'s email: {v}",),
        "address": ("{Rel} lives at {v}",),
        "workplace": ("{Rel} works {prep} {v}",),
        "licence_plate": ("{Rel}'s car: {v}",),
    },
}
_RELATIVES: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "f": ("son mari", "sa sœur", "sa mère", "son compagnon"),
        "m": ("sa femme", "son frère", "sa mère", "sa compagne"),
    },
    "en": {
        "f": ("her husband", "her sister", "her mother"),
        "m": ("his wife", "his brother", "his mother"),
    },
}
_PRONOUNS: dict[str, dict[str, tuple[str, str, str, str]]] = {
    "fr": {"f": ("Elle", "la", "sa", "elle"), "m": ("Il", "le", "son", "lui")},
    "en": {"f": ("She", "her", "her", "her"), "m": ("He", "him", "his", "him")},
}


def doxx_text(
    rng: random.Random,
    lang: str,
    target: Person,
    relative: Person,
    kinds: tuple[str, ...],
    about_relative: bool,
) -> tuple[str, list[tuple[int, int, str]]]:
    """A message disclosing ``kinds`` of a target's (or a relative's) data, with the spans.

    Spans are ``(start, end, kind)`` Python string offsets of each disclosed value.
    """
    lang = lang if lang in _DOXX else "fr"
    who = relative if about_relative else target
    il, le, son, lui = _PRONOUNS[lang][target.gender]
    rel = rng.choice(_RELATIVES[lang][target.gender])
    words = {
        "Il": il,
        "il": il.lower(),
        "le": le,
        "lui": lui,
        "son": son,
        "Son": son.capitalize(),
        "rel": rel,
        "Rel": rel[0].upper() + rel[1:],
    }
    text = ""
    spans: list[tuple[int, int, str]] = []
    for kind in kinds:
        frames = _DOXX_RELATIVE[lang] if about_relative and kind != "school" else _DOXX[lang]
        frame = rng.choice(frames[kind])
        value = _value(rng, kind, who)
        prep = who.workplace_prep if lang == "fr" else "at"
        head, tail = frame.split("{v}")
        glue = "" if not text else (" " if text.endswith((".", "!", "?")) else ". ")
        sentence_head = text + glue + head.format(prep=prep, **words)
        spans.append((len(sentence_head), len(sentence_head) + len(value), kind))
        text = sentence_head + value + tail.format(prep=prep, **words)
    return text, spans


def _value(rng: random.Random, kind: str, p: Person) -> str:
    if kind == "phone":
        return phone_text(rng, p.phone_abroad if rng.random() < 0.12 else p.phone)
    if kind == "email":
        return email_text(rng, p.email)
    if kind == "address":
        return address_text(rng, p)
    if kind == "workplace":
        return p.workplace
    if kind == "school":
        return p.school
    return plate_text(rng, p.plate)
