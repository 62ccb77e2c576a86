"""The raid detectors' explanations in plain French (rempart.reports.french): one fixture per
sentence shape, the sentences the detectors' own helpers write, every sentence of the findings
of simulated raids, and hostile texts that must come through unchanged."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from rempart import case as rc
from rempart.analysis.raid import behaviour, evasion
from rempart.analysis.raid import impersonation as imp
from rempart.analysis.raid.corpus import AccountInfo
from rempart.case.analysis import find_raids
from rempart.case.scoring import load_classifier, score_case
from rempart.reports.french import NBSP, SHAPES, episode_kind_fr, to_french
from rempart.simulate import random_scenario, write_twarc2

#: (shape, English sentence as the detector writes it, French with plain spaces).
SHAPE_FIXTURES = [
    (
        "episode",
        "Neutral spike aimed at @sarahl_: 917 messages from 619 accounts between 2025-10-12T17:06:27Z and 2025-10-12T21:35:41Z, peaking at 5.5 times the usual rate (67 per hour usually at that time, 364 per hour at the peak).",
        "Pic neutre visant @sarahl_ : 917 messages de 619 comptes entre le 2025-10-12 à 17:06:27 UTC et le 2025-10-12 à 21:35:41 UTC, avec un pic à 5,5 fois le rythme habituel (67 par heure habituellement à ce moment, 364 par heure au plus fort).",
    ),
    (
        "episode_scored",
        "5% of the 917 scored messages are hostile, 0% supportive.",
        "5 % des 917 messages évalués sont hostiles et 0 % sont des messages de soutien.",
    ),
    (
        "episode_unscored",
        "The messages were not scored by the classifier.",
        "Les messages n'ont pas été évalués par le classifieur.",
    ),
    (
        "episode_fresh_authors",
        "58% of authors (163 of 282 with a known creation date) were created less than 14 days before the start.",
        "58 % des comptes auteurs (163 sur 282 dont la date de création est connue) ont été créés moins de 14 jours avant le début.",
    ),
    (
        "episode_hashtag",
        "11% use #stoplortrin (against 0.3% of the other messages aimed at the target).",
        "11 % utilisent #stoplortrin (contre 0,3 % des autres messages visant la cible).",
    ),
    (
        "episode_link",
        "84 messages link https://forum.example/t/42-on-y-va, first posted 87 minutes before the start.",
        "84 messages contiennent le lien https://forum.example/t/42-on-y-va, publié pour la première fois 87 minutes avant le début.",
    ),
    (
        "wrote_designating_post",
        "wrote the designating post 1978412345678901234 at 2025-10-15T09:26:02Z",
        "a écrit la publication de désignation 1978412345678901234 le 2025-10-15 à 09:26:02 UTC",
    ),
    (
        "first_sharer",
        "was among the first to share https://t.me/+2YQPVJp6Wy, 10.5 hours before the raid began",
        "a été parmi les premiers à partager https://t.me/+2YQPVJp6Wy, 10,5 heures avant le début du raid",
    ),
    (
        "near_copies",
        "posted 13 near-copies of \"t'es qu'une menteuse @sarahl_\", a text posted by 1361 accounts during the raid",
        "a publié 13 quasi-copies de « t'es qu'une menteuse @sarahl_ », un texte publié par 1 361 comptes pendant le raid",
    ),
    (
        "synchronised",
        "3 of its messages came within 60 seconds of a near-copy by another account",
        "3 de ses messages ont été publiés à moins de 60 secondes d'une quasi-copie publiée par un autre compte",
    ),
    (
        "account_age",
        "account created 30 days before the raid began",
        "compte créé 30 jours avant le début du raid",
    ),
    (
        "followers",
        "2 followers",
        "2 abonnés",
    ),
    (
        "raid_hashtag",
        "uses #stoplortrin (1089 accounts used it during the raid, 0 messages before)",
        "utilise #stoplortrin (1 089 comptes l'ont utilisé pendant le raid, 0 message auparavant)",
    ),
    (
        "raid_link",
        "shared the link https://t.me/+2YQPVJp6Wy (51 accounts shared it during the raid)",
        "a partagé le lien https://t.me/+2YQPVJp6Wy (51 comptes l'ont partagé pendant le raid)",
    ),
    (
        "answered_designating_post",
        "replied to or quoted the designating post 1978412345678901234 (once)",
        "a répondu à la publication de désignation 1978412345678901234 ou l'a citée (une fois)",
    ),
    (
        "one_scored_message",
        "its one scored message during the raid was not hostile",
        "son seul message évalué pendant le raid n'était pas hostile",
    ),
    (
        "scored_messages_none",
        "0 of its 4 scored messages during the raid were hostile",
        "aucun de ses 4 messages évalués pendant le raid n'était hostile",
    ),
    (
        "scored_messages",
        "7 of its 11 scored messages during the raid were hostile",
        "7 de ses 11 messages évalués pendant le raid étaient hostiles",
    ),
    (
        "nothing_before",
        "no message from it before the raid",
        "aucun message de ce compte avant le raid",
    ),
    (
        "posted_before",
        "it had posted 1 message before the raid",
        "le compte avait publié 1 message avant le raid",
    ),
    (
        "aimed_at_target",
        "10 of its messages around the episode were aimed at @sarahl_ (mention, reply, quote, or under a post designating @sarahl_)",
        "10 de ses messages autour de l'épisode visaient @sarahl_ (mention, réponse, citation, ou réponse sous une publication désignant @sarahl_)",
    ),
    (
        "none_aimed_around_episode",
        "0 of its messages around the episode were aimed at any case target (@sarahl_, @mlortrin)",
        "aucun de ses messages autour de l'épisode ne visait l'une des cibles du dossier (@sarahl_, @mlortrin)",
    ),
    (
        "counts_for_designating_post",
        "it counts for its designating post about @sarahl_",
        "le compte est retenu pour sa publication de désignation visant @sarahl_",
    ),
    (
        "link_carried_later",
        "messages aimed at @sarahl_ later carried that link",
        "des messages visant @sarahl_ ont ensuite relayé ce lien",
    ),
    (
        "sharer_not_counted",
        "0 of its messages were aimed at @sarahl_: not counted as taking part against @sarahl_",
        "aucun de ses messages ne visait @sarahl_ : il n'est pas compté comme ayant pris part contre @sarahl_",
    ),
    (
        "both_near_copies",
        "both posted near-copies of \"t'es qu'une menteuse @sarahl_\" during the raid of 2025-10-15T09:04:27Z",
        "les deux comptes ont publié des quasi-copies de « t'es qu'une menteuse @sarahl_ » pendant le raid du 2025-10-15 à 09:04:27 UTC",
    ),
    (
        "both_shared_link",
        "both shared the link https://t.me/+2YQPVJp6Wy",
        "les deux comptes ont partagé le lien https://t.me/+2YQPVJp6Wy",
    ),
    (
        "answered_authors_post",
        "replied to or quoted @rugby_mathieu1's designating post 1978412345678901234",
        "a répondu à la publication de désignation 1978412345678901234 de @rugby_mathieu1 ou l'a citée",
    ),
    (
        "both_answered_post",
        "both replied to or quoted the designating post 1978412345678901234",
        "les deux comptes ont répondu à la publication de désignation 1978412345678901234 ou l'ont citée",
    ),
    (
        "synchronised_pair",
        "posted near-copies within 60 seconds of each other 3 times",
        "les deux comptes ont publié des quasi-copies à moins de 60 secondes d'intervalle, à 3 reprises",
    ),
    (
        "burst",
        "376 replies and quotes from 314 accounts within 5.2 hours, 36% of the scored ones hostile (379 in all)",
        "376 réponses et citations de 314 comptes en 5,2 heures (sur 379 au total), dont 36 % d'hostiles parmi celles évaluées par le classifieur",
    ),
    (
        "burst_fresh_accounts_none",
        "0 of these 12 accounts were created less than 30 days before",
        "aucun de ces 12 comptes n'a été créé moins de 30 jours auparavant",
    ),
    (
        "burst_fresh_accounts",
        "79 of these 98 accounts were created less than 30 days before",
        "79 de ces 98 comptes ont été créés moins de 30 jours auparavant",
    ),
    (
        "burst_supportive",
        "1 of the replies and quotes was supportive",
        "1 des réponses et citations était un message de soutien",
    ),
    (
        "posted_by",
        'posted by @rugby_mathieu1 at 2025-10-15T09:26:02Z: "@SarahL_ Sarah Lortrin recommence. Tout le monde sait ce qu\'il reste à faire 👀"',
        "publiée par @rugby_mathieu1 le 2025-10-15 à 09:26:02 UTC : « @SarahL_ Sarah Lortrin recommence. Tout le monde sait ce qu'il reste à faire 👀 »",
    ),
    (
        "first_reply",
        "the first reply or quote of the burst came less than a minute after it",
        "la première réponse ou citation de la vague est arrivée moins d'une minute après la publication",
    ),
    (
        "mentions_target",
        "it does not mention the target",
        "la publication ne mentionne pas la cible",
    ),
    (
        "referenced_only",
        "the post was captured only as a referenced post (context of replies)",
        "la publication n'a été capturée que comme publication référencée (contexte de réponses)",
    ),
    (
        "post_missing",
        "the post 1978412345678901234 itself is not in the capture: it is known from the replies and quotes that point to it",
        "la publication 1978412345678901234 elle-même ne figure pas dans la capture : elle est connue par les réponses et citations qui y renvoient",
    ),
    (
        "first_came",
        "the first came at 2025-10-15T09:27:41Z",
        "la première est arrivée le 2025-10-15 à 09:27:41 UTC",
    ),
    (
        "burst_timing",
        "the burst began 29 minutes after the start of the harassment episode of 2025-10-15T09:04:27Z",
        "la vague a commencé 29 minutes après le début de l'épisode de harcèlement du 2025-10-15 à 09:04:27 UTC",
    ),
    (
        "designates_by_repliers",
        "it designates @sarahl_: the post does not show whom it is about, but 85 of the 98 accounts piling on under it also wrote to @sarahl_ directly (mention, reply or quote) within 24 hours of the burst",
        "la publication désigne @sarahl_ : elle ne montre pas qui elle vise, mais 85 des 98 comptes qui s'acharnent sous elle ont aussi écrit directement à @sarahl_ (mention, réponse ou citation) dans les 24 heures autour de la vague",
    ),
    (
        "designates_mentions",
        "it designates @sarahl_: it mentions @sarahl_",
        "la publication désigne @sarahl_ : elle mentionne @sarahl_",
    ),
    (
        "designates_replies_to_post",
        "it designates @sarahl_: it replies to a post of @sarahl_ (1978400000000000001)",
        "la publication désigne @sarahl_ : elle répond à une publication de @sarahl_ (1978400000000000001)",
    ),
    (
        "designates_replies_to",
        "it designates @sarahl_: it replies to @sarahl_",
        "la publication désigne @sarahl_ : elle répond à @sarahl_",
    ),
    (
        "designates_names",
        'it designates @sarahl_: it names @sarahl_ in its text ("sarah lortrin")',
        "la publication désigne @sarahl_ : elle nomme @sarahl_ dans son texte (« sarah lortrin »)",
    ),
    (
        "origin_kind",
        "link https://t.me/+2YQPVJp6Wy: a chat invitation or group",
        "lien https://t.me/+2YQPVJp6Wy : une invitation ou un groupe de messagerie",
    ),
    (
        "origin_first_post",
        'first posted at 2025-10-15T08:17:12Z, 47 minutes before the raid began (2025-10-15T09:04:27Z), by @CelineMorin57: "Go sur le serveur, les consignes sont épinglées https://t.co/cyNPbpHvFt"',
        "publié pour la première fois le 2025-10-15 à 08:17:12 UTC, 47 minutes avant le début du raid (le 2025-10-15 à 09:04:27 UTC), par @CelineMorin57 : « Go sur le serveur, les consignes sont épinglées https://t.co/cyNPbpHvFt »",
    ),
    (
        "origin_volume",
        "1 message by 1 account during the raid",
        "1 message de 1 compte pendant le raid",
    ),
    (
        "outside_raids",
        "4 outside raids",
        "4 en dehors des raids",
    ),
    (
        "origin_sharers",
        "98% of the 47 accounts that shared it around the raid posted hostile messages or were created less than 30 days before",
        "98 % des 47 comptes qui l'ont partagé autour du raid ont publié des messages hostiles ou ont été créés moins de 30 jours avant",
    ),
    (
        "stopped",
        "@Hug09659318476 suspended (observed 2025-10-15 09:41 UTC), last post 2025-10-15 06:22 UTC",
        "@Hug09659318476 suspendu (constaté le 2025-10-15 à 09:41 UTC), dernière publication le 2025-10-15 à 06:22 UTC",
    ),
    (
        "fell_silent",
        "@vrai_loup silent after 2025-10-14 22:10 UTC",
        "@vrai_loup n'a plus rien publié après le 2025-10-14 à 22:10 UTC",
    ),
    (
        "successor",
        "@Hug096593184763, created 2025-10-15 09:48 UTC, first post 2025-10-15 09:56 UTC (15 minutes after the stop was observed)",
        "@Hug096593184763, créé le 2025-10-15 à 09:48 UTC, première publication le 2025-10-15 à 09:56 UTC (15 minutes après la constatation de l'arrêt du premier compte)",
    ),
    (
        "only_fell_silent",
        "the first account only fell silent",
        "le premier compte a seulement cessé de publier",
    ),
    (
        "no_stop_observed",
        "no suspension or deletion was observed",
        "aucune suspension ni suppression n'a été constatée",
    ),
    (
        "handle_reads_same",
        "handle reads the same once '3' is read as 'e' ('ColereCitoyen81' -> 'ColereCitoy3n81')",
        "le pseudonyme se lit de la même façon (différence : « 3 » lu comme « e ») (« ColereCitoyen81 » → « ColereCitoy3n81 »)",
    ),
    (
        "handle_number_moves",
        "handle differs only by its trailing number, which goes up (096593184763 -> 96593184764) ('Hug096593184763' -> 'Hug96593184764')",
        "le pseudonyme ne diffère que par son nombre final, qui augmente (096593184763 → 96593184764) (« Hug096593184763 » → « Hug96593184764 »)",
    ),
    (
        "handle_digits_shared",
        "handle differs only by its trailing digits ('VeriteCitoyen13' -> 'VeriteCitoyen45'), but 4 other accounts active then share that stem",
        "le pseudonyme ne diffère que par ses chiffres finaux (« VeriteCitoyen13 » → « VeriteCitoyen45 »), mais 4 autres comptes actifs alors partagent ce radical",
    ),
    (
        "handle_trailing_digit",
        "handle differs only by a trailing digit ('terroirpeuplel' -> 'terroirpeuplel2')",
        "le pseudonyme ne diffère que par un chiffre final (« terroirpeuplel » → « terroirpeuplel2 »)",
    ),
    (
        "handle_number_differs",
        "handle differs only by its trailing number (13 -> 45) ('vrai_loup13' -> 'vrai_loup45')",
        "le pseudonyme ne diffère que par son nombre final (13 → 45) (« vrai_loup13 » → « vrai_loup45 »)",
    ),
    (
        "handle_character_edit",
        "handle has one character added ('P4rIeurFier142' -> 'P4rIeurFier1424')",
        "le pseudonyme a un caractère ajouté (« P4rIeurFier142 » → « P4rIeurFier1424 »)",
    ),
    (
        "handle_characters_swapped",
        "handle has two neighbouring characters swapped ('peuple_verite11' -> 'peuple_veriet11')",
        "le pseudonyme a deux caractères voisins intervertis (« peuple_verite11 » → « peuple_veriet11 »)",
    ),
    (
        "handle_affix",
        "handle is the same name with an added or dropped affix ('cible_demo' -> 'real_cible_demo')",
        "le pseudonyme est le même nom, avec un affixe ajouté ou retiré (« cible_demo » → « real_cible_demo »)",
    ),
    (
        "handle_swaps_letters",
        "handle swaps two letters ('marion' -> 'mairon')",
        "le pseudonyme intervertit deux lettres (« marion » → « mairon »)",
    ),
    (
        "handle_one_letter",
        "handle differs by one letter ('lucasb' -> 'lucab')",
        "le pseudonyme diffère d'une lettre (« lucasb » → « lucab »)",
    ),
    (
        "handle_letter_edit",
        "handle has one letter dropped ('justinien' -> 'justinen')",
        "le pseudonyme a une lettre supprimée (« justinien » → « justinen »)",
    ),
    (
        "handles_share_beginning",
        "handles share the beginning 'patriote' ('patriote_libre' -> 'patriote_vrai')",
        "les pseudonymes commencent de la même façon, par « patriote » (« patriote_libre » → « patriote_vrai »)",
    ),
    (
        "handles_unrelated",
        "handles 'Helene53535446' and 'anon90_justice' are unrelated",
        "les pseudonymes « Helene53535446 » et « anon90_justice » n'ont aucun rapport",
    ),
    (
        "display_affix",
        "display names differ only by an affix ('Libre M.' -> 'Libre M.2'), a name 2 other accounts active then use",
        "les noms affichés ne diffèrent que par un affixe (« Libre M. » → « Libre M.2 »), un nom qu'utilisent 2 autres comptes actifs alors",
    ),
    (
        "display_same",
        "same display name 'INÈS R.'",
        "même nom affiché « INÈS R. »",
    ),
    (
        "display_reads_same",
        "display names read the same ('Inès R.' -> 'INÈS R.')",
        "les noms affichés se lisent de la même façon (« Inès R. » → « INÈS R. »)",
    ),
    (
        "display_share_words",
        "display names share words ('Manon N.' -> 'Manon')",
        "les noms affichés ont des mots en commun (« Manon N. » → « Manon »)",
    ),
    (
        "display_one_letter",
        "display names differ by one letter ('Patriote Libre' -> 'Patriote Libra')",
        "les noms affichés diffèrent d'une lettre (« Patriote Libre » → « Patriote Libra »)",
    ),
    (
        "display_differ",
        "display names differ ('Julie' -> 'Marc')",
        "les noms affichés diffèrent (« Julie » → « Marc »)",
    ),
    (
        "bio_announces",
        "the new bio announces a new or backup account ('Compte de secours.')",
        "la nouvelle biographie annonce un nouveau compte ou un compte de secours (« Compte de secours. »)",
    ),
    (
        "bio_same_shared",
        "same bio 'Libre penseur. Pas de DM.', used by 26 other accounts active then",
        "même biographie « Libre penseur. Pas de DM. », utilisée par 26 autres comptes actifs alors",
    ),
    (
        "bio_same",
        "same bio 'Libre penseur, ex-prof, jamais d'accord.'",
        "même biographie « Libre penseur, ex-prof, jamais d'accord. »",
    ),
    (
        "bios_alike",
        "bios 67% alike ('Libre penseur, ex-prof.')",
        "biographies semblables à 67 % (« Libre penseur, ex-prof. »)",
    ),
    (
        "bios_differ",
        "bios differ",
        "les biographies diffèrent",
    ),
    (
        "both_aimed_at_target",
        "both aimed messages at @sarahl_ (3 and 1 messages)",
        "les deux comptes ont visé @sarahl_ (3 et 1 message)",
    ),
    (
        "aimed_nothing",
        "the new account aimed nothing at the old one's targets",
        "le nouveau compte n'a rien adressé aux cibles de l'ancien",
    ),
    (
        "writing_style",
        "writing style similarity 0.80 over 9 and 11 messages (same sign-off 'the real one'; both use the rare words 'from', 'wesh')",
        "similarité de style d'écriture de 0,80 sur 9 et 11 messages (même formule finale « the real one » ; tous deux emploient les mots rares « from », « wesh »)",
    ),
    (
        "rare_habits",
        "same writing habits: the sign '🙈' (in 5/6 and 3/3 of their messages, a habit of 0 of 600 sampled accounts); the punctuation '?!' (in 4/6 and 2/3 of their messages, a habit of 2 of 600 sampled accounts)",
        "mêmes habitudes d'écriture : le signe « 🙈 » (dans 5/6 et 3/3 de leurs messages, une habitude de 0 des 600 comptes de l'échantillon) ; la ponctuation « ?! » (dans 4/6 et 2/3 de leurs messages, une habitude de 2 des 600 comptes de l'échantillon)",
    ),
    (
        "common_habits",
        "shared habits, common in the case: the sign '😂', ending messages with 'quoi'",
        "habitudes partagées, courantes dans le dossier : le signe « 😂 », des messages terminés par « quoi »",
    ),
    (
        "posting_hours",
        "posting hours alike 0.85 (busiest UTC hours [3, 14, 20] and [14, 20])",
        "similarité des heures de publication de 0,85 (heures UTC les plus actives : 3 h, 14 h, 20 h pour le premier compte ; 14 h, 20 h pour le second)",
    ),
    (
        "created_before_last_post",
        "@loup_vrai was created 1 h 29 before the last post of account 2008807927562935543",
        "@loup_vrai a été créé 1 h 29 avant la dernière publication du compte 2008807927562935543",
    ),
    (
        "profile_gone",
        "the profile of account 2008807927562935543 and account 2008807927562935544 is not in the capture (only their ids and posts): the link rests on timing, target and writing habits alone",
        "les profils du compte 2008807927562935543 et du compte 2008807927562935544 ne figurent pas dans la capture (seulement leurs identifiants et leurs publications) : le lien repose sur le seul calendrier, la cible et les habitudes d'écriture",
    ),
    (
        "copied_bio",
        "bio copies the target's bio ('Journaliste à La Vigie. Enquêtes et terrain.')",
        "la biographie reprend celle de la cible (« Journaliste à La Vigie. Enquêtes et terrain. »)",
    ),
    (
        "created_after_target",
        "account created 412 days after the target's account",
        "compte créé 412 jours après celui de la cible",
    ),
    (
        "took_handle_later",
        "an older account than the target's that took its look-alike handle later (earlier handle 'jardins_du_sud')",
        "un compte plus ancien que celui de la cible, qui a pris plus tard son pseudonyme ressemblant (ancien pseudonyme « jardins_du_sud »)",
    ),
    (
        "name_reads_as",
        "display name 'Сéline Dаrbonnеc' reads as the target's display name 'Céline Darbonnec' once 'С' (cyrillic capital letter es) is read as 'C'; 'а' (cyrillic small letter a) is read as 'a'",
        "le nom affiché « Сéline Dаrbonnеc » se lit comme le nom affiché de la cible « Céline Darbonnec » (différences : « С » (cyrillic capital letter es) lu comme « C » ; « а » (cyrillic small letter a) lu comme « a »)",
    ),
    (
        "name_with_affix",
        "handle 'SarahL__bis' is the target's handle 'sarahl_' with an added affix ('_bis' added)",
        "le pseudonyme « SarahL__bis » est le pseudonyme de la cible « sarahl_ » avec un affixe ajouté (« _bis » ajouté)",
    ),
    (
        "name_one_character",
        "earlier handle 'sarahI_' differs from the target's handle 'sarahl' by a single character ('_' added)",
        "l'ancien pseudonyme « sarahI_ » diffère du pseudonyme de la cible « sarahl » d'un seul caractère (« _ » ajouté)",
    ),
    (
        "name_invisible_characters",
        "display name 'Sarah\u200bLortrin' is the target's display name 'SarahLortrin' with invisible characters hidden in it (U+200B), so it looks identical",
        "le nom affiché « Sarah\u200bLortrin » est le nom affiché de la cible « SarahLortrin » avec des caractères invisibles cachés (U+200B), si bien qu'il paraît identique",
    ),
    (
        "name_styled_letters",
        "handle '𝐬𝐚𝐫𝐚𝐡𝐥_' is the target's handle 'sarahl_' written with styled or full-width letters (Unicode compatibility forms), so it looks identical",
        "le pseudonyme « 𝐬𝐚𝐫𝐚𝐡𝐥_ » est le pseudonyme de la cible « sarahl_ » écrit en lettres stylisées ou en pleine chasse (formes de compatibilité Unicode), si bien qu'il paraît identique",
    ),
    (
        "display_name_copied",
        "display name copied exactly 'Sarah Lortrin' (the target's display name)",
        "nom affiché copié à l'identique « Sarah Lortrin » (le nom affiché de la cible)",
    ),
    (
        "name_copies",
        "display name 'sarahl_' copies the target's handle 'sarahl_'",
        "le nom affiché « sarahl_ » reprend le pseudonyme de la cible « sarahl_ »",
    ),
]


def plain(text: str | None) -> str | None:
    """French with its no-break spaces as plain spaces (for comparing)."""
    return None if text is None else text.replace(NBSP, " ")


@pytest.mark.parametrize(("name", "english", "french"), SHAPE_FIXTURES, ids=lambda x: x[:40])
def test_each_shape_reads_in_french(name: str, english: str, french: str) -> None:
    shape = next(s for s in SHAPES if s.name == name)
    assert shape.pattern.fullmatch(english), "the fixture is not of its shape"
    assert plain(to_french(english)) == french


def test_every_shape_has_a_fixture() -> None:
    names = [s.name for s in SHAPES]
    assert len(names) == len(set(names))
    assert sorted(names) == sorted(name for name, _, _ in SHAPE_FIXTURES)


def test_french_typography_and_numbers() -> None:
    fr = to_french(
        "376 replies and quotes from 3140 accounts within 5.2 hours, 36% of the scored ones hostile (12379 in all)"
    )
    assert fr == (
        f"376 réponses et citations de 3{NBSP}140 comptes en 5,2 heures (sur 12{NBSP}379 au "
        f"total), dont 36{NBSP}% d'hostiles parmi celles évaluées par le classifieur"
    )
    # singular up to 1, plural from 2; post ids and years are never grouped
    assert to_french("1 follower") == "1 abonné"
    assert to_french("0 followers") == "0 abonné"
    assert plain(to_french("account created 1.5 hours after the raid began")) == (
        "compte créé 1,5 heure après le début du raid"
    )
    assert to_french("wrote the designating post 1978412345678901234 at 2025-10-15T09:26:02Z") == (
        "a écrit la publication de désignation 1978412345678901234 le 2025-10-15 à 09:26:02 UTC"
    )


def test_durations_of_every_detector() -> None:
    cases = {
        "account created less than a minute before the raid began": "moins d'une minute",
        "account created 1 minute before the raid began": "1 minute",
        "account created 42 minutes before the raid began": "42 minutes",
        "account created 5.5 hours before the raid began": "5,5 heures",
        "account created 3 days before the raid began": "3 jours",
    }
    for english, words in cases.items():
        assert plain(to_french(english)) == f"compte créé {words} avant le début du raid"
    successor = "@b, first post 2025-10-15 09:56 UTC ({} after the stop was observed)"
    for english, words in {
        "1 day 3 h": "1 jour 3 h",
        "2 days 0 h": "2 jours 0 h",
        "2 h 05": "2 h 05",
    }.items():
        assert plain(to_french(successor.format(english))) == (
            f"@b, première publication le 2025-10-15 à 09:56 UTC ({words} après la constatation "
            "de l'arrêt du premier compte)"
        )


def test_episode_explanation_is_translated_clause_by_clause() -> None:
    english = " ".join(
        [
            SHAPE_FIXTURES[0][1].replace("Neutral spike", "Harassment raid"),
            "67% of the 1278 scored messages are hostile, 1% supportive.",
            "58% of authors (163 of 282 with a known creation date) were created less than 14 days before the start.",
            "11% use #stoplortrin (against 0.3% of the other messages aimed at the target).",
            "6% use #firelortrin (against 0.0% of the other messages aimed at the target).",
            "84 messages link https://forum.example/t/42, first posted 87 minutes before the start.",
            "63 messages link https://x.com/a/status/2022164935434938140, first posted 18 minutes after the start.",
            "12 messages link https://pad.example/x, first posted at the start.",
            "5 messages link https://pad.example/y.",
        ]
    )
    fr = plain(to_french(english))
    assert fr is not None
    assert fr.startswith("Raid de harcèlement visant @sarahl_ : 917 messages")
    assert fr.count(". ") == 8 and fr.endswith("https://pad.example/y.")
    assert "11 % utilisent #stoplortrin (contre 0,3 %" in fr
    assert "6 % utilisent #firelortrin (contre 0,0 %" in fr
    assert (
        "84 messages contiennent le lien https://forum.example/t/42, publié pour la première fois 87 minutes avant le début."
        in fr
    )
    assert (
        "63 messages contiennent le lien https://x.com/a/status/2022164935434938140, publié pour la première fois 18 minutes après le début."
        in fr
    )
    assert (
        "12 messages contiennent le lien https://pad.example/x, publié pour la première fois au début."
        in fr
    )
    assert "first posted" not in fr and " use " not in fr


def test_unknown_sentences_give_none() -> None:
    assert to_french("") is None
    assert to_french("the moon is made of cheese") is None
    # one unknown clause is enough: the caller shows the English original
    assert to_french("no message from it before the raid; the moon is made of cheese") is None
    assert to_french("The messages were not scored by the classifier. The moon is full.") is None
    # a shape whose parts have no French either
    assert (
        to_french(
            "the burst began 5 minutes after the start of the odd episode of 2025-10-15T09:04:27Z"
        )
        is None
    )
    assert to_french("5 messages by 2 accounts during the raid; many outside raids") is None


def test_unknown_account_status_is_quoted() -> None:
    fr = to_french(
        "@a available (observed 2025-10-15 09:41 UTC); @b, first post 2025-10-15 09:56 UTC (before the stop was observed)"
    )
    assert plain(fr) == (
        "@a au statut « available » (constaté le 2025-10-15 à 09:41 UTC) ; @b, première "
        "publication le 2025-10-15 à 09:56 UTC (avant que l'arrêt du premier compte soit constaté)"
    )


def test_episode_kinds() -> None:
    assert [episode_kind_fr(k) for k in ("harassment", "support", "mixed", "neutral")] == [
        "harcèlement",
        "soutien",
        "mixte",
        "neutre",
    ]
    assert episode_kind_fr("storm") == "storm"


# ---------------------------------------------------------------------------- hostile texts
HOSTILE = (
    '<script>alert("x")</script>; it mentions the target. (.*)+[a-z]{2,}\\1 $^ %s {0} {text} '
    "\u202eevil\u202c\u200b ; no message from it before the raid"
)


def test_hostile_quoted_text_survives_unchanged() -> None:
    english = f'posted 2 near-copies of "{HOSTILE}", a text posted by 5 accounts during the raid'
    fr = to_french(english)
    assert fr == (
        f"a publié 2 quasi-copies de «{NBSP}{HOSTILE}{NBSP}», un texte publié par 5 comptes "
        "pendant le raid"
    )


def test_a_separator_inside_a_quoted_message_does_not_split_it() -> None:
    english = (
        f'posted by @x at 2025-10-15T09:26:02Z: "{HOSTILE}"; the first reply or quote of the '
        "burst came 5 minutes after it"
    )
    fr = to_french(english)
    assert fr == (
        f"publiée par @x le 2025-10-15 à 09:26:02 UTC{NBSP}: «{NBSP}{HOSTILE}{NBSP}»{NBSP}; la "
        "première réponse ou citation de la vague est arrivée 5 minutes après la publication"
    )


@pytest.mark.parametrize(
    "text",
    [
        'he said "stop; now',  # a stray quote: the quotes no longer pair up
        'a"; the first reply or quote of the burst came 1 minute after it; "b',
        "x (unclosed; it mentions the target",
    ],
)
def test_stray_quotes_and_parentheses_in_a_message(text: str) -> None:
    english = (
        f'posted by @x at 2025-10-15T09:26:02Z: "{text}"; the first reply or quote of the burst '
        "came 63 minutes after it"
    )
    assert plain(to_french(english)) == (
        f"publiée par @x le 2025-10-15 à 09:26:02 UTC : « {text} » ; la première réponse ou "
        "citation de la vague est arrivée 63 minutes après la publication"
    )


def test_hostile_names_links_and_hashtags_survive() -> None:
    name = "Sarah\u202e; l'rtroL (x"
    fr = to_french(f"same display name '{name}', a name 2 other accounts active then use")
    assert fr is not None and f"«{NBSP}{name}{NBSP}»" in fr
    url = "https://x.example/a?b=(c)|d*[e]+$;f. g"
    fr = to_french(f"shared the link {url} (3 accounts shared it during the raid)")
    assert plain(fr) == f"a partagé le lien {url} (3 comptes l'ont partagé pendant le raid)"
    explanation = (
        "The messages were not scored by the classifier. "
        "11% use #a. b; c) (against 0.3% of the other messages aimed at the target). "
        f"5 messages link {url}, first posted at the start."
    )
    fr = plain(to_french(explanation))
    assert fr == (
        "Les messages n'ont pas été évalués par le classifieur. 11 % utilisent #a. b; c) "
        "(contre 0,3 % des autres messages visant la cible). 5 messages contiennent le lien "
        f"{url}, publié pour la première fois au début."
    )


# ------------------------------------------------------- sentences the detectors' helpers write
class _Names:
    """A stand-in for ban evasion's account pool: how many others share a name."""

    def __init__(self, shared: int = 0) -> None:
        self.shared = shared

    def sharing(self, key: str, a: AccountInfo, b: AccountInfo) -> int:
        return self.shared


