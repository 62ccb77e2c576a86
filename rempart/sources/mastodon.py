"""Mastodon: REST JSON (statuses, notifications, contexts) and streaming captures.

Two sources share one status normaliser:

- :class:`MastodonSource` reads REST payloads (a Status, an array of them, a context
  ``{ancestors, descendants}``, v1 notifications, grouped v2 notifications, a conversation) and
  WebSocket streaming frames ``{"stream": [...], "event": ..., "payload": "<JSON string>"}``
  saved one per line.
- :class:`MastodonStreamSource` reads a server-sent-event capture of
  ``/api/v1/streaming/user``: one unit per ``event:``/``data:`` block.

Identity conventions (Mastodon ids are local to the instance that was queried):

- ``Message.id`` is the status ``uri`` (the global ActivityPub id); the local ``id`` and the
  instance, when known, go to ``Message.extra`` (``local_id``, ``instance``).
- Account ids are ``account.uri`` (global), else ``account.url``, else the local ``id``; the
  local id is kept in ``Account.extra["local_id"]``. Handles are ``@user@domain``.
- Local references (``in_reply_to_id``, ``quote.quoted_status_id``, a streaming ``delete``) are
  resolved to uris from the same record, else from the rest of the file (``units`` puts the
  needed ``{local id: uri}`` pairs in ``Unit.context``). Unresolved, the local id is kept as is
  and flagged in ``extra`` (``in_reply_to_local_id``, ``quoted_local_id``).
- A notification whose ``status`` is null (the post was deleted or hidden) becomes an
  ``unavailable`` placeholder message ``mastodon-notification:{notification id}`` authored by the
  notifying account, plus a matching :class:`StatusChange`: the fact that someone mentioned the
  target, and when, is kept even though the post is gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ..models import Item, Message, StatusChange
from .base import (
    DEPTH_REASON,
    ParseContext,
    Unit,
    decode_text,
    dedupe,
    first_json_object,
    iter_json_units,
    loads,
    too_deep,
)
from .mastodon_status import PLATFORM, Resolver, collect, references, status_items

#: Notification types whose status is a message aimed at the target.
MESSAGE_NOTIFICATIONS = frozenset({"mention", "quote", "status", "update", "quoted_update"})


# --------------------------------------------------------------------------- shared payload logic


def payload_items(obj: Any, ctx: ParseContext) -> list[Item]:
    """Items of any decoded Mastodon REST payload or WebSocket frame."""
    resolver = Resolver.build(obj, ctx)
    try:
        return dedupe(_dispatch(obj, ctx, resolver))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        reason = f"unexpected Mastodon payload shape ({type(exc).__name__}: {exc})"
        raise ctx.error(reason) from None


def _dispatch(obj: Any, ctx: ParseContext, r: Resolver) -> list[Item]:
    if isinstance(obj, list):
        out: list[Item] = []
        for element in obj:
            out.extend(_dispatch(element, ctx, r))
        return out
    if not isinstance(obj, dict):
        raise ctx.error(f"expected a JSON object, got {type(obj).__name__}")
    if "event" in obj and ("payload" in obj or "stream" in obj):
        return _frame_items(obj, ctx)
    if "ancestors" in obj or "descendants" in obj:
        return _context_items(obj, ctx, r)
    if "notification_groups" in obj:
        return _grouped_items(obj, ctx, r)
    if "type" in obj and isinstance(obj.get("account"), dict) and "uri" not in obj:
        return _notification_items(obj, ctx, r)
    if "last_status" in obj and "accounts" in obj:
        return _conversation_items(obj, ctx, r)
    if "acct" in obj and "account" not in obj:
        return r.account_items(obj)
    if "uri" in obj or ("content" in obj and "account" in obj):
        return status_items(obj, ctx, r)
    raise ctx.error("unknown Mastodon payload: no 'uri', 'type', 'ancestors' or 'event' field")


def _context_items(obj: dict[str, Any], ctx: ParseContext, r: Resolver) -> list[Item]:
    ancestors = obj.get("ancestors") or []
    descendants = obj.get("descendants") or []
    root = ancestors[0].get("uri") if ancestors and isinstance(ancestors[0], dict) else None
    out: list[Item] = []
    for s in [*ancestors, *descendants]:
        out.extend(status_items(s, ctx, r, thread_root=root))
    return out


def _notification_items(n: dict[str, Any], ctx: ParseContext, r: Resolver) -> list[Item]:
    kind = str(n.get("type") or "")
    account = n.get("account")
    out = r.account_items(account)
    if kind not in MESSAGE_NOTIFICATIONS:
        return out  # follow, favourite, reblog, admin.*: who did it is what matters
    extra = {"notification_id": str(n.get("id")), "notification_type": kind}
    status = n.get("status")
    if isinstance(status, dict):
        return [*status_items(status, ctx, r, extra=extra), *out]
    return [*_placeholder(n.get("id"), kind, n.get("created_at"), account, ctx, r, extra), *out]


def _placeholder(
    notification_id: Any,
    kind: str,
    created_at: Any,
    account: Any,
    ctx: ParseContext,
    r: Resolver,
    extra: dict[str, Any],
    why: str = "arrived with status null",
) -> list[Item]:
    """An ``unavailable`` stand-in for a notification whose status is gone."""
    if notification_id in (None, ""):
        raise ctx.error(f"{kind!r} notification has a null 'status' and no 'id'")
    mid = f"mastodon-notification:{notification_id}"
    detail = f"{kind} notification {why} (deleted, or hidden from the target)"
    author = r.account_fields(account) if isinstance(account, dict) else {}
    msg = Message(
        platform=PLATFORM,
        id=mid,
        created_at=r.time(created_at, "created_at"),
        status="unavailable",
        status_detail=detail,
        observed_at=ctx.captured_at,
        extra={**extra, "placeholder": True},
        **author,
    )
    change = StatusChange(PLATFORM, "message", mid, "unavailable", ctx.captured_at, detail)
    return [msg, change]


def _grouped_items(obj: dict[str, Any], ctx: ParseContext, r: Resolver) -> list[Item]:
    """``/api/v2/notifications``: join each group's ids to the side arrays."""
    out: list[Item] = []
    for key in ("accounts", "partial_accounts"):
        for a in obj.get(key) or []:
            out.extend(r.account_items(a))
    statuses = {str(s.get("id")): s for s in obj.get("statuses") or [] if isinstance(s, dict)}
    for g in obj.get("notification_groups") or []:
        kind = str(g.get("type") or "")
        if kind not in MESSAGE_NOTIFICATIONS:
            continue
        extra = {
            "notification_id": str(g.get("most_recent_notification_id")),
            "notification_type": kind,
            "group_key": g.get("group_key"),
        }
        sid = g.get("status_id")
        status = statuses.get(str(sid)) if sid is not None else None
        if status is not None:
            out.extend(status_items(status, ctx, r, extra=extra))
            continue
        sample = (g.get("sample_account_ids") or [None])[0]
        account = r.account_dicts.get(str(sample))
        when = g.get("latest_page_notification_at")
        why = "has no status_id" if sid is None else f"status {sid} missing from statuses[]"
        out.extend(_placeholder(extra["notification_id"], kind, when, account, ctx, r, extra, why))
    return out


