"""Off-platform incidents: record them, with their attachments, sealed like every record.

A stranger ringing at the door at 11 pm, dozens of meals ordered in the victim's name, calls
and e-mails to their school or employer: what happens off the platforms is part of the
harassment, and of the court file. :func:`add_incident` records one: the exact bytes of each
attached file (photos, screenshots, ``.eml`` files, PDFs) are kept in the case, and one
``incident`` log entry seals what happened, where, when, who recorded it and the SHA-256 of
each file, under a signed tree head (timestamped when the case has ``tsa_urls``) before it
returns. ``rempart verify`` and the evidence bundle check them like captured records.

**Time.** ``when`` is ISO 8601. With an offset (``2026-03-01T23:00+01:00``, ``…Z``) it is that
instant; without one (``2026-03-01T23:00``, ``2026-03-01 23:00``) it is **Paris time**
(Europe/Paris, summer time included). A date alone is refused (give the time, even a rough
one, and say so in ``what``), as is an hour that does not exist in Paris (the night clocks go
forward) or that happens twice (the night they go back: give the offset), and a time in the
future. The time as given is kept beside the instant (``when_given``).

**Attachments** are file paths, or ``(name, bytes)`` pairs for a server that received an upload.
A name is data: kept as given (bytes that are not UTF-8 are written ``\\xNN``), shown through
:mod:`rempart.textsafe`, and never used as a path: exports name the bytes by numbers
(:meth:`rempart.models.IncidentAttachment.file_name`). Each file may be up to
:data:`MAX_ATTACHMENT_BYTES`.

Example::

    report = add_incident(case, "2026-03-01T23:00", "home, front door",
                          "a stranger rang twice, asked for 'the bitch'",
                          attachments=["doorbell.jpg"])
    report.incident.number, report.incident.seq
    for incident in incidents(case, record=False): ...
"""

from __future__ import annotations

import mimetypes
import os
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..errors import IncidentError
from ..evidence.incidents import INCIDENT_KIND, incident_fields
from ..evidence.log import LogWriter
from ..evidence.signing import SignedTreeHead
from ..evidence.transparency import StampReport
from ..hashing import sha256_hex
from ..models import Incident, IncidentAttachment, iso
from .evidence import case_key, record_custody, sign_case_tree_head, stamp_if_configured
from .folder import Case

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_TEXT",
    "PARIS",
    "Attachment",
    "IncidentReport",
    "add_incident",
    "incidents",
    "media_type",
    "parse_incident_time",
]

#: The largest file one attachment may be (100 MiB): a phone video of a few minutes.
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
#: The longest ``what`` or ``where`` accepted, in characters (about thirty pages).
MAX_TEXT = 100_000
#: The longest attachment name accepted, in characters.
MAX_NAME = 1_000
#: A time given without an offset is read in this zone.
PARIS = ZoneInfo("Europe/Paris")
#: How far ahead of the case's clock ``when`` may be (clocks differ a little).
FUTURE_SLACK = timedelta(minutes=5)
#: No incident is dated before this year (an earlier one is a typo).
EARLIEST_YEAR = 1900

#: An attachment as given: a file's path, or the name and bytes of an upload.
Attachment = str | os.PathLike[str] | tuple[str, bytes]

_HINT = "write ISO 8601, e.g. 2026-03-01T23:00 (Paris time) or 2026-03-01T22:00:00Z"


@dataclass(frozen=True)
class IncidentReport:
    """What :func:`add_incident` recorded: the incident, the hash of its log entry (the log's
    head then: note it, as after an import), the signed tree head that covers the entry, and
    the timestamp authorities' answers (None when the case has none configured)."""

    incident: Incident
    entry_hash: str
    tree_head: SignedTreeHead
    stamps: StampReport | None


