"""A simple synthetic raid (one French raid, fixed shape) in the real twarc2 format, with its truth.

Everything here is invented: accounts, texts and links. The scenario has baseline chatter
around a target, a raid set off from a forum link with copy-paste insults from fresh accounts,
a few deleted or edited posts, then a support wave. Its phrase banks (:data:`NEUTRAL`,
:data:`HOSTILE`, :data:`SUPPORT`, :data:`TOPICS`) feed benchmarks and tests; the full simulator
is :mod:`rempart.simulate.capture`.

Example::

    truth = write_twarc2(Path("raid.jsonl"), Scenario(seed=7))
    truth["raid_start"], len(truth["raid_accounts"])
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import orjson

UTC = UTC

#: A twarc2 object (tweet, user, page) as parsed JSON.
JsonObject = dict[str, Any]

NEUTRAL = [
    "Merci pour l'article d'hier sur {topic}, très clair.",
    "@{target} tu as une source pour le chiffre cité ?",
    "Intéressant ce fil sur {topic}, je partage.",
    "@{target} d'accord avec toi sur {topic}, mais nuance sur la fin.",
    "Quelqu'un a vu l'émission de ce soir sur {topic} ?",
    "@{target} je ne suis pas convaincu par l'argument, voici pourquoi : {url}",
]
HOSTILE = [
    "@{target} t'es qu'une menteuse, dégage de twitter #{tag}",
    "@{target} personne ne veut de toi ici, ferme-la #{tag}",
    "@{target} on sait qui tu es, fais attention à toi",
    "@{target} sale manipulatrice, tout le monde va savoir #{tag}",
    "@{target} tu vas le regretter, on arrive #{tag}",
    "@{target} honte à toi, démissionne #{tag}",
]
SUPPORT = [
    "@{target} tout mon soutien face à ce harcèlement #JeSoutiens{tagsuffix}",
    "Ce qui arrive à @{target} est inadmissible, signalez les comptes #JeSoutiens{tagsuffix}",
    "@{target} courage, on est nombreux derrière toi",
]
TOPICS = ["le climat", "les retraites", "la presse locale", "le féminisme", "l'école", "le sport"]


@dataclass
class Scenario:
    """Parameters of a synthetic case; every random choice comes from ``seed``."""

    seed: int = 7
    target: str = "cible_demo"
    start: datetime = datetime(2026, 3, 2, tzinfo=UTC)
    baseline_days: int = 5
    baseline_per_day: int = 120
    raid_messages: int = 1500
    raid_accounts: int = 300
    raid_hours: float = 10.0
    support_messages: int = 300
    page_size: int = 100
    deleted: int = 5
    edits: int = 3
    truncated_line: bool = True
    forum_url: str = "https://forum.example.invalid/topic/42-on-y-va"
    extra: dict[str, Any] = field(default_factory=dict)


class _Ids:
    """Increasing snowflake-like ids (strings, above 2**53 like real X ids)."""

    def __init__(self, rng: random.Random, start: int) -> None:
        self.rng = rng
        self.n = start

    def next(self) -> str:
        self.n += self.rng.randint(2, 9999)
        return str(self.n)


def _user(
    rng: random.Random, ids: _Ids, handle: str, created: datetime, followers: int
) -> JsonObject:
    return {
        "id": ids.next(),
        "username": handle,
        "name": handle.replace("_", " ").title(),
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "public_metrics": {
            "followers_count": followers,
            "following_count": rng.randint(0, 500),
            "tweet_count": rng.randint(1, 20000),
            "listed_count": 0,
        },
        "description": "",
        "protected": False,
    }


def _tweet(
    tid: str,
    user: JsonObject,
    text: str,
    when: datetime,
    target_id: str,
    target: str,
    reply_to: str | None = None,
) -> JsonObject:
    t: dict[str, Any] = {
        "id": tid,
        "text": text,
        "author_id": user["id"],
        "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "conversation_id": reply_to or tid,
        "lang": "fr",
        "edit_history_tweet_ids": [tid],
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0},
        "possibly_sensitive": False,
    }
    entities: dict[str, Any] = {}
    mention = f"@{target}"
    pos = text.find(mention)
    if pos >= 0:
        entities["mentions"] = [
            {"start": pos, "end": pos + len(mention), "username": target, "id": target_id}
        ]
    tags = [w for w in text.split() if w.startswith("#")]
    if tags:
        entities["hashtags"] = [
            {"start": text.find(w), "end": text.find(w) + len(w), "tag": w[1:]} for w in tags
        ]
    urls = [w for w in text.split() if w.startswith("https://")]
    if urls:
        entities["urls"] = [
            {
                "start": text.find(u),
                "end": text.find(u) + len(u),
                "url": u,
                "expanded_url": u,
                "display_url": u[8:40],
            }
            for u in urls
        ]
    if entities:
        t["entities"] = entities
    if reply_to:
        t["referenced_tweets"] = [{"type": "replied_to", "id": reply_to}]
        t["in_reply_to_user_id"] = target_id
    return t


def generate(scn: Scenario) -> tuple[list[tuple[JsonObject, JsonObject]], JsonObject]:
    """``(tweet, author)`` pairs in time order, and the ground truth."""
    rng = random.Random(scn.seed)
    ids = _Ids(rng, 1_500_000_000_000_000_000 + scn.seed * 10_000_000)
    target_user = _user(rng, ids, scn.target, scn.start - timedelta(days=2000), 15000)
    regulars = [
        _user(
            rng,
            ids,
            f"lecteur_{i:04d}",
            scn.start - timedelta(days=rng.randint(200, 4000)),
            rng.randint(10, 3000),
        )
        for i in range(300)
    ]
    raid_start = scn.start + timedelta(days=scn.baseline_days, hours=rng.randint(8, 14))
    raiders = [
        _user(
            rng,
            ids,
            f"{rng.choice(['vrai', 'anon', 'patriote', 'lucide'])}_{i:05d}",
            raid_start - timedelta(days=rng.uniform(0.2, 12)),
            rng.randint(0, 40),
        )
        for i in range(scn.raid_accounts)
    ]
    supporters = [
        _user(
            rng,
            ids,
            f"solidaire_{i:04d}",
            scn.start - timedelta(days=rng.randint(100, 3000)),
            rng.randint(50, 5000),
        )
        for i in range(max(1, scn.support_messages // 3))
    ]
    tag = rng.choice(["BalanceTa", "DehorsLaMenteuse", "OnSaitTout"]) + str(scn.seed)
    fmt = {"target": scn.target, "tag": tag, "tagsuffix": str(scn.seed)}
    out: list[tuple[JsonObject, JsonObject]] = []
    total_baseline = scn.baseline_days * scn.baseline_per_day
    for _ in range(total_baseline + scn.baseline_per_day):  # baseline continues during the raid
        when = scn.start + timedelta(seconds=rng.uniform(0, (scn.baseline_days + 1) * 86400))
        user = rng.choice(regulars)
        text = rng.choice(NEUTRAL).format(
            topic=rng.choice(TOPICS), url="https://exemple.invalid/article", **fmt
        )
        out.append((_tweet(ids.next(), user, text, when, target_user["id"], scn.target), user))
    designating_time = raid_start - timedelta(minutes=rng.randint(20, 50))
    designating = _tweet(
        ids.next(),
        target_user,
        f"Mon nouvel article sur {rng.choice(TOPICS)} est en ligne.",
        designating_time,
        target_user["id"],
        scn.target,
    )
    out.append((designating, target_user))
    raid_ids: list[str] = []
    for i in range(scn.raid_messages):
        offset = rng.expovariate(1 / (scn.raid_hours * 3600 / 4))
        when = raid_start + timedelta(seconds=min(offset, scn.raid_hours * 3600))
        user = raiders[i % len(raiders)] if i < len(raiders) else rng.choice(raiders)
        text = rng.choice(HOSTILE).format(**fmt)
        if rng.random() < 0.15:
            text += f" {scn.forum_url}"
        reply = designating["id"] if rng.random() < 0.4 else None
        tw = _tweet(ids.next(), user, text, when, target_user["id"], scn.target, reply)
        raid_ids.append(tw["id"])
        out.append((tw, user))
    support_start = raid_start + timedelta(hours=scn.raid_hours + rng.uniform(2, 6))
    for i in range(scn.support_messages):
        when = support_start + timedelta(seconds=rng.uniform(0, 6 * 3600))
        user = supporters[i % len(supporters)]
        text = rng.choice(SUPPORT).format(**fmt)
        out.append((_tweet(ids.next(), user, text, when, target_user["id"], scn.target), user))
    out.sort(key=lambda pair: pair[0]["created_at"])
    truth = {
        "target": scn.target,
        "target_id": target_user["id"],
        "raid_start": raid_start.isoformat(),
        "raid_accounts": sorted(u["id"] for u in raiders),
        "raid_messages": raid_ids,
        "designating_posts": [designating["id"]],
        "origins": [scn.forum_url],
        "hashtag": tag,
        "support_start": support_start.isoformat(),
    }
    return out, truth


def pages(
    pairs: list[tuple[JsonObject, JsonObject]],
    page_size: int,
    retrieved: datetime,
    deleted_ids: list[str] | None = None,
) -> Iterator[JsonObject]:
    """Group tweets into twarc2 pages with their ``includes`` and ``__twarc`` metadata."""
    for start in range(0, len(pairs), page_size):
        chunk = pairs[start : start + page_size]
        users = {u["id"]: u for _, u in chunk}
        page: dict[str, Any] = {
            "data": [t for t, _ in chunk],
            "includes": {"users": list(users.values())},
            "meta": {
                "result_count": len(chunk),
                "newest_id": chunk[-1][0]["id"],
                "oldest_id": chunk[0][0]["id"],
            },
            "__twarc": {
                "url": "https://api.x.com/2/tweets/search/all?query=%40cible",
                "version": "2.14.1",
                "retrieved_at": retrieved.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            },
        }
        if deleted_ids and start == 0:
            page["errors"] = [
                {
                    "value": d,
                    "detail": f"Could not find tweet with ids: [{d}].",
                    "title": "Not Found Error",
                    "resource_type": "tweet",
                    "parameter": "ids",
                    "resource_id": d,
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                }
                for d in deleted_ids
            ]
        yield page


def write_twarc2(path: Path, scn: Scenario) -> dict[str, Any]:
    """Write the scenario as a twarc2 JSONL file; return the ground truth."""
    pairs, truth = generate(scn)
    rng = random.Random(scn.seed + 1)
    raid = [t for t, _ in pairs if t["id"] in set(truth["raid_messages"])]
    deleted = [t["id"] for t in rng.sample(raid, min(scn.deleted, len(raid)))]
    retrieved = datetime.fromisoformat(truth["support_start"]) + timedelta(days=2)
    edits = []
    for t, u in rng.sample(pairs, min(scn.edits, len(pairs))):
        new_id = str(int(t["id"]) + 1)
        edited = dict(
            t, id=new_id, text=t["text"] + " (modifié)", edit_history_tweet_ids=[t["id"], new_id]
        )
        edits.append((edited, u))
    with open(path, "wb") as fh:
        for page in pages(pairs, scn.page_size, retrieved, deleted):
            fh.write(orjson.dumps(page) + b"\n")
        for page in pages(edits, scn.page_size, retrieved + timedelta(hours=1)):
            fh.write(orjson.dumps(page) + b"\n")
        if scn.truncated_line:
            fh.write(b'{"data": [{"id": "1", "text": "tronqu\xc3\xa9 par une coupure r\n')
    truth["deleted"] = deleted
    truth["edited"] = [t["edit_history_tweet_ids"][0] for t, _ in edits]
    truth["messages"] = len(pairs)
    return truth


def write_bench_twarc2(path: Path, n_messages: int, seed: int = 1) -> int:
    """A large twarc2 file of ``n_messages`` tweets (for benchmarks); returns the count."""
    per_day = 2000
    scn = Scenario(
        seed=seed,
        baseline_days=max(1, (n_messages // 2) // per_day),
        baseline_per_day=per_day,
        raid_messages=n_messages // 2 - per_day,
        raid_accounts=max(300, n_messages // 50),
        support_messages=0,
        deleted=0,
        edits=0,
        truncated_line=False,
    )
    pairs, _ = generate(scn)
    pairs = pairs[:n_messages]
    retrieved = datetime(2026, 4, 1, tzinfo=UTC)
    with open(path, "wb") as fh:
        for page in pages(pairs, scn.page_size, retrieved):
            fh.write(orjson.dumps(page) + b"\n")
    return len(pairs)