def _names(shared: int = 0) -> Any:
    return _Names(shared)  # duck-typed: evasion only asks the pool ``sharing``


def _account(i: int, handle: str | None = None, **fields: Any) -> AccountInfo:
    return AccountInfo(i, "x", str(2008807927562935000 + i), handle, **fields)


def impersonation_sentences() -> list[str]:
    """What the impersonation detector writes for look-alike names, copies and bios."""
    sarah = imp._Name.of("handle", "sarahl_")
    named = imp._Name.of("display name", "Sarah Lortrin")
    compared = [
        ("handle", "handle", "sarahI_", sarah),  # look-alike letter
        ("handle", "handle", "SarahL__bis", sarah),  # affix
        ("handle", "earlier handle", "sarahll_", sarah),  # one character
        ("handle", "handle", "sarah\u200bl_", sarah),  # invisible character
        ("handle", "handle", "ｓａｒａｈｌ_", sarah),  # full-width letters
        ("display name", "display name", "Sarah Lortrin", named),  # exact copy
        ("display name", "display name", "sarahl_", sarah),  # the handle as a name
        ("display name", "display name", "Sаrah Lоrtrin", named),  # Cyrillic letters
        ("display name", "display name", "Sarah \u202enirtroL", named),  # RTL override
    ]
    out = [m.sentence for k, lab, full, o in compared if (m := imp._compare(k, lab, full, o))]
    target = _account(1, "sarahl_", created_at=1_000_000.0)
    later = _account(2, "sarahI_", created_at=2_000_000.0)
    renamed = _account(3, "sarahI_", created_at=500_000.0, handles=("jardins",))
    out += [imp._handle_support(a, [target], [sarah]) or "" for a in (later, renamed)]
    bio = "Journaliste. Enquêtes et terrain."
    copied = imp._copied_bio(bio, [bio.casefold()])
    assert copied is not None
    return [*out, copied.sentence]


