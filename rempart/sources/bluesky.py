"""Bluesky / AT Protocol: Jetstream events, post records and XRPC views.

:class:`BlueskySource` reads:

- Jetstream JSON lines: commit events (``kind:"commit"``, legacy ``type:"com"`` with
  ``commit.type`` c/u/d, and the v2 ``{"$type":"message","payload":{...#commit}}`` envelope),
  identity events (``handle`` is often absent) and account events (``active:false``);
- ``app.bsky.feed.post`` records: getRecord ``{uri, cid, value}``, or a bare record whose id comes
  from the file path ``{did}/app.bsky.feed.post/{rkey}.json`` (a repo unpacked from its CAR);
- XRPC views: getPostThread, PostView / FeedViewPost lists (``feed``, ``posts``) and
  listNotifications.

Conventions: ``Message.id`` is the ``at://`` URI, the author id is the DID, ``url`` is
``https://bsky.app/profile/{did}/post/{rkey}``. Every post whose CID is known carries one
:class:`Version` keyed by that CID (an ``update`` commit is a new CID), so merging a create and an
update keeps both texts. Facet offsets are UTF-8 **byte** offsets. URLs come from facets and
``embed.external`` only, never from the (truncated) text. ``observed_at`` is Jetstream ``time_us``
(or the v2 ``time``), else the AppView ``indexedAt``, else the capture time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..models import Account, Item, Media, Mention, Message, StatusChange, Version
from .base import (
    ParseContext,
    Unit,
    as_int,
    as_str,
    dedupe,
    first_json_object,
    iter_json_units,
    loads,
    parse_time,
    time_field,
)

PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
IMAGE_URL = "https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"
THUMB_URL = "https://cdn.bsky.app/img/feed_thumbnail/plain/{did}/{cid}@jpeg"
VIDEO_URL = "https://video.bsky.app/watch/{did}/{cid}/playlist.m3u8"  # did percent-encoded
VIDEO_THUMB_URL = "https://video.bsky.app/watch/{did}/{cid}/thumbnail.jpg"

_OPERATIONS = {
    "c": "create",
    "u": "update",
    "d": "delete",
    "create": "create",
    "update": "update",
    "delete": "delete",
}
#: Account-event ``status`` -> rempart status.
_ACCOUNT_STATUS = {
    "takendown": "suspended",
    "suspended": "suspended",
    "deleted": "deleted",
    "deactivated": "unavailable",
}
#: listNotifications reasons whose ``record`` is a post aimed at the target.
_MESSAGE_REASONS = frozenset({"mention", "reply", "quote"})


# --------------------------------------------------------------------------- identifiers


def split_at_uri(uri: Any) -> tuple[str, str, str] | None:
    """``(did, collection, rkey)`` of ``at://did/collection/rkey``, else None."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def post_url(did: str, rkey: str) -> str:
    """The public web URL of a post (by DID: handles change)."""
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def _path_identity(path: Path) -> dict[str, str] | None:
    """``{did, rkey}`` from a ``{did}/app.bsky.feed.post/{rkey}.json`` path, else None."""
    parts = path.parts
    if len(parts) >= 3 and parts[-2] == POST and parts[-3].startswith("did:"):
        return {"did": parts[-3], "rkey": path.stem}
    return None


# --------------------------------------------------------------------------- record parts


def _facets(record: dict[str, Any], text: str) -> tuple[list[Mention], list[str], list[str]]:
    """Mentions, tags and links of the facets; offsets are UTF-8 byte offsets."""
    data = text.encode("utf-8")
    mentions: list[Mention] = []
    tags: list[str] = []
    links: list[str] = []
    for facet in record.get("facets") or ():
        if not isinstance(facet, dict):
            continue
        index = _obj(facet.get("index"))
        start, end = as_int(index.get("byteStart")), as_int(index.get("byteEnd"))
        for feat in facet.get("features") or ():
            kind = str(feat.get("$type", "")) if isinstance(feat, dict) else ""
            if kind.endswith("#mention") and feat.get("did"):
                mentions.append(Mention(handle=_slice_handle(data, start, end), id=feat["did"]))
            elif kind.endswith("#tag") and feat.get("tag"):
                tags.append(str(feat["tag"]).lstrip("#"))
            elif kind.endswith("#link") and feat.get("uri"):
                links.append(str(feat["uri"]))
    return mentions, tags, links


