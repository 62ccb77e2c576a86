"""A case's messages and accounts, laid out in columns for the raid analyses.

Every detector (episodes, campaign, designating posts, origins, ban evasion, impersonation,
doxxing) reads the same :class:`Corpus`: one row per message, sorted by time, with the fields
the analyses need and nothing else, so a million messages fit in a few hundred megabytes.

Example::

    corpus = Corpus.from_store(case.store, case.targets)
    corpus.t[corpus.aimed]          # epoch seconds of the messages aimed at a target
    corpus.accounts[corpus.author[0]].handle
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from ...models import Account, Message, StatusChange
from ...storage.base import ScoreRow, Store
from .targets import TargetSpec, handle_key, names_target, parse_target, usable_names

__all__ = ["STOPPED", "AccountInfo", "Corpus", "epoch", "handle_key"]

#: Account statuses that mean the account stopped (for ban evasion).
STOPPED = frozenset({"suspended", "deleted", "deactivated", "withheld", "protected"})


def epoch(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


@dataclass(slots=True)
class AccountInfo:
    """One author, with what the analyses compare: names, bio, age, size, when it stopped."""

    index: int
    platform: str
    id: str
    handle: str | None = None
    display_name: str | None = None
    bio: str | None = None
    created_at: float | None = None  # epoch seconds
    followers: int | None = None
    status: str = "available"
    stopped_at: float | None = None  # first time seen suspended/deleted, epoch seconds
    first_post: float | None = None
    last_post: float | None = None
    posts: int = 0
    handles: tuple[str, ...] = ()  # earlier handles seen for this id


@dataclass
class Corpus:
    """Columns, one row per message, in time order (messages without a time come last)."""

    targets: list[str]  # one key per target: its handle as handle_key (or the id as given)
    ids: list[str]
    platforms: list[str]
    t: np.ndarray  # float64 epoch seconds (nan when unknown)
    author: np.ndarray  # int32 index into accounts (-1 when unknown)
    text: list[str]
    reply_to: list[str | None]
    reply_to_author: list[str | None]
    quoted: list[str | None]
    repost_of: list[str | None]
    mentions: list[tuple[str, ...]]  # handle_key of each mention
    hashtags: list[tuple[str, ...]]  # lower case, without '#'
    urls: list[tuple[str, ...]]
    primary: np.ndarray  # bool: captured as a primary record (not only referenced)
    status: list[str]
    hostile: np.ndarray  # float32 abusive probability; nan when not scored
    support: np.ndarray  # float32 support probability; nan when not scored
    labels: list[tuple[str, ...]]
    accounts: list[AccountInfo]
    account_index: dict[tuple[str, str], int]
    status_changes: list[StatusChange] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)  # message id -> row
    target_accounts: set[int] = field(default_factory=set)  # account indexes of the targets
    aimed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: Per target: the handle keys whose mention designates it (current, earlier, from ids).
    target_keys: list[frozenset[str]] = field(default_factory=list)
    #: Per target: folded display names and aliases a text may name it by.
    target_names: list[tuple[str, ...]] = field(default_factory=list)
    target_of: dict[int, int] = field(default_factory=dict)  # account index -> target number
    #: int64 per row: bit ``k`` set when the message itself (mention, reply, quote) is aimed at
    #: target ``k``; ``aimed_code`` adds replies and quotes under designating posts.
    direct_code: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    aimed_code: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    specs: list[TargetSpec] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    # ----------------------------------------------------------------------------- building
    @classmethod
    def from_store(
        cls,
        store: Store,
        targets: Iterable[str],
        aliases: Mapping[str, Iterable[str]] | None = None,
    ) -> Corpus:
        """Every message, account, status change and score of a case.

        Messages stream from the store in time order as plain dicts (no model objects are
        kept), and scores as ``(abusive, support, labels)`` only: a million messages load in
        a bounded, column-sized amount of memory. ``aliases`` maps a target (as given) to
        other names it goes by.
        """
        targets = list(targets)
        builder = _Builder(store.accounts(), targets)
        scores = {(p, i): (a, sup, labels) for p, i, a, sup, labels in store.score_summaries()}
        for d in store.message_dicts():
            builder.add_dict(d, scores.get((d["platform"], d["id"])))
        del scores
        return builder.finish(cls, (c for c, _ in store.status_changes()), targets, aliases)

    @classmethod
    def build(
        cls,
        messages: Iterable[Message],
        accounts: Iterable[Account],
        status_changes: Iterable[StatusChange],
        scores: Mapping[tuple[str, str], ScoreRow] | None,
        targets: Iterable[str],
        aliases: Mapping[str, Iterable[str]] | None = None,
    ) -> Corpus:
        """From model objects; ``scores`` by ``(platform, id)`` (missing ones stay nan)."""
        scores = scores or {}
        targets = list(targets)
        builder = _Builder(accounts, targets)
        for m in messages:
            s = scores.get((m.platform, m.id))
            builder.note_mentions((x.id, x.handle) for x in m.mentions)
            builder.add(
                m.platform,
                m.id,
                m.created_at.timestamp() if m.created_at else None,
                m.author_id,
                m.author_handle,
                m.author_display_name,
                epoch(m.author_created_at),
                m.author_followers,
                m.text,
                m.reply_to_id,
                m.reply_to_author_id,
                m.quoted_id,
                m.repost_of_id,
                [x.handle for x in m.mentions if x.handle],
                m.hashtags,
                m.urls,
                m.captured_as == "primary",
                m.status,
                None
                if s is None
                else (
                    s.abusive,
                    float(s.data.get("scores", {}).get("support", 0.0)),
                    tuple(s.labels),
                ),
            )
        return builder.finish(cls, status_changes, targets, aliases)

    def _finish(
        self,
        aliases: Mapping[str, Iterable[str]] | None = None,
        mention_handles: Mapping[str, set[str]] | None = None,
    ) -> None:
        self.index = {mid: r for r, mid in enumerate(self.ids)}
        self._resolve_targets(aliases or {}, mention_handles or {})
        for r in range(len(self.ids)):
            a = int(self.author[r])
            if a < 0 or np.isnan(self.t[r]):
                continue
            info = self.accounts[a]
            tr = float(self.t[r])
            info.posts += 1
            if info.first_post is None or tr < info.first_post:
                info.first_post = tr
            if info.last_post is None or tr > info.last_post:
                info.last_post = tr
        self.direct_code = self.aimed_codes()
        self.aimed_code = self.direct_code
        self.aimed = self.aimed_code != 0

    def _resolve_targets(
        self, aliases: Mapping[str, Iterable[str]], mention_handles: Mapping[str, set[str]]
    ) -> None:
        """Each target's accounts, mention keys and names (see :mod:`.targets`)."""
        self.target_of = {}
        for a in self.accounts:
            for k, spec in enumerate(self.specs):
                if spec.matches(a.platform, a.id, (a.handle, *a.handles)):
                    self.target_of.setdefault(a.index, k)
        self.target_accounts = set(self.target_of)
        keys: list[set[str]] = [set() for _ in self.specs]
        given = {handle_key(k): list(v) for k, v in aliases.items()}
        names: list[list[str | None]] = [
            list(given.get(handle_key(s.given), ())) for s in self.specs
        ]
        for k, spec in enumerate(self.specs):
            if spec.handle:
                keys[k].add(spec.handle)
            if spec.id is not None:
                keys[k].update(mention_handles.get(spec.id, ()))
        for index, k in self.target_of.items():
            info = self.accounts[index]
            keys[k].update(handle_key(h) for h in (info.handle, *info.handles) if h)
            names[k].append(info.display_name)
        self.target_keys = [frozenset(k) for k in keys]
        self.target_names = [usable_names((*n, *keys[k])) for k, n in enumerate(names)]
        self.targets = [
            spec.handle or min(keys[k], default=spec.given.strip())
            for k, spec in enumerate(self.specs)
        ]

    # ------------------------------------------------------------------------------ queries
    def target_ids(self) -> set[str]:
        """Platform ids of the targets' own accounts."""
        return {self.accounts[i].id for i in self.target_accounts}

    def target_bit(self, target: str) -> int:
        """The bit of ``target`` (a key of :attr:`targets`) in the aimed codes (0 if unknown)."""
        key = handle_key(target)
        for k, t in enumerate(self.targets):
            if t == key or t == target:
                return 1 << k
        return 0

    def post_owners(self) -> dict[str, int]:
        """Message id -> target bit, for the targets' own posts."""
        rows = np.flatnonzero(np.isin(self.author, list(self.target_accounts)))
        return {self.ids[r]: 1 << self.target_of[int(self.author[r])] for r in rows.tolist()}

    def aimed_codes(self, extra_parents: Mapping[str, int] | Iterable[str] = ()) -> np.ndarray:
        """Per message, the bits of the targets it is aimed at (0: none), never for a target's
        own messages.

        A message is aimed at a target when it mentions one of her handles, replies to her
        account, replies to or quotes one of her posts, or replies to or quotes one of
        ``extra_parents`` (designating posts, with the bits of the targets each designates; a
        plain list of ids counts for every target).
        """
        everyone = (1 << len(self.specs)) - 1
        parents = (
            dict(extra_parents)
            if isinstance(extra_parents, Mapping)
            else dict.fromkeys(extra_parents, everyone)
        )
        owners = self.post_owners()
        for mid, bit in owners.items():
            parents[mid] = parents.get(mid, 0) | bit
        by_key = {h: 1 << k for k, keys in enumerate(self.target_keys) for h in keys}
        by_id = {self.accounts[a].id: 1 << k for a, k in self.target_of.items()}
        out = np.zeros(len(self.ids), dtype=np.int64)
        if not self.specs:
            return out
        named: dict[tuple[str, ...], int] = {}
        mentions, to_author = self.mentions, self.reply_to_author
        replied, quoted = self.reply_to, self.quoted
        targets = self.target_accounts
        for r in range(len(self.ids)):
            if int(self.author[r]) in targets:
                continue
            code = named.get(mentions[r])
            if code is None:
                code = named[mentions[r]] = _bits(by_key, mentions[r])
            if to_author[r] is not None:
                code |= by_id.get(to_author[r] or "", 0)
            if replied[r] is not None:
                code |= parents.get(replied[r] or "", 0)
            if quoted[r] is not None:
                code |= parents.get(quoted[r] or "", 0)
            out[r] = code
        return out

    def aimed_at_targets(self, extra_parents: Mapping[str, int] | Iterable[str] = ()) -> np.ndarray:
        """Messages aimed at some target (see :meth:`aimed_codes`), as a boolean mask."""
        out: np.ndarray = self.aimed_codes(extra_parents) != 0
        return out

    def aim(self, designated: Mapping[str, int]) -> None:
        """Count replies and quotes under designating posts (id -> target bits) as aimed."""
        self.aimed_code = self.aimed_codes(designated) if designated else self.direct_code
        self.aimed = self.aimed_code != 0

    def names_target(self, row: int) -> tuple[int, str] | None:
        """``(target number, name)`` when the text of ``row`` names a target in words."""
        for k, names in enumerate(self.target_names):
            found = names_target(self.text[row], names)
            if found is not None:
                return k, found
        return None

    def handle(self, account: int) -> str:
        a = self.accounts[account]
        return a.handle or a.id


