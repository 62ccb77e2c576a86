"""How several observations of one message or account combine into the case's current view.

Merging is pure and deterministic, so replaying the stored raw records in log order rebuilds
exactly the same messages (that is how ``rempart verify`` checks the derived tables).

Rules, in short:

- Content is never lost: a stub (a deletion notice for a post never seen) takes the content of
  any observation that has it; empty fields are filled from the other side.
- Mutable facts (handle, follower count, status) come from the latest observation.
- Different texts become versions (edits), oldest first; ``text`` is the latest version's.
- On platforms without edits (SMS, WhatsApp), other content under one id is a *conflict*: the
  first observation's content is kept and ``extra["conflicts"]`` lists what differed, with both
  values and both records.
- A message is ``primary`` if any capture had it as primary.
- ``extra`` dicts are unioned; Vonage multi-part SMS are reassembled from ``concat_parts``
  (marked ``extra["incomplete"]`` while parts are missing), dated by their earliest part.
- An empty optional string is a missing value (None), in messages and accounts alike; an
  empty SMS body or part is missing too (filled by a later text, not a conflict).
"""

from __future__ import annotations

import dataclasses
import operator
from datetime import UTC, datetime
from typing import Any, Callable

from ..models import (
    Account,
    JSONObject,
    JSONValue,
    Message,
    StatusChange,
    Version,
    iso,
    json_list,
    replace,
)

_MIN = datetime.min.replace(tzinfo=UTC)


def _when(dt: datetime | None) -> datetime:
    return dt if dt is not None else _MIN


def has_content(m: Message) -> bool:
    """Whether a message carries content (not just a status notice)."""
    return bool(m.text or m.created_at or m.author_id or m.media)


def merge_messages(
    old: Message, new: Message, kept_record: int | None = None, record: int | None = None
) -> Message:
    """Combine two observations of the same message (``new`` seen after ``old`` in the log).

    On a platform without edits (:data:`NO_EDITS`), content that differs under one id is a
    conflict: ``old`` (the first observed) is kept and ``extra["conflicts"]`` gets both values
    and the two records (``kept_record``: the message's first record; ``record``: ``new``'s).
    """
    if old == new:
        return old
    if (
        not old.versions
        and _but_when_and_role(old) == _but_when_and_role(new)
        and "" not in _getter(_MESSAGE_OPTIONAL_TEXT)(old)
        and not (old.extra and old.extra.get("concat_parts"))
    ):
        # the same message seen again, at another time or as another role (a tweet replied to
        # on line after line): the later observation, primary if either was, as the full merge
        # below makes it, without the copying
        later = new if _when(new.observed_at) >= _when(old.observed_at) else old
        role = "primary" if "primary" in (old.captured_as, new.captured_as) else later.captured_as
        return later if later.captured_as == role else replace(later, captured_as=role)
    old, new = _uncut(old, new), _uncut(new, old)  # a truncated copy is not an edit
    old_has, new_has = has_content(old), has_content(new)
    later, earlier = (new, old) if _when(new.observed_at) >= _when(old.observed_at) else (old, new)
    conflict = _conflict(old, new, kept_record, record) if old_has and new_has else None
    if old_has and not new_has or conflict is not None:
        base, other = old, new
    elif new_has and not old_has:
        base, other = new, old
    else:
        base, other = later, earlier
    fields: dict[str, Any] = {}
    disputed = conflict["fields"] if conflict is not None else {}
    for f in _FILLABLE:
        if f in disputed:
            continue
        value = getattr(base, f)
        if value is None or value == () or value == "":
            alt = getattr(other, f)
            if alt is not None and alt != () and alt != "":
                fields[f] = alt
    url = _best_url(fields.get("url", base.url), other.url)
    if url != base.url:
        fields["url"] = url
    if old.platform in NO_EDITS:  # never edited: other content is a conflict or a part
        fields["versions"] = ()
    elif old_has and new_has:
        fields["versions"] = _merge_versions(old, new)
    else:
        fields["versions"] = base.versions or other.versions
    if fields["versions"]:
        fields["text"] = fields["versions"][-1].text
    fields["captured_as"] = (
        "primary" if "primary" in (old.captured_as, new.captured_as) else (base.captured_as)
    )
    status_src = later
    fields["status"] = status_src.status
    fields["status_detail"] = status_src.status_detail
    fields["observed_at"] = (
        max(_when(old.observed_at), _when(new.observed_at))
        if (old.observed_at or new.observed_at)
        else None
    )
    if conflict is None:
        fields["extra"] = _merge_extra(old.extra, new.extra)
    else:  # the first observation's facts stay, the other one is told beside them
        extra = _merge_extra(new.extra, old.extra)
        fields["extra"] = {**extra, "conflicts": [*json_list(old.extra.get("conflicts")), conflict]}
    history = _merged_history(old, new)
    if history is not None:
        fields["extra"] = {**fields["extra"], "status_history": history}
    parts = _merged_parts(old.extra.get("concat_parts"), new.extra.get("concat_parts"))
    if parts is not None:
        fields["extra"]["concat_parts"] = parts
        # a reassembled SMS is dated by its earliest part, whatever the order of imports
        times = [t for t in (old.created_at, new.created_at) if t is not None]
        fields["created_at"] = min(times) if times else None
    merged = replace(base, **fields)
    return finish_message(merged)


