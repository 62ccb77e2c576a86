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

import numpy as np

from ...models import Account, Message, StatusChange
from ...storage.base import ScoreRow, Store

#: Account statuses that mean the account stopped (for ban evasion).
STOPPED = frozenset({"suspended", "deleted", "deactivated", "withheld", "protected"})


def epoch(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def handle_key(handle: str | None) -> str:
    """A handle as compared: lower case, without ``@`` or a Mastodon/Bluesky domain part."""
    h = (handle or "").strip().lstrip("@").lower()
    return h


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

    targets: list[str]  # target handles, as handle_key
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

    def __len__(self) -> int:
        return len(self.ids)

    # ----------------------------------------------------------------------------- building
    @classmethod
    def from_store(cls, store: Store, targets: Iterable[str]) -> Corpus:
        """Every message, account, status change and score of a case."""
        scores = {(r.platform, r.id): r for r in store.scores()}
        return cls.build((s.message for s in store.messages()), store.accounts(),
                         (c for c, _ in store.status_changes()), scores, targets,
                         primary_formats=None)

    @classmethod
    def build(cls, messages: Iterable[Message], accounts: Iterable[Account],
              status_changes: Iterable[StatusChange],
              scores: Mapping[tuple[str, str], ScoreRow] | None, targets: Iterable[str],
              primary_formats: object = None) -> Corpus:
        """From model objects; ``scores`` by ``(platform, id)`` (missing ones stay nan)."""
        del primary_formats
        scores = scores or {}
        infos: list[AccountInfo] = []
        aindex: dict[tuple[str, str], int] = {}

        def account_of(platform: str, aid: str) -> int:
            k = (platform, aid)
            i = aindex.get(k)
            if i is None:
                i = aindex[k] = len(infos)
                infos.append(AccountInfo(i, platform, aid))
            return i

        for a in accounts:
            i = account_of(a.platform, a.id)
            info = infos[i]
            info.handle, info.display_name, info.bio = a.handle, a.display_name, a.bio
            info.created_at, info.followers, info.status = (epoch(a.created_at), a.followers,
                                                             a.status)
            info.handles = tuple(h for h in a.handles if h != a.handle)
        rows = sorted(messages, key=lambda m: (
            m.created_at is None, m.created_at.timestamp() if m.created_at else 0.0,
            m.platform, m.id))
        n = len(rows)
        t = np.full(n, np.nan)
        author = np.full(n, -1, dtype=np.int32)
        hostile = np.full(n, np.nan, dtype=np.float32)
        support = np.full(n, np.nan, dtype=np.float32)
        primary = np.zeros(n, dtype=bool)
        ids, platforms, text, reply_to, reply_to_author, quoted, repost_of = ([] for _ in
                                                                              range(7))
        mentions: list[tuple[str, ...]] = []
        hashtags: list[tuple[str, ...]] = []
        urls: list[tuple[str, ...]] = []
        status: list[str] = []
        labels: list[tuple[str, ...]] = []
        for r, m in enumerate(rows):
            ids.append(m.id)
            platforms.append(m.platform)
            if m.created_at is not None:
                t[r] = m.created_at.timestamp()
            if m.author_id:
                i = account_of(m.platform, m.author_id)
                author[r] = i
                info = infos[i]
                if info.handle is None and m.author_handle:
                    info.handle = m.author_handle
                if info.display_name is None and m.author_display_name:
                    info.display_name = m.author_display_name
                if info.created_at is None and m.author_created_at is not None:
                    info.created_at = m.author_created_at.timestamp()
                if info.followers is None and m.author_followers is not None:
                    info.followers = m.author_followers
            text.append(m.text or "")
            reply_to.append(m.reply_to_id)
            reply_to_author.append(m.reply_to_author_id)
            quoted.append(m.quoted_id)
            repost_of.append(m.repost_of_id)
            mentions.append(tuple(handle_key(x.handle) for x in m.mentions if x.handle))
            hashtags.append(tuple(h.lower().lstrip("#") for h in m.hashtags))
            urls.append(tuple(m.urls))
            primary[r] = m.captured_as == "primary"
            status.append(m.status)
            s = scores.get((m.platform, m.id))
            if s is not None:
                hostile[r] = s.abusive
                support[r] = float(s.data.get("scores", {}).get("support", 0.0))
                labels.append(tuple(s.labels))
            else:
                labels.append(())
        changes = list(status_changes)
        for c in changes:
            if c.subject in ("account", "user") and c.status in STOPPED:
                found = aindex.get((c.platform, c.id))
                when = epoch(c.observed_at)
                if found is not None and when is not None:
                    info = infos[found]
                    info.stopped_at = when if info.stopped_at is None else min(info.stopped_at,
                                                                               when)
        corpus = cls(
            targets=[handle_key(x) for x in targets], ids=ids, platforms=platforms, t=t,
            author=author, text=text, reply_to=reply_to, reply_to_author=reply_to_author,
            quoted=quoted, repost_of=repost_of, mentions=mentions, hashtags=hashtags, urls=urls,
            primary=primary, status=status, hostile=hostile, support=support, labels=labels,
            accounts=infos, account_index=aindex, status_changes=changes,
        )
        corpus._finish()
        return corpus

    def _finish(self) -> None:
        self.index = {mid: r for r, mid in enumerate(self.ids)}
        targets = set(self.targets)
        self.target_accounts = {a.index for a in self.accounts
                                if handle_key(a.handle) in targets}
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
        self.aimed = self.aimed_at_targets()

    # ------------------------------------------------------------------------------ queries
    def target_ids(self) -> set[str]:
        """Platform ids of the targets' own accounts."""
        return {self.accounts[i].id for i in self.target_accounts}

    def aimed_at_targets(self, extra_parents: Iterable[str] = ()) -> np.ndarray:
        """Messages aimed at a target: mentioning one, replying to or quoting one's post, or
        replying to or quoting one of ``extra_parents`` (designating posts), not by a target.
        """
        targets = set(self.targets)
        target_ids = self.target_ids()
        by_target = {self.ids[r] for r in range(len(self.ids))
                     if int(self.author[r]) in self.target_accounts}
        parents = by_target | set(extra_parents)
        out = np.zeros(len(self.ids), dtype=bool)
        for r in range(len(self.ids)):
            if int(self.author[r]) in self.target_accounts:
                continue
            if (targets.intersection(self.mentions[r])
                    or (self.reply_to_author[r] in target_ids)
                    or (self.reply_to[r] in parents) or (self.quoted[r] in parents)):
                out[r] = True
        return out

    def handle(self, account: int) -> str:
        a = self.accounts[account]
        return a.handle or a.id