Summary = tuple[float, float, tuple[str, ...]]  # abusive, support, labels


class _Builder:
    """Collects a corpus column by column, one message at a time, then puts it in time order."""

    def __init__(self, accounts: Iterable[Account], targets: Iterable[str] = ()) -> None:
        self.infos: list[AccountInfo] = []
        self.aindex: dict[tuple[str, str], int] = {}
        # ids of targets given as ids: the handles mentions carry for them are collected
        self.target_ids = {
            spec.id for spec in (parse_target(t, ()) for t in targets) if spec.id is not None
        } | {t.strip().partition(":")[2].strip() for t in targets if ":" in t}
        self.mention_handles: dict[str, set[str]] = {}
        for a in accounts:
            info = self.infos[self.account_of(a.platform, a.id)]
            info.handle, info.display_name, info.bio = a.handle, a.display_name, a.bio
            info.created_at, info.followers, info.status = (
                epoch(a.created_at),
                a.followers,
                a.status,
            )
            info.handles = tuple(h for h in a.handles if h != a.handle)
        self.t: list[float] = []
        self.author: list[int] = []
        self.hostile: list[float] = []
        self.support: list[float] = []
        self.primary: list[bool] = []
        self.ids: list[str] = []
        self.platforms: list[str] = []
        self.text: list[str] = []
        self.reply_to: list[str | None] = []
        self.reply_to_author: list[str | None] = []
        self.quoted: list[str | None] = []
        self.repost_of: list[str | None] = []
        self.mentions: list[tuple[str, ...]] = []
        self.hashtags: list[tuple[str, ...]] = []
        self.urls: list[tuple[str, ...]] = []
        self.status: list[str] = []
        self.labels: list[tuple[str, ...]] = []
        self._intern: dict[str, str] = {}

    def account_of(self, platform: str, aid: str) -> int:
        k = (platform, aid)
        i = self.aindex.get(k)
        if i is None:
            i = self.aindex[k] = len(self.infos)
            self.infos.append(AccountInfo(i, platform, aid))
        return i

    def note_mentions(self, mentions: Iterable[tuple[str | None, str | None]]) -> None:
        """Remember the handles mentions give for targets known by id (``(id, handle)``)."""
        if not self.target_ids:
            return
        for mid, handle in mentions:
            if mid in self.target_ids and handle:
                self.mention_handles.setdefault(mid, set()).add(handle_key(handle))

    def add_dict(self, d: dict[str, Any], score: Summary | None) -> None:
        """One message as :func:`rempart.models.message_to_dict` writes it."""
        if self.target_ids and d.get("mentions"):
            self.note_mentions((x.get("id"), x.get("handle")) for x in d["mentions"])
        self.add(
            d["platform"],
            d["id"],
            _ts(d.get("created_at")),
            d.get("author_id"),
            d.get("author_handle"),
            d.get("author_display_name"),
            _ts(d.get("author_created_at")),
            d.get("author_followers"),
            d.get("text"),
            d.get("reply_to_id"),
            d.get("reply_to_author_id"),
            d.get("quoted_id"),
            d.get("repost_of_id"),
            [x["handle"] for x in d.get("mentions") or () if x.get("handle")],
            d.get("hashtags") or (),
            d.get("urls") or (),
            d.get("captured_as", "primary") == "primary",
            d.get("status", "available"),
            score,
        )

    def add(
        self,
        platform: str,
        mid: str,
        t: float | None,
        author_id: str | None,
        author_handle: str | None,
        author_name: str | None,
        author_created: float | None,
        author_followers: int | None,
        text: str | None,
        reply_to: str | None,
        reply_to_author: str | None,
        quoted: str | None,
        repost_of: str | None,
        mentions: Iterable[str],
        hashtags: Iterable[str],
        urls: Iterable[str],
        primary: bool,
        status: str,
        score: Summary | None,
    ) -> None:
        intern = self._intern.setdefault
        self.ids.append(mid)
        self.platforms.append(intern(platform, platform))
        self.t.append(np.nan if t is None else t)
        if author_id:
            i = self.account_of(platform, author_id)
            info = self.infos[i]
            if info.handle is None and author_handle:
                info.handle = author_handle
            if info.display_name is None and author_name:
                info.display_name = author_name
            if info.created_at is None and author_created is not None:
                info.created_at = author_created
            if info.followers is None and author_followers is not None:
                info.followers = author_followers
            self.author.append(i)
        else:
            self.author.append(-1)
        self.text.append(text or "")
        self.reply_to.append(reply_to)
        self.reply_to_author.append(reply_to_author)
        self.quoted.append(quoted)
        self.repost_of.append(repost_of)
        self.mentions.append(tuple(intern(k, k) for k in map(handle_key, mentions)))
        self.hashtags.append(tuple(intern(k, k) for k in (h.lower().lstrip("#") for h in hashtags)))
        self.urls.append(tuple(urls))
        self.primary.append(primary)
        self.status.append(intern(status, status))
        if score is None:
            self.hostile.append(np.nan)
            self.support.append(np.nan)
            self.labels.append(())
        else:
            self.hostile.append(score[0])
            self.support.append(score[1])
            self.labels.append(score[2])

    def finish(
        self,
        cls: type[Corpus],
        status_changes: Iterable[StatusChange],
        targets: Iterable[str],
        aliases: Mapping[str, Iterable[str]] | None = None,
    ) -> Corpus:
        """The corpus, in time order (messages without a time last; ties by platform, id)."""
        t = np.asarray(self.t, dtype=np.float64)
        keys = np.where(np.isnan(t), np.inf, t)
        order = None
        if len(t) > 1 and not np.all(keys[1:] >= keys[:-1]):
            order = sorted(range(len(t)), key=lambda r: (keys[r], self.platforms[r], self.ids[r]))

        def col(values: list[Any]) -> list[Any]:
            return values if order is None else [values[r] for r in order]

        def arr(values: list[Any], dtype: type) -> np.ndarray:
            a: np.ndarray = np.asarray(values, dtype=dtype)
            return a if order is None else a[np.asarray(order, dtype=np.int64)]

        infos, aindex = self.infos, self.aindex
        changes = list(status_changes)
        for c in changes:
            if c.subject in ("account", "user") and c.status in STOPPED:
                found = aindex.get((c.platform, c.id))
                when = epoch(c.observed_at)
                if found is not None and when is not None:
                    info = infos[found]
                    info.stopped_at = (
                        when if info.stopped_at is None else min(info.stopped_at, when)
                    )
        corpus = cls(
            targets=[],
            ids=col(self.ids),
            platforms=col(self.platforms),
            t=arr(self.t, np.float64),
            author=arr(self.author, np.int32),
            text=col(self.text),
            reply_to=col(self.reply_to),
            reply_to_author=col(self.reply_to_author),
            quoted=col(self.quoted),
            repost_of=col(self.repost_of),
            mentions=col(self.mentions),
            hashtags=col(self.hashtags),
            urls=col(self.urls),
            primary=arr(self.primary, np.bool_),
            status=col(self.status),
            hostile=arr(self.hostile, np.float32),
            support=arr(self.support, np.float32),
            labels=col(self.labels),
            accounts=infos,
            account_index=aindex,
            status_changes=changes,
            specs=[parse_target(x, set(self.platforms)) for x in targets],
        )
        corpus._finish(aliases, self.mention_handles)
        return corpus


def _bits(by_key: Mapping[str, int], mentions: tuple[str, ...]) -> int:
    code = 0
    for h in mentions:
        code |= by_key.get(h, 0)
    return code


def _ts(value: str | None) -> float | None:
    """Epoch seconds of an ISO-8601 string as the store writes it (``Z`` for UTC)."""
    if not value:
        return None
    return datetime.fromisoformat(value).timestamp()
