"""Every error rempart raises on purpose.

Hierarchy::

    RempartError                 base: a one-line message a user can act on
    ├── CaseError                no case, or a broken case directory / configuration
    ├── SourceError              an input file cannot be read or recognised (carries path)
    │   └── ParseError           one record is malformed (carries path, line, reason)
    ├── IncidentError            an incident cannot be recorded as given (its time, text, a file)
    ├── StoreError               the database refused an operation
    │   └── MigrationError       the schema cannot be brought up to date
    └── EvidenceError            the evidence log or a stored payload fails verification

The CLI prints ``str(error)`` and exits non-zero; no traceback for these.
"""

from __future__ import annotations


class RempartError(Exception):
    """Base class for errors that carry a user-facing message."""


class CaseError(RempartError):
    """The case directory is missing, incomplete or misconfigured."""


class SourceError(RempartError):
    """An input cannot be read or its format cannot be recognised."""

    def __init__(self, message: str, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class ParseError(SourceError):
    """One record of an input is malformed; the raw bytes are kept as a reject."""

    def __init__(self, reason: str, path: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        where = path or ""
        if line is not None:
            where = f"{where}:{line}" if where else f"line {line}"
        RempartError.__init__(self, f"{where}: {reason}" if where else reason)
        self.path = path


class IncidentError(RempartError):
    """An incident cannot be recorded as given: its time is not a date, its text is empty, an
    attachment is missing, a folder or too large. Nothing was recorded."""


class StoreError(RempartError):
    """The store could not complete an operation."""


class MigrationError(StoreError):
    """The store's schema could not be migrated."""


class EvidenceError(RempartError):
    """Evidence failed verification; ``problems`` lists what and where."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message)