def evasion_sentences() -> list[str]:
    """What the ban-evasion detector writes about handles, names, bios, timing and habits."""
    out = []
    for old, new in [
        ("ColereCitoyen81", "ColereCitoy3n81"),
        ("vrai_loup", "vrai_loup2"),
        ("vrai_loup13", "vrai_loup15"),
        ("vrai_loup13", "vrai_loup45"),
        ("peuple_verite11", "peuple_veriet11"),
        ("SouverainVerite", "SouverainVerit2"),
        ("cible_demo", "real_cible_demo"),
        ("patriote_libre", "patriote_vrai"),
        ("marion", "mairon"),
        ("justinien", "justinen"),
    ]:
        sign = evasion._handle_relation(_names(), _account(4, old), _account(5, new), old, new)
        out.append(sign.text if sign else "")
    shared = evasion._handle_relation(
        _names(3), _account(4, "Verite13"), _account(5, "Verite45"), "Verite13", "Verite45"
    )
    unrelated = evasion._handle_sign(
        _names(), _account(4, "Helene53535446"), _account(5, "anon90_justice")
    )
    out += [sign.text if sign else "" for sign in (shared, unrelated)]
    for a, b, others in [
        ("Libre M.", "Libre M.2", 0),
        ("Julie", "Julie", 3),
        ("Inès R.", "INÈS R.", 0),
        ("Manon N.", "Manon", 0),
        ("Patriote Libre", "Patriote Libra", 0),
        ("Julie", "Marc", 0),
    ]:
        sign = evasion._display_sign(
            _names(others), _account(4, display_name=a), _account(5, display_name=b)
        )
        out.append(sign.text if sign else "")
    bio = "Libre penseur, jamais d'accord avec vous."
    for a, b, others in [
        (bio, "Compte de secours. " + bio, 0),
        (bio, bio, 0),
        (bio, bio, 4),
        (bio, bio.replace("jamais", "toujours"), 0),
        (bio, "Fan de rugby et de cuisine.", 0),
    ]:
        sign = evasion._bio_sign(_names(others), _account(4, bio=a), _account(5, bio=b))
        out.append(sign.text if sign else "")
    t = 1_760_000_000.0
    gone = _account(6, "loup", created_at=t - 9e6, last_post=t - 3600)
    successor = _account(7, "loup2", created_at=t + 600, first_post=t + 1200)
    for stop in (
        evasion._Stop(6, t - 3600, t, True, "suspended"),
        evasion._Stop(6, t - 3600, t - 3600, False, "silent"),
    ):
        out.append(evasion._timing_words(stop, gone, successor, t + 1200, 1200))
    nameless = _account(8, last_post=t)
    out += [evasion._gone_words(nameless, successor), evasion._gone_words(nameless, _account(9))]
    created = evasion._created_sign(
        nameless, _account(10, "loup3", created_at=t - 7200), evasion._Stop(8, t, t, True, "x")
    )
    out.append(created.text if created else "")
    marks = ("e:🙈", "p:?!", "end:quoi")  # worded as evasion_style._behaviour_signs does
    rare = [
        f"{behaviour.describe(m)} (in 5/6 and 3/3 of their messages, a habit of 0 of 600 "
        "sampled accounts)"
        for m in marks
    ]
    out.append("same writing habits: " + "; ".join(rare))
    out.append("shared habits, common in the case: " + ", ".join(map(behaviour.describe, marks)))
    return out


