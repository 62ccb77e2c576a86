"""Incidents in the evidence log: the ``incident`` entry, and how verify checks what is stored.

An incident (something that happened off the platforms, :class:`rempart.models.Incident`) is
sealed by one log entry of kind ``incident`` whose fields are::

    incident     its number (1, 2, 3… in the order recorded)
    when         when it happened, ISO 8601 UTC; when_given: the time as it was given
    where, what  the text given
    by, at       who recorded it, and when (UTC); via: the interface (cli, web, library…)
    attachments  [{name, size, sha256, media_type}, …] in the order given

The attachments' bytes are kept in the case by SHA-256; the entry binds each one by its hash,
so the bytes cannot change without verify noticing, and the name, given by whoever made the
file, stays data.

:func:`check_incidents` compares the stored incidents and attachment bytes with the entries:
an incident whose stored fields differ is *altered*, one no entry seals *inserted*, one the log
seals but that is gone *deleted*; an attachment whose bytes no longer hash to the sealed
SHA-256 is *altered*, one whose bytes are gone *missing*, bytes that no incident seals
*inserted*.

Example::

    fields = incident_fields(incident)          # the entry's fields, but v, seq and kind
    problems = check_incidents(store, [(seq, body), …])
"""

from __future__ import annotations

from typing import Any, Iterable

from ..errors import StoreError
from ..hashing import sha256_hex
from ..models import Incident, IncidentAttachment, iso
from ..storage.base import Store
from .results import ResultProblem

__all__ = ["INCIDENT_KIND", "attachment_fields", "check_incidents", "incident_fields"]

#: The kind of the log entry that seals an incident.
INCIDENT_KIND = "incident"


def attachment_fields(attachment: IncidentAttachment) -> dict[str, Any]:
    """An attachment as the incident's entry seals it (its ``seq`` is the entry's own)."""
    return {
        "name": attachment.name,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "media_type": attachment.media_type,
    }


def incident_fields(incident: Incident) -> dict[str, Any]:
    """The fields the ``incident`` entry seals (the case layer adds ``via``)."""
    return {
        "incident": incident.number,
        "when": iso(incident.when),
        "when_given": incident.when_given,
        "where": incident.where,
        "what": incident.what,
        "by": incident.recorded_by,
        "at": iso(incident.recorded_at),
        "attachments": [attachment_fields(a) for a in incident.attachments],
    }


#: What the stored row is compared on, in the order a difference is reported.
_COMPARED = ("incident", "when", "when_given", "where", "what", "by", "at", "attachments")


def check_incidents(
    store: Store, sealed: Iterable[tuple[int, dict[str, Any]]]
) -> list[ResultProblem]:
    """The stored incidents and attachment bytes against the ``incident`` entries that seal
    them, as ``(seq, body)``; see the module's docstring for what each finding means."""
    problems: list[ResultProblem] = []
    try:
        stored = {i.seq: i for i in store.incidents()}
    except StoreError as exc:
        return [ResultProblem("incident", "rows", "altered", str(exc))]
    used: set[str] = set()
    for seq, body in sealed:
        where = f"{body.get('incident')} (log entry {seq})"
        incident = stored.pop(seq, None)
        if incident is None:
            problems.append(
                ResultProblem(
                    "incident", where, "deleted", "the log seals it but it is no longer stored"
                )
            )
        else:
            have = incident_fields(incident)
            differ = [k for k in _COMPARED if have[k] != body.get(k)]
            if differ:
                problems.append(
                    ResultProblem(
                        "incident",
                        where,
                        "altered",
                        f"its stored {', '.join(differ)} "
                        f"{'differs' if len(differ) == 1 else 'differ'} from what the log sealed",
                    )
                )
        _check_files(store, seq, body, where, used, problems)
    for incident in stored.values():
        problems.append(
            ResultProblem(
                "incident",
                f"{incident.number} (log entry {incident.seq})",
                "inserted",
                "no incident entry in the log seals it",
            )
        )
    for key in store.attachment_keys():
        if key not in used:
            problems.append(
                ResultProblem(
                    "attachment",
                    f"{key[:16]}…",
                    "inserted",
                    "bytes kept as an attachment that no incident entry seals",
                )
            )
    return problems


def _check_files(
    store: Store,
    seq: int,
    body: dict[str, Any],
    where: str,
    used: set[str],
    problems: list[ResultProblem],
) -> None:
    """Each attachment the entry seals: its bytes are kept and hash to the sealed SHA-256."""
    files = body.get("attachments")
    for n, sealed in enumerate(files if isinstance(files, list) else [], start=1):
        sealed = sealed if isinstance(sealed, dict) else {}
        sha = sealed.get("sha256")
        at = f"{n} ({str(sealed.get('name'))[:60]!r}) of incident {where}"
        if not isinstance(sha, str):
            problems.append(ResultProblem("attachment", at, "altered", "its sealed hash is lost"))
            continue
        used.add(sha)
        data = store.attachment_data(sha)
        if data is None:
            problems.append(
                ResultProblem(
                    "attachment",
                    at,
                    "missing",
                    f"the log seals bytes of SHA-256 {sha[:16]}… but they are gone",
                )
            )
            continue
        actual = sha256_hex(data)
        if actual != sha or len(data) != sealed.get("size"):
            problems.append(
                ResultProblem(
                    "attachment",
                    at,
                    "altered",
                    f"its bytes hash to {actual[:16]}… ({len(data)} bytes) but "
                    f"{sha[:16]}… ({sealed.get('size')} bytes) was sealed",
                )
            )