#: Platforms whose messages cannot be edited: an SMS or WhatsApp message id always names the
#: same body, sender and recipient, so other content under that id is a conflict, not an edit.
NO_EDITS = frozenset({"sms", "whatsapp"})

#: What cannot differ between two observations of one message of :data:`NO_EDITS`.
CONFLICT_FIELDS = ("text", "author_id", "recipient_id")


def _conflict(
    old: Message, new: Message, kept_record: int | None, record: int | None
) -> dict[str, Any] | None:
    """What ``new`` says differently from ``old`` about a message that cannot be edited.

    Returns the ``extra["conflicts"]`` entry (None when they agree): for each field, the value
    kept (first observed) and the other one; for the parts of a multi-part SMS, per part. An
    empty body or part is a missing value, like a sender or recipient missing on one side: it
    is filled in from the other observation, not a conflict.
    """
    if old.platform not in NO_EDITS:
        return None
    fields: dict[str, dict[str, Any]] = {}
    old_parts, new_parts = old.extra.get("concat_parts"), new.extra.get("concat_parts")
    if isinstance(old_parts, dict) and isinstance(new_parts, dict):
        for part in sorted(set(old_parts) & set(new_parts), key=_part_number):
            if old_parts[part] and new_parts[part] and old_parts[part] != new_parts[part]:
                fields[f"part {part}"] = {"kept": old_parts[part], "other": new_parts[part]}
    elif old.text and new.text and old.text != new.text:  # an empty body is a missing one
        fields["text"] = {"kept": old.text, "other": new.text}
    for name in CONFLICT_FIELDS[1:]:
        kept, other = getattr(old, name), getattr(new, name)
        if kept and other and kept != other:
            fields[name] = {"kept": kept, "other": other}
    if not fields:
        return None
    return {
        "kept_record": kept_record,
        "other_record": record,
        "other_observed_at": iso(new.observed_at),
        "fields": fields,
    }


def _merged_parts(old: Any, new: Any) -> dict[str, str] | None:
    """The parts of a multi-part SMS seen in two observations: per part the first non-empty
    text (an empty part is a missing one); None unless both are multi-part."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return None
    out = dict(new)
    out.update({k: v for k, v in old.items() if v or not out.get(k)})
    return {k: out[k] for k in sorted(out, key=_part_number)}


def _part_number(part: str) -> int:
    return int(part) if part.isdigit() else 0


_FILLABLE = tuple(
    f.name
    for f in dataclasses.fields(Message)
    if f.name
    not in {
        "platform",
        "id",
        "versions",
        "status",
        "status_detail",
        "observed_at",
        "captured_as",
        "extra",
    }
)


def _versions_of(m: Message) -> tuple[Version, ...]:
    """A message's versions; one never seen edited is its own single version."""
    if m.versions:
        return m.versions
    return (Version(m.id, m.text, m.created_at),) if m.text else ()


