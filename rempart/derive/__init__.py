"""Derived data: how observations of a message or account merge (:mod:`.merge`), and how the
records of the log replay into a store (:mod:`.replay`). Pure and deterministic: ingest and
verify both go through here, so verify never reaches up into the ingest orchestration."""

from .merge import finish_message, merge_accounts, merge_messages
from .replay import apply_items, reparse

__all__ = ["apply_items", "finish_message", "merge_accounts", "merge_messages", "reparse"]
