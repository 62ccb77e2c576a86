"""The case layer: the one door through which every interface works on a case.

The command line, the web workspace, the shield server, the watchers and the jobs all call
these functions, and nothing else, to create and open a case, capture files or single records,
score, analyse, watch, label, sign, stamp, prove, export and view. Each function does the whole
use case: it writes its evidence-log entries (capture runs, analyses, labels, exports) and, for
the views that show evidence, its ``view`` custody entry, whichever interface asked.

Example::

    from rempart import case as rc
    c = rc.init_case("my-case", targets=["@alice"])
    rc.ingest(c, ["mentions.jsonl"])
    rc.ingest_record(c, webhook_body, "sms", origin="webhook:twilio")
    rc.add_incident(c, "2026-03-01T23:00", "home", "a stranger rang at the door")
    rc.analyze(c)
    for row in rc.messages(c, rc.MessageQuery(min_severity="high", sort="severity")):
        print(row.severity, row.message.text)
    assert rc.verify(c).ok
"""

from __future__ import annotations

from pathlib import Path

from ..analysis.raid.findings import summarize as _summarize
from ..evidence.bundle import BundleCheck, BundleReport, Selection
from ..evidence.log import CustodyEvent
from ..evidence.signing import SignedTreeHead
from ..evidence.transparency import StampReport
from ..evidence.verify import VerifyReport
from ..models import Incident, IncidentAttachment, JSONObject, JSONValue
from ..sources.detect import FormatInfo, formats
from .analysis import AnalysisReport, analyze, find_raids, findings_json, target_aliases, watch
from .capture import FileReport, IngestReport, RejectNote, ingest, ingest_record
from .drafts import DraftsResult, drafts
from .evidence import (
    add_tsa_root,
    consistency_proof,
    custody,
    export_bundle,
    inclusion_proof,
    latest_tree_head,
    public_key,
    record_custody,
    sign_and_stamp,
    stamp_if_configured,
    stamps,
    tree_head,
    verify,
    verify_bundle,
)
from .evidence import timestamp as timestamp
from .folder import Case, find_case_path
from .incidents import IncidentReport, add_incident, incidents
from .marks import MARKS, MarkResult, current_marks, mark
from .notices import NoticesResult, notices
from .pdfsign import PdfCheck, report_certificate, sign_report_pdf, verify_report
from .reports import ReportResult, gather_dossier, report
from .scoring import (
    LABEL_NAMES,
    ScoringReport,
    label,
    label_many,
    load_classifier,
    score,
    score_items,
    score_texts,
    train_layer,
)
from .tools import demo, evaluate_classifier, render_evaluation, train_classifier
from .triage import (
    AuthorRow,
    Campaign,
    Overview,
    TriageItem,
    TriageQueue,
    authors,
    campaign,
    overview,
    reveal,
    triage,
)
from .users import ROLES, add_user, issue_token, remove_user
from .users import users as case_users
from .views import (
    DayCount,
    FindingsView,
    MessageQuery,
    MessageRow,
    RejectedRecord,
    Stats,
    findings,
    messages,
    rejects,
    stats,
)


def summarize(data: JSONObject) -> str:
    """A plain-text summary of findings (``rempart findings``): message-derived strings are
    printed as text, never markup."""
    return _summarize(data)


def init_case(path: str | Path, targets: list[str], name: str | None = None) -> Case:
    """Create a case directory for ``targets`` and open it."""
    return Case.create(path, targets, name=name)


def open_case(path: str | Path | None = None) -> Case:
    """Open a case: ``path``, else ``$REMPART_CASE``, else ``./rempart-case``."""
    return Case.open(find_case_path(path))


__all__ = [
    "LABEL_NAMES",
    "MARKS",
    "AuthorRow",
    "Campaign",
    "campaign",
    "MarkResult",
    "current_marks",
    "mark",
    "ROLES",
    "Overview",
    "TriageItem",
    "TriageQueue",
    "add_user",
    "authors",
    "case_users",
    "issue_token",
    "overview",
    "remove_user",
    "reveal",
    "triage",
    "BundleCheck",
    "BundleReport",
    "Case",
    "CustodyEvent",
    "DayCount",
    "DraftsResult",
    "FileReport",
    "FindingsView",
    "FormatInfo",
    "Incident",
    "IncidentAttachment",
    "IncidentReport",
    "IngestReport",
    "JSONObject",
    "JSONValue",
    "MessageQuery",
    "MessageRow",
    "NoticesResult",
    "PdfCheck",
    "RejectNote",
    "RejectedRecord",
    "ReportResult",
    "ScoringReport",
    "Selection",
    "SignedTreeHead",
    "StampReport",
    "Stats",
    "VerifyReport",
    "AnalysisReport",
    "add_incident",
    "add_tsa_root",
    "analyze",
    "consistency_proof",
    "custody",
    "demo",
    "drafts",
    "evaluate_classifier",
    "export_bundle",
    "find_case_path",
    "find_raids",
    "findings",
    "findings_json",
    "formats",
    "inclusion_proof",
    "incidents",
    "ingest",
    "ingest_record",
    "init_case",
    "label",
    "label_many",
    "latest_tree_head",
    "load_classifier",
    "messages",
    "notices",
    "open_case",
    "public_key",
    "record_custody",
    "rejects",
    "render_evaluation",
    "report_certificate",
    "gather_dossier",
    "report",
    "score",
    "score_items",
    "score_texts",
    "sign_and_stamp",
    "stamps",
    "sign_report_pdf",
    "stamp_if_configured",
    "stats",
    "summarize",
    "target_aliases",
    "timestamp",
    "train_classifier",
    "train_layer",
    "tree_head",
    "verify",
    "verify_bundle",
    "verify_report",
    "watch",
]
