"""The normalised records every part of rempart speaks: Message, Account, StatusChange.

Sources turn platform payloads into these; the store persists them; analysis reads them.
All ids are strings (X and Mastodon ids exceed 2**53). All datetimes are timezone-aware UTC.

Example::

    >>> from rempart.models import Message
    >>> m = Message(platform="x", id="1", text="hello")
    >>> m.audience
    'public'
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Callable, Literal, TypeVar

#: Who could see a message: everyone, the author's followers, only the recipient, or an SMS.
Audience = Literal["public", "followers", "direct", "sms"]
AUDIENCES: tuple[str, ...] = ("public", "followers", "direct", "sms")

#: A JSON value, as stored and exported: what ``extra`` fields, findings and reports hold.
JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]
#: A JSON object.
JSONObject = dict[str, JSONValue]


def json_list(value: JSONValue) -> list[JSONValue]:
    """``value`` when it is a JSON array, else an empty one (``extra`` is data: check it)."""
    return value if isinstance(value, list) else []


def json_objects(value: JSONValue | None) -> list[JSONObject]:
    """The JSON objects of ``value`` when it is a JSON array (anything else in it left out)."""
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def json_dict(value: JSONValue) -> JSONObject:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


#: What the platform says about a message or account when it was last observed.
Status = Literal["available", "deleted", "suspended", "protected", "withheld", "unavailable"]
STATUSES: tuple[str, ...] = (
    "available",
    "deleted",
    "suspended",
    "protected",
    "withheld",
    "unavailable",
)

#: How a message entered the case: as an item of the capture itself ("primary"), or as context
#: that the capture carried along (a replied-to or quoted post in an ``includes`` block).
CapturedAs = Literal["primary", "referenced"]

UTC = UTC


@dataclass(frozen=True, slots=True)
class Mention:
    """A user mentioned in a message: platform id and/or handle (``@user@domain`` on Mastodon)."""

    handle: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Media:
    """A media attachment: ``kind`` is photo, video, animated_gif, audio or unknown."""

    kind: str
    url: str | None = None
    id: str | None = None
    alt_text: str | None = None
    preview_url: str | None = None


@dataclass(frozen=True, slots=True)
class Version:
    """One version of an edited message (oldest first in ``Message.versions``)."""

    id: str
    text: str
    created_at: datetime | None = None


@dataclass(slots=True)
class Message:
    """A normalised message aimed at (or around) a target.

    Treat it as immutable (use ``dataclasses.replace``): it is not ``frozen`` only because a
    frozen ``__init__`` costs four times more, and ingest builds hundreds of thousands of them.

    ``id`` is the platform's stable id for the message: for X the first id of the edit history,
    for Mastodon the ActivityPub ``uri``, for Bluesky the ``at://`` URI, for SMS the gateway's
    message id (``multipart:msisdn:ref:total:YYYY-MM-DDTHH`` for a reassembled Vonage message,
    dated by its earliest part; a gateway id that starts with ``multipart:`` or ``id:`` is
    prefixed with ``id:``, so the two never meet). ``text`` is the full
    text of the latest version, HTML entities decoded. ``versions`` holds every known version when
    the message was edited. ``observed_at`` is when the platform was seen to serve this state
    (retrieval time, else capture time); merges keep the latest observation. Empty optional
    strings are stored as None. ``platform`` is ``x``, ``mastodon``, ``bluesky``, ``sms`` or
    ``whatsapp``.

    ``extra`` keys the merge writes: ``conflicts`` (records that gave this id other content, on
    a platform without edits: ``kept_record``, ``other_record``, ``other_observed_at`` and per
    field the ``kept`` and ``other`` values), ``incomplete``, ``parts_received`` and
    ``parts_missing`` (a multi-part SMS still missing parts), ``status_history``.
    """

    platform: str
    id: str
    text: str = ""
    created_at: datetime | None = None
    author_id: str | None = None
    author_handle: str | None = None
    author_display_name: str | None = None
    author_created_at: datetime | None = None
    author_followers: int | None = None
    lang: str | None = None
    reply_to_id: str | None = None
    reply_to_author_id: str | None = None
    quoted_id: str | None = None
    repost_of_id: str | None = None
    thread_id: str | None = None
    mentions: tuple[Mention, ...] = ()
    hashtags: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    media: tuple[Media, ...] = ()
    audience: str = "public"
    url: str | None = None
    versions: tuple[Version, ...] = ()
    status: str = "available"
    status_detail: str | None = None
    observed_at: datetime | None = None
    captured_as: str = "primary"
    recipient_id: str | None = None
    extra: JSONObject = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        """The identity of a message in a case: ``(platform, id)``."""
        return (self.platform, self.id)

    def marks(self) -> tuple[str, ...]:
        """What a listing must say beside the text: ``incomplete 1/3`` (a multi-part SMS
        missing parts) and ``conflict: 2 texts`` (other content seen under this id; ``2
        records`` when only the sender or recipient differs)."""
        out = []
        extra = self.extra
        if extra.get("incomplete"):
            got = len(json_list(extra.get("parts_received")))
            out.append(f"incomplete {got}/{got + len(json_list(extra.get('parts_missing')))}")
        conflicts = [c for c in json_list(extra.get("conflicts")) if isinstance(c, dict)]
        if conflicts:
            texts = sum(
                1
                for c in conflicts
                for name in json_dict(c.get("fields"))
                if name == "text" or name.startswith("part ")
            )
            out.append(
                f"conflict: {texts + 1} texts"
                if texts
                else f"conflict: {len(conflicts) + 1} records"
            )
        return tuple(out)


@dataclass(slots=True)
class Account:
    """A platform account as observed at ``observed_at`` (handles change; ``handles`` keeps all)."""

    platform: str
    id: str
    handle: str | None = None
    display_name: str | None = None
    created_at: datetime | None = None
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    bio: str | None = None
    url: str | None = None
    status: str = "available"
    observed_at: datetime | None = None
    handles: tuple[str, ...] = ()
    extra: JSONObject = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.id)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """An observation that a message or account became unavailable (or available again).

    ``subject`` is ``"message"`` or ``"account"``; ``status`` one of :data:`STATUSES`.
    The original content is never erased: the change is recorded beside it.
    """

    platform: str
    subject: str
    id: str
    status: str
    observed_at: datetime | None = None
    detail: str | None = None


#: What a source's parser yields for one raw record.
Item = Message | Account | StatusChange


@dataclass(frozen=True, slots=True)
class IncidentAttachment:
    """A file attached to an incident (a photo, a screenshot, an e-mail, a PDF), kept byte for
    byte in the case and sealed by the incident's log entry.

    ``name`` is the file's name as it was given: data, written by whoever made the file, never a
    path (show it through :mod:`rempart.textsafe`; exports name the bytes by :meth:`file_name`).
    ``size`` is in bytes, ``sha256`` the hex SHA-256 of the bytes. ``media_type`` is read from
    the bytes (PNG, JPEG, PDF…), else from the name's extension (``message/rfc822`` for
    ``.eml``), else ``application/octet-stream``. ``seq`` is the log entry that seals it: the
    incident's.
    """

    name: str
    size: int
    sha256: str
    media_type: str
    seq: int

    def file_name(self, position: int) -> str:
        """A name to export the bytes under, made of numbers and a fixed extension, never of
        the given name: ``57-1.png`` for the first attachment of log entry 57."""
        return f"{self.seq}-{position}{attachment_extension(self.media_type)}"

    def to_json(self) -> JSONObject:
        return {
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "seq": self.seq,
        }


@dataclass(frozen=True, slots=True)
class Incident:
    """Something that happened off the platforms (a stranger at the door at 11 pm, food
    ordered in the victim's name, calls to their employer), as the victim or a helper recorded
    it, sealed in the evidence log (one ``incident`` entry) like every captured record.

    ``number`` counts the case's incidents (1, 2, 3… in the order recorded); ``seq`` is its log
    entry. ``when`` is when it happened, in UTC; ``when_given`` the time as it was given (a time
    without an offset is Paris time: ``2026-03-01T23:00`` is ``2026-03-01T22:00:00Z``).
    ``where`` and ``what`` are the text given (data: show it through :mod:`rempart.textsafe`).
    ``recorded_at`` (UTC) and ``recorded_by`` say when and by whom it was recorded.
    ``attachments`` are the files kept with it, in the order given.
    """

    number: int
    seq: int
    when: datetime
    where: str
    what: str
    recorded_at: datetime
    recorded_by: str | None
    when_given: str
    attachments: tuple[IncidentAttachment, ...] = ()

    def to_json(self) -> JSONObject:
        return {
            "number": self.number,
            "seq": self.seq,
            "when": iso(self.when),
            "when_given": self.when_given,
            "where": self.where,
            "what": self.what,
            "recorded_at": iso(self.recorded_at),
            "recorded_by": self.recorded_by,
            "attachments": [a.to_json() for a in self.attachments],
        }


#: The extension an attachment is exported with, by media type; any other type gets ``.bin``
#: (a page or an image that runs scripts, HTML or SVG, is never given a name that opens it).
ATTACHMENT_EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "audio/amr": ".amr",
    "audio/mp4": ".m4a",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/wav": ".wav",
    "image/gif": ".gif",
    "image/heic": ".heic",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "message/rfc822": ".eml",
    "text/plain": ".txt",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
}


def attachment_extension(media_type: str) -> str:
    """The extension an attachment of ``media_type`` is exported with (``.bin`` by default)."""
    return ATTACHMENT_EXTENSIONS.get(media_type, ".bin")


_MESSAGE_FIELDS = tuple(f.name for f in dataclasses.fields(Message))
_message_values = operator.attrgetter(*_MESSAGE_FIELDS)

_R = TypeVar("_R")
_LAYOUTS: dict[type, tuple[dict[str, int], Callable[[Any], tuple[Any, ...]]]] = {}


def replace(obj: _R, **changes: Any) -> _R:
    """``dataclasses.replace`` for these records, three times faster.

    A merge rebuilds records by the ten thousand during an import; the records here take every
    field positionally, in field order, so a copy is their values with ``changes`` put in.
    """
    cls = type(obj)
    layout = _LAYOUTS.get(cls)
    if layout is None:
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        positional = cls.__init__.__code__.co_argcount - 1
        if (
            positional != len(fields)
            or len(fields) < 2
            or any(f.kw_only or not f.init for f in fields)
        ):
            return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
        names = tuple(f.name for f in fields)
        layout = _LAYOUTS[cls] = ({n: i for i, n in enumerate(names)}, operator.attrgetter(*names))
    index, values_of = layout
    values = list(values_of(obj))
    for name, value in changes.items():
        if name not in index:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
        values[index[name]] = value
    return cls(*values)


def positional_maker(cls: type[_R]) -> Callable[..., _R]:
    """A constructor of the frozen, slotted dataclass ``cls`` taking every field positionally.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, looked up
    field by field; an import builds a few of these records per line (units, log entries, raw
    records, stored messages), so this one sets the slots directly, in straight-line code (two
    to three times faster). It builds the same object: same class, every field set, nothing
    else run. Classes with ``__post_init__`` or fields outside ``__init__`` get ``cls`` itself.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    slots = getattr(cls, "__slots__", ())
    if (
        hasattr(cls, "__post_init__")
        or any(not f.init for f in fields)
        or tuple(slots) != tuple(f.name for f in fields)
    ):
        return cls
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = []
    for i, f in enumerate(fields):
        namespace[f"_set{i}"] = getattr(cls, f.name).__set__
        lines.append(f"    _set{i}(obj, a{i})\n")
    params = ", ".join(f"a{i}" for i in range(len(fields)))
    exec(f"def make({params}):\n    obj = _new(_cls)\n{''.join(lines)}    return obj\n", namespace)
    maker: Callable[..., _R] = namespace["make"]
    maker.__qualname__ = maker.__name__ = f"make_{cls.__name__}"
    return maker


def message_compact(m: Message) -> dict[str, Any]:
    """The message's non-empty fields only (for storage); :func:`message_from_dict` inverts it.

    Nested records (mentions, media, versions) stay dataclasses: orjson serialises them.
    """
    return {k: v for k, v in zip(_MESSAGE_FIELDS, _message_values(m)) if v or v == 0}


def message_to_dict(m: Message) -> dict[str, Any]:
    """A JSON-ready dict of a message (datetimes as ISO-8601 UTC strings)."""
    out: dict[str, Any] = _jsonable(dataclasses.asdict(m))
    return out


def account_to_dict(a: Account) -> dict[str, Any]:
    """A JSON-ready dict of an account."""
    out: dict[str, Any] = _jsonable(dataclasses.asdict(a))
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def iso(dt: datetime | None) -> str | None:
    """ISO-8601 UTC with a ``Z`` suffix, keeping microseconds only when present."""
    if dt is None:
        return None
    if dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    return dt.isoformat().replace("+00:00", "Z")


def sortable(dt: datetime | None) -> str | None:
    """Fixed-width ISO-8601 UTC (microseconds always shown): sorts correctly as text."""
    if dt is None:
        return None
    if dt.tzinfo is UTC and dt.year >= 1000:  # the usual case: isoformat is 3 times faster
        return dt.isoformat(timespec="microseconds")[:26] + "Z"
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(value: Any) -> datetime | None:
    """Parse an ISO-8601 string written by :func:`iso` (None passes through)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def message_from_dict(d: dict[str, Any]) -> Message:
    """Inverse of :func:`message_to_dict`."""
    return Message(
        **{
            **d,
            "created_at": parse_iso(d.get("created_at")),
            "author_created_at": parse_iso(d.get("author_created_at")),
            "observed_at": parse_iso(d.get("observed_at")),
            "mentions": tuple(Mention(**x) for x in d.get("mentions") or ()),
            "hashtags": tuple(d.get("hashtags") or ()),
            "urls": tuple(d.get("urls") or ()),
            "media": tuple(Media(**x) for x in d.get("media") or ()),
            "versions": tuple(
                Version(x["id"], x["text"], parse_iso(x.get("created_at")))
                for x in d.get("versions") or ()
            ),
            "extra": dict(d.get("extra") or {}),
        }
    )


def account_from_dict(d: dict[str, Any]) -> Account:
    """Inverse of :func:`account_to_dict`."""
    return Account(
        **{
            **d,
            "created_at": parse_iso(d.get("created_at")),
            "observed_at": parse_iso(d.get("observed_at")),
            "handles": tuple(d.get("handles") or ()),
            "extra": dict(d.get("extra") or {}),
        }
    )
