"""Origins: the external links around a raid (forum threads, chat invites, posts elsewhere),
ranked as likely places where the raid was organised.

A raid is typically organised elsewhere and its link travels with it: the thread is posted
shortly before the start, then repeated by the raiders. A link ranks high when it was first
seen before or near the episode start, is shared by campaign-like accounts, is far more common
during the raid than in the baseline, and points to a forum, a chat invitation or a paste site;
news sites, reference sites and the target's own site rank low. Links are normalised (tracking
parameters and fragments dropped, host in lower case, ``www.`` removed) and only ever handled as
text: nothing is fetched or followed.

Example::

    for o in find_origins(corpus, episodes)[:3]:
        print(o.url, o.score, o.evidence[0])

:class:`OriginDetector` is the same under the detector contract (:mod:`.detector`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Self
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import numpy as np

from .corpus import Corpus
from .detector import Finding, Found
from .minhash import count, duration, excerpt
from .types import CampaignAccount, Episode, Origin, iso_utc

HOSTILE = 0.4
RAID_KINDS = ("harassment", "mixed")
#: Query parameters that only track who clicked (dropped when normalising).
TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "ref_src",
        "ref_url",
        "si",
        "feature",
        "spm",
        "share_id",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")
#: Parameters that are tracking on the X/Twitter hosts only (``?s=20&t=...``).
X_TRACKING = frozenset({"s", "t"})
X_HOSTS = frozenset({"twitter.com", "x.com", "mobile.twitter.com"})

#: Host kinds and how much each weighs as a likely origin, with the words used in evidence.
KIND_WEIGHT = {
    "forum": 1.0,
    "chat": 1.0,
    "paste": 1.0,
    "post": 0.6,
    "other": 0.4,
    "news": 0.1,
    "target": 0.0,
}
KIND_WORDS = {
    "forum": "a forum thread",
    "chat": "a chat invitation or group",
    "paste": "a paste site page",
    "post": "a post on a platform",
    "other": "a web page",
    "news": "a news or reference site (weighs less)",
    "target": "the target's own site (weighs less)",
}
_CHAT = (
    "discord.gg",
    "discord.com",
    "discordapp.com",
    "t.me",
    "telegram.me",
    "telegram.org",
    "chat.whatsapp.com",
    "wa.me",
    "signal.group",
    "matrix.to",
    "kik.me",
    "guilded.gg",
)
_FORUM = (
    "4chan.org",
    "4channel.org",
    "8kun.top",
    "kiwifarms.net",
    "kiwifarms.st",
    "jeuxvideo.com",
    "reddit.com",
    "avenoel.org",
    "onche.org",
    "lolcow.farm",
)
#: Words in a host name that mark a chat service (``discord.example``, ``t-me.invalid``).
_CHAT_WORDS = ("discord", "telegram", "whatsapp", "t-me", "guilded")
_PASTE = (
    "pastebin.com",
    "ghostbin.com",
    "justpaste.it",
    "rentry.co",
    "paste.ee",
    "controlc.com",
    "telegra.ph",
)
_POST = (
    "facebook.com",
    "instagram.com",
    "tiktok.com",
    "youtube.com",
    "youtu.be",
    "twitch.tv",
    "x.com",
    "twitter.com",
    "bsky.app",
    "threads.net",
    "linkedin.com",
    "snapchat.com",
    "vk.com",
    "gab.com",
    "truthsocial.com",
    "rumble.com",
    "odysee.com",
)
_NEWS = (
    "lemonde.fr",
    "lefigaro.fr",
    "liberation.fr",
    "leparisien.fr",
    "francetvinfo.fr",
    "bfmtv.com",
    "20minutes.fr",
    "ouest-france.fr",
    "lexpress.fr",
    "lepoint.fr",
    "nouvelobs.com",
    "huffingtonpost.fr",
    "mediapart.fr",
    "radiofrance.fr",
    "rfi.fr",
    "france24.com",
    "afp.com",
    "reuters.com",
    "apnews.com",
    "bbc.co.uk",
    "bbc.com",
    "nytimes.com",
    "theguardian.com",
    "washingtonpost.com",
    "cnn.com",
    "lesechos.fr",
    "ladepeche.fr",
    "actu.fr",
    "wikipedia.org",
    "service-public.fr",
    "gouv.fr",
)
_FORUM_PATH = re.compile(
    r"/(?:forums?|topics?|threads?|t|viewtopic|showthread|board|boards)"
    r"(?:[/.?\-_]|$)",
    re.IGNORECASE,
)
_NEWS_WORDS = re.compile(r"news|journal|presse|actu|info|media|gazette|times|tribune|radio|tv")
_TEXT_URL = re.compile(r"https?://[^\s<>\"'\x00-\x1f]+", re.IGNORECASE)
_UNSAFE = frozenset('<>"`{}|\\^')
_STATUS = re.compile(r"^/[^/]+/status(?:es)?/(\d+)")

LEAD = 48 * 3600.0  # how long before a raid a link still counts as announcing it


def normalise_url(url: str) -> str | None:
    """A link as compared: ``https://host/path?query``, or None when it is not a web link.

    The host is lower-cased, without ``www.``, ``m.``, credentials or default port; tracking
    parameters and the fragment are dropped; ``http`` and ``https`` are merged. Anything that
    is not http(s) (``javascript:``, ``data:``, ``mailto:``) is not a link to rank.
    """
    raw = url.strip()
    if raw.lower().startswith("www."):
        raw = "http://" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    tracking_x = host in X_HOSTS
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING
        and not k.lower().startswith(TRACKING_PREFIXES)
        and not (tracking_x and k.lower() in X_TRACKING)
    ]
    path = parts.path.rstrip("/")
    return _visible("https://" + host + path + ("?" + urlencode(query) if query else ""))


def _visible(url: str) -> str:
    """Control, format (RTL override) and space characters, and the characters URLs may not
    hold (``<>"`` ...), percent-encoded as browsers do: the link reads the same, and stays
    inert, wherever it is printed."""
    return "".join(
        quote(ch) if ch in _UNSAFE or unicodedata.category(ch)[0] in "CZ" else ch for ch in url
    )


def host_of(url: str) -> str:
    """The host of a normalised link."""
    return urlsplit(url).netloc


def host_kind(url: str, own_hosts: Iterable[str] = (), target_names: Iterable[str] = ()) -> str:
    """What a normalised link points to: forum, chat, paste, post, news, target or other.

    ``own_hosts`` are the targets' own sites; a host holding a target's name (four letters or
    more) counts as one too.
    """
    host = host_of(url).split(":")[0]
    path = urlsplit(url).path

    def under(domains: Iterable[str]) -> bool:
        return any(host == d or host.endswith("." + d) for d in domains)

    if host in set(own_hosts):
        return "target"
    labels = host.split(".")[:-1] or [host]  # the name without its top-level domain
    if under(_CHAT) or "chat" in labels or any(w in label for label in labels for w in _CHAT_WORDS):
        return "chat"
    if under(_PASTE) or "paste" in host:
        return "paste"
    if under(_FORUM) or "forum" in host or "board" in host or _FORUM_PATH.search(path):
        return "forum"
    if any(len(n) >= 4 and n in host for n in target_names):
        return "target"
    if under(_POST) or "mastodon" in host or host.startswith("social."):
        return "post"
    if under(_NEWS) or _NEWS_WORDS.search(host):
        return "news"
    return "other"


def links_by_url(corpus: Corpus) -> dict[str, list[int]]:
    """Rows sharing each normalised link (from the message's links, else its text).

    Links to posts of the capture itself (a quote's ``.../status/<id>`` link) are left out:
    they are quotes, which the designating-post analysis reads.
    """
    cache: dict[str, str | None] = {}
    out: dict[str, list[int]] = {}
    for r, (found, text) in enumerate(zip(corpus.urls, corpus.text, strict=True)):
        raw: Iterable[str] = found
        if not found:
            if "://" not in text:
                continue
            raw = _TEXT_URL.findall(text)
        seen: set[str] = set()
        for u in raw:
            key = cache[u] if u in cache else cache.setdefault(u, _link_key(corpus, u))
            if key is None or key in seen:
                continue
            seen.add(key)
            out.setdefault(key, []).append(r)
    return out


def _link_key(corpus: Corpus, url: str) -> str | None:
    key = normalise_url(url)
    return None if key is None or is_captured_post(corpus, key) else key


def is_captured_post(corpus: Corpus, url: str) -> bool:
    """Whether a normalised link points to a post of the capture (an X status link)."""
    if "/status" not in url:
        return False
    parts = urlsplit(url)
    if parts.netloc not in X_HOSTS:
        return False
    m = _STATUS.match(parts.path)
    return m is not None and m.group(1) in corpus.index


def target_hosts(corpus: Corpus) -> set[str]:
    """Hosts the targets link to themselves, taken to be their own sites (one or two links
    per target post; the big platforms are left out)."""
    hosts: set[str] = set()
    for r in np.flatnonzero(np.isin(corpus.author, list(corpus.target_accounts))):
        for u in corpus.urls[int(r)]:
            key = normalise_url(u)
            if key is not None and host_kind(key) in ("other", "news"):
                hosts.add(host_of(key))
    return hosts


def find_origins(
    corpus: Corpus,
    episodes: Sequence[Episode],
    campaign: Sequence[CampaignAccount] = (),
    *,
    min_score: float = 0.45,
) -> list[Origin]:
    """Links shared around harassment or mixed episodes, likeliest origin first.

    ``campaign`` (from :func:`~rempart.analysis.raid.campaign.find_campaign`) sharpens the
    "shared by campaign accounts" signal; without it, accounts that posted hostile messages or
    were created less than 30 days before the episode stand in for it.
    """
    raids = [(i, ep) for i, ep in enumerate(episodes) if ep.kind in RAID_KINDS]
    if not raids or len(corpus) == 0:
        return []
    windows = [(ep.start - LEAD, ep.end) for _, ep in raids]
    judge = _Judge(
        corpus,
        target_hosts(corpus),
        _baseline_hours(corpus, windows),
        {(c.episode, c.account_id) for c in campaign},
    )
    found: list[Origin] = []
    for url, rows_list in links_by_url(corpus).items():
        rows = np.asarray(rows_list, dtype=np.int64)
        t = corpus.t[rows]
        near = [(t >= a) & (t <= b) for a, b in windows]
        if not any(m.any() for m in near):
            continue
        baseline = int((~np.logical_or.reduce(near)).sum())
        best = max(
            (c for i, ep in raids if (c := judge.link(url, rows, t, baseline, i, ep)) is not None),
            key=lambda c: c.score,
            default=None,
        )
        if best is not None and best.score >= min_score:
            found.append(best.origin(corpus, bool(judge.members)))
    found.sort(key=lambda o: (-o.score, o.first_seen, o.url))
    return found


class OriginDetector:
    """:func:`find_origins` as a detector: the ``origins`` findings, sharpened by the
    campaign accounts."""

    name = "origins"
    requires = ("episodes", "campaign_accounts")

    def __init__(self, min_score: float = 0.45) -> None:
        self.min_score = min_score

    def fit(self, corpus: Corpus, found: Found) -> Self:
        self.origins_ = find_origins(
            corpus,
            found.of("episodes", Episode),
            found.of("campaign_accounts", CampaignAccount),
            min_score=self.min_score,
        )
        return self

    def detect(self) -> Mapping[str, Sequence[Finding]]:
        return {self.name: self.origins_}


def _baseline_hours(corpus: Corpus, windows: list[tuple[float, float]]) -> float:
    """Hours of the capture outside the raid windows (at least a day)."""
    t = corpus.t[~np.isnan(corpus.t)]
    if len(t) == 0:
        return 24.0
    span = float(t[-1] - t[0])
    inside = sum(min(b, float(t[-1])) - max(a, float(t[0])) for a, b in windows)
    return max(24.0, (span - max(inside, 0.0)) / 3600)


@dataclass
class _Candidate:
    """A link judged against one episode."""

    url: str
    rows: np.ndarray  # every message sharing it, in time order
    episode: Episode
    during: np.ndarray  # those during the episode
    authors: np.ndarray  # accounts sharing it around the episode
    baseline: int  # messages sharing it outside raids
    kind: str
    sharing: float
    score: float

    def origin(self, corpus: Corpus, exact: bool) -> Origin:
        return Origin(
            url=self.url,
            first_seen=float(corpus.t[self.rows[0]]),
            messages=len(self.rows),
            score=self.score,
            evidence=_evidence(corpus, self, exact),
        )


class _Judge:
    """Scores links against episodes; remembers per-episode facts across links."""

    def __init__(
        self, corpus: Corpus, own: set[str], base_hours: float, members: set[tuple[int, str]]
    ) -> None:
        self.corpus, self.own, self.base_hours, self.members = corpus, own, base_hours, members
        self._hostile: dict[int, set[int]] = {}

    def link(
        self, url: str, rows: np.ndarray, t: np.ndarray, baseline: int, index: int, ep: Episode
    ) -> _Candidate | None:
        """The link judged against one episode (None when it plays no part in it)."""
        corpus = self.corpus
        during = rows[(t >= ep.start) & (t <= ep.end)]
        before = rows[(t >= ep.start - LEAD) & (t < ep.start)]
        if len(during) + len(before) == 0:
            return None
        authors = np.unique(corpus.author[np.concatenate((before, during))])
        authors = authors[authors >= 0]
        lead = ep.start - float(t[0])
        if len(authors) < 2 and not 0 <= lead <= LEAD:
            return None
        kind = host_kind(url, self.own, corpus.targets)
        timing = (
            1.0
            if -1800 <= lead <= LEAD
            else 0.5
            if float(t[0]) <= ep.end
            else 0.3
            if lead < 0
            else 0.2
        )
        hours = max((ep.end - ep.start) / 3600, 1.0)
        lift = (len(during) / hours) / ((baseline + 1) / self.base_hours)
        lift_s = min(1.0, max(0.0, math.log10(max(lift, 1e-9)) / 2))
        sharing = self._campaign_share(authors, index, ep)
        volume = min(1.0, math.log1p(len(authors)) / math.log(31))
        score = (
            0.25 * KIND_WEIGHT[kind]
            + 0.25 * timing
            + 0.15 * lift_s
            + 0.25 * sharing
            + 0.10 * volume
        )
        if kind == "target":
            score *= 0.5
        return _Candidate(url, rows, ep, during, authors, baseline, kind, sharing, score)

    def _campaign_share(self, authors: np.ndarray, index: int, ep: Episode) -> float:
        """Share of the link's sharers who are campaign accounts (or look like them)."""
        corpus = self.corpus
        if len(authors) == 0:
            return 0.0
        if self.members:
            return sum((index, corpus.accounts[int(a)].id) in self.members for a in authors) / len(
                authors
            )
        hostile = self._hostile.get(index)
        if hostile is None:
            lo, hi = np.searchsorted(corpus.t, [ep.start - LEAD, ep.end], side="left")
            window = np.arange(lo, hi)
            hostile = set(corpus.author[window[corpus.hostile[window] >= HOSTILE]].tolist())
            self._hostile[index] = hostile
        like = 0
        for a in authors.tolist():
            created = corpus.accounts[a].created_at
            like += (created is not None and ep.start - created <= 30 * 86400) or a in hostile
        return like / len(authors)


def _evidence(corpus: Corpus, c: _Candidate, exact: bool) -> list[str]:
    first = int(c.rows[0])
    lead = c.episode.start - float(corpus.t[first])
    when = f"{duration(lead)} {'before' if lead >= 0 else 'after'} the raid began"
    a = int(corpus.author[first])
    who = f"@{corpus.handle(a)}" if a >= 0 else "an unknown account"
    during_authors = len(np.unique(corpus.author[c.during]))
    who_shares = (
        "are campaign accounts"
        if exact
        else "posted hostile messages or were created less than 30 days before"
    )
    return [
        f"link {excerpt(c.url, 120)}: {KIND_WORDS[c.kind]}",
        f"first posted at {iso_utc(float(corpus.t[first]))}, {when} "
        f'({iso_utc(c.episode.start)}), by {who}: "{excerpt(corpus.text[first])}"',
        f"{count(len(c.during), 'message')} by {count(during_authors, 'account')} during the "
        f"raid;"
        f" {c.baseline} outside raids",
        f"{round(100 * c.sharing)}% of the {len(c.authors)} accounts that shared it around the "
        f"raid {who_shares}",
    ]
