"""Mastodon Status and Account normalisation, shared by the REST and streaming sources.

Status ``content`` is HTML: :func:`html_to_text` strips it with the stdlib parser (nothing is
rendered). :class:`Resolver` knows the local-id to uri pairs of one record (plus those
``units`` found elsewhere in the file) so replies and quotes point at global ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from ..models import Account, Item, Media, Mention, Message, StatusChange, Version, iso
from .base import ParseContext, as_int, as_str, time_field

PLATFORM = "mastodon"

# --------------------------------------------------------------------------- HTML to text

#: Formatting tags Mastodon (and its sanitiser) emits; any other tag is kept verbatim in text.
_FORMAT_TAGS = frozenset(
    {
        "p",
        "br",
        "a",
        "span",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "del",
        "s",
        "strike",
        "pre",
        "code",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "sub",
        "sup",
        "small",
        "big",
        "div",
        "abbr",
        "cite",
        "q",
        "mark",
        "ins",
    }
)
_NOT_LINKS = frozenset({"mention", "hashtag"})


class _HtmlText(HTMLParser):
    """Plain text and real links of a status ``content`` (stdlib parser, no rendering)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._spans: list[bool] = []  # per open <span>: is it class="invisible"?
        self._hidden = 0
        self._paragraphs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "span":
            invisible = "invisible" in classes
            self._spans.append(invisible)
            self._hidden += invisible
            return
        if self._hidden:
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p":
            if self._paragraphs and self.parts:
                self.parts.append("\n\n")
            self._paragraphs += 1
        elif tag == "li" and self.parts:
            self.parts.append("\n")
        elif tag == "a":
            href = dict(attrs).get("href")
            if href and not classes & _NOT_LINKS:
                self.links.append(href)
        elif tag not in _FORMAT_TAGS:
            self.parts.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FORMAT_TAGS:
            self.handle_starttag(tag, attrs)
        elif not self._hidden:
            self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            if self._spans and self._spans.pop():
                self._hidden -= 1
            return
        if not self._hidden and tag not in _FORMAT_TAGS:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(f"<!--{data}-->")


def html_to_text(content: str) -> tuple[str, tuple[str, ...]]:
    """``(text, links)`` of Mastodon status HTML.

    ``<br>`` becomes a newline and paragraphs are separated by a blank line; the
    ``invisible`` parts of shortened links are dropped; mentions read ``@user``; entities are
    decoded. Tags Mastodon never emits (``<script>``...) stay verbatim: evidence keeps them.

    >>> html_to_text('<p>hi <a href="https://e.test/x" rel="nofollow">e.test</a></p><p>b&amp;w</p>')
    ('hi e.test\\n\\nb&w', ('https://e.test/x',))
    """
    if "<" not in content and "&" not in content:
        return content, ()
    parser = _HtmlText()
    parser.feed(content)
    parser.close()
    return "".join(parser.parts).strip("\n"), tuple(dict.fromkeys(parser.links))


# --------------------------------------------------------------------------- statuses and accounts

_AUDIENCE = {
    "public": "public",
    "unlisted": "public",
    "private": "followers",
    "limited": "followers",
    "direct": "direct",
}
_MEDIA_KIND = {"image": "photo", "gifv": "animated_gif", "video": "video", "audio": "audio"}


def account_id(a: dict[str, Any]) -> str | None:
    """The global id of an account: ``uri``, else the profile ``url``, else the local ``id``."""
    return as_str(a.get("uri")) or as_str(a.get("url")) or as_str(a.get("id"))


def host(url: Any) -> str | None:
    """Lower-cased host of a URL, or None."""
    if not isinstance(url, str) or "//" not in url:
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def normalise_handle(acct: Any, url: Any, instance: str | None) -> str | None:
    """``@user@domain`` from ``acct`` (``user`` or ``user@domain``), the profile URL or instance.

    >>> normalise_handle("alice", "https://Social.Example/@alice", None)
    '@alice@social.example'
    """
    if not isinstance(acct, str) or not acct.strip("@"):
        return None
    user, _, domain = acct.lstrip("@").partition("@")
    domain = domain or host(url) or instance or ""
    return f"@{user}@{domain.lower()}" if domain else f"@{user}"


