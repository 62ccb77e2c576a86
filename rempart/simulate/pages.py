"""Render a simulated case as twarc2 pages, as a live watch would have captured it.

Messages are grouped in chronological windows (``window_minutes``); each window is retrieved a
few minutes after it closes and split into pages of ``page_size`` tweets, newest first when the
scenario says so, like a search API. Each page carries ``includes.users`` (authors, mentioned
and replied-to users), ``includes.tweets`` (replied-to and quoted posts), ``includes.media``
(screenshots), ``meta`` and ``__twarc.retrieved_at``; ``errors`` report suspended or deleted
accounts and deleted posts on the first window retrieved after it happened (on its last page).
With ``banned_profiles=False`` (a capture made after the bans) the suspended and deleted
accounts never appear in ``includes.users``: their posts carry only their ``author_id``.

Texts are escaped as X escapes them (``&amp;``, ``&lt;``, ``&gt;``) and entity offsets index
the escaped text, in code points; links appear as t.co links expanded in ``entities.urls``.

Example::

    for page in render_pages(scn, line, world, plan):
        print(page["__twarc"]["retrieved_at"], len(page.get("data", ())))
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .plan import (
    F_BYNAME,
    F_LINK,
    F_LINK2,
    F_RELATIVE,
    F_TAG,
    F_WAVE,
    K_BASE,
    K_CRITIC,
    K_EDIT,
    K_SPECIAL,
    K_SPIKE,
    K_SUPPORT,
    K_TARGET,
    REL_QUOTE,
    REL_REPLY,
    Plan,
    tco_code,
)
from .scenario import RaidScenario, Timeline
from .text import BANKS, LANGUAGES, Bank, apply_habit, fill_gender, mutate, raid_body
from .world import SimAccount, World

_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")
_HASHTAG = re.compile(r"(?<![\w&;])#(\w*[^\W\d_]\w*)")
_TCO = re.compile(r"https://t\.co/(\w+)")
_NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"
_LONG = 280


def iso_ms(t: float) -> str:
    """X's time format: ``2026-03-02T10:15:03.000Z``."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{int(t * 1000) % 1000:03d}Z"
    )


