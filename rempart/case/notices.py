"""DSA Article 16 notices as a use case: select the items, build one notice per item, write
them into a folder at once, and seal a ``report`` custody entry (``what: notices``) with every
file's SHA-256 under a signed head.

The legal basis of each notice comes from the court file of the **whole case** (an author's
other messages make harassment; a filter must not hide them), so the exhibit numbers are those
of ``rempart report`` without filters. The filters and ``refs`` only choose which items get a
notice.

Example::

    result = notices(case, Path("exports/notices"), categories=("threat",),
                     notifier_name="A. Martin", notifier_email="a.martin@example.org")
    result.weak      # (("x:7", ("aucune infraction candidate",)), ...)
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from ..analysis.raid.doxxing import parsed_spans
from ..errors import RempartError
from ..hashing import sha256_hex
from ..models import JSONObject, JSONValue
from ..reports.dossier import HOSTILE
from ..reports.notices import (
    INDEX_FORMAT,
    NOT_HOSTING,
    Notifier,
    build_notices,
    notice_files,
)
from .evidence import now_iso, record_custody, sign_case_tree_head
from .folder import Case
from .reports import gather_dossier
from .views import MessageQuery, messages

__all__ = ["NoticesResult", "notices", "private_data", "write_folder"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class NoticesResult:
    """A notices folder written: how many notices, the weak ones (ref and reasons, flagged in
    the index and written under ``weak/`` only on request), the items left out because their
    platform is not a hosting service, every file with its SHA-256, and the log entry of the
    custody entry."""

    folder: Path
    notices: int
    written: int
    weak: tuple[tuple[str, tuple[str, ...]], ...]
    skipped: tuple[str, ...]
    files: Mapping[str, str]
    custody_seq: int


def notices(
    case: Case,
    out: str | Path,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    authors: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    min_severity: str | None = None,
    refs: tuple[str, ...] = (),
    notifier_name: str | None = None,
    notifier_email: str | None = None,
    mask: bool = True,
    include_weak: bool = False,
    lang: str = "fr",
    force: bool = False,
) -> NoticesResult:
    """Write one DSA Article 16 notice (``.txt`` and ``.json``) per selected message into the
    folder ``out``, with ``index.json`` and ``index.txt``.

    The messages matching the filters (those of ``rempart report``) are selected; ``refs``
    (``platform:id``) keeps only those. The notifier comes from the arguments, else the case's
    ``notifier_name`` / ``notifier_email`` settings. Personal data quoted in the messages and
    the case's ``private_data`` are masked unless ``mask`` is false. Weak notices are written
    (under ``weak/``) only with ``include_weak``. An existing non-empty ``out`` is replaced only
    with ``force``, and only when it is a notices folder rempart wrote."""
    if lang not in ("fr", "en"):
        raise RempartError(f"language {lang!r}: use fr or en")
    folder = Path(out).resolve()  # "." or "dir/.." have no name to write beside
    notifier = _notifier(case, notifier_name, notifier_email)
    _check_target(folder, force)
    query = MessageQuery(
        since=since, until=until, authors=authors, labels=categories, min_severity=min_severity
    )
    rows = messages(case, query, record=False)
    selected = [f"{r.message.platform}:{r.message.id}" for r in rows]
    if refs:
        missing = [r for r in refs if r not in set(selected)]
        if missing:
            raise RempartError(
                f"{', '.join(missing[:5])}: not among the selected messages; give refs as "
                "platform:id (see `rempart messages --json`) and check the filters"
            )
        selected = [r for r in selected if r in set(refs)]
    scores = {
        f"{r.message.platform}:{r.message.id}": r.score.abusive if r.score else None for r in rows
    }
    confirmed = {
        f"{r.message.platform}:{r.message.id}"
        for r in rows
        if any(value and name in HOSTILE for name, value in r.human_labels.items())
    }
    dossier = gather_dossier(case, MessageQuery(), lang)
    built = build_notices(
        dossier.data,
        notifier,
        refs=selected,
        scores=scores,
        confirmed=confirmed,
        finder=_finder,
        own_data=private_data(case),
        mask=mask,
        lang=lang,
    )
    skipped = tuple(r for r in selected if r.partition(":")[0] in NOT_HOSTING)
    meta: JSONObject = {
        "lang": lang,
        "generated_at": now_iso(case),
        "filters": query.describe(),
        "refs": list(refs),
        "masked": mask,
        "include_weak": include_weak,
        "notifier": notifier.to_json(),
        "skipped_not_hosting": list(skipped),
        "exhibits": "numbered as in `rempart report` without filters",
    }
    files = notice_files(built, include_weak, meta)
    hashes = write_folder(folder, files, force)
    written = sum(1 for n in built if include_weak or not n.is_weak)
    weak = tuple((n.ref, n.weak) for n in built if n.is_weak)
    listed: list[JSONValue] = [{"file": name, "sha256": digest} for name, digest in hashes.items()]
    with case.store.transaction():
        record_custody(
            case,
            "report",
            {
                "what": "notices",
                "folder": folder.name,
                "files": listed,
                "notices": len(built),
                "written": written,
                "weak": [ref for ref, _ in weak],
                "masked": mask,
                "filters": query.describe(),
                "refs": list(refs),
                "lang": lang,
                "at": now_iso(case),
            },
        )
        seq = case.store.log_head()[0]
        sign_case_tree_head(case, "notices")
    return NoticesResult(folder, len(built), written, weak, skipped, hashes, seq)


def _finder(text: str) -> Iterable[tuple[int, int, str]]:
    """Personal data found by the doxxing detector's parsers and patterns (no spaCy)."""
    return [(s.start, s.end, s.kind) for s in parsed_spans(text)]


