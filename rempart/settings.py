"""Settings as data with help text, merged: defaults < case config < environment < flags.

Example::

    s = resolve(case_config={"batch_size": 500}, env=os.environ, flags={"operator": "alice"})
    s["batch_size"]   # 500
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, type and what it is for."""

    name: str
    default: Any
    help: str
    type: Callable[[str], Any] = str


def _default_operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER", "unknown")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "operator",
        None,
        "Who runs captures (recorded in the chain of custody); defaults to the login name.",
    ),
    Setting("batch_size", 5000, "Records written per transaction during ingest.", int),
    Setting(
        "batch_bytes", 16_000_000, "Raw bytes per ingest transaction (whichever comes first).", int
    ),
    Setting(
        "ingest_processes",
        2,
        "Processes that read a large file during ingest: with 2, one reads (hashes, parses) a "
        "batch while the other seals the previous one; 1 reads and seals in turn. Records are "
        "sealed in file order either way.",
        int,
    ),
    Setting(
        "parallel_bytes",
        4_000_000,
        "Files at least this large are read by ingest_processes processes; smaller ones by one.",
        int,
    ),
    Setting(
        "report_max_messages",
        250_000,
        "The most messages a PDF, HTML or JSON court file cites (built in memory: about 12 GB "
        "per million messages); a larger selection is refused with the options that narrow it. "
        "The CSV is written as it is read, with no limit.",
        int,
    ),
    Setting(
        "report_html_max_messages",
        50_000,
        "The most messages the one-page HTML court file lists (a browser cannot open more); "
        "the PDF reproduces the most serious, CSV and JSON carry up to report_max_messages.",
        int,
    ),
    Setting(
        "tsa_urls",
        None,
        "RFC 3161 timestamp authorities (comma-separated URLs) that stamp "
        "every signed tree head; trust their roots with `rempart tsa add-root FILE.pem`.",
    ),
    Setting(
        "alert_webhook",
        None,
        "URL that `rempart live` POSTs each raid alert to (JSON); --webhook overrides it.",
    ),
    Setting(
        "webhook_retries",
        3,
        "How many times `rempart live` retries an alert the webhook "
        "did not take (with a growing pause: 1 s, 2 s, 4 s…).",
        int,
    ),
    Setting(
        "notifier_name",
        None,
        "Who sends the DSA notices (`rempart notices`): the name the notices give "
        "(art. 16(2)(c)); --notifier-name overrides it.",
    ),
    Setting(
        "notifier_email",
        None,
        "The e-mail address the DSA notices give for their notifier; --notifier-email "
        "overrides it.",
    ),
    Setting(
        "private_data",
        None,
        "The target's own personal data (postal address, phone numbers, e-mail addresses…) "
        "that notices mask wherever a message quotes it: a TOML list, or values separated "
        "by ';'.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def resolve(
    case_config: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge settings from every layer; environment variables are ``REMPART_<NAME>``."""
    out = {s.name: s.default for s in SETTINGS}
    for key, value in (case_config or {}).items():
        if key in _BY_NAME:
            out[key] = value
    for s in SETTINGS:
        raw = (env or {}).get("REMPART_" + s.name.upper())
        if raw is not None:
            out[s.name] = s.type(raw)
    for key, value in (flags or {}).items():
        if key in _BY_NAME and value is not None:
            out[key] = value
    if not out["operator"]:
        out["operator"] = _default_operator()
    return out


def url_list(value: Any) -> list[str]:
    """A comma-separated setting (or a TOML list) as a list of non-empty, trimmed strings."""
    if not value:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]
