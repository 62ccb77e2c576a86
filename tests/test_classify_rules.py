"""The classifier's normaliser, lexicon, rules and synthetic templates (no dataset needed)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rempart.analysis.classify.categories import CATEGORIES, IDENTITY, OUTPUTS
from rempart.analysis.classify.lexicon import LISTS, RESOURCES, load_lexicon
from rempart.analysis.classify.normalize import normalize, normalize_keep_accents, tokens
from rempart.analysis.classify.rules import RULE_FEATURES, analyze
from rempart.training.synthetic import generate


def rules_of(text: str, parent: str | None = None) -> set[str]:
    return {h.rule for h in analyze(text, parent).hits}


def categories_of(text: str) -> set[str]:
    return {h.category for h in analyze(text).hits}


ABUSIVE = {
    "insult",
    "threat",
    "identity_attack",
    "sexual_harassment",
    "defamation",
    "incitement",
    "doxxing",
}


# ------------------------------------------------------------------------------ normalise
@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Élève À L'ÉCOLE", "eleve a l'ecole"),  # case and accents
        ("ｓａｌｏｐｅ", "salope"),  # fullwidth (NFKC)
        ("𝐜𝐨𝐧𝐧𝐚𝐫𝐝", "connard"),  # mathematical bold
        ("con\u200bna\u200drd", "connard"),  # zero-width characters
        ("\u202econnard\u202c", "connard"),  # bidi overrides
        ("\u0441\u043ennаrd", "connard"),  # Cyrillic look-alikes
        ("z̷̢a̸l̵g̶o̵", "zalgo"),  # stray combining marks
        ("c0nn4rd", "connard"),
        ("s@l0pe", "salope"),
        ("$4l0p3", "salope"),  # leetspeak
        ("abrut1", "abruti"),  # leet at the edge, known
        ("connaaaaard", "connard"),  # repeats -> known word
        ("blaaaaah", "blaah"),  # unknown word: two
        ("c o n n a r d", "connard"),
        ("c.o.n.n.a.r.d", "connard"),  # letter spacing
        ("c-o-n-n-a-s-s-e", "connasse"),
        ("t'es un p.d", "t'es un pd"),
        ("p*te", "pute"),
        ("f**k", "fuck"),  # masked letters
        ("Je t’aime « bravo »", 'je t\'aime " bravo "'),  # typographic quotes
    ],
)
def test_normalize_undoes_each_obfuscation(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "le 1er mai à 10h30",
        "mp3 et covid19",
        "4x4",
        "2024",
        "il y a à boire",
        "y a-t-il un souci",
        "06 12 34 56 78",
    ],
)
def test_normalize_leaves_numbers_and_short_words_alone(text: str) -> None:
    assert normalize(text) == normalize_keep_accents(text).replace("à", "a")


def test_normalize_maps_emoji_links_mentions_and_hashtags() -> None:
    norm = normalize(
        "@Marie_92 🔪💀 🖕 ❤️💪🏽 🐒 regarde https://t.co/xYz et #BalanceTonPorc "
        "ou jean.dupont@example.com"
    )
    assert norm == (
        "@user emoji_arme emoji_mort emoji_doigt emoji_soutien emoji_soutien "
        "emoji_singe regarde url et balancetonporc ou email_addr"
    )
    assert normalize("@lea.journo et @x@mastodon.social") == "@user et @user"


def test_normalize_keep_accents_keeps_them() -> None:
    assert normalize_keep_accents("Élève à l’école 🔪") == "élève à l'école emoji_arme"


def test_tokens_split_punctuation_and_keep_elisions() -> None:
    assert tokens("t'es qu'une idiote, @user! emoji_arme") == [
        "t'",
        "es",
        "qu'",
        "une",
        "idiote",
        "@user",
        "emoji_arme",
    ]
    assert tokens("aujourd'hui 'cite'") == ["aujourd'", "hui", "cite"]
    assert tokens("called me a 'whore', l'abruti") == ["called", "me", "a", "whore", "l'", "abruti"]


def test_single_quotes_around_abuse_quote_it() -> None:
    assert analyze("He called me a 'whore' in my DMs. This is unacceptable.").counter_speech
    assert analyze("Calling people 'retarded' is ableist, please stop.").quoted
    assert not analyze("you're a whore, don't talk to me").quoted


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_normalize_any_text(text: str) -> None:
    norm = normalize(text)
    assert norm == norm.strip() and "  " not in norm
    assert not re.search("[\u200b-\u200f\u202a-\u202e\u2060\ufeff]", norm)
    assert norm == norm.lower() or not norm.isascii()
    assert all(t for t in tokens(norm))


# -------------------------------------------------------------------------------- lexicon
def test_lexicon_has_every_source_and_known_lists() -> None:
    lex = load_lexicon()
    assert {e.source for e in lex.entries} == {"contentshield", "ldnoobw", "rempart"}
    assert {e.list for e in lex.entries} <= set(LISTS)
    assert "connard" in lex.words("insult") and "tuer" in lex.words("threat")
    assert "pedophile" in lex.words("defamation") and "pas" in lex.words("negation")


def test_lexicon_leaves_out_benign_words() -> None:
    lex = load_lexicon()
    harmful = {"insult", "vulgar", "sexual", *(f"slur.{c}" for c in IDENTITY)}
    terms = {e.term for e in lex.entries if e.list in harmful}
    for word in (
        "bosser",
        "drague",
        "meuf",
        "veuve",
        "teuf",
        "cailler",
        "femme",
        "juif",
        "arabe",
        "chat",
        "putin",
        "tache",
        "taches",
        "flic",
        "sauvages",
        "autiste",
    ):
        assert word not in terms, word
    assert "meuf" in lex.words("group.sex_or_gender")  # a neutral mention, not an insult


def test_lexicon_match_gives_spans_and_longest_phrase() -> None:
    lex = load_lexicon()
    norm = normalize("Espèce de c0nnard, fils de pute")
    hits = lex.match(norm)
    assert [norm[h.span[0] : h.span[1]] for h in hits["insult"]] == ["connard", "fils de pute"]
    assert all(h.source in ("contentshield", "ldnoobw", "rempart") for h in hits["insult"])


def test_lexicon_identity_lists_carry_the_characteristic() -> None:
    hits = load_lexicon().match(normalize("sale b0ugnoule et les musulmans"))
    assert {h.identity for h in hits["slur.origin"]} == {"origin"}
    assert {h.identity for h in hits["group.religion"]} == {"religion"}


def test_vendored_lexicons_come_with_their_licenses() -> None:
    licenses = (RESOURCES / "LICENSES.md").read_text(encoding="utf-8")
    assert "MIT License" in licenses and "Creative Commons Attribution 4.0" in licenses
    for name in ("contentshield_fr.json", "ldnoobw_fr.txt", "rempart_lists.txt"):
        assert (RESOURCES / name).is_file() and name in licenses


# ---------------------------------------------------------------------------------- rules
@pytest.mark.parametrize(
    "text, rule",
    [
        # threats without slurs, French then English
        ("je sais où tu habites", "threat.knows_address"),
        ("Jsais ou t'habites 👀", "threat.knows_address"),
        ("on connaît ton adresse @camille", "threat.knows_address"),
        ("on va te retrouver", "threat.will_find"),
        ("je t'attends à la sortie", "threat.will_find"),
        ("tu vas le regretter", "threat.regret"),
        ("fais gaffe à toi", "threat.watch_out"),
        ("on viendra chez toi", "threat.come_home"),
        ("ta famille va payer", "threat.family"),
        ("je vais te casser la gueule", "threat.violence"),
        ("ça va mal finir pour toi", "threat.veiled"),
        ("I know where you live", "threat.knows_address"),
        ("we will find you", "threat.will_find"),
        ("watch your back", "threat.watch_out"),
        # explicit death threats
        ("je vais te tuer", "threat.death"),
        ("jvais t'égorger", "threat.death"),
        ("t'es morte", "threat.death"),
        ("tu vas crever", "threat.death"),
        ("tes jours sont comptés", "threat.death"),
        ("I'm going to kill you", "threat.death"),
        ("you're dead", "threat.death"),
        ("je vais la buter", "threat.death_third"),
        ("j'espère que tu vas crever", "threat.wish"),
        ("va te pendre", "threat.suicide"),
        ("kys", "threat.suicide"),
        ("je vais te violer", "threat.rape"),
        # incitement
        ("signalez son compte", "incitement.mass_report"),
        ("mass report her", "incitement.mass_report"),
        ("tous sur @marie", "incitement.swarm"),
        ("allez lui dire ce que vous en pensez", "incitement.swarm"),
        ("RT massivement", "incitement.swarm"),
        ("retrouvez-le", "incitement.find"),
        ("balancez son adresse", "incitement.find"),
        ("faut le frapper", "incitement.violence"),
        ("il faut la tuer", "threat.death_call"),
        # defamation
        ("c'est un pédophile", "defamation.accusation"),
        ("cet escroc", "defamation.accusation"),
        ("@x est un violeur", "defamation.accusation"),
        ("@x is a rapist", "defamation.accusation"),
        ("@x a violé des gamines", "defamation.crime_claim"),
        # sexual harassment
        ("envoie des nudes", "sexual.demand"),
        ("send nudes", "sexual.demand"),
        ("t'as de beaux seins", "sexual.body"),
        ("je vais te violer", "sexual.rape_threat"),
        # identity attacks
        ("sale b0ugnoule", "identity.slur.origin"),
        ("les arabes sont des rats", "identity.dehumanize.origin"),
        ("retourne dans ton pays", "identity.go_back.origin"),
        ("retourne à la cuisine", "identity.sexist.sex_or_gender"),
        # insults
        ("t'es une connasse", "insult.direct"),
        ("@x espèce de c.o.n.n.a.r.d", "insult.direct"),
        # doxxing (fake data)
        ("appelle-la au 06 39 98 12 34", "doxxing.phone"),
        ("+33 6 39 98 12 34", "doxxing.phone"),
        ("elle habite au 12 rue des Lilas", "doxxing.address"),
        ("son mail : test@example.com", "doxxing.email"),
        ("sa plaque AB-123-CD", "doxxing.plate"),
        ("voici son adresse : quelque part", "doxxing.shares_info"),
        # spam and flood
        ("gagnez un iphone gratuit, cliquez https://a.example/x https://b.example/y", "spam.links"),
        ("lol lol lol lol lol lol lol lol", "spam.repeated"),
        # support
        ("courage à toi, on est avec toi", "support.solidarity"),
        ("honte à ceux qui la harcèlent", "support.condemnation"),
        ("signalez les comptes qui la harcèlent", "support.report_abusers"),
    ],
)
def test_rule_fires(text: str, rule: str) -> None:
    assert rule in rules_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "je ne suis pas d'accord avec ton article",
        "les musulmans fêtent l'Aïd ce week-end",
        "mon ami est gay",
        "les femmes journalistes sont nombreuses",
        "un homme a été tué hier à Marseille",
        "je suis mort de rire",
        "j'ai tué ce boss en deux minutes",
        "le 1er mai à 10h30, rendez-vous place de la mairie",
        "Il habite à Tokyo depuis 2019",
        "nous allons vous trouver une place",
        "elle est bonne nageuse",
        "il a fermé la porte",
        "je vais te chercher à la gare",
        "I disagree with your take",
    ],
)
def test_neutral_text_fires_no_abuse_rule(text: str) -> None:
    assert not categories_of(text) & (ABUSIVE - {"doxxing"})
    if "Tokyo" not in text:
        assert "doxxing" not in categories_of(text)


def test_negation_cue() -> None:
    r = analyze("tu n'es pas une idiote")
    assert r.negated and not r.hits and r.features["cue.negated_abuse"] == 1.0
    assert analyze("you're not an idiot").negated
    assert "insult.direct" in rules_of("t'es pas qu'une idiote")  # ne…que: "only"
    assert "insult.direct" in rules_of("t'es rien qu'une pute")
    assert "insult.direct" in rules_of("no, you're an idiot")  # the comma breaks it


def test_quotation_and_reported_speech_cues() -> None:
    r = analyze("elle m'a traitée de connasse")
    assert r.quoted and r.features["cue.quoted_abuse"] == 1.0
    assert [h.rule for h in r.hits] == ["support.counter_speech"]  # the speaker relays abuse
    r = analyze("« je vais te tuer » : voilà ce que je reçois")
    assert r.quoted and not any(h.category == "threat" for h in r.hits)
    assert analyze("he called me a bitch").quoted


def test_relayed_insult_to_the_addressee_is_still_abuse() -> None:
    # "they say YOU are …" is not quoting: it passes the insult on to the person addressed.
    assert "insult.direct" in rules_of("les gens disent que t'es une pute")
    assert "insult.direct" in rules_of("on m'a dit que t'étais une pute")


def test_counter_speech_quoting_an_insult_is_support() -> None:
    r = analyze("« sale pute », c'est ce qu'on m'écrit tous les jours. Inadmissible.")
    assert r.counter_speech and r.support
    assert not {h.category for h in r.hits} & ABUSIVE
    r = analyze("Il m'a traitée de salope, honte à lui.")
    assert r.counter_speech and r.features["cue.counter_speech"] == 1.0


def test_counter_speech_is_not_a_cover_for_threats() -> None:
    r = analyze("honte à toi, je vais te tuer")
    assert not r.counter_speech and "threat.death" in {h.rule for h in r.hits}
    r = analyze("inadmissible ton article, je sais où tu habites")
    assert not r.counter_speech and "threat.knows_address" in {h.rule for h in r.hits}


def test_report_calls_are_told_apart_by_their_object() -> None:
    assert "incitement.mass_report" in rules_of("signalez-la")
    assert "incitement.mass_report" in rules_of("signalez son compte, elle le mérite")
    assert "support.report_abusers" in rules_of("signalez les comptes qui la harcèlent")
    assert "support.report_abusers" in rules_of("Ces messages sont des menaces : signalez-les.")
    assert "support.report_abusers" in rules_of("report the accounts harassing her")


def test_self_referential_and_reclaimed_uses_are_not_attacks() -> None:
    assert not categories_of("je suis une salope et fière de l'être") & ABUSIVE
    assert not categories_of("nous les gouines on s'organise pour la marche") & ABUSIVE
    assert not categories_of("je sais que tu penses que je suis stupide") & ABUSIVE


def test_target_cues() -> None:
    assert analyze("t'es une idiote").second_person
    assert analyze("@x idiote").second_person
    r = analyze("elle est vraiment conne celle-là")
    assert r.third_party and not r.second_person
    assert "insult.third_party" in {h.rule for h in r.hits}


def test_identity_is_reported_for_identity_attacks() -> None:
    assert analyze("les juifs sont des rats").identity == ("religion",)
    assert analyze("sale pd").identity == ("sexual_orientation",)
    assert analyze("mon ami est gay").identity == ()


@pytest.mark.parametrize(
    "text",
    [
        "je ne suis pas d'accord avec toi, et je vais te tuer",  # negation elsewhere
        "« bonjour » je sais où tu habites",  # quotes elsewhere
        "J̷E̷ ̷V̷A̷I̷S̷ ̷T̷E̷ ̷T̷U̷E̷R̷",  # zalgo
        "je\u200b vais\u200b te\u200b tuer",  # zero-width padding
        "JE VAIS TE TUER !!!!!!!",
        "je vais te tueeeeeer",
    ],
)
def test_hostile_payloads_still_fire(text: str) -> None:
    assert any(h.category == "threat" for h in analyze(text).hits), text


@pytest.mark.parametrize(
    "text",
    [
        "a " * 20000,
        "je " * 5000 + "vais",
        "@" * 20000,
        "c.o." * 5000,
        "*" * 10000,
        "t'es " * 3000 + "mort",
        "signalez " * 3000,
        "1" * 30000,
        "🔪" * 5000,
        "« " * 5000,
        "aaaa" * 5000,
        "l'" * 10000,
        "0" * 4000 + "6",
    ],
    ids=lambda t: f"{t[:6]}..{len(t)}",
)
def test_adversarial_inputs_complete(text: str) -> None:
    # Patterns are bounded; a catastrophic backtrack would hang this test.
    r = analyze(text)
    assert len(r.features) == len(RULE_FEATURES)


def test_doxxing_evidence_is_redacted() -> None:
    r = analyze("son 06 : 06 39 98 12 34, elle habite au 3 rue des Lilas")
    doxx = [h for h in r.hits if h.category == "doxxing"]
    assert {h.rule for h in doxx} >= {"doxxing.phone", "doxxing.address"}
    assert not any(re.search(r"\d", h.evidence) for h in doxx)
    assert all(r.norm[h.span[0] : h.span[1]] for h in doxx)


def test_hit_spans_index_the_normalised_text() -> None:
    r = analyze("Écoute @x: je sais où tu habites, connasse")
    for h in r.hits:
        assert 0 <= h.span[0] < h.span[1] <= len(r.norm)
        if h.rule == "threat.knows_address":
            assert r.norm[h.span[0] : h.span[1]] == h.evidence == "je sais ou tu habites"


def test_every_rule_name_is_namespaced_by_a_category_family() -> None:
    families = {
        "threat",
        "incitement",
        "defamation",
        "sexual",
        "identity",
        "insult",
        "doxxing",
        "spam",
        "support",
    }
    for ex in generate(seed=1, n_per_template=1):
        for h in analyze(ex.text).hits:
            assert h.rule.split(".")[0] in families and h.category in CATEGORIES
            assert 0 < h.weight <= 1


# ------------------------------------------------------------------------------- features
def test_feature_vector_has_fixed_names_and_order() -> None:
    assert len(RULE_FEATURES) == len(set(RULE_FEATURES))
    assert 30 <= len(RULE_FEATURES) <= 80
    for text in ("", "je vais te tuer 🔪", "courage ❤️", "LOL LOL LOL https://x.example/a"):
        feats = analyze(text, "parent").features
        assert list(feats) == list(RULE_FEATURES)
        assert all(0.0 <= v <= 1.0 for v in feats.values())


def test_feature_values_follow_the_rules() -> None:
    f = analyze("je vais te tuer 🔪").features
    assert f["rule.threat"] == 1.0 and f["rule.death_threat"] == 1.0
    assert f["emoji.threat"] > 0 and f["cue.second_person"] == 1.0
    f = analyze("t'es une s4l0pe").features
    assert f["lex.insult"] > 0 and f["surf.obfuscated"] == 1.0
    assert analyze("je t'aime").features["rule.threat"] == 0.0


def test_parent_context_features() -> None:
    f = analyze("mdr", "t'es une grosse pute").features
    assert f["ctx.has_parent"] == 1.0 and f["ctx.parent_abusive"] > 0.5
    assert f["ctx.agrees_with_parent"] == f["ctx.parent_abusive"]
    f = analyze("mdr", "quelle belle journée").features
    assert f["ctx.parent_abusive"] == 0.0 and f["ctx.agrees_with_parent"] == 0.0
    assert analyze("mdr").features["ctx.has_parent"] == 0.0


# ------------------------------------------------------------------------------ synthetic
def test_synthetic_generation_is_deterministic() -> None:
    a = generate(seed=3, n_per_template=2)
    b = generate(seed=3, n_per_template=2)
    assert [(e.text, e.labels, e.identity) for e in a] == [
        (e.text, e.labels, e.identity) for e in b
    ]
    assert [e.text for e in generate(seed=4, n_per_template=2)] != [e.text for e in a]


def test_synthetic_examples_are_fully_labelled() -> None:
    examples = generate(seed=0, n_per_template=3)
    assert len({e.text for e in examples}) == len(examples)
    for e in examples:
        assert list(e.labels) == list(OUTPUTS)
        assert set(e.labels.values()) <= {0, 1}
        assert e.labels["abusive"] == max(e.labels[c] for c in ABUSIVE)
        assert e.source == "synthetic" and e.lang in ("fr", "en") and e.split == "train"
        assert set(e.identity) <= set(IDENTITY)
        if e.labels["identity_attack"]:
            assert e.identity
    positives = {c for e in examples for c in CATEGORIES if e.labels[c]}
    assert positives == set(CATEGORIES)
    langs = [e.lang for e in examples]
    assert langs.count("fr") > 2 * langs.count("en") > 0


def test_synthetic_hard_negatives_are_not_abusive() -> None:
    examples = generate(seed=0, n_per_template=2)
    negatives = [e for e in examples if not e.labels["abusive"]]
    support = [e for e in negatives if e.labels["support"]]
    assert len(negatives) > len(examples) / 5 and support
    assert any("«" in e.text or '"' in e.text for e in support)  # quoting to denounce


def test_synthetic_personal_data_is_fictional() -> None:
    doxxing = [e for e in generate(seed=0, n_per_template=4) if e.labels["doxxing"]]
    assert doxxing
    for e in doxxing:
        for phone in re.findall(r"(?:\+33 ?|0)[1-9](?:[ .]?\d{2}){4}", e.text):
            digits = re.sub(r"\D", "", phone)
            digits = "0" + digits[2:] if digits.startswith("33") else digits
            assert digits.startswith(("063998", "019900")), phone  # ARCEP fiction ranges
        for phone in re.findall(r"\(\d{3}\) \d{4}-\d{4}", e.text):
            assert phone.startswith("(555) 01"), phone
        for email in re.findall(r"\S+@\S+", e.text):
            assert email.lower().split("@")[1].startswith("example."), email