@dataclass
class Resolver:
    """What one record knows about local ids: its own statuses and accounts, plus unit context."""

    ctx: ParseContext
    statuses: dict[str, list[str | None]] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    account_dicts: dict[str, dict[str, Any]] = field(default_factory=dict)
    instance: str | None = None
    yielded: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, obj: Any, ctx: ParseContext) -> Resolver:
        r = cls(ctx)
        unit_ctx = ctx.context or {}
        r.statuses.update(unit_ctx.get("statuses") or {})
        r.accounts.update(unit_ctx.get("accounts") or {})
        local_hosts: list[str] = []
        collect(obj, r.statuses, r.accounts, r.account_dicts, local_hosts)
        r.instance = unit_ctx.get("instance") or (local_hosts[0] if local_hosts else None)
        return r

    def time(self, value: Any, name: str) -> datetime | None:
        return time_field(value, self.ctx, name)

    def account_fields(self, a: dict[str, Any]) -> dict[str, Any]:
        """The ``author_*`` fields of a Message for account ``a``."""
        return {
            "author_id": account_id(a),
            "author_handle": normalise_handle(a.get("acct"), a.get("url"), self.instance),
            "author_display_name": a.get("display_name") or None,
            "author_created_at": self.time(a.get("created_at"), "account.created_at"),
            "author_followers": as_int(a.get("followers_count")),
        }

    def account_items(self, a: Any) -> list[Item]:
        """An Account (and a StatusChange if suspended) the first time ``a`` is seen here."""
        if not isinstance(a, dict):
            return []
        gid = account_id(a)
        if gid is None:
            raise self.ctx.error("account has no 'uri', 'url' or 'id'")
        if gid in self.yielded:
            return []
        self.yielded.add(gid)
        return account_item(a, self.ctx, self)


def collect(
    obj: Any,
    statuses: dict[str, list[str | None]],
    accounts: dict[str, str],
    account_dicts: dict[str, dict[str, Any]] | None = None,
    local_hosts: list[str] | None = None,
) -> None:
    """Index every status (local id -> [uri, author id]) and account found in ``obj``.

    ``local_hosts`` receives the host of every local account or mention (``acct`` without a
    domain): that host is the instance that was queried.
    """
    stack = [obj]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        lid = as_str(node.get("id")) if not isinstance(node.get("id"), (dict, list)) else None
        if lid is not None and "acct" in node and ("uri" in node or "display_name" in node):
            gid = account_id(node)
            if gid:
                accounts.setdefault(lid, gid)
                if account_dicts is not None:
                    account_dicts.setdefault(lid, node)
        acct = node.get("acct")
        if local_hosts is not None and isinstance(acct, str) and "@" not in acct.lstrip("@"):
            local = host(node.get("url"))
            if local:
                local_hosts.append(local)
        author = node.get("account")
        if lid is not None and isinstance(node.get("uri"), str) and isinstance(author, dict):
            statuses.setdefault(lid, [node["uri"], account_id(author)])
        stack.extend(v for v in node.values() if isinstance(v, (dict, list)))


def references(obj: Any) -> tuple[set[str], set[str]]:
    """Local status and account ids that ``obj`` refers to (replies, quotes, deletes)."""
    want_s: set[str] = set()
    want_a: set[str] = set()
    stack = [obj]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for key, bucket in (
            ("in_reply_to_id", want_s),
            ("quoted_status_id", want_s),
            ("__delete__", want_s),
            ("in_reply_to_account_id", want_a),
        ):
            value = node.get(key)
            if isinstance(value, (str, int)) and value != "":
                bucket.add(str(value))
        for m in node.get("mentions") or () if isinstance(node.get("mentions"), list) else ():
            if isinstance(m, dict) and isinstance(m.get("id"), (str, int)):
                want_a.add(str(m["id"]))
        stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return want_s, want_a


