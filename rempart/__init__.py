"""rempart: defend people targeted by online harassment raids.

The library is the product; the ``rempart`` command is a thin layer over it. Every use case is
a function of the case layer, :mod:`rempart.case`, re-exported here::

    import rempart
    case = rempart.init_case("my-case", targets=["@alice"])
    rempart.ingest(case, ["mentions.jsonl"])
    assert rempart.verify(case).ok
    for row in rempart.messages(case): print(row.message.created_at, row.message.text)
    rempart.score(["je sais où tu habites"])[0]["labels"]   # texts alone, no case
"""

from __future__ import annotations

from .analysis.classify import score
from .case import (
    Case,
    MessageQuery,
    add_incident,
    analyze,
    consistency_proof,
    custody,
    export_bundle,
    findings,
    incidents,
    inclusion_proof,
    ingest,
    ingest_record,
    init_case,
    label,
    messages,
    open_case,
    public_key,
    rejects,
    score_texts,
    stats,
    timestamp,
    tree_head,
    verify,
    verify_bundle,
    watch,
)
from .case import score as score_case
from .errors import (
    CaseError,
    EvidenceError,
    IncidentError,
    ParseError,
    RempartError,
    SourceError,
    StoreError,
)
from .models import (
    Account,
    Incident,
    IncidentAttachment,
    Media,
    Mention,
    Message,
    StatusChange,
    Version,
)
from .version import __version__

__all__ = [
    "Account",
    "Case",
    "CaseError",
    "EvidenceError",
    "Incident",
    "IncidentAttachment",
    "IncidentError",
    "Media",
    "Mention",
    "Message",
    "MessageQuery",
    "ParseError",
    "RempartError",
    "SourceError",
    "StatusChange",
    "StoreError",
    "Version",
    "__version__",
    "add_incident",
    "analyze",
    "consistency_proof",
    "custody",
    "export_bundle",
    "findings",
    "incidents",
    "inclusion_proof",
    "ingest",
    "ingest_record",
    "init_case",
    "label",
    "messages",
    "open_case",
    "public_key",
    "rejects",
    "score",
    "score_case",
    "score_texts",
    "stats",
    "timestamp",
    "tree_head",
    "verify",
    "verify_bundle",
    "watch",
]
