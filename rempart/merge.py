"""How several observations of one message or account combine into the case's current view.

Merging is pure and deterministic, so replaying the stored raw records in log order rebuilds
exactly the same messages (that is how ``rempart verify`` checks the derived tables).

Rules, in short:

- Content is never lost: a stub (a deletion notice for a post never seen) takes the content of
  any observation that has it; empty fields are filled from the other side.
- Mutable facts (handle, follower count, status) come from the latest observation.
- Different texts become versions (edits), oldest first; ``text`` is the latest version's.
- A message is ``primary`` if any capture had it as primary.
- ``extra`` dicts are unioned; Vonage multi-part SMS are reassembled from ``concat_parts``.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from .models import Account, Message, StatusChange, Version, iso

_MIN = datetime.min.replace(tzinfo=UTC)


def _when(dt: datetime | None) -> datetime:
    return dt if dt is not None else _MIN


def has_content(m: Message) -> bool:
    """Whether a message carries content (not just a status notice)."""
    return bool(m.text or m.created_at or m.author_id or m.media)


def merge_messages(old: Message, new: Message) -> Message:
    """Combine two observations of the same message (``new`` seen after ``old`` in the log)."""
    if old == new:
        return old
    old_has, new_has = has_content(old), has_content(new)
    later, earlier = (
        (new, old) if _when(new.observed_at) >= _when(old.observed_at) else (old, new)
    )
    if old_has and not new_has:
        base, other = old, new
    elif new_has and not old_has:
        base, other = new, old
    else:
        base, other = later, earlier
    fields: dict[str, Any] = {}
    for f in _FILLABLE:
        value = getattr(base, f)
        if value is None or value == () or value == "":
            alt = getattr(other, f)
            if alt is not None and alt != () and alt != "":
                fields[f] = alt
    fields["versions"] = _merge_versions(old, new) if (old_has and new_has) else (
        base.versions or other.versions
    )
    if fields["versions"]:
        fields["text"] = fields["versions"][-1].text
    fields["captured_as"] = "primary" if "primary" in (old.captured_as, new.captured_as) else (
        base.captured_as
    )
    status_src = later
    fields["status"] = status_src.status
    fields["status_detail"] = status_src.status_detail
    fields["observed_at"] = max(_when(old.observed_at), _when(new.observed_at)) if (
        old.observed_at or new.observed_at
    ) else None
    fields["extra"] = _merge_extra(old.extra, new.extra)
    merged = dataclasses.replace(base, **fields)
    return finish_message(merged)


_FILLABLE = tuple(
    f.name
    for f in dataclasses.fields(Message)
    if f.name
    not in {"platform", "id", "versions", "status", "status_detail", "observed_at", "captured_as",
            "extra"}
)


def _versions_of(m: Message) -> tuple[Version, ...]:
    """A message's versions; one never seen edited is its own single version."""
    if m.versions:
        return m.versions
    return (Version(m.id, m.text, m.created_at),) if m.text else ()


def _merge_versions(old: Message, new: Message) -> tuple[Version, ...]:
    versions: dict[str, Version] = {}
    for m in (old, new):
        for v in _versions_of(m):
            seen = versions.get(v.id)
            if seen is None:
                versions[v.id] = v
            elif seen.text != v.text:
                # same version id, different text, no edit metadata: keep both, dated
                vid = f"{v.id}@{iso(m.observed_at or v.created_at)}"
                versions.setdefault(vid, Version(vid, v.text, m.observed_at or v.created_at))
    if len(versions) <= 1:
        return ()
    return tuple(sorted(versions.values(), key=lambda v: (_when(v.created_at), v.id)))


def _merge_extra(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    if not a:
        return dict(b)
    if not b:
        return dict(a)
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        else:
            out[k] = v
    return out


def finish_message(m: Message) -> Message:
    """Derived fields: drop a lone version that is the message itself; reassemble SMS parts."""
    if len(m.versions) == 1:
        (v,) = m.versions
        if v.id == m.id and v.text == m.text and v.created_at == m.created_at:
            m = dataclasses.replace(m, versions=())
    parts = m.extra.get("concat_parts") if m.extra else None
    if not parts:
        return m
    total = m.extra.get("concat_total")
    text = "".join(parts[k] for k in sorted(parts, key=lambda k: int(k)))
    detail = m.status_detail
    if total and len(parts) < int(total):
        detail = f"incomplete: {len(parts)} of {total} parts received"
    elif detail and detail.startswith("incomplete:"):
        detail = None
    if text == m.text and detail == m.status_detail:
        return m
    return dataclasses.replace(m, text=text, status_detail=detail)


def apply_status(m: Message | None, change: StatusChange) -> Message:
    """A message after a status observation; a stub when the message was never seen."""
    if m is None:
        return Message(
            platform=change.platform,
            id=change.id,
            status=change.status,
            status_detail=change.detail,
            observed_at=change.observed_at,
            captured_as="referenced",
        )
    if _when(change.observed_at) < _when(m.observed_at) and m.status == "available":
        # An older notice than what we already saw: keep it in history only.
        history = list(m.extra.get("status_history", []))
        history.append(_history(change))
        return dataclasses.replace(m, extra={**m.extra, "status_history": history})
    history = list(m.extra.get("status_history", []))
    history.append(_history(change))
    return dataclasses.replace(
        m,
        status=change.status,
        status_detail=change.detail,
        observed_at=max(_when(m.observed_at), _when(change.observed_at)),
        extra={**m.extra, "status_history": history},
    )


def _history(change: StatusChange) -> dict[str, Any]:
    return {"status": change.status, "observed_at": iso(change.observed_at),
            "detail": change.detail}


def merge_accounts(old: Account, new: Account) -> Account:
    """Combine two observations of an account; the later one wins field by field."""
    if old == new:
        return old
    later, earlier = (
        (new, old) if _when(new.observed_at) >= _when(old.observed_at) else (old, new)
    )
    fields: dict[str, Any] = {}
    for f in ("handle", "display_name", "created_at", "followers", "following", "posts", "bio",
              "url"):
        if getattr(later, f) is None and getattr(earlier, f) is not None:
            fields[f] = getattr(earlier, f)
    handles = []
    for a in (earlier, later):
        for h in (*a.handles, a.handle):
            if h and h not in handles:
                handles.append(h)
    fields["handles"] = tuple(handles)
    fields["extra"] = _merge_extra(earlier.extra, later.extra)
    if later.status == "available" and earlier.status != "available" and not has_profile(later):
        fields["status"] = earlier.status
    return dataclasses.replace(later, **fields)


def has_profile(a: Account) -> bool:
    return bool(a.handle or a.display_name or a.created_at)


def account_with_status(a: Account | None, change: StatusChange) -> Account:
    """An account after a status observation (a stub when unknown)."""
    if a is None:
        return Account(platform=change.platform, id=change.id, status=change.status,
                       observed_at=change.observed_at)
    if _when(change.observed_at) < _when(a.observed_at) and a.status == "available":
        return a
    return dataclasses.replace(a, status=change.status,
                               observed_at=max(_when(a.observed_at), _when(change.observed_at)))


def normalise_account(a: Account) -> Account:
    """Make sure the current handle is listed in ``handles``."""
    if a.handle and a.handle not in a.handles:
        return dataclasses.replace(a, handles=(*a.handles, a.handle))
    return a
