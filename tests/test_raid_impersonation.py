"""Impersonation: look-alike handles and copied display names, found and explained."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rempart.analysis.raid import names
from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.impersonation import find_impersonators
from rempart.models import Account, Mention, Message

T0 = datetime(2026, 3, 2, tzinfo=UTC)
TARGET = "cible_demo"

#: handle, display name, earlier handles: accounts that mimic the target.
IMPERSONATORS = {
    "digit_one": ("cib1e_demo", "Cible Démo", ()),
    "mastodon": ("cible_dem0@autre.example", "Démo", ()),
    "affix": ("cible_demo_officiel", "Cible Démo (officiel)", ()),
    "capital_i": ("CibIe_Demo", "C.D.", ()),
    "cyrillic": ("\u0441ible_demo", "Infos", ()),
    "real_prefix": ("real_cible_demo", None, ()),
    "rn_for_m": ("cible_derno", "Le vrai compte", ()),
    "display_copy": ("fan_account_42", "Cible Démo", ()),
    "zero_width": ("soutien_xyz", "Cible\u200b Démo", ()),
    "rtl_override": ("autre_compte", "Cible \u202eoméD", ()),
    "full_width": ("compte_miroir", "\uff23\uff49\uff42\uff4c\uff45 D\u00e9\uff4d\uff4f", ()),
    "dots": ("cible.demo", "Quelqu'un", ()),
    "small_caps": ("miroir_2", "\u1d04\u026a\u0299\u029f\u1d07 D\u00e9\u1d0d\u1d0f", ()),
    "earlier_handle": ("random_handle", "Random", ("cible_dem0",)),
}
#: Accounts sharing only a first name or a common word with the target, or a fan account.
DECOYS = {
    "first_name": ("cible_martin", "Cible Martin", ()),
    "common_word": ("demo_party", "Démo Party", ()),
    "article": ("la_cible", "La Cible", ()),
    "fan": ("cible_demo_fan", "Fan de Cible Démo", ()),
    "first_name_only": ("cible1988", "Cible", ()),
    "script": ("xss_tester", "<script>alert('Cible Démo')</script>", ()),
    "long": ("long_name", "Cible " + "Démo " * 2000, ()),
    "controls": ("ctrl_chars", "\x00\x1b[31mCible\x07", ()),
    "unrelated": ("pivoine_douce", "Pivoine", ()),
}


TARGET_BIO = "Journaliste indépendante. Compte officiel, pas de DM."


def build(
    extra: dict[str, tuple[str, str | None, tuple[str, ...]]], targets: tuple[str, ...] = (TARGET,)
) -> tuple[Corpus, dict[str, str]]:
    accounts = [
        Account("x", "1", handle=TARGET, display_name="Cible Démo", bio=TARGET_BIO),
        Account("x", "2", handle="zoe", display_name="Zoé"),
    ]
    ids = {}
    for n, (key, (handle, display, earlier)) in enumerate(sorted(extra.items())):
        aid = str(100 + n)
        ids[key] = aid
        bio = TARGET_BIO if key in ("affix", "first_name") else "Ici pour causer."
        accounts.append(
            Account(
                "x", aid, handle=handle, display_name=display, bio=bio, handles=(*earlier, handle)
            )
        )
    messages = [
        Message(
            "x",
            f"m{i}",
            f"@{TARGET} bonjour",
            created_at=T0,
            author_id=aid,
            mentions=(Mention(TARGET),),
        )
        for i, aid in enumerate(ids.values())
    ]
    return Corpus.build(messages, accounts, [], None, list(targets)), ids


@pytest.fixture(scope="module")
def found() -> tuple[dict[str, list[str]], dict[str, str], dict[str, float]]:
    corpus, ids = build({**IMPERSONATORS, **DECOYS})
    by_id = {v: k for k, v in ids.items()}
    results = find_impersonators(corpus)
    assert all(r.target == TARGET for r in results)
    return (
        {by_id[r.account_id]: r.evidence for r in results},
        ids,
        {by_id[r.account_id]: r.score for r in results},
    )


def test_every_impersonator_is_found(
    found: tuple[dict[str, list[str]], dict[str, str], dict[str, float]],
) -> None:
    evidence, _, _ = found
    assert set(IMPERSONATORS) <= set(evidence)


def test_first_names_common_words_and_fans_are_not_flagged(
    found: tuple[dict[str, list[str]], dict[str, str], dict[str, float]],
) -> None:
    evidence, _, _ = found
    assert not set(DECOYS) & set(evidence)
    assert set(evidence) == set(IMPERSONATORS)


def test_the_targets_own_account_is_never_flagged() -> None:
    corpus, _ = build(IMPERSONATORS)
    assert "1" not in {r.account_id for r in find_impersonators(corpus)}


def test_evidence_says_which_letters_are_misread(
    found: tuple[dict[str, list[str]], dict[str, str], dict[str, float]],
) -> None:
    evidence, _, scores = found
    assert evidence["digit_one"] == [
        "handle 'cib1e_demo' reads as the target's handle 'cible_demo' once '1' is read as 'l'",
        "display name copied exactly 'Cible Démo' (the target's display name)",
    ]
    assert "'I' is read as 'l'" in evidence["capital_i"][0]
    assert "'\u0441' (cyrillic small letter es) is read as 'c'" in evidence["cyrillic"][0]
    assert "'rn' is read as 'm'" in evidence["rn_for_m"][0]
    assert "with an added affix ('_officiel' added)" in evidence["affix"][0]
    assert "with an added affix ('real_' added)" in evidence["real_prefix"][0]
    assert evidence["earlier_handle"][0].startswith("earlier handle 'cible_dem0' reads as")
    assert scores["digit_one"] > scores["display_copy"] > 0.5
    assert evidence["mastodon"] == [
        "handle 'cible_dem0@autre.example' reads as the target's handle 'cible_demo' once '0' is read as 'o'"
    ]


def test_a_copied_bio_supports_but_never_makes_a_finding(
    found: tuple[dict[str, list[str]], dict[str, str], dict[str, float]],
) -> None:
    evidence, _, _ = found
    assert evidence["affix"][-1] == f"bio copies the target's bio ('{TARGET_BIO}')"
    assert "first_name" not in evidence


def test_hidden_characters_count_as_evidence_and_are_shown_escaped(
    found: tuple[dict[str, list[str]], dict[str, str], dict[str, float]],
) -> None:
    evidence, _, scores = found
    assert evidence["zero_width"] == [
        "display name 'Cible<U+200B> Démo' is the target's display name 'Cible Démo' with "
        "invisible characters hidden in it (U+200B), so it looks identical"
    ]
    assert "U+202E" in evidence["rtl_override"][0]
    assert scores["zero_width"] > scores["display_copy"]
    for lines in evidence.values():
        assert not any(names.invisible(line) for line in lines)


def test_compatibility_letters_are_read_as_plain_ones(
    found: tuple[dict[str, list[str]], dict[str, str], dict[str, float]],
) -> None:
    evidence, _, _ = found
    assert "full-width" in evidence["full_width"][0]
    assert "(latin letter small capital) is read as 'Cible'" in evidence["small_caps"][0]


def test_short_target_names_need_an_exact_copy() -> None:
    corpus, ids = build(
        {
            "z0e": ("z0e", "Zo", ()),
            "zoe_1": ("zoe_1", "Zoe fan", ()),
            "copy": ("zoe\u200b", "Zoé\u200b", ()),
        },
        targets=(TARGET, "zoe"),
    )
    flagged = {(r.account_id, r.target) for r in find_impersonators(corpus)}
    assert flagged == {(ids["copy"], "zoe")}


def test_json_record() -> None:
    corpus, ids = build({"digit_one": IMPERSONATORS["digit_one"]})
    record = find_impersonators(corpus)[0].to_json()
    assert record["account_id"] == ids["digit_one"] and record["target"] == TARGET
    assert 0.9 <= record["score"] <= 1.0 and len(record["evidence"]) == 2


def test_no_targets_no_findings() -> None:
    corpus, _ = build(IMPERSONATORS, targets=())
    assert find_impersonators(corpus) == []


HANDLE = st.text(alphabet="abcdefghjkmnpqstuvwxyz_", min_size=6, max_size=20)


@given(
    HANDLE,
    st.integers(min_value=0, max_value=19),
    st.sampled_from(["\u200b", "\u200d", "\u2060", "\ufeff"]),
)
def test_invisible_characters_do_not_change_the_skeleton(handle: str, at: int, zw: str) -> None:
    at %= len(handle)
    assert names.skeleton(handle[:at] + zw + handle[at:]) == names.skeleton(handle)


@given(HANDLE)
def test_look_alike_swaps_do_not_change_the_skeleton(handle: str) -> None:
    mimic = handle.replace("o", "0").replace("l", "1").replace("_", ".").replace("e", "\u0435")
    assert names.skeleton(mimic) == names.skeleton(handle)


@given(st.text(max_size=200))
def test_any_text_folds_without_error(text: str) -> None:
    for fold in (names.skeleton, names.core, names.stem, names.clean, names.shown):
        assert isinstance(fold(text), str)
    assert isinstance(names.read_as(text, "cible_demo"), str)


def test_namesakes_of_a_name_like_handle_are_not_flagged() -> None:
    """Target @sebastien_r: people called Sébastien R. are not copies; a display name
    written like the handle, underscore included, is."""
    people = {
        "initial": ("seb_r_1990", "Sébastien R.", ()),
        "generated": ("Sebastien39056", "Seb", ()),
        "other_initial": ("sebastien_t31", "Sébastien T.", ()),
        "first_name": ("sebastien_photo", "Sebastien", ()),
        "copy": ("compte_2", "sebastien_r", ()),
        "homoglyph": ("sebastlen_r", "Photos", ()),
    }
    accounts = [Account("x", "1", handle="sebastien_r", display_name="Sébastien Roux")]
    accounts += [Account("x", key, handle=h, display_name=d) for key, (h, d, _) in people.items()]
    corpus = Corpus.build([], accounts, [], None, ["sebastien_r"])
    flagged = {r.account_id: r.evidence for r in find_impersonators(corpus)}
    assert set(flagged) == {"copy", "homoglyph"}
    assert flagged["copy"] == [
        "display name 'sebastien_r' copies the target's handle 'sebastien_r'"
    ]


# ------------------------------------------------------ a similar handle alone (hostile obs. b)
DAY = 86400


def _dated(target_present: bool, own: Account) -> Corpus:
    """The target (created 2020-01-01, if present) and ``own``, both writing once."""
    created = datetime(2020, 1, 1, tzinfo=UTC)
    accounts = [own]
    if target_present:
        accounts.append(
            Account(
                "x",
                "1",
                handle=TARGET,
                display_name="Cible Démo",
                bio=TARGET_BIO,
                created_at=created,
            )
        )
    messages = [
        Message(
            "x",
            "m0",
            f"@{TARGET} courage",
            created_at=T0,
            author_id=own.id,
            mentions=(Mention(TARGET),),
        )
    ]
    return Corpus.build(messages, accounts, [], None, [TARGET])


def _older_namesake(**kw: object) -> Account:
    fields = dict(
        handle="cible.demo",
        display_name="Camille Bernard",
        bio="Photographe, Lyon. Mes photos, mes balades.",
        created_at=datetime(2015, 6, 1, tzinfo=UTC),
    )
    fields.update(kw)
    return Account("x", "500", **fields)  # type: ignore[arg-type]


def test_an_older_account_with_a_similar_handle_is_not_an_impersonator() -> None:
    """The raid's real victim @SarahL_, older than the case target @SarahL, was flagged 0.9 on
    its handle alone: an established account that always had its name copies no one."""
    assert find_impersonators(_dated(True, _older_namesake())) == []


def test_a_similar_handle_alone_is_not_reported_when_the_target_is_absent() -> None:
    assert find_impersonators(_dated(False, _older_namesake())) == []
    assert find_impersonators(_dated(False, _older_namesake(created_at=None))) == []


def test_a_similar_handle_created_after_the_target_is_reported_and_says_so() -> None:
    late = _older_namesake(created_at=datetime(2026, 2, 20, tzinfo=UTC))
    (found,) = find_impersonators(_dated(True, late))
    assert found.account_id == "500" and found.score >= 0.5
    assert any("after the target's account" in e for e in found.evidence)


def test_an_older_account_that_took_the_look_alike_handle_later_is_reported() -> None:
    renamed = _older_namesake(handles=("photos_camille", "cible.demo"))
    (found,) = find_impersonators(_dated(True, renamed))
    assert any("earlier handle 'photos_camille'" in e for e in found.evidence)


def test_an_older_account_copying_the_display_name_is_still_reported() -> None:
    copy = _older_namesake(display_name="Cible Démo")
    (found,) = find_impersonators(_dated(True, copy))
    assert any("display name" in e for e in found.evidence)