@pytest.mark.parametrize("written", [impersonation_sentences, evasion_sentences])
def test_sentences_written_by_the_detectors_helpers(written: Any) -> None:
    sentences = written()
    assert "" not in sentences, "a helper wrote no sentence: the fixture needs updating"
    assert [s for s in sentences if to_french(s) is None] == []


# ------------------------------------------------------------ findings of simulated raids
SECTIONS = (
    "episodes",
    "campaign_accounts",
    "link_sharers",
    "designating_posts",
    "origins",
    "evasion_links",
    "impersonators",
    "coordination_edges",
)
#: What must come through unchanged: quoted message texts, quoted names, handles, links,
#: hashtags and post ids.
_KEPT = (
    re.compile(r'"([^"]+)"'),
    re.compile(r"(?<!\w)'([^']+)'(?!\w)"),
    re.compile(r"@[\w.]+"),
    re.compile(r"https?://[^\s,;)\"']*[^\s,;).:\"']"),
    re.compile(r"#\w+"),
    re.compile(r"\b\d{12,}\b"),
)


def findings_of(folder: Path, seed: int, **options: Any) -> dict[str, Any]:
    """The stored findings of a simulated raid (3,000 messages) run through the detectors."""
    scenario = replace(random_scenario(seed, 3000), **options)
    truth = write_twarc2(folder / "raid.jsonl", scenario)
    case = rc.init_case(folder / "case", truth["targets"])
    try:
        rc.ingest(case, [folder / "raid.jsonl"])
        score_case(case, load_classifier(case, use_encoder=False))
        find_raids(case)
        run = case.store.latest_findings_run()
        assert run is not None
        return dict(run.data)
    finally:
        case.close()


