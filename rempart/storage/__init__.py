"""Persistence behind the Store interface: SQLite (embedded default) and an in-memory twin."""

from .base import (
    GENESIS,
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
