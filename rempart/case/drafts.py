"""Draft complaints and the PHAROS report text as a use case: build the court file with the
filters of ``rempart report``, render the three drafts, write them into a folder, and seal a
``report`` custody entry (``what: drafts``) with each file's SHA-256 under a signed head.

The drafts cite the exhibit numbers of the dossier made with the **same filters**: send them
with that dossier (``rempart report`` with the same options), whose exhibit list is the
bordereau they refer to.

Example::

    result = drafts(case, Path("exports/drafts"), since="2026-03-01")
    result.files["plainte-procureur.txt"]   # its SHA-256
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import RempartError
from ..hashing import sha256_hex
from ..models import JSONValue
from ..reports.drafts import DRAFT_FILES, render_drafts
from .evidence import now_iso, record_custody, sign_case_tree_head
from .folder import Case
from .reports import gather_dossier
from .views import MessageQuery

__all__ = ["DraftsResult", "drafts"]


@dataclass(frozen=True)
class DraftsResult:
    """The drafts written: the folder, each file's SHA-256 by name, the messages the dossier
    cites, and the log entry of the custody entry."""

    folder: Path
    files: dict[str, str]
    messages: int
    custody_seq: int


def drafts(
    case: Case,
    out: str | Path,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    authors: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    min_severity: str | None = None,
    lang: str = "fr",
    force: bool = False,
) -> DraftsResult:
    """Write ``plainte-procureur.txt``, ``plainte-partie-civile.txt`` and ``pharos.txt`` into
    the folder ``out`` (created if needed; other files there are left alone). Existing drafts
    are replaced only with ``force``."""
    if lang not in ("fr", "en"):
        raise RempartError(f"language {lang!r}: use fr or en")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise RempartError(f"{folder} is a file; give the path of a folder to write")
    existing = [name for name in DRAFT_FILES if (folder / name).exists()]
    if existing and not force:
        raise RempartError(
            f"{folder / existing[0]} already exists; choose another folder, or pass --force"
        )
    query = MessageQuery(
        since=since, until=until, authors=authors, labels=categories, min_severity=min_severity
    )
    dossier = gather_dossier(case, query, lang)
    texts = render_drafts(dossier.data, lang)
    hashes: dict[str, str] = {}
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name, text in texts.items():
            data = text.encode("utf-8")
            path = folder / name
            partial = path.with_name(f".{name}.partial")
            try:
                partial.write_bytes(data)
                partial.replace(path)
            finally:
                partial.unlink(missing_ok=True)
            hashes[name] = sha256_hex(data)
    except OSError as exc:
        raise RempartError(f"{folder}: cannot write the drafts ({exc.strerror or exc})") from None
    cited = dossier.data.get("messages")
    count = len(cited) if isinstance(cited, list) else 0
    listed: list[JSONValue] = [{"file": name, "sha256": digest} for name, digest in hashes.items()]
    with case.store.transaction():
        record_custody(
            case,
            "report",
            {
                "what": "drafts",
                "folder": folder.name,
                "files": listed,
                "messages": count,
                "filters": query.describe(),
                "lang": lang,
                "at": now_iso(case),
            },
        )
        seq = case.store.log_head()[0]
        sign_case_tree_head(case, "drafts")
    return DraftsResult(folder, hashes, count, seq)