def _slice_handle(data: bytes, start: int | None, end: int | None) -> str | None:
    """The ``@handle`` a mention facet covers, when its byte range is sane."""
    if start is None or end is None or not 0 <= start < end <= len(data):
        return None
    try:
        piece = data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return piece[1:] if piece.startswith("@") and len(piece) > 1 else None


def _blob_cid(blob: Any) -> str | None:
    """The CID of a blob: ``ref.$link`` (current) or ``cid`` (legacy blobs)."""
    if not isinstance(blob, dict):
        return None
    ref = blob.get("ref")
    if isinstance(ref, dict) and ref.get("$link"):
        return str(ref["$link"])
    return as_str(blob.get("cid"))


def _embed(embed: Any, did: str) -> tuple[str | None, list[Media], list[str], str | None]:
    """``(quoted post uri, media, links, other embedded record uri)`` of a record's embed."""
    if not isinstance(embed, dict):
        return None, [], [], None
    kind = str(embed.get("$type", ""))
    media: list[Media] = []
    if kind == "app.bsky.embed.images":
        for img in embed.get("images") or ():
            if isinstance(img, dict):
                cid = _blob_cid(img.get("image"))
                media.append(
                    Media(
                        kind="photo",
                        url=IMAGE_URL.format(did=did, cid=cid) if cid else None,
                        id=cid,
                        alt_text=img.get("alt") or None,
                        preview_url=THUMB_URL.format(did=did, cid=cid) if cid else None,
                    )
                )
        return None, media, [], None
    if kind == "app.bsky.embed.video":
        cid = _blob_cid(embed.get("video"))
        if cid is None:
            return None, [Media("video", alt_text=embed.get("alt") or None)], [], None
        quoted_did = quote(did, safe="")
        video = Media(
            "video",
            VIDEO_URL.format(did=quoted_did, cid=cid),
            cid,
            embed.get("alt") or None,
            VIDEO_THUMB_URL.format(did=quoted_did, cid=cid),
        )
        return None, [video], [], None
    if kind == "app.bsky.embed.external":
        external = embed.get("external") or {}
        uri = external.get("uri") if isinstance(external, dict) else None
        return None, [], [uri] if isinstance(uri, str) and uri else [], None
    if kind == "app.bsky.embed.record":
        return _record_ref(embed.get("record"))
    if kind == "app.bsky.embed.recordWithMedia":
        outer = embed.get("record")
        quoted, _, _, other = _record_ref(outer.get("record") if isinstance(outer, dict) else None)
        _, media, links, _ = _embed(embed.get("media"), did)
        return quoted, media, links, other
    return None, [], [], None


def _record_ref(ref: Any) -> tuple[str | None, list[Media], list[str], str | None]:
    """A strongRef ``{uri, cid}``: a quoted post, or another embedded record (list, feed...)."""
    uri = ref.get("uri") if isinstance(ref, dict) else None
    parts = split_at_uri(uri)
    if parts is None:
        return None, [], [], None
    if parts[1] == POST:
        return uri, [], [], None
    return None, [], [], uri


# --------------------------------------------------------------------------- posts and accounts


def _lenient_time(value: Any) -> datetime | None:
    """``createdAt`` is client-supplied: a bad value is kept in ``extra``, not an error."""
    try:
        return parse_time(value)
    except (ValueError, OverflowError, OSError):
        return None