#: Simulated raids whose findings, together, fill every section the test reads.
RUNS: tuple[tuple[int, dict[str, Any]], ...] = (
    (11, {"banned_profiles": False}),  # evasion judged on behaviour, early link sharers
    (34, {"support": "overlap", "targets": 1}),
)


def test_every_sentence_of_simulated_findings_reads_in_french(tmp_path: Path) -> None:
    shapes: set[str] = set()
    filled: set[str] = set()
    for n, (seed, options) in enumerate(RUNS):
        folder = tmp_path / str(n)
        folder.mkdir()
        data = findings_of(folder, seed, **options)
        filled.update(section for section in SECTIONS if data[section])
        for section in SECTIONS:
            for finding in data[section]:
                sentences = (
                    [finding["explanation"]] if section == "episodes" else finding["evidence"]
                )
                for english in sentences:
                    french = to_french(english)
                    assert french is not None, f"{section}: no French for {english!r}"
                    for pattern in _KEPT:
                        for kept in pattern.findall(english):
                            assert kept in french, f"{kept!r} changed in {french!r}"
                    shapes.update(s.name for s in SHAPES if s.pattern.search(english))
    assert filled == set(SECTIONS), f"sections no run fills: {set(SECTIONS) - filled}"
    assert len(shapes) >= 40  # the simulations exercise most shapes