def _notifier(case: Case, name: str | None, email: str | None) -> Notifier:
    settings = case.settings
    name = (name or settings.get("notifier_name") or "").strip()
    email = (email or settings.get("notifier_email") or "").strip()
    if not name or not email:
        raise RempartError(
            "a DSA notice must give its notifier's name and e-mail address (art. 16(2)(c)): "
            "pass --notifier-name and --notifier-email, or set notifier_name and "
            "notifier_email in the case's [settings]"
        )
    if not _EMAIL.fullmatch(email):
        raise RempartError(f"{email!r} is not an e-mail address; give one like name@example.org")
    return Notifier(name, email)


def private_data(case: Case) -> tuple[str, ...]:
    """The case's ``private_data`` setting: a TOML list, or values separated by ``;``."""
    value = case.settings.get("private_data")
    if not value:
        return ()
    items = value if isinstance(value, (list, tuple)) else re.split(r"[;\n]", str(value))
    return tuple(str(v).strip() for v in items if str(v).strip())


def _check_target(folder: Path, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise RempartError(f"{folder} is a file; give the path of a folder to write")
    if folder.is_dir() and any(folder.iterdir()):
        if not force:
            raise RempartError(
                f"{folder} already exists and is not empty; choose another folder, or pass "
                "--force to replace notices written there before"
            )
        if not _is_notices_folder(folder):
            raise RempartError(
                f"{folder} holds files rempart did not write as notices; --force replaces "
                "only a notices folder: choose a new or empty folder"
            )


def _is_notices_folder(folder: Path) -> bool:
    try:
        index = orjson.loads((folder / "index.json").read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return False
    return isinstance(index, dict) and index.get("format") == INDEX_FORMAT


def write_folder(folder: Path, files: Mapping[str, bytes], force: bool) -> dict[str, str]:
    """Write ``files`` (relative path → bytes) as the folder ``folder`` at once: into a
    hidden sibling first, which then takes the folder's place (an existing one, checked by
    the caller, is removed only after). Returns each file's SHA-256."""
    partial = folder.with_name(f".{folder.name}.partial")
    old = folder.with_name(f".{folder.name}.old")
    try:
        if partial.exists():
            shutil.rmtree(partial)  # a previous run's leftover, by its name ours
        partial.mkdir(mode=0o700, parents=True)
        for name, data in files.items():
            path = partial / name
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.write_bytes(data)
        if folder.exists():
            if not force and any(folder.iterdir()):
                raise RempartError(f"{folder} already exists; pass --force to replace it")
            if old.exists():
                shutil.rmtree(old)
            folder.rename(old)
            partial.rename(folder)
            shutil.rmtree(old)
        else:
            partial.rename(folder)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if old.exists() and not folder.exists():
            old.rename(folder)  # put the previous folder back
        raise RempartError(f"{folder}: cannot write the notices ({exc.strerror or exc})") from None
    return {name: sha256_hex(data) for name, data in files.items()}
