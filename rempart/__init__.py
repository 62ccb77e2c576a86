"""rempart: defend people targeted by online harassment raids.

The library is the product; the ``rempart`` command is a thin layer over it::

    import rempart
    case = rempart.init_case("my-case", targets=["@alice"])
    rempart.ingest(case, ["mentions.jsonl"])
    assert rempart.verify(case).ok
    for m in rempart.messages(case): print(m.created_at, m.author_handle, m.text)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .analysis.classify import score  # noqa: E402
from .api import (  # noqa: E402
    consistency_proof,
    custody,
    export_bundle,
    findings,
    findings_json,
    inclusion_proof,
    ingest,
    init_case,
    messages,
    open_case,
    public_key,
    rejects,
    stats,
    timestamp,
    tree_head,
    verify,
    verify_bundle,
)
from .case import Case  # noqa: E402
from .errors import (  # noqa: E402
    CaseError,
    EvidenceError,
    ParseError,
    RempartError,
    SourceError,
    StoreError,
)
from .models import Account, Media, Mention, Message, StatusChange, Version  # noqa: E402

__all__ = [
    "Account",
    "Case",
    "CaseError",
    "EvidenceError",
    "Media",
    "Mention",
    "Message",
    "ParseError",
    "RempartError",
    "SourceError",
    "StatusChange",
    "StoreError",
    "Version",
    "__version__",
    "consistency_proof",
    "custody",
    "export_bundle",
    "findings",
    "findings_json",
    "inclusion_proof",
    "ingest",
    "init_case",
    "messages",
    "open_case",
    "public_key",
    "rejects",
    "score",
    "stats",
    "timestamp",
    "tree_head",
    "verify",
    "verify_bundle",
]
