"""Persistence behind the Store interface: SQLite (embedded default) and an in-memory twin."""

from ..hashing import GENESIS
from .base import (
    HumanLabel,
    LogEntry,
    RawRecord,
    ScoreRow,
    SourceFile,
    Store,
    StoredMessage,
)
from .memory import MemoryStore
from .sqlite import SQLiteStore

__all__ = [
    "GENESIS",
    "HumanLabel",
    "LogEntry",
    "MemoryStore",
    "RawRecord",
    "SQLiteStore",
    "ScoreRow",
    "SourceFile",
    "Store",
    "StoredMessage",
]
