"""The court file as a use case: gather the case's views, build the dossier, write it, and seal
a ``report`` custody entry with its SHA-256 under a signed head.

Example::

    result = report(case, "json", Path("exports/dossier.json"), categories=("threat",))
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from ..analysis.classify.lexicon import mask_slurs
from ..errors import RempartError
from ..evidence.log import custody_events
from ..evidence.transparency import stored_tree
from ..hashing import file_digest, sha256_hex
from ..models import JSONObject
from ..reports.dossier import Cited, Dossier, DossierInput, build_dossier, write_csv
from ..reports.html import render_html
from ..reports.pdf import render_pdf
from .evidence import latest_tree_head, now_iso, record_custody, sign_case_tree_head
from .folder import Case
from .incidents import incidents
from .pdfsign import sign_report_pdf
from .views import MessageQuery, MessageRow, named, stream_rows

__all__ = ["FORMATS", "ReportResult", "gather_dossier", "report"]

#: What ``rempart report --format`` writes.
FORMATS = ("json", "csv", "html", "pdf")


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
    #: The dossier as data (None for the CSV, which is written as it is read).
    dossier: Dossier | None


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
    mask: bool = False,
    marked: str | None = None,
) -> ReportResult:
    """Build the court file of the case's messages matching the filters and write it to
    ``out`` (``json``: everything; ``csv``: one row per message; ``html``: one page with
    every message; ``pdf``: the same page laid out for print, reproducing the most serious
    messages and authors, PAdES-signed with the case's key). ``mask`` masks slurs in the
    summary and the pile-on annex (the exhibits stay verbatim). The file is recorded in the
    chain of custody (``report``, with its SHA-256) and a tree head is signed over it. An
    existing ``out`` is replaced only with ``force``. ``marked`` keeps only the messages
    carrying that mark (``select``: those chosen in the triage queue)."""
    if format not in FORMATS:
        raise RempartError(f"format {format!r}: use one of {', '.join(FORMATS)}")
    if lang not in ("fr", "en"):
        raise RempartError(f"language {lang!r}: use fr or en")
    path = Path(out)
    if path.is_dir():
        raise RempartError(f"{path} is a folder; give the path of the file to write")
    if path.exists() and not force:
        raise RempartError(f"{path} already exists; choose another name, or pass --force")
    query = MessageQuery(
        since=since,
        until=until,
        authors=authors,
        labels=categories,
        min_severity=min_severity,
        marked=marked,
    )
    if format != "csv":  # the CSV is streamed: every message, in bounded memory
        _check_size(case, query, format)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    dossier: Dossier | None = None
    try:
        if format == "csv":
            with tmp.open("w", encoding="utf-8", newline="") as out_file:
                count_cited, count = write_csv(_cited(case, query), out_file)
            digest = file_digest(tmp)[0]
        else:
            dossier = gather_dossier(case, query, lang, mask, prove_all=format == "json")
            cited = dossier.data.get("messages")
            count_cited = len(cited) if isinstance(cited, list) else 0
            entries = dossier.data.get("deadlines")
            count = len(entries) if isinstance(entries, list) else 0
            if format == "json":
                data = orjson.dumps(dossier.to_json(), option=orjson.OPT_INDENT_2)
            elif format == "html":
                data = render_html(dossier).encode("utf-8")
            else:
                data = sign_report_pdf(case, render_pdf(render_html(dossier, medium="print")))
            tmp.write_bytes(data)
            digest = sha256_hex(data)
            del data
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise RempartError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    filters = query.describe()
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
                "masked": mask,
                "at": now_iso(case),
            },
        )
        seq = case.store.log_head()[0]
        sign_case_tree_head(case, "report")
    return ReportResult(path, format, digest, count_cited, count, seq, dossier)


def _cited(case: Case, query: MessageQuery, chunk: int = 2000) -> Iterator[Cited]:
    """The messages matching ``query`` as the dossier cites them (labels, severity, and the log
    entry and SHA-256 of the record each was first captured in), oldest first, read ``chunk``
    at a time."""
    batch: list[tuple[MessageRow, int]] = []

    def flush() -> Iterator[Cited]:
        shas = case.store.record_hashes({seq for _, seq in batch})
        for row, seq in batch:
            yield Cited(row.message, row.labels, row.severity, seq, shas.get(seq))

    for pair in stream_rows(case, query, chunk):
        batch.append(pair)
        if len(batch) >= chunk:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def _check_size(case: Case, query: MessageQuery, format: str) -> None:
    """Refuse, in one line saying what to do, a selection too large for one dossier (counted
    without holding the messages: the period is what bounds what is read)."""
    settings = case.settings
    if query.since is None and query.until is None:
        count = case.store.counts()["messages"]
    else:
        count = sum(1 for _ in case.store.messages(None, query.since, query.until))
    most = int(settings["report_max_messages"])
    if count > most:
        raise RempartError(
            f"the period selected holds {count:,} messages, more than one court file holds "
            f"(report_max_messages = {most:,}); give a shorter period with --from/--to (one "
            "file per month or per episode), use --format csv (every message, written as it is "
            "read), or raise the setting on a machine with more memory (about 12 GB per million "
            "messages)"
        )
    html_most = int(settings["report_html_max_messages"])
    if format == "html" and count > html_most:
        raise RempartError(
            f"the HTML court file lists every message on one page and the period holds "
            f"{count:,} (report_html_max_messages = {html_most:,}); use --format pdf (the most "
            "serious in full), csv or json (every message), or a shorter period with --from/--to"
        )


def gather_dossier(
    case: Case,
    query: MessageQuery,
    lang: str = "fr",
    mask: bool = False,
    prove_all: bool = False,
) -> Dossier:
    """The dossier of the case's messages matching ``query``, built from its typed views
    (messages with their first record's evidence, accounts, the latest findings, the latest
    signed tree head, the timestamps, the bundles exported, the off-platform incidents) with
    inclusion proofs of the exhibits the PDF reproduces (of every one with ``prove_all``);
    ``mask`` masks slurs in the summary and the pile-on annex. Records nothing: the caller's
    custody entry says what was made of it."""
    cited = list(_cited(case, query))
    run = case.store.latest_findings_run()
    findings = named(case, dict(run.data)) if run else {}
    head = latest_tree_head(case)
    head_json: JSONObject | None = orjson.loads(head.to_json()) if head else None

    def prove(seqs: list[int]) -> dict[int, JSONObject]:
        """Inclusion proofs of ``seqs`` against the head cited (the tree is built once)."""
        if head is None:
            return {}
        tree = stored_tree(case.store)
        size = head.tree_size
        return {
            seq: {
                "seq": seq,
                "leaf_index": seq - 1,
                "tree_size": size,
                "leaf_hash": tree.leaf(seq - 1).hex(),
                "path": [h.hex() for h in tree.inclusion_proof(seq - 1, size)],
            }
            for seq in seqs
            if 1 <= seq <= size
        }

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
            incidents=tuple(i.to_json() for i in incidents(case, record=False)),
            timestamps=tuple(
                {
                    "tree_size": t.get("tree_size"),
                    "url": t.get("url"),
                    "gen_time": t.get("gen_time"),
                    "token_sha256": sha256_hex(bytes(t["token_der"])),
                }
                for t in case.store.timestamps()
            ),
            bundles=tuple(
                {"seq": e.seq, "at": e.at, **e.what}
                for e in custody_events(case.store)
                if e.kind == "export" and isinstance(e.what, dict)
            ),
            prove=prove,
            prove_all=prove_all,
            mask=mask_slurs if mask else None,
        )
    )