def add_incident(
    case: Case,
    when: str | datetime,
    where: str,
    what: str,
    attachments: Iterable[Attachment] = (),
    by: str | None = None,
    via: str = "library",
) -> IncidentReport:
    """Record an off-platform incident with its attachments, sealed in the evidence log.

    ``when``: ISO 8601 (no offset: Paris time; see the module's docstring); ``where`` and
    ``what`` say where it happened and what happened (``what`` cannot be empty);
    ``attachments``: file paths, or ``(name, bytes)`` pairs; ``by``: who records it (default:
    the ``operator`` setting); ``via``: the interface (``cli``, ``web``…), sealed with it.
    Everything is checked before anything is written: a refusal raises
    :class:`rempart.errors.IncidentError` and records nothing.
    """
    now = case.clock.now()
    moment, given = parse_incident_time(when, now)
    place = _text(where, "--where", required=False)
    account = _text(what, "--what", required=True)
    if isinstance(attachments, (str, os.PathLike)):
        attachments = [attachments]  # one path, not the characters of its name
    files = [(name, data, sha256_hex(data)) for name, data in map(_attachment, attachments)]
    kinds = [media_type(data, name) for name, data, _ in files]
    store = case.store
    case_key(case)  # made, with its first signed head, before the transaction
    with store.transaction():
        writer = LogWriter(store)
        writer.sync()
        recorded = case.clock.now()
        seq = writer.next_seq()
        incident = Incident(
            max((i.number for i in store.incidents()), default=0) + 1,
            seq,
            moment,
            place,
            account,
            recorded.astimezone(UTC),
            by or case.settings["operator"],
            given,
            tuple(
                IncidentAttachment(name, len(data), sha, kind, seq)
                for (name, data, sha), kind in zip(files, kinds)
            ),
        )
        entry = writer.append(INCIDENT_KIND, {**incident_fields(incident), "via": via})
        writer.flush()
        store.add_incident(incident, {sha: data for _, data, sha in files})
        # the head shown to the user, as after an import: a log cut short below it is caught
        store.record_head(entry.seq, entry.entry_hash, iso(recorded) or "", "incident")
        head = sign_case_tree_head(case, "incident", recorded)
    return IncidentReport(incident, entry.entry_hash, head, stamp_if_configured(case))


def incidents(case: Case, record: bool = True, by: str = "library") -> list[Incident]:
    """Every incident of the case, by number (the order recorded), with its attachments.

    Reading them is a view: a ``view`` custody entry records it unless ``record`` is false
    (a dossier's own ``report`` entry says what was made of them); ``by`` names the interface.
    """
    found = case.store.incidents()
    if record:
        record_custody(case, "view", {"command": "incidents", "via": by, "count": len(found)})
    return found


# ------------------------------------------------------------------------------ time


def parse_incident_time(value: str | datetime, now: datetime | None = None) -> tuple[datetime, str]:
    """``(instant in UTC, the time as given)`` of an incident's ``when``.

    An offset (or ``Z``) is honoured; a time without one is Paris time. A date alone, a time
    that does not exist or happens twice in Paris, one before :data:`EARLIEST_YEAR` and one
    after ``now`` (give or take a few minutes) raise :class:`IncidentError`.

    Example::

        parse_incident_time("2026-03-01T23:00")   # (2026-03-01 22:00 UTC, '2026-03-01T23:00')
    """
    if isinstance(value, datetime):
        given, moment = value.isoformat(), value
    else:
        given = value.strip() if isinstance(value, str) else ""
        if not given:
            raise IncidentError(f"--when is empty: {_HINT}")
        moment = _parse(given)
    if moment.year < EARLIEST_YEAR:
        raise IncidentError(f"--when {given[:60]!r} is before {EARLIEST_YEAR}: check the year")
    if moment.tzinfo is None:
        moment = _paris(moment, given)
    instant = moment.astimezone(UTC)
    if now is not None and instant > now.astimezone(UTC) + FUTURE_SLACK:
        raise IncidentError(
            f"--when {given[:60]!r} is in the future (it is now "
            f"{now.astimezone(PARIS):%Y-%m-%d %H:%M} in Paris): give the time it happened"
        )
    return instant, given


def _parse(text: str) -> datetime:
    try:
        date.fromisoformat(text)
    except ValueError:
        pass
    else:
        raise IncidentError(
            f"--when {text[:60]!r} is a date without a time: give the time too, even a rough "
            "one (and say so in --what), e.g. 2026-03-01T23:00 (Paris time)"
        )
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise IncidentError(f"--when {text[:60]!r} is not a date and time: {_HINT}") from None


def _paris(naive: datetime, given: str) -> datetime:
    """A wall-clock time in Paris; the hour skipped or repeated by summer time is refused."""
    first, second = naive.replace(tzinfo=PARIS, fold=0), naive.replace(tzinfo=PARIS, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if first.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) != naive:
        raise IncidentError(
            f"--when {given[:60]!r} does not exist in Paris (the clocks went forward an hour "
            "that night): check the time, or give its offset, e.g. +01:00"
        )
    raise IncidentError(
        f"--when {given[:60]!r} happened twice in Paris (the clocks went back an hour that "
        "night): give the offset, +02:00 for the first time, +01:00 for the second"
    )