def _uncut(cut: Message, whole: Message) -> Message:
    """``cut`` with the texts of ``whole`` when it is a truncated copy of the same post.

    X shows a long post seen without its ``note_tweet`` (or a v1.1 ``truncated`` one) as its
    first ~280 characters and "…", marked ``extra["truncated"]``. That observation is not an
    edit: when each of its versions is a cut of the version of the same id in ``whole``, it
    takes their full texts (and, for the latest, ``whole``'s mentions, hashtags and links) and
    loses the mark (unless ``whole`` is cut too), so the whole text is kept whatever the order
    of the observations.
    """
    if not cut.extra.get("truncated") or not has_content(whole):
        return cut
    known = {v.id: v.text for v in _versions_of(whole)}
    texts: list[str] = []
    for v in _versions_of(cut):
        full = known.get(v.id)
        if full is None or not (full == v.text or _is_cut_of(v.text, full)):
            return cut
        texts.append(full)
    if not texts:
        return cut
    fields: dict[str, Any] = {
        "text": texts[-1],
        "versions": tuple(replace(v, text=t) for v, t in zip(cut.versions, texts)),
        "extra": cut.extra
        if whole.extra.get("truncated")
        # the mark goes with the cut
        else ({k: x for k, x in cut.extra.items() if k != "truncated"}),
    }
    if texts[-1] == whole.text:
        for name in ("mentions", "hashtags", "urls"):
            fields[name] = getattr(whole, name) or getattr(cut, name)
    return replace(cut, **fields)


def _is_cut_of(cut: str, full: str) -> bool:
    """Whether ``cut`` is ``full`` cut short with "…" (spacing aside)."""
    from ..sources.base import cut_stem

    stem = cut_stem(cut)
    if stem is None:
        return False
    kept, whole = " ".join(stem.split()), " ".join(full.split())
    return len(whole) > len(kept) and whole.startswith(kept)


def _merge_versions(old: Message, new: Message) -> tuple[Version, ...]:
    versions: dict[str, Version] = {}
    for m in (old, new):
        for v in _versions_of(m):
            seen = versions.get(v.id)
            if seen is None:
                versions[v.id] = v
            elif seen.text == v.text:  # the same version, its date known on one side only
                if seen.created_at is None and v.created_at is not None:
                    versions[v.id] = v
            else:
                # same version id, different text, no edit metadata: keep both, dated
                vid = f"{v.id}@{iso(m.observed_at or v.created_at)}"
                versions.setdefault(vid, Version(vid, v.text, m.observed_at or v.created_at))
    if not versions:
        return ()
    # a single version stays (finish_message drops it when it is the message itself): the same
    # version seen twice is what was seen once
    return tuple(sorted(versions.values(), key=lambda v: (_when(v.created_at), v.id)))


#: The part of a URL that shows it was built without the author's handle (X's generic link).
_GENERIC_URL = "/i/web/status/"


def _best_url(kept: str | None, other: str | None) -> str | None:
    """The better of two URLs of one message: one that names the author beats X's generic
    ``x.com/i/web/status/ID`` (built when the page lacked ``includes.users``), whatever the
    order in which the pages were imported."""
    if kept and _GENERIC_URL in kept and other and _GENERIC_URL not in other:
        return other
    return kept


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


#: Optional text fields of a message or account: an empty string there means "not shown".
_MESSAGE_OPTIONAL_TEXT = tuple(
    f.name for f in dataclasses.fields(Message) if f.type == "str | None"
)
_ACCOUNT_OPTIONAL_TEXT = tuple(
    f.name for f in dataclasses.fields(Account) if f.type == "str | None"
)