def account_item(a: dict[str, Any], ctx: ParseContext, r: Resolver) -> list[Item]:
    """The Account for ``a``; a suspended account also yields a StatusChange."""
    gid = account_id(a)
    if gid is None:
        raise ctx.error("account has no 'uri', 'url' or 'id'")
    handle = normalise_handle(a.get("acct"), a.get("url"), r.instance)
    extra: dict[str, Any] = {"local_id": as_str(a.get("id")), "acct": a.get("acct")}
    if a.get("bot"):
        extra["bot"] = True
    if isinstance(a.get("moved"), dict):
        extra["moved_to"] = account_id(a["moved"])
    suspended = bool(a.get("suspended"))
    note = a.get("note")
    account = Account(
        platform=PLATFORM,
        id=gid,
        handle=handle,
        display_name=a.get("display_name") or None,
        created_at=r.time(a.get("created_at"), "account.created_at"),
        followers=as_int(a.get("followers_count")),
        following=as_int(a.get("following_count")),
        posts=as_int(a.get("statuses_count")),
        bio=html_to_text(note)[0] if isinstance(note, str) and note else None,
        url=as_str(a.get("url")),
        status="suspended" if suspended else "available",
        observed_at=ctx.captured_at,
        handles=(handle,) if handle else (),
        extra={k: v for k, v in extra.items() if v is not None},
    )
    if not suspended:
        return [account]
    return [
        account,
        StatusChange(
            PLATFORM, "account", gid, "suspended", ctx.captured_at, "account.suspended is true"
        ),
    ]


def _media(items: Any) -> tuple[Media, ...]:
    out = []
    for m in items or ():
        if isinstance(m, dict):
            out.append(
                Media(
                    kind=_MEDIA_KIND.get(str(m.get("type")), "unknown"),
                    url=as_str(m.get("url")) or as_str(m.get("remote_url")),
                    id=as_str(m.get("id")),
                    alt_text=m.get("description") or None,
                    preview_url=as_str(m.get("preview_url")),
                )
            )
    return tuple(out)


def _mentions(items: Any, r: Resolver) -> tuple[Mention, ...]:
    out = []
    for m in items or ():
        if isinstance(m, dict):
            handle = normalise_handle(m.get("acct") or m.get("username"), m.get("url"), r.instance)
            out.append(Mention(handle=handle, id=r.accounts.get(str(m.get("id")))))
    return tuple(out)


