"""The people who may open a case in the web workspace, their role and how they sign in.

A case keeps its own users (an association's workspace serves several cases; a person's access
to each is that case's business). Roles:

- ``owner`` (the target, or their lawyer): everything, exports and deletions included;
- ``helper`` (a friend, an association's volunteer): reads, reveals, labels, records incidents,
  imports and marks messages, but never exports nor deletes;
- ``viewer``: reads (a revealed message is read too, and recorded as such).

Passwords are kept as argon2id hashes; an API token only as its SHA-256. Five failed logins in
a row lock the account out of that case for fifteen minutes.

Example::

    add_user(case, "avocate@example.org", "owner", "un mot de passe long")
    user = authenticate(case, "avocate@example.org", "un mot de passe long")
    assert user is not None and allowed(user.role, "export")
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import RempartError
from ..models import iso, parse_iso
from ..storage.base import UserRow
from .folder import Case

__all__ = [
    "ACTIONS",
    "LOCKOUT",
    "MAX_FAILURES",
    "ROLES",
    "LockedOut",
    "UserRow",
    "add_user",
    "allowed",
    "authenticate",
    "issue_token",
    "remove_user",
    "user_for_token",
    "users",
]

#: The roles, from most to least trusted.
ROLES = ("owner", "helper", "viewer")

#: What each role may do. ``read``: see pages and lists (message texts stay hidden);
#: ``reveal``: show a message's text (a custody entry); ``label``: confirm or correct labels;
#: ``mark``: quarantine, block an author, select for the court file or a notice; ``incident``:
#: record an off-platform incident; ``ingest``: import files; ``export``: download the court
#: file, a bundle or notices; ``delete``: remove what the case allows to remove (a user's
#: access); ``manage``: see the case's users.
ACTIONS: dict[str, frozenset[str]] = {
    "owner": frozenset(
        {"read", "reveal", "label", "mark", "incident", "ingest", "export", "delete", "manage"}
    ),
    "helper": frozenset({"read", "reveal", "label", "mark", "incident", "ingest"}),
    "viewer": frozenset({"read", "reveal"}),
}

#: Failed logins in a row that lock an account out, and for how long.
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)

_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']{1,255}$")
_HASHER = PasswordHasher()
#: Verified against when the e-mail is unknown, so that a wrong e-mail takes as long as a
#: wrong password (no telling which accounts exist).


@functools.cache
def _dummy() -> str:
    """A hash to check unknown addresses against (as long as a real check), made when first
    needed rather than at every command's start."""
    return _HASHER.hash("not a password anyone has")


class LockedOut(RempartError):
    """Too many failed logins: the account is locked until ``until``."""

    def __init__(self, email: str, until: datetime) -> None:
        super().__init__(f"{email}: too many failed logins; try again after {iso(until)}")
        self.until = until


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (see :data:`ACTIONS`)."""
    return action in ACTIONS.get(role, frozenset())


def normalise_email(email: str) -> str:
    """An e-mail as users are keyed: trimmed, lower case; a RempartError when it is not one."""
    value = email.strip().lower()
    if not _EMAIL.match(value):
        raise RempartError(f"{email!r} is not an e-mail address")
    return value


def add_user(case: Case, email: str, role: str, password: str) -> UserRow:
    """Add a user to ``case`` (or change the role and password of the one with that e-mail).

    The password must have at least 10 characters; it is kept as an argon2id hash."""
    address = normalise_email(email)
    if role not in ROLES:
        raise RempartError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise RempartError("the password must have at least 10 characters")
    before = case.store.get_user(address)
    user = UserRow(
        address,
        role,
        _HASHER.hash(password),
        before.created_at if before else iso(case.clock.now()) or "",
        before.token_sha256 if before else None,
    )
    with case.store.transaction():
        case.store.put_user(user)
    return user


def remove_user(case: Case, email: str) -> UserRow:
    """Take away a user's access to ``case`` (their sessions lose it at their next request).
    The last owner cannot be removed: someone must be able to export and manage the case."""
    address = normalise_email(email)
    store = case.store
    with store.transaction():
        user = store.get_user(address)
        if user is None:
            raise RempartError(f"{address} is not a user of this case")
        owners = [u for u in store.users() if u.role == "owner"]
        if user.role == "owner" and len(owners) == 1:
            raise RempartError(f"{address} is the case's only owner: add another owner first")
        store.delete_user(address)
    return user


def users(case: Case) -> list[UserRow]:
    """The case's users, by e-mail."""
    return case.store.users()


def authenticate(case: Case, email: str, password: str) -> UserRow | None:
    """The user of ``case`` with this e-mail and password, or None; raises :class:`LockedOut`
    while the account is locked. A failure counts towards the lockout, a success clears it."""
    try:
        address = normalise_email(email)
    except RempartError:
        _verify(_dummy(), password)
        return None
    store = case.store
    now = case.clock.now()
    with store.transaction():
        user = store.get_user(address)
        if user is None:
            _verify(_dummy(), password)
            return None
        until = parse_iso(user.locked_until)
        if until is not None and until > now:
            raise LockedOut(address, until)
        if _verify(user.password_hash, password):
            if user.failures or user.locked_until:
                user = dataclasses.replace(user, failures=0, locked_until=None)
                store.put_user(user)
            return user
        failures = user.failures + 1
        locked = iso(now + LOCKOUT) if failures >= MAX_FAILURES else None
        store.put_user(
            dataclasses.replace(user, failures=0 if locked else failures, locked_until=locked)
        )
    return None


def issue_token(case: Case, email: str) -> str:
    """A new API token for the user (the one before stops working); only its SHA-256 is kept,
    so it is shown once."""
    address = normalise_email(email)
    user = case.store.get_user(address)
    if user is None:
        raise RempartError(f"{address} is not a user of this case; add them first")
    token = "rmp_" + secrets.token_urlsafe(32)
    with case.store.transaction():
        case.store.put_user(dataclasses.replace(user, token_sha256=_token_hash(token)))
    return token


def user_for_token(case: Case, token: str) -> UserRow | None:
    """The user whose API token this is (None when it is nobody's)."""
    if not token.startswith("rmp_") or len(token) > 200:
        return None
    return case.store.user_by_token(_token_hash(token))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
