"""The cases a web workspace serves, who is signed in, and with which role in each case.

A workspace opens each case once per worker thread (SQLite connections are not shared between
threads; WAL lets them read side by side). Sessions live in the server's memory: a random
token in a cookie names one, and stopping the server signs everyone out.

Example::

    ws = Workspace([Path("case-alice"), Path("case-bob")])
    session = ws.login("avocate@example.org", "un mot de passe long")
    case, role = ws.case_for(session, "case-alice", "read")
"""

from __future__ import annotations

import dataclasses
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..case import Case, open_case
from ..case.users import LockedOut, allowed, authenticate, user_for_token
from ..errors import RempartError

__all__ = ["Denied", "Session", "Workspace"]

#: A session ends after this long without a request, and after this long in any case.
IDLE_SECONDS = 2 * 3600
MAX_SECONDS = 12 * 3600


class Denied(RempartError):
    """A request the signed-in user (or nobody) may not make: ``status`` is the HTTP answer
    (401 nobody signed in, 403 not allowed, 404 no such case for this user)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Session:
    """A signed-in user: their e-mail, their role in each case they may open (by slug), the
    token that protects their forms (CSRF) and when the session began and was last used."""

    email: str
    roles: dict[str, str]
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    started: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)
    lang: str = "fr"
    via_token: bool = False


class Workspace:
    """The cases served (by slug: the folder's name, made unique) and the sessions."""

    def __init__(self, paths: list[Path]) -> None:
        if not paths:
            raise RempartError("a workspace serves at least one case: pass --case PATH")
        self.paths: dict[str, Path] = {}
        for path in paths:
            resolved = Path(path).resolve()
            Case.open(resolved).close()  # refuses a folder that is not a case, at once
            slug = _slug(resolved.name) or "case"
            base, n = slug, 2
            while slug in self.paths:
                slug, n = f"{base}-{n}", n + 1
            self.paths[slug] = resolved
        self._local = threading.local()
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    # cases ----------------------------------------------------------------------------------
    def case(self, slug: str) -> Case:
        """This thread's open copy of case ``slug``."""
        opened: dict[str, Case] = getattr(self._local, "cases", None) or {}
        self._local.cases = opened
        case = opened.get(slug)
        if case is None:
            case = opened[slug] = open_case(self.paths[slug])
        return case

    def names(self) -> dict[str, str]:
        """The display name of each case, by slug."""
        out = {}
        for slug in self.paths:
            name = self.case(slug).config.get("case", {}).get("name")
            out[slug] = str(name or slug)
        return out

    def case_for(self, session: Session | None, slug: str, action: str) -> tuple[Case, str]:
        """Case ``slug`` opened for the session's user (custody entries name them) and their
        role there, when they may do ``action`` in it; :class:`Denied` otherwise."""
        self.check(session, slug, action)
        assert session is not None
        case = self.case(slug)
        # the role as the case holds it now: a user removed, or given another role, since
        # signing in has that at once
        user = case.store.get_user(session.email)
        if user is None:
            session.roles.pop(slug, None)
            raise Denied(404, "no such case")
        if user.role != session.roles.get(slug):
            session.roles[slug] = user.role
            self.check(session, slug, action)
        return dataclasses.replace(case, operator=session.email), user.role

    def check(self, session: Session | None, slug: str, action: str) -> str:
        """The session user's role in case ``slug`` when it allows ``action``; :class:`Denied`
        otherwise (without opening the case)."""
        if session is None:
            raise Denied(401, "sign in first")
        role = session.roles.get(slug)
        if role is None or slug not in self.paths:
            raise Denied(404, "no such case")
        if not allowed(role, action):
            raise Denied(403, f"a {role} may not do this ({action})")
        return role

    # sessions -------------------------------------------------------------------------------
    def login(self, email: str, password: str) -> Session | None:
        """A new session when the password is right in at least one case (with the cases where
        it is); None otherwise. Raises LockedOut when every case holding the e-mail has locked
        it."""
        roles: dict[str, str] = {}
        found = ""
        locked: LockedOut | None = None
        for slug in self.paths:
            try:
                user = authenticate(self.case(slug), email, password)
            except LockedOut as exc:
                locked = exc
                continue
            if user is not None:
                roles[slug] = user.role
                found = user.email
        if not roles:
            if locked is not None:
                raise locked
            return None
        return Session(found, roles)

    def start(self, session: Session) -> str:
        """Keep ``session``; returns its cookie token."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._prune()
            self._sessions[token] = session
        return token

    def session(self, token: str | None) -> Session | None:
        """The live session of a cookie token (None when unknown or expired)."""
        if not token:
            return None
        with self._lock:
            found = self._sessions.get(token)
            if found is None:
                return None
            now = time.monotonic()
            if now - found.seen > IDLE_SECONDS or now - found.started > MAX_SECONDS:
                del self._sessions[token]
                return None
            found.seen = now
            return found

    def end(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def token_session(self, token: str) -> Session | None:
        """A one-request session for an API token: the cases where it is a user's token."""
        roles: dict[str, str] = {}
        email = ""
        for slug in self.paths:
            user = user_for_token(self.case(slug), token)
            if user is not None:
                roles[slug], email = user.role, user.email
        return Session(email, roles, via_token=True) if roles else None

    def _prune(self) -> None:
        now = time.monotonic()
        for token, s in list(self._sessions.items()):
            if now - s.seen > IDLE_SECONDS or now - s.started > MAX_SECONDS:
                del self._sessions[token]


def csrf_ok(session: Session, given: str | None) -> bool:
    """Whether ``given`` is the session's form token (compared in constant time)."""
    return bool(given) and hmac.compare_digest(session.csrf, given or "")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