def escape(text: str) -> str:
    """HTML-escape as X does in ``text`` (only ``&``, ``<`` and ``>``)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class Renderer:
    """Turns plan rows into tweet objects; keeps the posts that later rows reference."""

    def __init__(self, scn: RaidScenario, world: World, plan: Plan) -> None:
        self.scn, self.world, self.plan = scn, world, plan
        self.rng = random.Random(scn.seed * 17 + 1)
        self.accounts = world.accounts
        self.by_handle = {a.handle.lower(): a for a in world.accounts}
        self.target = world.accounts[world.targets[0]]
        self.relative = world.accounts[world.targets[1]] if len(world.targets) > 1 else None
        self.needed = {int(r) for r in plan.ref[plan.ref >= 0]}
        # captured after the bans: a suspended or deleted account has no user object left
        self.gone = (
            set()
            if scn.banned_profiles
            else {int(subject) for _, kind, subject, _ in plan.events if kind == "user"}
        )
        self.cache: dict[int, dict[str, Any]] = {}
        self.media: dict[int, dict[str, Any]] = {}
        self.wave_weights = [1.0 / (k + 1) for k in range(len(world.waves))]
        self.metrics = [
            {
                "retweet_count": int(self.rng.expovariate(0.5)),
                "reply_count": int(self.rng.expovariate(0.7)),
                "like_count": int(self.rng.expovariate(0.2)),
                "quote_count": 0,
                "impression_count": self.rng.randint(5, 900),
            }
            for _ in range(64)
        ]

    # ----------------------------------------------------------------------------- texts
    def fill(self, bank: Bank, mention: str) -> dict[str, str]:
        p = self.world.people[0]
        return {
            **fill_gender(bank, self.scn.target_gender, self.rng),
            "m": mention,
            "n": p.first,
            "N": f"{p.first} {p.last}",
            "topic": self.rng.choice(bank.topics),
            "show": self.world.show,
            "outlet": self.world.outlet,
            "stag": f"#{self.world.support_tag}",
            "tag": f"#{self.world.raid_tags[0]}",
            "url": "{url}",
        }

    def link(self, urls: dict[str, str], expanded: str) -> str:
        code = tco_code(self.rng)
        urls[code] = expanded
        return f"https://t.co/{code}"

    def templated(
        self, templates: tuple[str, ...], bank: Bank, mention: str, urls: dict[str, str]
    ) -> str:
        text = self.rng.choice(templates).format(**self.fill(bank, mention))
        if "{url}" in text:
            text = text.replace("{url}", self.link(urls, self.rng.choice(self.world.news_urls)))
        return text

    def bulk_text(self, row: int, acc: SimAccount, urls: dict[str, str]) -> tuple[str, str]:
        """Text and language of a row whose text the plan left to the renderer."""
        plan = self.plan
        kind, flags = int(plan.kind[row]), int(plan.flags[row])
        lang = LANGUAGES[int(plan.lang[row])]
        bank = BANKS[lang]
        mention = f"@{self.target.handle}"
        if flags & F_RELATIVE and self.relative is not None:
            mention = f"@{self.relative.handle}"
        if kind == K_TARGET:
            return self.templated(bank.own, bank, mention, urls), lang
        if kind == K_BASE:
            if int(plan.rel[row]) == REL_REPLY:
                return f"{self.parent_prefix(row)}{self.rng.choice(bank.replies)}", lang
            templates = bank.by_name if flags & F_BYNAME else bank.neutral
            return self.templated(templates, bank, mention, urls), lang
        if kind == K_CRITIC:
            return self.templated(bank.critic, bank, mention, urls), lang
        if kind == K_SUPPORT:
            text = self.templated(bank.support, bank, mention, urls)
            if "#" not in text and self.rng.random() < 0.3:
                text += f" #{self.world.support_tag}"
            return text, lang
        if kind == K_SPIKE:
            return self.templated(bank.spike, bank, mention, urls), lang
        return self.raid_text(row, acc, lang, urls)

    def raid_text(
        self, row: int, acc: SimAccount, lang: str, urls: dict[str, str]
    ) -> tuple[str, str]:
        """An insult or threat, copied from a wave with mutations or written anew."""
        plan, world, rng = self.plan, self.world, self.rng
        flags, rel = int(plan.flags[row]), int(plan.rel[row])
        if flags & F_WAVE and world.waves:
            lang, body = rng.choices(world.waves, self.wave_weights)[0]
            body = mutate(body, rng, BANKS[lang])
        else:
            body = raid_body(rng, BANKS[lang], self.scn.target_gender, {"n": world.people[0].first})
        if acc.misspelling or acc.emoji or acc.sign_off:
            if rng.random() < 0.85:
                body = apply_habit(body, acc.misspelling, acc.emoji, acc.sign_off)
        parts = [body]
        if rel == REL_REPLY:
            parts.insert(0, self.parent_prefix(row).rstrip())
        elif rel != REL_QUOTE:
            mention = f"@{self.target.handle}"
            if rng.random() < 0.7:
                parts.insert(0, mention)
            else:
                parts.append(mention)
            if flags & F_RELATIVE and self.relative is not None:
                parts.append(f"@{self.relative.handle}")
        if flags & F_TAG:
            tag = rng.choice(world.raid_tags)
            parts.append(f"#{tag.lower() if rng.random() < 0.15 else tag}")
        if flags & (F_LINK | F_LINK2):
            parts.append(self.link(urls, world.origin_urls[1 if flags & F_LINK2 else 0]))
        return " ".join(parts), lang

    def parent_prefix(self, row: int) -> str:
        parent = int(self.plan.ref[row])
        return f"@{self.accounts[int(self.plan.author[parent])].handle} "

    # ----------------------------------------------------------------------------- tweets
    def render(self, row: int, created: str) -> tuple[dict[str, Any], list[int], list[int]]:
        """The tweet object of ``row`` (posted at ``created``), the accounts it involves, and
        the rows it references."""
        plan = self.plan
        kind = int(plan.kind[row])
        acc = self.accounts[int(plan.author[row])]
        if kind == K_EDIT:
            return self.edit(row, acc, created)
        urls: dict[str, str] = {}
        media = False
        long = False
        sid = int(plan.special[row])
        if kind == K_SPECIAL or sid >= 0:
            special = plan.specials[sid]
            text, lang, media, long = special.text, special.lang, special.media, special.long
            urls.update(special.urls)
        else:
            text, lang = self.bulk_text(row, acc, urls)
        rel = int(plan.rel[row])
        ref = int(plan.ref[row])
        if rel == REL_QUOTE:
            parent = self.accounts[int(plan.author[ref])]
            text += " " + self.link(urls, f"https://x.com/{parent.handle}/status/{plan.ids[ref]}")
        tid = str(int(plan.ids[row]))
        tweet: dict[str, Any] = {
            "id": tid,
            "text": "",
            "author_id": acc.id,
            "created_at": created,
            "conversation_id": tid,
            "lang": lang,
            "edit_history_tweet_ids": [tid],
            "public_metrics": self.metrics[row % len(self.metrics)],
            "possibly_sensitive": False,
            "reply_settings": "everyone",
        }
        users = [acc.index]
        refs: list[int] = []
        if rel in (REL_REPLY, REL_QUOTE) and ref >= 0:
            parent_tweet = self.cache[ref]
            parent_acc = self.accounts[int(plan.author[ref])]
            refs.append(ref)
            users.append(parent_acc.index)
            if rel == REL_REPLY:
                tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent_tweet["id"]}]
                tweet["in_reply_to_user_id"] = parent_acc.id
                tweet["conversation_id"] = parent_tweet["conversation_id"]
            else:
                tweet["referenced_tweets"] = [{"type": "quoted", "id": parent_tweet["id"]}]
        escaped = escape(text)
        entities, mentioned = self.entities(escaped, urls)
        users.extend(mentioned)
        if long and len(escaped) > _LONG:
            tweet["text"] = escaped[: _LONG - 1] + "…"
            tweet["note_tweet"] = {"text": escaped, "entities": entities}
            short, _ = self.entities(tweet["text"], urls)
            if short:
                tweet["entities"] = short
        else:
            tweet["text"] = escaped
            if entities:
                tweet["entities"] = entities
        if media:
            key = f"3_{tid}"
            tweet["attachments"] = {"media_keys": [key]}
            self.media[row] = {
                "media_key": key,
                "type": "photo",
                "width": 1200,
                "height": 900,
                "url": f"https://pbs.twimg.invalid/media/{key[2:12]}.jpg",
            }
        if row in self.needed:
            self.cache[row] = tweet
        return tweet, users, refs

    def edit(
        self, row: int, acc: SimAccount, created: str
    ) -> tuple[dict[str, Any], list[int], list[int]]:
        """A later version of an earlier post: new id, both ids in the edit history."""
        plan = self.plan
        original = self.cache[int(plan.ref[row])]
        tid = str(int(plan.ids[row]))
        bank = BANKS.get(original["lang"], BANKS["fr"])
        tweet = dict(
            original,
            id=tid,
            created_at=created,
            text=original["text"] + self.rng.choice(bank.edit_marks),
            edit_history_tweet_ids=[*original["edit_history_tweet_ids"], tid],
        )
        users = [acc.index]
        for m in original.get("entities", {}).get("mentions", ()):
            found = self.by_handle.get(m["username"].lower())
            if found is not None:
                users.append(found.index)
        refs = [int(plan.ref[int(plan.ref[row])])] if "referenced_tweets" in original else []
        return tweet, users, [r for r in refs if r >= 0]

    def entities(self, text: str, urls: dict[str, str]) -> tuple[dict[str, Any], list[int]]:
        """Mentions, hashtags and t.co links of ``text``, with the accounts mentioned."""
        out: dict[str, Any] = {}
        mentioned: list[int] = []
        if "@" in text:
            found = []
            for m in _MENTION.finditer(text):
                acc = self.by_handle.get(m.group(1).lower())
                if acc is None:
                    continue
                found.append(
                    {"start": m.start(), "end": m.end(), "username": acc.handle, "id": acc.id}
                )
                mentioned.append(acc.index)
            if found:
                out["mentions"] = found
        if "#" in text:
            tags = [
                {"start": m.start(), "end": m.end(), "tag": m.group(1)}
                for m in _HASHTAG.finditer(text)
            ]
            if tags:
                out["hashtags"] = tags
        if urls and "https://t.co/" in text:
            links = []
            for m in _TCO.finditer(text):
                expanded = urls.get(m.group(1))
                if expanded:
                    links.append(
                        {
                            "start": m.start(),
                            "end": m.end(),
                            "url": m.group(0),
                            "expanded_url": expanded,
                            "display_url": expanded.split("://", 1)[1][:26] + "…",
                        }
                    )
            if links:
                out["urls"] = links
        return out, mentioned


def render_pages(
    scn: RaidScenario, line: Timeline, world: World, plan: Plan
) -> Iterator[dict[str, Any]]:
    """The whole capture as twarc2 pages, window after window (see the module docstring)."""
    renderer = Renderer(scn, world, plan)
    rng = random.Random(scn.seed * 19 + 3)
    window = scn.window_minutes * 60.0
    events = plan.events
    e, i, n = 0, 0, len(plan)
    start = line.t0
    while i < n or e < len(events):
        stop = start + window
        j = int(np.searchsorted(plan.t, stop))
        retrieved = stop + rng.uniform(60, max(scn.retrieval_delay_minutes * 60, 61))
        if i >= n:
            retrieved = max(retrieved, events[-1][0] + 60)
        errors = []
        while e < len(events) and events[e][0] < retrieved:
            errors.append(_error(events[e], world, plan))
            e += 1
        stamps = np.datetime_as_string((plan.t[i:j] * 1000).astype("datetime64[ms]"), unit="ms")
        rendered = [renderer.render(r, f"{stamp}Z") for r, stamp in zip(range(i, j), stamps)]
        if scn.newest_first:
            rendered.reverse()
        chunks = [rendered[k : k + scn.page_size] for k in range(0, len(rendered), scn.page_size)]
        last = max(len(chunks) - 1, 0)
        for k, chunk in enumerate(chunks or [[]]):
            if not chunk and not errors:
                continue
            # errors ride on the window's last page: no later page of the window shows the
            # account again as if it were still there
            yield _page(
                chunk, errors if k == last else [], retrieved + 2 * k, renderer, scn, start, stop
            )
        i, start = j, stop


def _page(
    chunk: list[tuple[dict[str, Any], list[int], list[int]]],
    errors: list[dict[str, Any]],
    retrieved: float,
    renderer: Renderer,
    scn: RaidScenario,
    start: float,
    stop: float,
) -> dict[str, Any]:
    users: dict[int, None] = {}
    refs: dict[int, None] = {}
    media = []
    for _, involved, referenced in chunk:
        users.update(dict.fromkeys(involved))
        refs.update(dict.fromkeys(referenced))
    for r in refs:
        users[int(renderer.plan.author[r])] = None
        if r in renderer.media:
            media.append(renderer.media[r])
    for tweet, _, _ in chunk:
        key = tweet.get("attachments", {}).get("media_keys", [None])[0]
        if key:
            media.append(_media_of(renderer, key))
    page: dict[str, Any] = {}
    if chunk:
        ids = [t["id"] for t, _, _ in chunk]
        page["data"] = [t for t, _, _ in chunk]
        includes: dict[str, Any] = {
            "users": [renderer.accounts[u].user for u in users if u not in renderer.gone]
        }
        if refs:
            includes["tweets"] = [renderer.cache[r] for r in refs]
        if media:
            includes["media"] = media
        page["includes"] = includes
        page["meta"] = {
            "result_count": len(chunk),
            "newest_id": max(ids, key=int),
            "oldest_id": min(ids, key=int),
        }
    else:
        page["meta"] = {"result_count": 0}
    if errors:
        page["errors"] = errors
    handle = renderer.target.handle
    page["__twarc"] = {
        "url": (
            f"https://api.twitter.com/2/tweets/search/recent?query=%40{handle}"
            f"&start_time={iso_ms(start)}&end_time={iso_ms(stop)}&max_results={scn.page_size}"
        ),
        "version": "2.14.0",
        "retrieved_at": datetime.fromtimestamp(retrieved, UTC).isoformat(timespec="seconds"),
    }
    return page


def _media_of(renderer: Renderer, key: str) -> dict[str, Any]:
    for m in renderer.media.values():
        if m["media_key"] == key:
            return m
    return {"media_key": key, "type": "photo"}


def _error(event: tuple[float, str, int, str], world: World, plan: Plan) -> dict[str, Any]:
    _, resource, subject, status = event
    if resource == "tweet":
        rid = str(int(plan.ids[subject]))
        return {
            "value": rid,
            "detail": f"Could not find tweet with ids: [{rid}].",
            "title": "Not Found Error",
            "resource_type": "tweet",
            "parameter": "ids",
            "resource_id": rid,
            "type": _NOT_FOUND,
        }
    rid = world.accounts[subject].id
    if status == "suspended":
        return {
            "value": rid,
            "detail": f"User has been suspended: [{rid}].",
            "title": "Forbidden",
            "resource_type": "user",
            "parameter": "id",
            "resource_id": rid,
            "type": _NOT_FOUND,
        }
    return {
        "value": rid,
        "detail": f"Could not find user with id: [{rid}].",
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": "id",
        "resource_id": rid,
        "type": _NOT_FOUND,
    }