def without_empty_text(obj: Any, names: tuple[str, ...]) -> Any:
    """``obj`` with its empty optional strings made None (one spelling of "missing").

    Platforms blank fields they withhold (an X user withheld in a country has ``name: ""``).
    An empty value says nothing about the field, so it is missing: it never overwrites a known
    value, and the stored form (which drops empty values) is the same as the one in memory, so a
    replay of the records rebuilds exactly what was stored whatever the batches.
    """
    values = _getter(names)(obj)
    if "" not in values:  # the usual case, decided in C: nothing to replace
        return obj
    empty = {n: None for n, v in zip(names, values) if v == ""}
    return replace(obj, **empty)


_GETTERS: dict[tuple[str, ...], Callable[[Any], tuple[Any, ...]]] = {}


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function returning the values of ``names`` (always a tuple), made once per tuple."""
    getter = _GETTERS.get(names)
    if getter is None:
        one = operator.attrgetter(*names)
        getter = _GETTERS[names] = one if len(names) > 1 else (lambda obj: (one(obj),))
    return getter


def finish_message(m: Message) -> Message:
    """Derived fields: drop a lone version that is the message itself; reassemble SMS parts.

    Empty optional strings become None (see :func:`without_empty_text`).
    """
    m = without_empty_text(m, _MESSAGE_OPTIONAL_TEXT)
    if len(m.versions) == 1:
        (v,) = m.versions
        if v.id == m.id and v.text == m.text and v.created_at == m.created_at:
            m = replace(m, versions=())
    parts = m.extra.get("concat_parts") if m.extra else None
    if not parts or not isinstance(parts, dict):
        return m
    return _assembled(m, {str(k): v if isinstance(v, str) else "" for k, v in parts.items()})


def _assembled(m: Message, parts: dict[str, str]) -> Message:
    """A multi-part SMS from the parts received so far, in part order.

    While parts are missing it shows what arrived, marked ``extra["incomplete"]`` with the part
    numbers received and missing (and ``status_detail`` "incomplete: 1 of 3 parts received");
    the marks go when the last part comes, in the same import or a later one. Hashtags and
    links are read from the assembled text (one may straddle two parts).
    """
    from ..sources.base import extract_hashtags, extract_urls

    numbers = sorted(parts, key=_part_number)
    text = "".join(parts[k] for k in numbers)
    total = _part_number(str(m.extra.get("concat_total") or 0))
    received = [_part_number(k) for k in numbers]
    missing = [n for n in range(1, total + 1) if n not in received]
    extra: JSONObject = {
        k: v
        for k, v in m.extra.items()
        if k not in ("incomplete", "parts_received", "parts_missing")
    }
    detail = m.status_detail
    if missing:
        extra.update(
            incomplete=True,
            parts_received=list[JSONValue](received),
            parts_missing=list[JSONValue](missing),
        )
        detail = f"incomplete: {len(parts)} of {total} parts received"
    elif detail and detail.startswith("incomplete:"):
        detail = None
    return replace(
        m,
        text=text,
        status_detail=detail,
        extra=extra,
        versions=(),
        hashtags=extract_hashtags(text),
        urls=extract_urls(text),
    )


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
            extra={"status_history": [_history(change)]},
        )
    history = _timeline([*_history_of(m), _history(change)])
    if _when(change.observed_at) < _when(m.observed_at) and m.status == "available":
        # An older notice than what we already saw: keep it in history only.
        return replace(m, extra={**m.extra, "status_history": history})
    return replace(
        m,
        status=change.status,
        status_detail=change.detail,
        observed_at=max(_when(m.observed_at), _when(change.observed_at)),
        extra={**m.extra, "status_history": history},
    )


def _history_of(m: Message) -> list[dict[str, Any]]:
    """A message's status history; one that has none yet starts with the status it showed
    when last seen (a post seen available, then deleted: available, then deleted)."""
    history = json_list(m.extra.get("status_history")) if m.extra else []
    if history:
        return [h for h in history if isinstance(h, dict)]
    if not has_content(m):
        return []
    return [{"status": m.status, "observed_at": iso(m.observed_at), "detail": m.status_detail}]


def _merged_history(old: Message, new: Message) -> list[dict[str, Any]] | None:
    """The status history of two observations of one message, in time order whatever the
    order of the observations (None when neither has one)."""
    if not (old.extra.get("status_history") or new.extra.get("status_history")):
        return None
    return _timeline([*_history_of(old), *_history_of(new)])


def _timeline(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Status observations as a history: each once, in the order they were observed (not
    imported). Of several "available" in a row only the last is kept: when the message was
    last seen available before it changed (which dates the change), whatever the order in
    which its observations were imported."""
    distinct = {
        (e.get("observed_at") or "", e.get("status") or "", e.get("detail") or ""): e
        for e in entries
    }
    out: list[dict[str, Any]] = []
    for key in sorted(distinct):
        entry = distinct[key]
        if entry.get("status") == "available" and out and out[-1].get("status") == "available":
            out[-1] = entry
        else:
            out.append(entry)
    return out


