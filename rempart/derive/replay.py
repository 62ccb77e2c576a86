"""Replaying records: the parsed items of raw records, in log order, merged into a store.

Ingest (:mod:`rempart.case.capture`) applies each batch of new records with :func:`apply_items`
inside the transaction that seals them; verify (:mod:`rempart.evidence.verify`) parses the stored
bytes again with :func:`reparse` and replays them into an in-memory store, then compares. Both
use these functions, so the derived tables are a function of the log alone.

Example::

    observations = apply_items(store, [(seq, "twarc2", items)])
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

import orjson

from ..models import Account, Item, Message, StatusChange, iso, parse_iso, positional_maker
from ..sources.base import ParseContext, Source
from ..storage.base import RawRecord, Store, StoredMessage, account_data, message_data
from .merge import (
    account_with_status,
    apply_status,
    finish_message,
    merge_accounts,
    merge_messages,
    normalise_account,
)

__all__ = ["apply_items", "reparse"]

_new_stored = positional_maker(StoredMessage)


#: What was worked out for items before their transaction (see :func:`prepare_items`): by the
#: ``id`` of a parsed message, the record it is stored as when first seen (the message finished)
#: and that record's stored ``data``; by the ``id`` of a record's list of items, what
#: :func:`_record_info` says of it.
Ready = dict[int, tuple[Any, Any]]

#: The status every message and account has unless a record says otherwise.
_AVAILABLE = "available"


def prepare_items(items: list[Item], ready: Ready) -> None:
    """Work out, for the primary messages of ``items``, what :func:`apply_items` stores when
    they are seen for the first time, and what it needs to know of the record (outside any
    transaction: it is a function of the items alone). The items must stay alive as long as
    ``ready`` is used (it is keyed by ``id``)."""
    for item in items:
        # primary messages only: context posts (a post replied to on line after line) are
        # mostly seen before, and an account is stored once per batch however often it comes
        if type(item) is Message and item.captured_as == "primary":
            done = finish_message(item)
            ready[id(item)] = (done, message_data(done))
    ready[id(items)] = _record_info(items)


def prepare_accounts(records: Iterable[list[Item]], ready: Ready) -> None:
    """Work out, for each account the items of ``records`` (a batch) show, the stored data of
    its last observation there: what :func:`apply_items` stores when that observation is the
    latest one it knows (the usual case; otherwise it makes the data itself)."""
    last: dict[tuple[str, str], Account] = {}
    for items in records:
        for item in items:
            if type(item) is Account:
                last[item.key] = item
    for account in last.values():
        if normalise_account(account) is account:
            ready[id(account)] = (account, account_data(account))


def _record_info(items: list[Item]) -> tuple[list[tuple[str, tuple[str, str]]], bool]:
    """The ``(subject, key)`` of every message and account a record's items touch, in order,
    and whether the record is *plain*: messages and accounts shown available, no status notice.

    A plain record changes no status unless one of its subjects is already in another status
    (merging two available observations gives an available one), so :func:`apply_items` only
    compares statuses before and after the records that are not plain or touch such a subject.
    """
    out: dict[tuple[str, tuple[str, str]], None] = {}
    plain = True
    for item in items:
        if isinstance(item, Message):
            out[("message", item.key)] = None
        elif isinstance(item, Account):
            out[("account", item.key)] = None
        else:
            out[(item.subject, (item.platform, item.id))] = None
            plain = False
            continue
        if item.status != _AVAILABLE:
            plain = False
    return list(out), plain


def apply_items(
    store: Store, parsed: list[tuple[int, str, list[Item]]], ready: Ready | None = None
) -> list[dict[str, Any]]:
    """Merge the items of records (in log order) into the store's derived tables.

    Returns the status observations these records make, in order: one per message or account
    whose status a record changes (deleted, suspended, withheld…, or available again), as the
    fields of a ``status-change`` log entry. A record that only confirms the known status makes
    none (against the stored status and the records before it in ``parsed``), so a suspension
    repeated on every page of a capture, or imported twice, is recorded once; the store's
    ``status_changes`` table gets the same changes as the log. ``ready`` has what
    :func:`prepare_items` worked out for these items beforehand (the same records, faster).
    """
    ready = ready or {}
    data: dict[int, bytes] = {}  # stored data worked out beforehand, by id of the record
    msg_keys: set[tuple[str, str]] = set()
    acc_keys: set[tuple[str, str]] = set()
    for _, _, items in parsed:
        for item in items:
            if isinstance(item, Message):
                msg_keys.add(item.key)
            elif isinstance(item, Account):
                acc_keys.add(item.key)
            elif item.subject == "account":
                acc_keys.add((item.platform, item.id))
            else:
                msg_keys.add((item.platform, item.id))
    existing = store.get_messages(msg_keys) if msg_keys else {}
    accounts_before = store.get_accounts(acc_keys) if acc_keys else {}
    pending: dict[tuple[str, str], StoredMessage] = {}
    accounts: dict[tuple[str, str], Account] = {}
    links: list[tuple[str, str, int]] = []
    observations: list[dict[str, Any]] = []
    # the subjects whose current status is not "available" (see _record_info)
    flagged: set[tuple[str, tuple[str, str]]] = {
        ("message", k) for k, s in existing.items() if s.message.status != _AVAILABLE
    }
    flagged.update(("account", k) for k, a in accounts_before.items() if a.status != _AVAILABLE)

    def status(subject: str, key: tuple[str, str]) -> tuple[str | None, Any]:
        """The current status of a message or account (None: never seen) and its record."""
        if subject == "account":
            acc = accounts.get(key) or accounts_before.get(key)
            return (acc.status, acc) if acc else (None, None)
        cur = pending.get(key) or existing.get(key)
        return (cur.message.status, cur.message) if cur else (None, None)

    for seq, fmt, items in parsed:
        info = ready.get(id(items))
        subjects, plain = info if info is not None else _record_info(items)
        before = None
        if not plain or not flagged.isdisjoint(subjects):
            before = {s: status(s[0], s[1])[0] for s in subjects}
        for item in items:
            if isinstance(item, Message):
                key = item.key
                cur = pending.get(key) or existing.get(key)
                if cur is None:
                    # first sighting: first_seq is the link, no message_records row needed
                    done = ready.get(id(item))
                    if done is None:
                        pending[key] = _new_stored(finish_message(item), fmt, seq, seq)
                    else:
                        pending[key] = _new_stored(done[0], fmt, seq, seq)
                        data[id(done[0])] = done[1]
                else:
                    pending[key] = _new_stored(
                        merge_messages(cur.message, item, cur.first_seq, seq),
                        cur.format,
                        cur.first_seq,
                        seq,
                    )
                    if seq != cur.first_seq:
                        links.append((item.platform, item.id, seq))
            elif isinstance(item, Account):
                key = item.key
                prev = accounts.get(key)
                if prev is None:
                    prev = accounts_before.get(key)
                    accounts[key] = normalise_account(
                        item if prev is None else merge_accounts(prev, item)
                    )
                else:
                    merged = merge_accounts(prev, item)
                    if merged is not prev:  # prev, stored in this batch, is normalised
                        accounts[key] = normalise_account(merged)
            else:
                key = (item.platform, item.id)
                if item.subject == "account":
                    prev = accounts.get(key) or accounts_before.get(key)
                    accounts[key] = account_with_status(prev, item)
                else:
                    cur = pending.get(key) or existing.get(key)
                    msg = apply_status(cur.message if cur else None, item)
                    pending[key] = StoredMessage(
                        msg, cur.format if cur else fmt, cur.first_seq if cur else seq, seq
                    )
                    if cur is not None and seq != cur.first_seq:
                        links.append((item.platform, item.id, seq))
        if before is None:
            continue  # a plain record of available subjects: they stay available
        for (subject, key), previous in before.items():
            now, current = status(subject, key)
            if now != (previous or _AVAILABLE):
                observations.append(_observation(subject, key, previous, now, current, items, seq))
            if now is None or now == _AVAILABLE:
                flagged.discard((subject, key))
            else:
                flagged.add((subject, key))
    fresh = [s for k, s in pending.items() if k not in existing]
    changed = [s for k, s in pending.items() if k in existing and s != existing[k]]
    if fresh:
        store.put_messages(fresh, new=True, data=data)
    if changed:
        store.put_messages(changed, new=False, data=data)
    if links:
        store.link_records(links)
    changed_accounts = [a for k, a in accounts.items() if accounts_before.get(k) != a]
    for account in changed_accounts:
        done = ready.get(id(account))
        if done is not None and done[0] is account:
            data[id(account)] = done[1]
    if changed_accounts:
        store.put_accounts(changed_accounts, data=data)
    if observations:
        store.add_status_changes(_status_change(o) for o in observations)
    return observations


def _status_change(observation: dict[str, Any]) -> tuple[StatusChange, int]:
    """A ``status-change`` entry's fields as the store's status change row."""
    o = observation
    return (
        StatusChange(
            o["platform"],
            o["subject"],
            o["id"],
            o["status"],
            parse_iso(o["observed_at"]),
            o["detail"],
        ),
        o["record"],
    )


def _observation(
    subject: str,
    key: tuple[str, str],
    previous: str | None,
    status: str | None,
    current: Any,
    items: list[Item],
    seq: int,
) -> dict[str, Any]:
    """The fields of a ``status-change`` entry: what record ``seq`` showed about ``key``.

    ``observed_at`` and ``detail`` come from the record's own status notice when it has one,
    else from the message or account as the record showed it.
    """
    notice = next(
        (
            i
            for i in reversed(items)
            if isinstance(i, StatusChange) and i.subject == subject and (i.platform, i.id) == key
        ),
        None,
    )
    observed = notice.observed_at if notice else getattr(current, "observed_at", None)
    detail = notice.detail if notice else getattr(current, "status_detail", None)
    return {
        "platform": key[0],
        "subject": subject,
        "id": key[1],
        "status": status,
        "previous": previous,
        "observed_at": iso(observed),
        "detail": detail,
        "record": seq,
    }


def reparse(source: Source, record: RawRecord, source_name: str) -> list[Item]:
    """Parse a stored record again exactly as at capture time (for verification)."""
    ctx = ParseContext(
        parse_iso(record.captured_at) or datetime.min,
        source_name,
        record.line,
        orjson.loads(record.context) if record.context else None,
        source.name,
    )
    return source.parse(record.raw, ctx)
