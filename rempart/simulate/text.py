"""Invented texts for the raid simulator: template banks per language, and copy-paste mutations.

Five languages (fr, en, es, de, it), each with templates for every kind of message a raid case
holds: ordinary talk aimed at the target, mild criticism, the target's own posts, insults and
threats, designating posts, organisers' links, support, talk around a TV appearance, posts by
impersonators and texts full of harmless numbers. Templates combine clause by clause, so a bank
yields thousands of distinct texts. Nothing here names a real person, place of work or link.

Placeholders: ``{m}`` target mention, ``{n}`` first name, ``{N}`` full name, ``{topic}``,
``{url}`` (a t.co link), ``{show}``, ``{stag}`` (support hashtag), ``{tag}`` (raid hashtag),
``{link}`` (origin link), ``{outlet}``; gendered words ``{ins}`` (an insult), ``{une}``
(indefinite article), ``{art}`` (definite article), ``{il}`` (subject), ``{le}`` (object),
``{son}`` (English possessive).

Example::

    bank = BANKS["fr"]
    body = raid_body(random.Random(1), bank, "f", {"n": "Claire"})
    mutate(body, random.Random(2), bank)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

#: Languages the simulator writes; French first.
LANGUAGES = ("fr", "en", "es", "de", "it")


@dataclass(frozen=True)
class Bank:
    """Every template of one language (see the module docstring for placeholders)."""

    lang: str
    topics: tuple[str, ...]
    neutral: tuple[str, ...]  # aimed at the target through {m}
    replies: tuple[str, ...]  # replies under the target's posts (the @ prefix is added)
    by_name: tuple[str, ...]  # talk naming the target without a mention
    critic: tuple[str, ...]  # mild, organic criticism
    own: tuple[str, ...]  # the target's own posts
    insults: dict[str, tuple[str, ...]]  # by gender "f"/"m"
    grammar: dict[str, dict[str, str]]  # gendered words by gender
    abuse: tuple[str, ...]  # clauses with {ins}
    commands: tuple[str, ...]
    threats: tuple[str, ...]
    designating: tuple[str, ...]  # never mention the target
    organiser: tuple[str, ...]  # with {link}
    support: tuple[str, ...]
    spike: tuple[str, ...]  # around a TV appearance, with {show}
    impersonation: tuple[str, ...]  # posing as the target
    decoys: tuple[str, ...]  # harmless numbers: helplines, prices, dates, scores, articles
    raid_decoys: tuple[str, ...]  # harmless numbers inside the raid
    edit_marks: tuple[str, ...]
    synonyms: dict[str, str] = field(default_factory=dict)  # copy-paste word swaps
    misspellings: dict[str, str] = field(default_factory=dict)  # a writer's recurring errors


_FR = Bank(
    lang="fr",
    topics=(
        "les retraites",
        "la presse locale",
        "le logement étudiant",
        "l'école publique",
        "les transports régionaux",
        "l'eau potable",
        "la santé mentale des jeunes",
        "les déserts médicaux",
        "le climat",
        "l'agriculture bio",
        "les municipales",
        "le prix de l'énergie",
        "la sécurité routière",
        "la fin de vie",
        "le sport amateur",
        "les algorithmes de recommandation",
        "les petites librairies",
        "la pêche côtière",
        "les urgences hospitalières",
        "le télétravail",
        "les festivals d'été",
    ),
    neutral=(
        "{m} merci pour votre article sur {topic}, très éclairant.",
        "{m} vous avez une source pour le chiffre sur {topic} ?",
        "Très bon papier de {m} sur {topic} {url}",
        "{m} je ne suis pas d'accord sur {topic} mais l'article est solide.",
        "Je recommande le dernier papier de {m}, sur {topic}.",
        "{m} est-ce que vous allez faire une suite sur {topic} ?",
        "Entendu {m} ce matin à la radio, intéressant sur {topic}.",
        "{m} bonjour, peut-on vous contacter pour un témoignage sur {topic} ?",
        "{m} bravo pour l'enquête, ça a dû demander un sacré travail",
        "{m} et sur {topic}, vous avez interrogé les syndicats ?",
        "{m} article partagé à toute ma famille, merci",
        "Fil intéressant de {m} sur {topic}",
        "{m} je me permets de nuancer, sur {topic} les chiffres officiels disent autre chose",
        "{m} lu dans le train, très bien écrit",
        "D'accord avec {m} sur {topic}, enfin quelqu'un qui le dit",
        "{m} vous écrivez sur {topic} mais quid des petites communes ?",
        "{m} quand sort le podcast ?",
        "{m} merci d'avoir répondu à ma question hier",
        "Quelqu'un a lu l'article de {m} sur {topic} ? Vos avis ?",
        "{m} quel est votre avis sur {topic} après les annonces d'hier ?",
        "{m} je partage avec mes élèves, parfait pour le cours sur {topic}",
        "Comme le rappelle {m}, sur {topic} on mérite mieux que des slogans",
        "{m} super intervention, clair et précis",
        "{m} le lien ne marche pas chez moi",
        "{m} et la version papier, elle sort quand ?",
        "Toujours un plaisir de lire {m} sur {topic} {url}",
        "{m} votre enquête sur {topic} a fait réagir au conseil municipal chez nous",
        "{m} j'aurais aimé plus de place pour les témoignages, mais bon travail",
        "{m} vous pensez que {topic} sera au cœur de la campagne ?",
        "{m} une question de lectrice : qui finance les études citées ?",
    ),
    replies=(
        "merci pour ce partage",
        "très intéressant, je lis ça ce soir",
        "bonne question",
        "pas d'accord sur la conclusion, mais merci",
        "bravo !",
        "quel travail",
        "source ?",
        "je ne savais pas, merci",
        "hâte de lire la suite",
        "c'est passionnant",
        "enfin un article nuancé",
        "le graphique est très parlant",
        "je transmets à ma sœur",
        "et chez nous c'est pareil",
        "pourquoi ne pas avoir interrogé les élus ?",
        "très juste",
        "bien vu",
        "ça mériterait un documentaire",
        "merci pour votre travail",
        "j'ai appris plein de choses",
    ),
    by_name=(
        "L'article de {N} sur {topic} est vraiment bien fait.",
        "Vous avez vu le papier de {N} ? Sur {topic}, ça change des discours habituels.",
        "{N} encore à la radio ce matin, sur {topic}.",
        "Pas convaincu par l'analyse de {N} sur {topic}.",
    ),
    critic=(
        "{m} encore un article militant, quelle surprise",
        "{m} c'est du journalisme ou de la com ?",
        "{m} toujours le même parti pris, lassant",
        "Franchement {m} devrait vérifier ses sources avant de publier",
        "{m} on attend toujours le rectificatif",
        "{m} article orienté, comme d'habitude",
        "{m} vous n'écoutez jamais l'autre camp",
        "Désabonné de {m}, trop de leçons de morale",
        "{m} c'est vraiment pas terrible cette fois",
        "{m} votre article sur {topic} est bâclé",
        "{m} analyse un peu courte sur {topic}",
        "{m} un peu de rigueur ne ferait pas de mal",
        "{m} ça devient pénible, ces papiers à sens unique",
    ),
    own=(
        "Mon enquête sur {topic} est en ligne : {url}",
        "Ce soir je reviens sur {topic}, merci à toutes les personnes qui ont témoigné.",
        "Nouveau papier : {topic}, ce que les chiffres ne disent pas {url}",
        "Merci pour vos retours nombreux sur l'article d'hier.",
        "Petite pause, je reviens lundi.",
        "Rectificatif : une erreur s'est glissée dans mon article sur {topic}, c'est corrigé.",
        "Appel à témoignages sur {topic} : mes messages privés sont ouverts.",
        "Un long travail d'équipe sur {topic}, à lire ici {url}",
        "Je serai en direct demain matin, thème : {topic}.",
        "Quelques lectures du week-end sur {topic} {url}",
        "Merci à la rédaction de {outlet} pour sa confiance.",
        "Les commentaires sur {topic} sont ouverts, restons courtois.",
    ),
    insults={
        "f": (
            "menteuse",
            "manipulatrice",
            "mytho",
            "vendue",
            "propagandiste",
            "folle",
            "hypocrite",
            "harpie",
            "pourriture",
            "sorcière",
            "pleureuse",
            "collabo",
            "militante déguisée",
            "incapable",
            "grosse nulle",
            "parasite",
            "traîtresse",
            "connasse",
            "salope",
            "pétasse",
            "honte du journalisme",
        ),
        "m": (
            "menteur",
            "manipulateur",
            "mytho",
            "vendu",
            "propagandiste",
            "malade",
            "hypocrite",
            "imposteur",
            "pourriture",
            "guignol",
            "pleurnichard",
            "collabo",
            "militant déguisé",
            "incapable",
            "gros nul",
            "parasite",
            "traître",
            "connard",
            "enfoiré",
            "minable",
            "honte du journalisme",
        ),
    },
    grammar={
        "f": {"une": "une", "art": "la", "il": "elle", "le": "la", "son": "sa"},
        "m": {"une": "un", "art": "le", "il": "il", "le": "le", "son": "son"},
    },
    abuse=(
        "t'es qu'{une} {ins}",
        "sale {ins}",
        "espèce de {ins}",
        "pauvre {ins}",
        "{n} {art} {ins}",
        "personne ne te croit, {ins}",
        "tout le monde sait que t'es {une} {ins}",
        "{ins} un jour, {ins} toujours",
        "encore toi ? {ins}",
        "la honte absolue, {ins}",
        "même ta famille a honte de toi, {ins}",
        "bravo {ins}, vraiment",
        "regardez-moi {art} {ins}",
        "{n} = {ins}, point",
    ),
    commands=(
        "dégage de twitter",
        "ferme-la",
        "supprime ton compte",
        "démissionne",
        "casse-toi",
        "retourne dans ton trou",
        "arrête d'écrire",
        "va te cacher",
        "excuse-toi publiquement",
        "rends ta carte de presse",
        "tais-toi une bonne fois pour toutes",
        "quitte ce réseau",
    ),
    threats=(
        "on sait où tu habites",
        "fais gaffe à toi",
        "tu vas le regretter",
        "on va te retrouver",
        "tu vas payer",
        "on arrive",
        "ta vie va devenir un enfer",
        "ça va mal finir pour toi",
        "on te lâchera pas",
        "t'as pas idée de ce qui t'attend",
        "on va s'occuper de toi",
        "regarde derrière toi quand tu sors",
        "crève",
        "ta carrière est terminée",
        "on va tout balancer sur toi",
    ),
    designating=(
        "Regardez ce qu'{il} ose écrire. Vous savez quoi faire.",
        "{N} recommence. Tout le monde sait ce qu'il reste à faire 👀",
        "Voilà {art} pseudo-journaliste qui nous crache dessus. Faites-vous plaisir.",
        "{il} ose encore écrire sur {topic} après ça 🤡",
        "Capture avant suppression. On ne lâche rien.",
        "Petit rappel de qui est vraiment {N}. Partagez.",
        "Ce torchon signé {N}, c'est non. Allez lui dire.",
        "Lisez bien ce passage. Et après on s'étonne.",
    ),
    organiser=(
        "Sujet ouvert, tout est dedans, on bouge à 21h : {link}",
        "Ça s'organise ici, rejoignez : {link}",
        "Le plan est sur le forum, lisez avant d'y aller {link}",
        "Go sur le serveur, les consignes sont épinglées {link}",
        "Ceux qui veulent participer : {link}",
        "Tout le monde au rendez-vous ce soir, infos ici {link}",
        "Lien pour les retardataires {link}",
    ),
    support=(
        "{m} tout mon soutien face à ce harcèlement {stag}",
        "Ce qui arrive à {m} est inadmissible. Signalez les comptes. {stag}",
        "{m} courage, on est nombreux derrière toi {stag}",
        "Solidarité avec {m}, le harcèlement en meute n'est pas une opinion. {stag}",
        "{m} ne lâche rien, ton travail est précieux",
        "Je ne connaissais pas {m} mais ce raid est honteux. Abonné. {stag}",
        "{stag} Harcelée pour avoir fait son travail. Soutien total à {m}",
        "{m} prends soin de toi, on signale tout ce qu'on voit",
        "Harceler {m} pour un article sur {topic}, sérieusement ? Soutien. {stag}",
        "Les attaques contre {m} sont indignes. {stag}",
        "{m} merci pour ton travail, ne les laisse pas gagner 💪 {stag}",
        "Toute la rédaction est avec toi {m} {stag}",
        "Le cyberharcèlement en meute est un délit. Force à {m} {stag}",
        "{m} ❤️ on est là",
        "Ceux qui traitent {m} de menteuse devraient lire l'article avant. {stag}",
        "{stag} parce que personne ne mérite ça. Pensées pour {m}",
        "{m} tiens bon, tes lecteurs sont avec toi {stag}",
    ),
    spike=(
        "{m} vue ce soir dans {show}, très claire sur {topic}",
        "Belle intervention de {m} dans {show}",
        "{m} pas d'accord avec tout ce que vous avez dit dans {show}, mais bon débat",
        "Qui a vu {m} dans {show} ? Le passage sur {topic} 👌",
        "{m} le replay de {show} est dispo où ?",
        "Débat animé dans {show} ce soir, {m} a tenu bon",
        "{m} trop courte votre intervention dans {show}, on en voulait plus",
        "{show} ce soir avec {m}, j'ai appris des choses sur {topic}",
    ),
    impersonation=(
        "Je tiens à m'excuser : mon article sur {topic} était mensonger. Je quitte le métier.",
        "Ceci est mon nouveau compte, l'ancien a été piraté. Suivez-moi ici.",
        "Pour soutenir mon enquête, envoyez vos dons en message privé 🙏",
        "J'avoue, j'ai inventé les témoignages. Pardon à tous.",
        "Nouveau compte ! Abonnez-vous, je vous explique tout bientôt.",
        "Je retire tout ce que j'ai écrit sur {topic}. J'avais tort.",
    ),
    decoys=(
        "{m} pour les victimes de violences : le 3919, gratuit et anonyme.",
        "Harcèlement en ligne ? Appelez le 3018, c'est gratuit. Courage {m}",
        "Enfant en danger : le 119, 24h/24. Merci {m} d'en parler.",
        "{m} l'article 222-33-2-2 du Code pénal réprime le harcèlement en meute.",
        "{m} votre livre est à 19,90 euros en librairie, acheté !",
        "Rendez-vous le 14/03 à 18h30 pour la conférence de {m}",
        "On était plus de 4500 à la manif samedi, {m} a raison.",
        "{m} 3-1 hier soir, quel match",
        "En 2019 déjà, {m} alertait sur {topic}.",
        "#Municipales2026 {m} vous couvrez le débat du 12 mars ?",
        "{m} 12 000 signatures pour la pétition, bravo",
        "{m} page 47 du rapport, tableau 3",
        "{m} le dossier 2024-118 est toujours en cours d'instruction",
        "Le 17 ou le 112 en cas d'urgence, ne restez pas seul. Soutien à {m}",
        "{m} j'ai payé 1 250 euros de chauffage cet hiver, votre article tombe juste",
        "{m} l'émission commence à 20h45 sur la 5",
        "{m} 87 % des sondés disent la même chose que vous",
        "{m} la loi du 24 août 2021 dit pourtant l'inverse",
        "{m} les chiffres de 2024 sont ici {url}",
        "#Budget2026 {m} la ligne 12 du tableau est fausse",
    ),
    raid_decoys=(
        "{m} on est déjà 350 sur le sujet 😂 {tag}",
        "48h et {il} supprime son compte, pari ? {tag}",
        "Objectif 10 000 messages ce soir {tag}",
        "{m} 2 300 réponses et toujours pas d'excuses {tag}",
        "{m} 0 crédibilité, 100 % propagande {tag}",
    ),
    edit_marks=(" (modifié)", " [édit : faute de frappe]", " EDIT : précision", " (corrigé)"),
    synonyms={
        "menteuse": "mytho",
        "menteur": "mytho",
        "dégage": "casse-toi",
        "ferme-la": "tais-toi",
        "tout le monde": "tt le monde",
        "supprime": "efface",
        "sale": "espèce de",
        "regretter": "payer",
        "toi": "twa",
        "franchement": "frchmt",
        "personne": "perso",
        "quelle": "kelle",
        "sait": "c",
    },
    misspellings={
        "ça": "sa",
        "tu vas": "tu va",
        "c'est": "s'est",
        "t'es": "tes",
        "quand": "quant",
        "vraiment": "vraiement",
        "on sait": "on c",
        "tout le monde": "tous le monde",
        "personne": "persone",
    },
)

_EN = Bank(
    lang="en",
    topics=(
        "pension reform",
        "local news",
        "student housing",
        "public schools",
        "regional trains",
        "drinking water",
        "youth mental health",
        "rural hospitals",
        "climate policy",
        "organic farming",
        "the local elections",
        "energy prices",
        "road safety",
        "end-of-life care",
        "grassroots sport",
        "recommendation algorithms",
        "independent bookshops",
        "coastal fishing",
        "emergency rooms",
        "remote work",
    ),
    neutral=(
        "{m} thanks for the piece on {topic}, really clear.",
        "{m} do you have a source for the figure on {topic}?",
        "Great reporting by {m} on {topic} {url}",
        "{m} I disagree on {topic} but the article is solid.",
        "Recommend the latest piece by {m} on {topic}.",
        "{m} will there be a follow-up on {topic}?",
        "Heard {m} on the radio this morning, interesting take on {topic}.",
        "{m} hi, could we reach you for a testimony on {topic}?",
        "{m} great investigation, must have been a lot of work",
        "{m} and on {topic}, did you talk to the unions?",
        "{m} shared this with my whole family, thanks",
        "Interesting thread by {m} on {topic}",
        "{m} small nuance: on {topic} the official numbers say otherwise",
        "{m} read it on the train, very well written",
        "Agree with {m} on {topic}, finally someone says it",
        "{m} you cover {topic} but what about small towns?",
        "{m} when is the podcast out?",
        "{m} thanks for answering my question yesterday",
        "Anyone read the {m} piece on {topic}? Thoughts?",
        "{m} what do you make of {topic} after yesterday's announcements?",
        "{m} using this with my students, perfect for the class on {topic}",
        "As {m} reminds us, {topic} deserves better than slogans",
        "{m} great segment, clear and precise",
        "{m} the link doesn't work for me",
        "Always a pleasure to read {m} on {topic} {url}",
        "{m} would have liked more space for the testimonies, but good work",
    ),
    replies=(
        "thanks for sharing",
        "very interesting, reading it tonight",
        "good question",
        "disagree with the conclusion, but thanks",
        "bravo!",
        "what a piece of work",
        "source?",
        "didn't know that, thanks",
        "can't wait for the next part",
        "fascinating",
        "finally a nuanced article",
        "the chart says it all",
        "same where I live",
        "why not ask the councillors?",
        "spot on",
        "well said",
        "this deserves a documentary",
        "thanks for your work",
        "learned a lot",
    ),
    by_name=(
        "The piece by {N} on {topic} is really well done.",
        "Did you see the {N} article? On {topic} it's a change from the usual talk.",
        "{N} on the radio again this morning about {topic}.",
        "Not convinced by the {N} analysis of {topic}.",
    ),
    critic=(
        "{m} another activist piece, what a surprise",
        "{m} is this journalism or PR?",
        "{m} same bias as always, tiresome",
        "Honestly {m} should check sources before publishing",
        "{m} still waiting for the correction",
        "{m} one-sided as usual",
        "{m} you never listen to the other side",
        "Unfollowed {m}, too much moralising",
        "{m} not great this time",
        "{m} your piece on {topic} is sloppy",
        "{m} a bit more rigour wouldn't hurt",
    ),
    own=(
        "My investigation into {topic} is out: {url}",
        "Tonight I'm back on {topic}, thanks to everyone who spoke to me.",
        "New piece: {topic}, what the numbers don't say {url}",
        "Thanks for all the feedback on yesterday's article.",
        "Taking a short break, back on Monday.",
        "Correction: an error slipped into my piece on {topic}, now fixed.",
        "Call for testimonies on {topic}: my DMs are open.",
        "Long team effort on {topic}, read it here {url}",
        "I'll be live tomorrow morning to talk about {topic}.",
        "Some weekend reading on {topic} {url}",
    ),
    insults={
        "f": (
            "liar",
            "fraud",
            "hack",
            "clown",
            "propagandist",
            "disgrace",
            "joke",
            "grifter",
            "loser",
            "parasite",
            "hypocrite",
            "nutcase",
            "shill",
            "coward",
            "snake",
            "witch",
            "bitch",
            "moron",
        ),
        "m": (
            "liar",
            "fraud",
            "hack",
            "clown",
            "propagandist",
            "disgrace",
            "joke",
            "grifter",
            "loser",
            "parasite",
            "hypocrite",
            "nutcase",
            "shill",
            "coward",
            "snake",
            "bastard",
            "moron",
            "lowlife",
        ),
    },
    grammar={
        "f": {"une": "a", "art": "the", "il": "she", "le": "her", "son": "her"},
        "m": {"une": "a", "art": "the", "il": "he", "le": "him", "son": "his"},
    },
    abuse=(
        "you're nothing but a {ins}",
        "what a {ins}",
        "lying {ins}",
        "nobody believes you, {ins}",
        "everyone knows you're a {ins}",
        "once a {ins}, always a {ins}",
        "absolute {ins}",
        "you pathetic {ins}",
        "{n} the {ins}",
        "total {ins} behaviour",
        "look at this {ins}",
    ),
    commands=(
        "delete your account",
        "shut up",
        "get off twitter",
        "resign",
        "go away",
        "stop writing",
        "apologise now",
        "crawl back under your rock",
        "nobody asked you",
        "log off forever",
    ),
    threats=(
        "we know where you live",
        "watch your back",
        "you'll regret this",
        "we're coming",
        "you're going to pay",
        "your life is about to get very hard",
        "this won't end well for you",
        "we won't let go",
        "you have no idea what's coming",
        "your career is over",
        "look behind you when you go out",
    ),
    designating=(
        "Look what {il} dares to write. You know what to do.",
        "{N} is at it again. Everyone knows what's next 👀",
        "Here's the so-called journalist spitting on us. Enjoy.",
        "{il} still talks about {topic} after this 🤡",
        "Screenshot before deletion. We don't let go.",
        "A reminder of who {N} really is. Share.",
    ),
    organiser=(
        "Thread is up, everything's in there, we go at 9pm: {link}",
        "Organising here, join: {link}",
        "The plan is on the forum, read before going {link}",
        "Join the server, instructions are pinned {link}",
        "Link for latecomers {link}",
    ),
    support=(
        "{m} all my support against this harassment {stag}",
        "What is happening to {m} is unacceptable. Report the accounts. {stag}",
        "{m} hang in there, many of us have your back {stag}",
        "Solidarity with {m}, a pile-on is not an opinion. {stag}",
        "{m} don't give up, your work matters",
        "Didn't know {m} but this raid is shameful. Followed. {stag}",
        "{stag} Harassed for doing the job. Full support to {m}",
        "{m} take care, we are reporting everything we see",
        "Attacking {m} over a piece on {topic}? Seriously? Support. {stag}",
        "{m} thank you for your work, don't let them win 💪 {stag}",
        "{m} ❤️ we're here",
        "{stag} because nobody deserves this. Thinking of {m}",
    ),
    spike=(
        "{m} saw you tonight on {show}, very clear on {topic}",
        "Great appearance by {m} on {show}",
        "{m} didn't agree with everything you said on {show}, but good debate",
        "Who saw {m} on {show}? The bit on {topic} 👌",
        "{m} where can I watch {show} again?",
        "{m} too short on {show}, we wanted more",
    ),
    impersonation=(
        "I want to apologise: my piece on {topic} was false. I am quitting journalism.",
        "This is my new account, the old one was hacked. Follow me here.",
        "To support my investigation, send donations by DM 🙏",
        "I admit it, I made up the testimonies. Sorry everyone.",
        "New account! Follow, I'll explain everything soon.",
    ),
    decoys=(
        "{m} UK readers: Samaritans on 116 123, free, day or night.",
        "{m} in the US you can call or text 988 any time.",
        "{m} your book is 24.99 at my local shop, bought it!",
        "See you on 03/14 at 6:30pm for the {m} talk",
        "{m} 4,500 people at the march on Saturday, you're right.",
        "{m} 2-1 last night, what a game",
        "Back in 2018 {m} was already warning about {topic}.",
        "{m} page 47 of the report, table 3",
        "{m} article 222-33-2-2 of the French penal code covers pile-on harassment.",
        "{m} 12,000 signatures on the petition, well done",
        "{m} the show starts at 8:45pm",
        "{m} the 2024 figures are here {url}",
    ),
    raid_decoys=(
        "{m} already 350 of us on the thread 😂 {tag}",
        "48h until {il} deletes the account, bet? {tag}",
        "Goal: 10,000 posts tonight {tag}",
    ),
    edit_marks=(" (edited)", " [edit: typo]", " EDIT: clarified"),
    synonyms={
        "liar": "fraud",
        "shut up": "stfu",
        "delete": "nuke",
        "nobody": "no one",
        "you're": "ur",
        "you": "u",
        "everyone": "everybody",
        "going to": "gonna",
    },
    misspellings={
        "you're": "your",
        "really": "realy",
        "definitely": "definately",
        "lose": "loose",
        "their": "there",
        "because": "cuz",
        "nobody": "noone",
    },
)

_ES = Bank(
    lang="es",
    topics=(
        "las pensiones",
        "la prensa local",
        "la vivienda",
        "la escuela pública",
        "el clima",
        "los precios de la energía",
        "la sanidad rural",
        "el teletrabajo",
    ),
    neutral=(
        "{m} gracias por el artículo sobre {topic}, muy claro.",
        "{m} ¿tienes la fuente del dato sobre {topic}?",
        "Muy buen reportaje de {m} sobre {topic} {url}",
        "{m} no estoy de acuerdo sobre {topic}, pero el artículo es sólido.",
        "{m} ¿habrá una segunda parte sobre {topic}?",
        "Hilo interesante de {m} sobre {topic}",
        "{m} lo he compartido con toda mi familia",
        "{m} leído en el tren, muy bien escrito",
        "De acuerdo con {m} sobre {topic}",
        "{m} el enlace no me funciona",
    ),
    replies=(
        "gracias por compartir",
        "muy interesante",
        "buena pregunta",
        "¡bravo!",
        "¿fuente?",
        "no lo sabía, gracias",
        "qué trabajo",
        "muy cierto",
    ),
    by_name=(
        "El artículo de {N} sobre {topic} está muy bien hecho.",
        "¿Habéis visto lo de {N} sobre {topic}?",
    ),
    critic=(
        "{m} otro artículo militante, qué sorpresa",
        "{m} ¿esto es periodismo o propaganda?",
        "{m} siempre el mismo sesgo, qué cansancio",
        "{m} deberías comprobar tus fuentes",
        "{m} seguimos esperando la rectificación",
        "{m} tu artículo sobre {topic} es flojo",
    ),
    own=(
        "Mi investigación sobre {topic} ya está publicada: {url}",
        "Gracias por todos vuestros comentarios.",
        "Pequeña pausa, vuelvo el lunes.",
    ),
    insults={
        "f": (
            "mentirosa",
            "manipuladora",
            "vendida",
            "farsante",
            "sinvergüenza",
            "payasa",
            "hipócrita",
            "basura",
            "propagandista",
            "ridícula",
        ),
        "m": (
            "mentiroso",
            "manipulador",
            "vendido",
            "farsante",
            "sinvergüenza",
            "payaso",
            "hipócrita",
            "basura",
            "propagandista",
            "ridículo",
        ),
    },
    grammar={
        "f": {"une": "una", "art": "la", "il": "ella", "le": "la", "son": "su"},
        "m": {"une": "un", "art": "el", "il": "él", "le": "lo", "son": "su"},
    },
    abuse=(
        "eres {une} {ins}",
        "{ins} de mierda",
        "nadie te cree, {ins}",
        "todos saben que eres {une} {ins}",
        "qué vergüenza, {ins}",
        "{n} {art} {ins}",
    ),
    commands=(
        "cierra la boca",
        "borra tu cuenta",
        "lárgate de aquí",
        "dimite ya",
        "deja de escribir",
        "pide perdón",
    ),
    threats=(
        "sabemos dónde vives",
        "te vas a arrepentir",
        "vas a pagar por esto",
        "ten cuidado cuando salgas",
        "esto va a acabar mal para ti",
        "no te vamos a dejar en paz",
        "tu carrera se ha acabado",
    ),
    designating=(
        "Mirad lo que se atreve a escribir. Ya sabéis qué hacer.",
        "{N} otra vez. Todos sabemos lo que toca 👀",
    ),
    organiser=("Todo está aquí, nos vemos a las 21h: {link}", "Uníos aquí: {link}"),
    support=(
        "{m} todo mi apoyo frente a este acoso {stag}",
        "Lo que le pasa a {m} es inaceptable. Denunciad las cuentas. {stag}",
        "{m} ánimo, somos muchos contigo {stag}",
        "{m} no te rindas, tu trabajo importa",
        "{m} gracias por tu trabajo 💪 {stag}",
    ),
    spike=(
        "{m} te vi esta noche en {show}, muy clara sobre {topic}",
        "Buena intervención de {m} en {show}",
    ),
    impersonation=(
        "Quiero pedir perdón: mi artículo sobre {topic} era falso.",
        "Esta es mi nueva cuenta, la antigua fue hackeada.",
    ),
    decoys=(
        "{m} el libro cuesta 18,50 euros, ¡comprado!",
        "{m} 2-0 anoche, qué partido",
        "En 2017 {m} ya avisaba sobre {topic}.",
    ),
    raid_decoys=("{m} ya somos 300 en el hilo 😂 {tag}",),
    edit_marks=(" (editado)", " [edit: errata]"),
    synonyms={
        "mentirosa": "embustera",
        "mentiroso": "embustero",
        "cierra": "calla",
        "nadie": "ni dios",
    },
    misspellings={"vas a": "bas a", "haber": "a ver", "sabemos": "savemos"},
)

_DE = Bank(
    lang="de",
    topics=(
        "Rentenreform",
        "Lokaljournalismus",
        "Wohnungsnot",
        "Schulpolitik",
        "Klimapolitik",
        "Energiepreise",
        "Krankenhausreform",
        "Homeoffice",
    ),
    neutral=(
        "{m} danke für den Artikel über {topic}, sehr klar.",
        "{m} gibt es eine Quelle für die Zahl zu {topic}?",
        "Starke Recherche von {m} zu {topic} {url}",
        "{m} bei {topic} sehe ich es anders, aber der Text ist solide.",
        "{m} kommt noch ein zweiter Teil zu {topic}?",
        "Interessanter Thread von {m} zu {topic}",
        "{m} im Zug gelesen, sehr gut geschrieben",
        "Stimme {m} bei {topic} zu",
        "{m} der Link funktioniert bei mir nicht",
    ),
    replies=(
        "danke fürs Teilen",
        "sehr interessant",
        "gute Frage",
        "bravo!",
        "Quelle?",
        "wusste ich nicht, danke",
        "genau so",
        "toller Text",
    ),
    by_name=("Der Artikel von {N} zu {topic} ist wirklich gut gemacht.",),
    critic=(
        "{m} wieder so ein Aktivistentext, welche Überraschung",
        "{m} ist das Journalismus oder PR?",
        "{m} immer dieselbe Schlagseite",
        "{m} bitte erst die Quellen prüfen",
        "{m} wir warten immer noch auf die Korrektur",
        "{m} der Text zu {topic} ist schlampig",
    ),
    own=(
        "Meine Recherche zu {topic} ist online: {url}",
        "Danke für die vielen Rückmeldungen.",
        "Kurze Pause, ab Montag wieder da.",
    ),
    insults={
        "f": (
            "Lügnerin",
            "Heuchlerin",
            "Versagerin",
            "Hetzerin",
            "Witzfigur",
            "Schande",
            "Propagandistin",
            "Betrügerin",
        ),
        "m": (
            "Lügner",
            "Heuchler",
            "Versager",
            "Hetzer",
            "Witzfigur",
            "Schande",
            "Propagandist",
            "Betrüger",
        ),
    },
    grammar={
        "f": {"une": "eine", "art": "die", "il": "sie", "le": "sie", "son": "ihr"},
        "m": {"une": "ein", "art": "der", "il": "er", "le": "ihn", "son": "sein"},
    },
    abuse=(
        "du bist {une} {ins}",
        "was für {une} {ins}",
        "niemand glaubt dir, {ins}",
        "jeder weiß, dass du {une} {ins} bist",
        "{n} {art} {ins}",
    ),
    commands=(
        "halt die Klappe",
        "lösch deinen Account",
        "verschwinde",
        "tritt zurück",
        "hör auf zu schreiben",
        "entschuldige dich",
    ),
    threats=(
        "wir wissen, wo du wohnst",
        "das wirst du bereuen",
        "pass bloß auf",
        "du wirst dafür bezahlen",
        "das endet böse für dich",
        "wir lassen dich nicht in Ruhe",
        "deine Karriere ist vorbei",
    ),
    designating=(
        "Schaut, was {il} da schreibt. Ihr wisst, was zu tun ist.",
        "{N} schon wieder. Alle wissen, was jetzt kommt 👀",
    ),
    organiser=("Alles steht hier, los geht's um 21 Uhr: {link}", "Hier mitmachen: {link}"),
    support=(
        "{m} volle Solidarität gegen diese Hetze {stag}",
        "Was mit {m} passiert, ist inakzeptabel. Accounts melden. {stag}",
        "{m} halte durch, wir sind viele {stag}",
        "{m} danke für deine Arbeit 💪 {stag}",
    ),
    spike=(
        "{m} heute Abend in {show} gesehen, sehr klar zu {topic}",
        "Starker Auftritt von {m} in {show}",
    ),
    impersonation=(
        "Ich entschuldige mich: mein Artikel zu {topic} war falsch.",
        "Das ist mein neuer Account, der alte wurde gehackt.",
    ),
    decoys=(
        "{m} das Buch kostet 22,00 Euro, gekauft!",
        "{m} 3:1 gestern, was für ein Spiel",
        "Schon 2016 hat {m} vor {topic} gewarnt.",
    ),
    raid_decoys=("{m} schon 300 Leute im Thread 😂 {tag}",),
    edit_marks=(" (bearbeitet)", " [Edit: Tippfehler]"),
    synonyms={"verschwinde": "hau ab", "niemand": "keiner", "Lügnerin": "Märchentante"},
    misspellings={"dass": "das", "wieder": "wider", "seid": "seit"},
)

_IT = Bank(
    lang="it",
    topics=(
        "le pensioni",
        "la stampa locale",
        "la casa",
        "la scuola pubblica",
        "il clima",
        "il prezzo dell'energia",
        "gli ospedali",
        "il lavoro da remoto",
    ),
    neutral=(
        "{m} grazie per l'articolo su {topic}, chiarissimo.",
        "{m} c'è una fonte per il dato su {topic}?",
        "Ottima inchiesta di {m} su {topic} {url}",
        "{m} su {topic} non sono d'accordo, ma l'articolo è solido.",
        "{m} ci sarà un seguito su {topic}?",
        "Thread interessante di {m} su {topic}",
        "{m} letto in treno, scritto benissimo",
        "D'accordo con {m} su {topic}",
        "{m} il link non funziona",
    ),
    replies=(
        "grazie per la condivisione",
        "molto interessante",
        "bella domanda",
        "bravo!",
        "fonte?",
        "non lo sapevo, grazie",
        "giustissimo",
    ),
    by_name=("L'articolo di {N} su {topic} è fatto davvero bene.",),
    critic=(
        "{m} l'ennesimo articolo militante, che sorpresa",
        "{m} è giornalismo o propaganda?",
        "{m} sempre lo stesso pregiudizio",
        "{m} controlla le fonti prima di pubblicare",
        "{m} il pezzo su {topic} è superficiale",
    ),
    own=(
        "La mia inchiesta su {topic} è online: {url}",
        "Grazie per tutti i commenti.",
        "Piccola pausa, torno lunedì.",
    ),
    insults={
        "f": (
            "bugiarda",
            "manipolatrice",
            "venduta",
            "pagliaccia",
            "ipocrita",
            "vergogna",
            "propagandista",
            "buffona",
            "incapace",
        ),
        "m": (
            "bugiardo",
            "manipolatore",
            "venduto",
            "pagliaccio",
            "ipocrita",
            "vergogna",
            "propagandista",
            "buffone",
            "incapace",
        ),
    },
    grammar={
        "f": {"une": "una", "art": "la", "il": "lei", "le": "la", "son": "suo"},
        "m": {"une": "un", "art": "il", "il": "lui", "le": "lo", "son": "suo"},
    },
    abuse=(
        "sei {une} {ins}",
        "che {ins}",
        "nessuno ti crede, {ins}",
        "tutti sanno che sei {une} {ins}",
        "{n} {art} {ins}",
    ),
    commands=(
        "chiudi quella bocca",
        "cancella il profilo",
        "sparisci",
        "dimettiti",
        "smetti di scrivere",
        "chiedi scusa",
    ),
    threats=(
        "sappiamo dove abiti",
        "te ne pentirai",
        "guardati le spalle",
        "la pagherai",
        "finirà male per te",
        "non ti lasceremo in pace",
        "la tua carriera è finita",
    ),
    designating=(
        "Guardate cosa osa scrivere. Sapete cosa fare.",
        "{N} ci riprova. Tutti sanno cosa fare adesso 👀",
    ),
    organiser=("È tutto qui, si parte alle 21: {link}", "Unitevi qui: {link}"),
    support=(
        "{m} tutto il mio sostegno contro queste molestie {stag}",
        "Quello che succede a {m} è inaccettabile. Segnalate gli account. {stag}",
        "{m} coraggio, siamo in tanti con te {stag}",
        "{m} grazie per il tuo lavoro 💪 {stag}",
    ),
    spike=("{m} vista stasera a {show}, chiarissima su {topic}", "Bell'intervento di {m} a {show}"),
    impersonation=(
        "Voglio scusarmi: il mio articolo su {topic} era falso.",
        "Questo è il mio nuovo profilo, il vecchio è stato hackerato.",
    ),
    decoys=(
        "{m} il libro costa 18,00 euro, comprato!",
        "{m} 2-2 ieri sera, che partita",
        "Già nel 2015 {m} parlava di {topic}.",
    ),
    raid_decoys=("{m} siamo già in 300 nel thread 😂 {tag}",),
    edit_marks=(" (modificato)", " [edit: refuso]"),
    synonyms={"bugiarda": "cialtrona", "bugiardo": "cialtrone", "sparisci": "vattene"},
    misspellings={"perché": "perche", "c'è": "ce", "qual è": "qual'è"},
)

#: The banks by language code.
BANKS: dict[str, Bank] = {b.lang: b for b in (_FR, _EN, _ES, _DE, _IT)}

#: Emoji that raiders sprinkle; a few also serve as a writer's signature.
EMOJI = (
    "🤡",
    "😂",
    "🤮",
    "💩",
    "🔥",
    "👀",
    "🐍",
    "🖕",
    "😡",
    "🙄",
    "🤣",
    "☠️",
    "🐀",
    "⚠️",
    "🎯",
    "🧹",
    "🚮",
    "🤥",
    "🐷",
    "🙈",
)
#: Sign-offs a writer repeats from account to account.
SIGN_OFFS = (
    "— le vrai",
    "signé: la résistance",
    "#PasDeQuartier",
    "— L.",
    "(c) le peuple",
    "fin de la discussion.",
    "— from the real one",
    "#NoMercy",
    "— l'ancien",
    "bisous 😘",
    "à bon entendeur.",
    "tic tac ⏳",
)


def fill_gender(bank: Bank, gender: str, rng: random.Random) -> dict[str, str]:
    """The gendered words of a bank for ``gender``, with one insult drawn at random."""
    words = dict(bank.grammar[gender])
    words["ins"] = rng.choice(bank.insults[gender])
    return words


def raid_body(rng: random.Random, bank: Bank, gender: str, fill: dict[str, str]) -> str:
    """An insult, often followed by a command or a threat: the core of a raid message."""
    words = {**fill, **fill_gender(bank, gender, rng)}
    parts = [rng.choice(bank.abuse).format(**words)]
    r = rng.random()
    if r < 0.55:
        parts.append(rng.choice(bank.threats))
    elif r < 0.9:
        parts.append(rng.choice(bank.commands))
    if r < 0.2:
        parts.append(rng.choice(bank.commands))
    glue = rng.choice((". ", ", ", " ", " !! ", ". ", " ... "))
    text = glue.join(parts)
    return text[0].upper() + text[1:] if rng.random() < 0.6 else text


def mutate(text: str, rng: random.Random, bank: Bank) -> str:
    """A copy-paste variant: zero to three edits (typo, case, punctuation, word swap, emoji)."""
    for _ in range(rng.choices((0, 1, 2, 3), (0.25, 0.4, 0.25, 0.1))[0]):
        op = rng.randrange(6)
        if op == 0:
            text = _typo(text, rng)
        elif op == 1:
            text = text.upper() if rng.random() < 0.5 else text.lower()
        elif op == 2:
            text = text.rstrip(".!? ") + rng.choice(("!!!", "...", " ?!", "", " !!", "."))
        elif op == 3:
            text = _swap_word(text, rng, bank.synonyms)
        elif op == 4:
            text = f"{text} {rng.choice(EMOJI)}{rng.choice(EMOJI) if rng.random() < 0.3 else ''}"
        else:
            text = f"{rng.choice(EMOJI)} {text}"
    return text


def apply_habit(
    text: str, misspelling: tuple[str, str] | None, emoji: str | None, sign_off: str | None
) -> str:
    """A writer's habits: a recurring misspelling, a signature emoji, a sign-off."""
    if misspelling and misspelling[0] in text:
        text = text.replace(misspelling[0], misspelling[1], 1)
    if emoji:
        text = f"{text} {emoji}"
    if sign_off:
        text = f"{text} {sign_off}"
    return text


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind == 1:
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _swap_word(text: str, rng: random.Random, synonyms: dict[str, str]) -> str:
    found = [k for k in synonyms if k in text]
    if not found:
        return text
    k = rng.choice(found)
    return text.replace(k, synonyms[k], 1)
