"""Persistence behind the Store interface: SQLite (embedded default) and an in-memory twin."""

from .base import GENESIS, LogEntry, RawRecord, SourceFile, Store, StoredMessage
from .memory import MemoryStore
from .sqlite import SQLiteStore

__all__ = ["GENESIS", "LogEntry", "MemoryStore", "RawRecord", "SQLiteStore", "SourceFile", "Store",
           "StoredMessage"]