# ------------------------------------------------------------------------------ text


def _text(value: str, option: str, required: bool) -> str:
    """The text given, trimmed; refused when it is not text, too long, or (``required``)
    has nothing visible in it."""
    if not isinstance(value, str):
        raise IncidentError(f"{option} must be text, not {type(value).__name__}")
    text = value.strip()
    if required and not any(_visible(c) for c in text):
        raise IncidentError(f"{option} is empty: say what happened")
    if len(text) > MAX_TEXT:
        raise IncidentError(
            f"{option} is {len(text)} characters long, more than the {MAX_TEXT} allowed: "
            "attach a longer account as a file (--attach)"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise IncidentError(
            f"{option} holds bytes that are not UTF-8 text: write it in UTF-8"
        ) from None
    return text


def _visible(char: str) -> bool:
    """Not white space, a control, a format character (zero-width, bidirectional) or a
    surrogate: something a reader sees."""
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Zs")


# ------------------------------------------------------------------------------ attachments


def _attachment(given: Attachment) -> tuple[str, bytes]:
    """``(name, bytes)`` of an attachment, read and checked."""
    if isinstance(given, tuple):
        name, data = given
        if not isinstance(name, str) or not isinstance(data, (bytes, bytearray)):
            raise IncidentError("an attachment given as a pair is (name, bytes)")
        return _name(name.encode("utf-8", "surrogatepass")), _checked_size(name, bytes(data))
    path = Path(given)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IncidentError(f"{path}: no such file; give the path of a file to attach") from None
    except OSError as exc:
        raise IncidentError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise IncidentError(f"{path} is a folder: attach its files one by one (--attach FILE)")
    if not stat.S_ISREG(info.st_mode):
        raise IncidentError(f"{path} is not a regular file: attach a file")
    _checked_size(str(path), b"", info.st_size)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_ATTACHMENT_BYTES + 1)
    except OSError as exc:
        raise IncidentError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    return _name(os.fsencode(path.name)), _checked_size(str(path), data)


def _checked_size(where: str, data: bytes, size: int | None = None) -> bytes:
    n = len(data) if size is None else size
    if n > MAX_ATTACHMENT_BYTES:
        raise IncidentError(
            f"{where[:200]}: {n / 1024 / 1024:.1f} MiB, more than the "
            f"{MAX_ATTACHMENT_BYTES // 1024 // 1024} MiB an attachment may be: attach a "
            "smaller copy and keep the original safe elsewhere"
        )
    return data


def _name(raw: bytes) -> str:
    """A file's name as text: its bytes as UTF-8, any other byte written ``\\xNN``."""
    name = raw.decode("utf-8", "backslashreplace")
    if not name.strip():
        raise IncidentError("an attachment needs a file name")
    if len(name) > MAX_NAME:
        raise IncidentError(
            f"an attachment's name is {len(name)} characters long, more than {MAX_NAME}"
        )
    return name


#: Media types read from the first bytes of a file (its name may say anything).
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"#!AMR", 0, "audio/amr"),
    (b"OggS", 0, "audio/ogg"),
    (b"ID3", 0, "audio/mpeg"),
)
_RIFF = {b"WEBP": "image/webp", b"WAVE": "audio/wav"}
_BRANDS = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heic",
    b"M4A ": "audio/mp4",
    b"qt  ": "video/quicktime",
}
#: Python's own table of extensions only, the same on every machine (not /etc/mime.types).
_TYPES = mimetypes.MimeTypes(filenames=())


def media_type(data: bytes, name: str) -> str:
    """The media type of an attachment: from its first bytes when they say (PNG, JPEG, GIF,
    WebP, HEIC, PDF, MP4, QuickTime, common audio), else from its name's extension
    (``.eml``: ``message/rfc822``), else ``application/octet-stream``."""
    for magic, at, kind in _MAGIC:
        if data[at : at + len(magic)] == magic:
            return kind
    if data[:4] == b"RIFF" and data[8:12] in _RIFF:
        return _RIFF[data[8:12]]
    if data[4:8] == b"ftyp":
        return _BRANDS.get(data[8:12], "video/mp4")
    guessed = _TYPES.guess_type(name, strict=False)[0]
    return guessed or "application/octet-stream"