def _conversation_items(obj: dict[str, Any], ctx: ParseContext, r: Resolver) -> list[Item]:
    out: list[Item] = []
    if isinstance(obj.get("last_status"), dict):
        extra = {"conversation_id": str(obj.get("id"))}
        out.extend(status_items(obj["last_status"], ctx, r, extra=extra))
    for a in obj.get("accounts") or []:
        out.extend(r.account_items(a))
    return out


# --------------------------------------------------------------------------- streaming events


def event_items(event: str, data: str, ctx: ParseContext) -> list[Item]:
    """Items of one streaming event, whatever the transport (SSE or WebSocket)."""
    if event == "delete":
        return [_delete_change(data.strip(), ctx)]
    if event not in ("update", "status.update", "notification", "conversation"):
        return []
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if too_deep(exc):
            raise ctx.error(f"{event!r} event: JSON payload {DEPTH_REASON}") from None
        raise ctx.error(f"{event!r} event: malformed JSON payload ({exc})") from None
    if event == "notification" and not isinstance(obj, dict):
        raise ctx.error("'notification' event payload is not an object")
    return payload_items(obj, ctx)


def _delete_change(local_id: str, ctx: ParseContext) -> StatusChange:
    if not local_id:
        raise ctx.error("'delete' event without a status id")
    known = ((ctx.context or {}).get("statuses") or {}).get(local_id)
    if known:
        detail = f"streaming delete event (local id {local_id})"
        return StatusChange(PLATFORM, "message", known[0], "deleted", ctx.captured_at, detail)
    detail = f"streaming delete event; {local_id} is a local id, its uri was not seen in the file"
    return StatusChange(PLATFORM, "message", local_id, "deleted", ctx.captured_at, detail)