def _history(change: StatusChange) -> dict[str, Any]:
    return {
        "status": change.status,
        "observed_at": iso(change.observed_at),
        "detail": change.detail,
    }


def merge_accounts(old: Account, new: Account) -> Account:
    """Combine two observations of an account; the later one wins field by field (an empty
    value is missing: it does not erase a known one)."""
    if old == new:
        return old
    if _but_observed_at(old) == _but_observed_at(new) and old.handles == _handles(old):
        # the same account seen again at another time (an author inline on line after line):
        # the later observation, as the full merge below makes it, without the copying
        later = new if _when(new.observed_at) >= _when(old.observed_at) else old
        if "" not in _getter(_ACCOUNT_OPTIONAL_TEXT)(later):
            return later
    old = without_empty_text(old, _ACCOUNT_OPTIONAL_TEXT)
    new = without_empty_text(new, _ACCOUNT_OPTIONAL_TEXT)
    if old == new and old.handles == _handles(old):
        return old  # the same observation again (an author inline on line after line)
    later, earlier = (new, old) if _when(new.observed_at) >= _when(old.observed_at) else (old, new)
    fields: dict[str, Any] = {}
    for f in (
        "handle",
        "display_name",
        "created_at",
        "followers",
        "following",
        "posts",
        "bio",
        "url",
    ):
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
    return replace(later, **fields)


#: Every field of a message but ``observed_at`` and ``captured_as``, for comparing two
#: observations of it.
_but_when_and_role = operator.attrgetter(
    *(f.name for f in dataclasses.fields(Message) if f.name not in ("observed_at", "captured_as"))
)

#: Every field of an account but ``observed_at``, for comparing two observations of it.
_but_observed_at = operator.attrgetter(
    *(f.name for f in dataclasses.fields(Account) if f.name != "observed_at")
)


def _handles(a: Account) -> tuple[str, ...]:
    """``a.handles`` then ``a.handle``, empty and repeated ones left out (as a merge lists them)."""
    handles = a.handles
    if len(handles) == 1 and handles[0] and (not a.handle or a.handle == handles[0]):
        return handles  # the usual case: the one handle, listed
    return tuple(dict.fromkeys(h for h in (*handles, a.handle) if h))


def has_profile(a: Account) -> bool:
    return bool(a.handle or a.display_name or a.created_at)


def account_with_status(a: Account | None, change: StatusChange) -> Account:
    """An account after a status observation (a stub when unknown)."""
    if a is None:
        return Account(
            platform=change.platform,
            id=change.id,
            status=change.status,
            observed_at=change.observed_at,
        )
    if _when(change.observed_at) < _when(a.observed_at) and a.status == "available":
        return a
    return replace(
        a, status=change.status, observed_at=max(_when(a.observed_at), _when(change.observed_at))
    )


def normalise_account(a: Account) -> Account:
    """Make sure the current handle is listed in ``handles``; empty strings become None."""
    a = without_empty_text(a, _ACCOUNT_OPTIONAL_TEXT)
    if a.handle and a.handle not in a.handles:
        return replace(a, handles=(*a.handles, a.handle))
    return a