def post_message(
    record: Any,
    uri: str,
    ctx: ParseContext,
    *,
    cid: str | None = None,
    author: dict[str, Any] | None = None,
    observed_at: datetime | None = None,
    captured_as: str = "primary",
    version_time: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> Message:
    """Normalise an ``app.bsky.feed.post`` record published at ``uri``."""
    if not isinstance(record, dict):
        raise ctx.error(f"post {uri}: 'record' is not an object")
    parts = split_at_uri(uri)
    if parts is None:
        raise ctx.error(f"post uri {uri!r} is not an at:// URI")
    did, _, rkey = parts
    raw_text = record.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    info: dict[str, Any] = dict(extra or {})
    if cid:
        info["cid"] = cid
    created = _lenient_time(record.get("createdAt"))
    if created is None and record.get("createdAt"):
        info["created_at_raw"] = str(record["createdAt"])[:100]
    mentions, tags, links = _facets(record, text)
    quoted, media, embed_links, other = _embed(record.get("embed"), did)
    if other:
        info["embedded_record"] = other
    reply = _obj(record.get("reply"))
    parent = _ref_uri(reply.get("parent"))
    root = _ref_uri(reply.get("root"))
    parent_parts = split_at_uri(parent)
    tags.extend(str(t).lstrip("#") for t in record.get("tags") or () if isinstance(t, str))
    langs = record.get("langs")
    when = version_time or created
    author = author or {}
    return Message(
        platform=PLATFORM,
        id=uri,
        text=text,
        created_at=created,
        author_id=did,
        author_handle=_handle(author),
        author_display_name=author.get("displayName") or None,
        author_created_at=_lenient_time(author.get("createdAt")),
        author_followers=as_int(author.get("followersCount")),
        lang=as_str(langs[0]) if isinstance(langs, list) and langs else None,
        reply_to_id=parent,
        reply_to_author_id=parent_parts[0] if parent_parts else None,
        quoted_id=quoted,
        thread_id=root or (None if parent else uri),
        mentions=tuple(dict.fromkeys(mentions)),
        hashtags=tuple(dict.fromkeys(t for t in tags if t)),
        urls=tuple(dict.fromkeys([*links, *embed_links])),
        media=tuple(media),
        url=post_url(did, rkey),
        versions=(Version(cid, text, when),) if cid else (),
        observed_at=observed_at or ctx.captured_at,
        captured_as=captured_as,
        extra=info,
    )


def _obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty dict (tolerates odd shapes)."""
    return value if isinstance(value, dict) else {}


def _ref_uri(ref: Any) -> str | None:
    return as_str(ref.get("uri")) if isinstance(ref, dict) else None


def _handle(profile: dict[str, Any]) -> str | None:
    handle = profile.get("handle")
    return handle if isinstance(handle, str) and handle and handle != "handle.invalid" else None


def account_item(profile: Any, ctx: ParseContext) -> Account | None:
    """An Account from a ProfileView(Basic/Detailed), or None without a DID."""
    if not isinstance(profile, dict) or not isinstance(profile.get("did"), str):
        return None
    did = profile["did"]
    handle = _handle(profile)
    return Account(
        platform=PLATFORM,
        id=did,
        handle=handle,
        display_name=profile.get("displayName") or None,
        created_at=_lenient_time(profile.get("createdAt")),
        followers=as_int(profile.get("followersCount")),
        following=as_int(profile.get("followsCount")),
        posts=as_int(profile.get("postsCount")),
        bio=profile.get("description") or None,
        url=f"https://bsky.app/profile/{did}",
        observed_at=ctx.captured_at,
        handles=(handle,) if handle else (),
    )


class _Items:
    """Collects one record's items, yielding each account once."""

    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.items: list[Item] = []
        self._dids: set[str] = set()

    def account(self, profile: Any) -> None:
        acc = account_item(profile, self.ctx)
        if acc is not None and acc.id not in self._dids:
            self._dids.add(acc.id)
            self.items.append(acc)

    def gone(self, uri: Any, status: str, detail: str) -> None:
        if isinstance(uri, str) and uri:
            self.items.append(
                StatusChange(PLATFORM, "message", uri, status, self.ctx.captured_at, detail)
            )

    def view(self, node: Any, captured_as: str, extra: dict[str, Any] | None = None) -> None:
        """A PostView, or the #notFoundPost / #blockedPost that stands in for one."""
        if not isinstance(node, dict):
            return
        kind = str(node.get("$type", ""))
        if node.get("notFound") or kind.endswith("#notFoundPost"):
            self.gone(node.get("uri"), "deleted", "AppView: post not found (#notFoundPost)")
            return
        if node.get("blocked") or kind.endswith("#blockedPost"):
            self.gone(node.get("uri"), "unavailable", "AppView: post blocked (#blockedPost)")
            return
        uri = node.get("uri")
        if not isinstance(uri, str):
            raise self.ctx.error(f"post view has no 'uri' ({kind or 'no $type'})")
        record = node.get("record", node.get("value"))
        author = node.get("author") if isinstance(node.get("author"), dict) else None
        info = dict(extra or {})
        labels = [lab.get("val") for lab in node.get("labels") or () if isinstance(lab, dict)]
        if labels:
            info["labels"] = labels
        self.items.append(
            post_message(
                record,
                uri,
                self.ctx,
                cid=as_str(node.get("cid")),
                author=author,
                observed_at=_lenient_time(node.get("indexedAt")),
                captured_as=captured_as,
                extra=info,
            )
        )
        self.account(author)
        self._view_embed(node.get("embed"))
        for embedded in node.get("embeds") or ():  # a #viewRecord's own embeds
            self._view_embed(embedded)

    def _view_embed(self, embed: Any) -> None:
        """The quoted post an embed view carries (``#viewRecord``), as referenced context."""
        if not isinstance(embed, dict):
            return
        kind = str(embed.get("$type", ""))
        if kind.startswith("app.bsky.embed.recordWithMedia"):
            embed = embed.get("record")
            if not isinstance(embed, dict):
                return
            kind = "app.bsky.embed.record#view"
        if not kind.startswith("app.bsky.embed.record"):
            return
        rec = embed.get("record")
        if not isinstance(rec, dict):
            return
        parts = split_at_uri(rec.get("uri"))
        if parts is None or parts[1] != POST:
            return
        rkind = str(rec.get("$type", ""))
        if rec.get("notFound") or rkind.endswith("#viewNotFound"):
            self.gone(rec["uri"], "deleted", "AppView: quoted post not found (#viewNotFound)")
        elif rec.get("blocked") or rkind.endswith("#viewBlocked"):
            self.gone(rec["uri"], "unavailable", "AppView: quoted post blocked (#viewBlocked)")
        elif rkind.endswith("#viewDetached") or rec.get("detached"):
            self.gone(rec["uri"], "unavailable", "AppView: quote detached by its author")
        elif isinstance(rec.get("value"), dict):
            self.view(rec, "referenced")


# --------------------------------------------------------------------------- Jetstream


def _observed(event: dict[str, Any], ctx: ParseContext) -> datetime | None:
    if event.get("time_us") is not None:
        return time_field(event["time_us"], ctx, "time_us")
    if event.get("time") is not None:
        return time_field(event["time"], ctx, "time")
    return ctx.captured_at


def _commit_items(event: dict[str, Any], commit: Any, ctx: ParseContext) -> list[Item]:
    if not isinstance(commit, dict):
        raise ctx.error("commit event has no 'commit' object")
    did = event.get("did")
    if not isinstance(did, str) or not did:
        raise ctx.error("commit event has no 'did'")
    op = _OPERATIONS.get(str(commit.get("operation") or commit.get("type") or ""))
    if op is None:
        raise ctx.error(f"commit: unknown 'operation' {commit.get('operation')!r}")
    collection, rkey = commit.get("collection"), commit.get("rkey")
    if not isinstance(collection, str) or not isinstance(rkey, str) or not rkey:
        raise ctx.error("commit: 'collection' or 'rkey' missing")
    uri = f"at://{did}/{collection}/{rkey}"
    when = _observed(event, ctx)
    if collection not in (POST, REPOST):
        return []  # likes, follows, blocks...: not messages
    if op == "delete":
        detail = f"Jetstream delete commit (rev {commit.get('rev')})"
        return [StatusChange(PLATFORM, "message", uri, "deleted", when, detail)]
    record = commit.get("record")
    extra = {"operation": op, "rev": commit.get("rev")}
    if collection == REPOST:
        return [_repost(record, uri, did, when, ctx, extra)]
    return [
        post_message(
            record,
            uri,
            ctx,
            cid=as_str(commit.get("cid")),
            observed_at=when,
            version_time=when if op == "update" else None,
            extra={k: v for k, v in extra.items() if v is not None},
        )
    ]


def _repost(
    record: Any,
    uri: str,
    did: str,
    when: datetime | None,
    ctx: ParseContext,
    extra: dict[str, Any],
) -> Message:
    if not isinstance(record, dict):
        raise ctx.error(f"repost {uri}: 'record' is not an object")
    subject = _ref_uri(record.get("subject"))
    return Message(
        platform=PLATFORM,
        id=uri,
        created_at=_lenient_time(record.get("createdAt")),
        author_id=did,
        repost_of_id=subject,
        thread_id=uri,
        observed_at=when,
        extra={k: v for k, v in extra.items() if v is not None},
    )


def _identity_items(event: dict[str, Any], ident: Any, ctx: ParseContext) -> list[Item]:
    ident = ident if isinstance(ident, dict) else event
    did = ident.get("did") or event.get("did")
    if not isinstance(did, str):
        raise ctx.error("identity event has no 'did'")
    handle = _handle(ident)
    when = _observed(event, ctx)
    return [
        Account(
            PLATFORM,
            did,
            handle=handle,
            observed_at=when,
            handles=(handle,) if handle else (),
            extra={"seq": ident["seq"]} if ident.get("seq") is not None else {},
        )
    ]


def _account_items(event: dict[str, Any], acc: Any, ctx: ParseContext) -> list[Item]:
    acc = acc if isinstance(acc, dict) else event
    did = acc.get("did") or event.get("did")
    if not isinstance(did, str):
        raise ctx.error("account event has no 'did'")
    when = _observed(event, ctx)
    raw_status = acc.get("status")
    if acc.get("active", True) is not False:
        status, detail = "available", "account event: active"
    else:
        status = _ACCOUNT_STATUS.get(str(raw_status), "unavailable")
        detail = f"account event: inactive, status {raw_status or 'unknown'}"
    return [
        Account(
            PLATFORM,
            did,
            status=status,
            observed_at=when,
            extra={"account_status": raw_status} if raw_status else {},
        ),
        StatusChange(PLATFORM, "account", did, status, when, detail),
    ]


def _jetstream_items(event: dict[str, Any], ctx: ParseContext) -> list[Item]:
    """A Jetstream v1 event (current ``kind`` or legacy ``type``)."""
    kind = event.get("kind") or {"com": "commit", "id": "identity", "acc": "account"}.get(
        str(event.get("type")), event.get("type")
    )
    if kind == "commit":
        return _commit_items(event, event.get("commit"), ctx)
    if kind == "identity":
        return _identity_items(event, event.get("identity"), ctx)
    if kind == "account":
        return _account_items(event, event.get("account"), ctx)
    return []


def _envelope_items(payload: Any, ctx: ParseContext) -> list[Item]:
    """The v2 ``subscribeEvents`` envelope: a flat payload typed ``...#commit`` etc."""
    if not isinstance(payload, dict):
        raise ctx.error("Jetstream v2 message: 'payload' is not an object")
    kind = str(payload.get("$type", "")).rpartition("#")[2]
    if kind == "commit":
        return _commit_items(payload, payload.get("commit", payload), ctx)
    if kind == "identity":
        return _identity_items(payload, payload.get("identity"), ctx)
    if kind == "account":
        return _account_items(payload, payload.get("account"), ctx)
    return []


# --------------------------------------------------------------------------- XRPC views


def _thread_items(thread: Any, ctx: ParseContext) -> list[Item]:
    """getPostThread: the focal post, its parents and all replies (walked without recursion)."""
    out = _Items(ctx)
    stack: list[Any] = [thread]
    while stack:  # parents carry no replies and replies no parent: walk both ways at once
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        out.view(node.get("post", node), "primary")
        if node.get("parent") is not None:
            stack.append(node["parent"])
        stack.extend(reversed(node.get("replies") or ()))
    return out.items


def _notification_items(notes: list[Any], ctx: ParseContext) -> list[Item]:
    out = _Items(ctx)
    for n in notes:
        if not isinstance(n, dict):
            continue
        reason = str(n.get("reason") or "")
        if reason in _MESSAGE_REASONS and isinstance(n.get("record"), dict):
            extra = {"notification_reason": reason}
            if n.get("reasonSubject"):
                extra["reason_subject"] = n["reasonSubject"]
            out.view(n, "primary", extra)
        out.account(n.get("author"))
    return out.items


def _feed_items(feed: list[Any], ctx: ParseContext) -> list[Item]:
    """FeedViewPosts: the post, the reply context, and reposts (``reason``)."""
    out = _Items(ctx)
    for item in feed:
        if not isinstance(item, dict):
            continue
        post = item.get("post")
        reason = _obj(item.get("reason"))
        is_repost = str(reason.get("$type", "")).endswith("#reasonRepost")
        if is_repost and split_at_uri(reason.get("uri")) and isinstance(post, dict):
            out.view(post, "referenced")
            _add_repost(out, reason, post, ctx)
        elif is_repost:
            by = _obj(reason.get("by"))
            out.view(
                post,
                "primary",
                {"reposted_by": by.get("did"), "reposted_at": reason.get("indexedAt")},
            )
            out.account(by)
        else:
            out.view(post, "primary")
        reply = _obj(item.get("reply"))
        for key in ("root", "parent"):
            out.view(reply.get(key), "referenced")
    return out.items


def _add_repost(
    out: _Items, reason: dict[str, Any], post: dict[str, Any], ctx: ParseContext
) -> None:
    """A ``#reasonRepost`` carrying its own ``uri``: the repost is a message of its own."""
    by = _obj(reason.get("by"))
    orig = next((i for i in out.items if isinstance(i, Message) and i.id == post.get("uri")), None)
    did = split_at_uri(reason["uri"])[0]  # type: ignore[index]
    out.items.append(
        Message(
            platform=PLATFORM,
            id=reason["uri"],
            text=orig.text if orig else "",
            created_at=_lenient_time(reason.get("indexedAt")),
            author_id=did,
            author_handle=_handle(by),
            author_display_name=by.get("displayName") or None,
            repost_of_id=as_str(post.get("uri")),
            thread_id=reason["uri"],
            mentions=orig.mentions if orig else (),
            hashtags=orig.hashtags if orig else (),
            urls=orig.urls if orig else (),
            media=orig.media if orig else (),
            observed_at=_lenient_time(reason.get("indexedAt")) or ctx.captured_at,
        )
    )
    out.account(by)


def _record_items(obj: dict[str, Any], ctx: ParseContext) -> list[Item]:
    """getRecord ``{uri, cid, value}``, or a bare post record identified by the unit context."""
    if "value" in obj:
        uri, cid, record = obj.get("uri"), as_str(obj.get("cid")), obj.get("value")
    else:
        unit_ctx = ctx.context or {}
        uri, cid, record = unit_ctx.get("uri"), as_str(unit_ctx.get("cid")), obj
        if uri is None and unit_ctx.get("did") and unit_ctx.get("rkey"):
            uri = f"at://{unit_ctx['did']}/{POST}/{unit_ctx['rkey']}"
        if uri is None:
            raise ctx.error(
                "post record has no 'uri' and its repo and rkey are unknown "
                "(export it with getRecord, or as {did}/app.bsky.feed.post/{rkey}.json)"
            )
    parts = split_at_uri(uri)
    if parts is None:
        raise ctx.error(f"record 'uri' {uri!r} is not an at:// URI")
    if parts[1] == REPOST:
        return [_repost(record, str(uri), parts[0], ctx.captured_at, ctx, {})]
    if parts[1] != POST:
        return []
    return [post_message(record, str(uri), ctx, cid=cid)]


def payload_items(obj: Any, ctx: ParseContext) -> list[Item]:
    """Items of any decoded Bluesky payload, each message once."""
    return dedupe(_payload_items(obj, ctx))


def _payload_items(obj: Any, ctx: ParseContext) -> list[Item]:
    if isinstance(obj, list):
        return _feed_items(
            [x if "post" in x else {"post": x} for x in obj if isinstance(x, dict)], ctx
        )
    if not isinstance(obj, dict):
        raise ctx.error(f"expected a JSON object, got {type(obj).__name__}")
    if obj.get("$type") == "message" and "payload" in obj:
        return _envelope_items(obj["payload"], ctx)
    if "kind" in obj or obj.get("type") in ("com", "id", "acc"):
        return _jetstream_items(obj, ctx)
    if "thread" in obj:
        return _thread_items(obj["thread"], ctx)
    if isinstance(obj.get("notifications"), list):
        return _notification_items(obj["notifications"], ctx)
    if isinstance(obj.get("feed"), list):
        return _feed_items(obj["feed"], ctx)
    if isinstance(obj.get("posts"), list):
        return _feed_items([{"post": p} for p in obj["posts"]], ctx)
    if isinstance(obj.get("post"), dict):
        return _feed_items([obj], ctx)
    if "value" in obj or obj.get("$type") in (POST, REPOST):
        return _record_items(obj, ctx)
    if "uri" in obj and "record" in obj:
        return _feed_items([{"post": obj}], ctx)
    raise ctx.error("unknown Bluesky payload: no 'kind', 'commit', 'thread', 'uri' or '$type'")


# --------------------------------------------------------------------------- the source


class BlueskySource:
    """Reads Bluesky Jetstream captures, post records and XRPC views (JSON or JSON lines)."""

    name = "bluesky"
    description = (
        "Bluesky/AT Protocol: Jetstream events, app.bsky.feed.post records, getPostThread, "
        "listNotifications, feeds"
    )

    def sniff(self, head: bytes, path: Path) -> float:
        obj = first_json_object(head)
        if obj is not None:
            score = _sniff_obj(obj)
            if score:
                return score
        if b'"at://did:' in head and b'"app.bsky.' in head:
            return 0.6
        if b'"time_us"' in head and b'"did:' in head and b'"kind"' in head:
            return 0.6
        return 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        identity = _path_identity(path)
        for unit in iter_json_units(path):
            if identity:
                unit = Unit(unit.raw, unit.line, unit.offset, identity, unit.member)
            yield unit

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        obj = loads(raw, ctx)
        try:
            return payload_items(obj, ctx)
        except RecursionError:
            raise ctx.error("JSON nested too deeply") from None
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ctx.error(
                f"unexpected Bluesky payload shape ({type(exc).__name__}: {exc})"
            ) from None


def _sniff_obj(obj: dict[str, Any]) -> float:
    did = obj.get("did")
    if isinstance(did, str) and did.startswith("did:"):
        if obj.get("kind") in ("commit", "identity", "account"):
            return 0.95
        if obj.get("type") in ("com", "id", "acc"):
            return 0.9
    payload = obj.get("payload")
    if obj.get("$type") == "message" and str(_obj(payload).get("$type", "")).startswith(
        "network.bsky.jetstream."
    ):
        return 0.95
    if obj.get("$type") == POST:
        return 0.85
    if isinstance(obj.get("thread"), dict) and str(obj["thread"].get("$type", "")).startswith(
        "app.bsky."
    ):
        return 0.9
    for key in ("notifications", "feed", "posts"):
        items = obj.get(key)
        if isinstance(items, list) and items and isinstance(items[0], dict):
            first = items[0].get("post", items[0])
            if isinstance(first, dict) and str(first.get("uri", "")).startswith("at://"):
                return 0.9
    uri = obj.get("uri")
    if isinstance(uri, str) and uri.startswith("at://") and ("value" in obj or "record" in obj):
        return 0.9
    if isinstance(obj.get("post"), dict) and str(obj["post"].get("uri", "")).startswith("at://"):
        return 0.9
    return 0.0