def _frame_items(frame: dict[str, Any], ctx: ParseContext) -> list[Item]:
    event = frame.get("event")
    payload = frame.get("payload")
    if not isinstance(event, str):
        raise ctx.error("WebSocket frame: 'event' is not a string")
    if payload is None:
        return event_items(event, "", ctx) if event == "delete" else []
    if not isinstance(payload, str):  # tolerate a capture that decoded the payload already
        if event == "delete":
            return [_delete_change(str(payload), ctx)]
        return payload_items(payload, ctx) if event in _STATUS_EVENTS else []
    return event_items(event, payload, ctx)


_STATUS_EVENTS = frozenset({"update", "status.update", "notification", "conversation"})


# --------------------------------------------------------------------------- cross-unit index


def annotate(units: list[Unit], decoded: list[Any]) -> Iterator[Unit]:
    """Attach to each unit the ``{local id: uri}`` facts it needs from the rest of the file."""
    statuses: dict[str, list[str | None]] = {}
    accounts: dict[str, str] = {}
    for obj in decoded:
        collect(obj, statuses, accounts)
    for unit, obj in zip(units, decoded, strict=True):
        own_s: dict[str, list[str | None]] = {}
        own_a: dict[str, str] = {}
        collect(obj, own_s, own_a)
        want_s, want_a = references(obj)
        ctx: dict[str, Any] = {}
        s = {k: statuses[k] for k in sorted(want_s) if k in statuses and k not in own_s}
        a = {k: accounts[k] for k in sorted(want_a) if k in accounts and k not in own_a}
        if s:
            ctx["statuses"] = s
        if a:
            ctx["accounts"] = a
        yield Unit(unit.raw, unit.line, unit.offset, ctx or unit.context, unit.member)


def _decode_for_index(raw: bytes) -> Any:
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if isinstance(obj, dict) and isinstance(obj.get("payload"), str) and "event" in obj:
        if obj.get("event") == "delete":
            return {"__delete__": obj["payload"].strip()}
        try:
            return orjson.loads(obj["payload"])
        except orjson.JSONDecodeError:
            return None
    return obj


# --------------------------------------------------------------------------- the REST source


class MastodonSource:
    """Reads Mastodon REST JSON and WebSocket streaming frames (one frame per line)."""

    name = "mastodon"
    description = (
        "Mastodon REST JSON: statuses, notifications (v1 and grouped v2), contexts; "
        "WebSocket streaming frames"
    )

    def sniff(self, head: bytes, path: Path) -> float:
        obj = first_json_object(head)
        if obj is not None:
            return _sniff_obj(obj)
        return _sniff_bytes(head)

    def units(self, path: Path) -> Iterator[Unit]:
        units = list(iter_json_units(path))
        yield from annotate(units, [_decode_for_index(u.raw) for u in units])

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        obj = loads(raw, ctx)
        try:
            return payload_items(obj, ctx)
        except RecursionError:
            raise ctx.error("JSON nested too deeply") from None