def _status_text(s: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    content = s.get("content")
    if isinstance(content, str) and content:
        return html_to_text(content)
    plain = s.get("text")  # DELETE /statuses/:id returns the source text instead
    return (plain if isinstance(plain, str) else ""), ()


def status_items(
    s: Any,
    ctx: ParseContext,
    r: Resolver,
    *,
    extra: dict[str, Any] | None = None,
    thread_root: str | None = None,
    captured_as: str = "primary",
) -> list[Item]:
    """Normalise one Status: the message, its author, and any boosted or quoted status."""
    if not isinstance(s, dict):
        raise ctx.error(f"status is not an object ({type(s).__name__})")
    uri = as_str(s.get("uri"))
    if uri is None:
        raise ctx.error("status has no 'uri' (its global ActivityPub id)")
    author = s.get("account")
    if not isinstance(author, dict):
        raise ctx.error(f"status {uri}: 'account' is missing")
    if isinstance(s.get("reblog"), dict):
        return _boost_items(s, uri, author, ctx, r, extra or {}, captured_as)
    info: dict[str, Any] = {"local_id": as_str(s.get("id")), "instance": r.instance}
    info.update(extra or {})
    text, links = _status_text(s)
    spoiler = s.get("spoiler_text")
    if isinstance(spoiler, str) and spoiler:
        text = f"CW: {spoiler}\n{text}"
        info["spoiler_text"] = spoiler
    reply_to, reply_author = _reply(s, r, info)
    quoted, quote_items = _quote(s, ctx, r, info)
    created = r.time(s.get("created_at"), "created_at")
    edited = r.time(s.get("edited_at"), "edited_at")
    version_time = edited or created
    card = s.get("card")
    if isinstance(card, dict) and isinstance(card.get("url"), str):
        links = tuple(dict.fromkeys((*links, card["url"])))
    poll = s.get("poll")
    if isinstance(poll, dict):
        info["poll"] = [o.get("title") for o in poll.get("options") or [] if isinstance(o, dict)]
    msg = Message(
        platform=PLATFORM,
        id=uri,
        text=text,
        created_at=created,
        **r.account_fields(author),
        lang=as_str(s.get("language")),
        reply_to_id=reply_to,
        reply_to_author_id=reply_author,
        quoted_id=quoted,
        thread_id=thread_root or (uri if s.get("in_reply_to_id") is None else None),
        mentions=_mentions(s.get("mentions"), r),
        hashtags=tuple(
            dict.fromkeys(
                str(t["name"]) for t in s.get("tags") or () if isinstance(t, dict) and t.get("name")
            )
        ),
        urls=links,
        media=_media(s.get("media_attachments")),
        audience=_AUDIENCE.get(str(s.get("visibility")), "public"),
        url=as_str(s.get("url")) or uri,
        versions=(Version(iso(version_time) or "", text, version_time),) if version_time else (),
        observed_at=ctx.captured_at,
        captured_as=captured_as,
        extra={k: v for k, v in info.items() if v is not None},
    )
    return [msg, *r.account_items(author), *quote_items]


def _reply(s: dict[str, Any], r: Resolver, info: dict[str, Any]) -> tuple[str | None, str | None]:
    """Global ``(reply_to_id, reply_to_author_id)``; unresolved local ids are flagged."""
    local = as_str(s.get("in_reply_to_id"))
    local_author = as_str(s.get("in_reply_to_account_id"))
    author = r.accounts.get(local_author) if local_author else None
    if local is None:
        return None, author
    known = r.statuses.get(local)
    if known:
        return known[0], known[1] or author
    info["in_reply_to_local_id"] = local
    if local_author and author is None:
        info["in_reply_to_account_local_id"] = local_author
    return local, author


def _quote(
    s: dict[str, Any], ctx: ParseContext, r: Resolver, info: dict[str, Any]
) -> tuple[str | None, list[Item]]:
    """Mastodon 4.5 quotes: the full ``quoted_status``, or only its local id (shallow form)."""
    q = s.get("quote")
    if not isinstance(q, dict):
        return None, []
    if q.get("state") not in (None, "accepted"):
        info["quote_state"] = q.get("state")
    inner = q.get("quoted_status")
    if not isinstance(inner, dict) and "uri" in q and "account" in q:
        inner = q  # older forks embed the quoted status itself
    if isinstance(inner, dict):
        items = status_items(inner, ctx, r, captured_as="referenced")
        return items[0].id, items
    local = as_str(q.get("quoted_status_id"))
    if local is None:
        return None, []
    known = r.statuses.get(local)
    if known:
        return known[0], []
    info["quoted_local_id"] = local
    return local, []


def _boost_items(
    s: dict[str, Any],
    uri: str,
    author: dict[str, Any],
    ctx: ParseContext,
    r: Resolver,
    extra: dict[str, Any],
    captured_as: str,
) -> list[Item]:
    """A boost: its own message (full text of the original) plus the original as referenced."""
    inner = status_items(s["reblog"], ctx, r, captured_as="referenced")
    orig = inner[0]
    assert isinstance(orig, Message)
    info = {"local_id": as_str(s.get("id")), "instance": r.instance, **extra}
    msg = Message(
        platform=PLATFORM,
        id=uri,
        text=orig.text,
        created_at=r.time(s.get("created_at"), "created_at"),
        **r.account_fields(author),
        lang=orig.lang,
        repost_of_id=orig.id,
        thread_id=uri,
        mentions=orig.mentions,
        hashtags=orig.hashtags,
        urls=orig.urls,
        media=orig.media,
        audience=_AUDIENCE.get(str(s.get("visibility")), "public"),
        url=as_str(s.get("url")) or uri,
        observed_at=ctx.captured_at,
        captured_as=captured_as,
        extra={k: v for k, v in info.items() if v is not None},
    )
    return [msg, *r.account_items(author), *inner]
