"""The court file as a use case: gather the case's views, build the dossier, write it, and seal
a ``report`` custody entry with its SHA-256 under a signed head.

Example::

    result = report(case, "json", Path("exports/dossier.json"), categories=("threat",))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from ..errors import RempartError
from ..hashing import sha256_hex
from ..models import JSONObject
from ..reports.dossier import Cited, Dossier, DossierInput, build_dossier, to_csv
from ..reports.html import render_html
from .evidence import latest_tree_head, now_iso, record_custody, sign_case_tree_head
from .folder import Case
from .views import MessageQuery, messages, named

__all__ = ["FORMATS", "ReportResult", "gather_dossier", "report"]

#: What ``rempart report --format`` writes today (the PDF comes next).
FORMATS = ("json", "csv", "html")


@dataclass(frozen=True)
class ReportResult:
    """A dossier written: where, in which format, its SHA-256, the messages it cites, and the
    log entry of its ``report`` custody entry."""

    path: Path
    format: str
    sha256: str
    messages: int
    deadlines: int
    custody_seq: int
    dossier: Dossier


def report(
    case: Case,
    format: str,
    out: str | Path,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    authors: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    min_severity: str | None = None,
    lang: str = "fr",
    force: bool = False,
) -> ReportResult:
    """Build the court file of the case's messages matching the filters and write it to
    ``out`` (``json``: everything; ``csv``: one row per message). The file is recorded in the
    chain of custody (``report``, with its SHA-256) and a tree head is signed over it. An
    existing ``out`` is replaced only with ``force``."""
    if format not in FORMATS:
        raise RempartError(
            f"format {format!r} is not available yet; use one of {', '.join(FORMATS)} "
            "(the PDF is being built)"
        )
    if lang not in ("fr", "en"):
        raise RempartError(f"language {lang!r}: use fr or en")
    path = Path(out)
    if path.is_dir():
        raise RempartError(f"{path} is a folder; give the path of the file to write")
    if path.exists() and not force:
        raise RempartError(f"{path} already exists; choose another name, or pass --force")
    query = MessageQuery(
        since=since, until=until, authors=authors, labels=categories, min_severity=min_severity
    )
    dossier = gather_dossier(case, query, lang)
    filters = query.describe()
    cited = dossier.data.get("messages")
    count_cited = len(cited) if isinstance(cited, list) else 0
    if format == "json":
        data = orjson.dumps(dossier.to_json(), option=orjson.OPT_INDENT_2)
    elif format == "csv":
        data = to_csv(dossier).encode("utf-8")
    else:
        data = render_html(dossier).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise RempartError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
    digest = sha256_hex(data)
    entries = dossier.data.get("deadlines")
    count = len(entries) if isinstance(entries, list) else 0
    with case.store.transaction():
        record_custody(
            case,
            "report",
            {
                "what": "dossier",
                "file": path.name,
                "format": format,
                "sha256": digest,
                "messages": count_cited,
                "filters": filters,
                "lang": lang,
                "at": now_iso(case),
            },
        )
        seq = case.store.log_head()[0]
        sign_case_tree_head(case, "report")
    return ReportResult(path, format, digest, count_cited, count, seq, dossier)


def gather_dossier(case: Case, query: MessageQuery, lang: str = "fr") -> Dossier:
    """The dossier of the case's messages matching ``query``, built from its typed views
    (messages with their first record's evidence, accounts, the latest findings, the latest
    signed tree head). Records nothing: the caller's custody entry says what was made of it."""
    rows = messages(case, query, record=False)
    stored = case.store.get_messages(r.message.key for r in rows) if rows else {}
    seqs = {s.first_seq for s in stored.values()}
    shas = case.store.record_hashes(seqs) if seqs else {}
    cited = []
    for row in rows:
        first = stored.get(row.message.key)
        seq = first.first_seq if first else None
        cited.append(
            Cited(
                row.message,
                row.labels,
                row.severity,
                seq,
                shas.get(seq) if seq is not None else None,
            )
        )
    run = case.store.latest_findings_run()
    findings = named(case, dict(run.data)) if run else {}
    head = latest_tree_head(case)
    head_json: JSONObject | None = orjson.loads(head.to_json()) if head else None
    return build_dossier(
        DossierInput(
            str(case.config.get("case", {}).get("name", "")),
            tuple(case.targets),
            case.clock.now(),
            tuple(cited),
            tuple(case.store.accounts()),
            findings,
            query.describe(),
            head_json,
            lang,
        )
    )