def _sniff_obj(obj: dict[str, Any]) -> float:
    if isinstance(obj.get("payload"), str) and "event" in obj and "stream" in obj:
        return 0.95
    if "ancestors" in obj and "descendants" in obj:
        return 0.9
    if "notification_groups" in obj:
        return 0.9
    account = obj.get("account")
    if isinstance(account, dict) and "acct" in account:
        if "uri" in obj and "content" in obj:
            return 0.9
        if "type" in obj:
            return 0.9
    if "last_status" in obj and "accounts" in obj:
        return 0.85
    return 0.0


def _sniff_bytes(head: bytes) -> float:
    """A head cut inside a large document: look for field names only Mastodon uses."""
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"[", b"{")) or b'"acct"' not in head:
        return 0.0
    if b'"notification_groups"' in head or b'"ancestors"' in head:
        return 0.8
    if b'"uri"' in head and b'"content"' in head and b'"visibility"' in head:
        return 0.75
    if b'"type"' in head and b'"account"' in head:
        return 0.6
    return 0.0


# --------------------------------------------------------------------------- the SSE source


class MastodonStreamSource:
    """Reads a Mastodon server-sent-event capture (``/api/v1/streaming/user``)."""

    name = "mastodon-sse"
    description = "Mastodon server-sent-event streaming capture"

    def sniff(self, head: bytes, path: Path) -> float:
        body = head.lstrip(b"\xef\xbb\xbf")
        if body.startswith(b":)"):
            return 0.95
        if body.startswith((b"event: ", b"event:", b":thump")) and b"\ndata:" in body:
            return 0.9
        if b"\nevent: update\ndata: {" in body or b"\nevent: notification\ndata: {" in body:
            return 0.85
        return 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        units = list(iter_sse_blocks(path.read_bytes()))
        decoded = [_decode_block_for_index(u.raw) for u in units]
        yield from annotate(units, decoded)

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        text = decode_text(raw, ctx)
        if not text.endswith(("\n\n", "\r\n\r\n", "\r\r")):
            raise ctx.error("truncated SSE event block: no blank line ends it (never dispatched)")
        event, data = parse_sse_block(text)
        try:
            return event_items(event, data, ctx)
        except RecursionError:
            raise ctx.error("JSON nested too deeply") from None


def iter_sse_blocks(data: bytes) -> Iterator[Unit]:
    """SSE event blocks with their exact bytes (terminating blank line included).

    Comment lines (``:)``, ``:thump``) between blocks are heartbeats and are skipped.
    """
    pos = 0
    lineno = 1
    start: int | None = None
    start_line = 0
    n = len(data)
    while pos < n:
        end = data.find(b"\n", pos)
        nxt = n if end < 0 else end + 1
        line = data[pos:nxt].rstrip(b"\r\n")
        if start is None:
            if line and not line.startswith(b":"):
                start, start_line = pos, lineno
        elif not line:
            yield Unit(data[start:nxt], start_line, start)
            start = None
        pos = nxt
        lineno += 1
    if start is not None and data[start:].strip():
        yield Unit(data[start:], start_line, start)


def parse_sse_block(text: str) -> tuple[str, str]:
    """``(event name, data)`` of one block; ``data`` lines are joined by newlines."""
    event = "message"
    data: list[str] = []
    for line in text.splitlines():
        if not line or line.startswith(":"):
            continue
        field, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
    return event, "\n".join(data)


def _decode_block_for_index(raw: bytes) -> Any:
    try:
        event, data = parse_sse_block(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    if event == "delete":
        return {"__delete__": data.strip()}
    if event not in _STATUS_EVENTS:
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


__all__ = [
    "MastodonSource",
    "MastodonStreamSource",
    "event_items",
    "iter_sse_blocks",
    "parse_sse_block",
    "payload_items",
]
