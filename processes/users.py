"""API users and their bearer tokens.

An administrator adds a user with a role (and, for member units, a department); the token is shown
once and only its SHA-256 is stored, so the table alone never lets anyone in. Tokens are 32 random
bytes, so a plain hash (no salt, no slow KDF) is enough and lets a request find its user by index.

A revoked name may be added again: its row is reactivated with a new token, role, department and
``created_at`` (the old token stays dead, as its hash is replaced). Names are unique in the table,
so an audit trail's actor always points at one row.

A node remembers the users of tokens it verified for ``TOKEN_CACHE_SECONDS``, so a request does not read
the table each time. Revoking (or re-adding) a user forgets their tokens on the node that did it at once;
other nodes (API processes, workers) honour it when their entry expires, within ``TOKEN_CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.limits import TOKEN_CACHE_SECONDS, TOKEN_CACHE_SIZE

from .departments import Directory
from .models import ApiUser
from .roles import ROLES

TOKEN_PREFIX = "hl_"  # makes hotline tokens recognisable in logs and secret scanners
MAX_NAME = 100  # the column's length


@dataclass(frozen=True)
class User:
    """Who is calling, as the API layer keeps it for one request."""

    name: str
    role: str
    department: str | None = None


class SessionsAndClock(Protocol):
    """What ``Users`` needs from the engine: its sessions and its clock (the only source of time)."""

    session: sessionmaker[Session]

    def now(self) -> datetime: ...


def hash_token(token: str) -> str:
    """The stored form of a token (``surrogatepass`` so no header text can make hashing fail)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class TokenCache:
    """The users of recently verified tokens, by token hash: each for ``seconds``, at most ``size`` of them.

    Only tokens that let someone in are kept; an unknown one is looked up every time. Time here is the
    process's monotonic clock (how long an entry has been trusted), not the engine's, which a simulated
    clock may move by days.
    """

    def __init__(self, seconds: float = TOKEN_CACHE_SECONDS, size: int = TOKEN_CACHE_SIZE,
                 timer: Callable[[], float] = time.monotonic):
        self._seconds, self._size, self._timer = seconds, size, timer
        self._entries: OrderedDict[str, tuple[User, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._forgotten = 0  # how many times a user was forgotten: a lookup that began before one is not kept

    def user(self, digest: str, read: Callable[[], User | None]) -> User | None:
        """The cached user of a token hash, or what ``read`` finds in the table (then cached, if anyone)."""
        with self._lock:
            entry = self._entries.get(digest)
            if entry is not None and entry[1] > self._timer():
                self._entries.move_to_end(digest)
                return entry[0]
            self._entries.pop(digest, None)
            forgotten = self._forgotten
        found = read()
        with self._lock:
            if found is not None and forgotten == self._forgotten:  # a revocation meanwhile may concern it
                self._entries[digest] = (found, self._timer() + self._seconds)
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
        return found

    def forget(self, name: str) -> None:
        """Drop every cached token of a user (revoked, given a new token, or added again)."""
        with self._lock:
            self._forgotten += 1
            for digest in [digest for digest, (user, _) in self._entries.items() if user.name == name]:
                del self._entries[digest]


class Users:
    """Adding, authenticating, listing, reissuing and revoking API users."""

    def __init__(self, engine: SessionsAndClock, directory: Directory, cache: TokenCache | None = None):
        self.session, self.clock, self.directory = engine.session, engine, directory
        self.cache = cache or TokenCache()

    def add(self, name: str, role: str, department: str | None = None) -> str:
        """Create (or reactivate a revoked) user; returns the new token, which is never stored or shown again."""
        self._check(name, role, department)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            with self.session.begin() as session:
                row = session.scalar(select(ApiUser).where(ApiUser.name == name).with_for_update())
                if row is not None and row.active:
                    raise ValueError(f"a user named {name!r} already exists")
                if row is None:
                    row = ApiUser(name=name)
                    session.add(row)
                row.role, row.department, row.token_hash = role, department, hash_token(token)
                row.active, row.created_at, row.revoked_at = True, self.clock.now(), None
        except IntegrityError:  # someone added the same name at the same moment
            raise ValueError(f"a user named {name!r} already exists") from None
        self.cache.forget(name)
        return token

    def authenticate(self, token: str | None) -> User | None:
        """The active user holding this token, or None for a missing, unknown or revoked one."""
        if not token or not token.startswith(TOKEN_PREFIX):
            return None
        digest = hash_token(token)
        return self.cache.user(digest, lambda: self._holder(digest))

    def _holder(self, digest: str) -> User | None:
        with self.session() as session:
            row = session.scalar(select(ApiUser).where(ApiUser.token_hash == digest, ApiUser.active))
        return User(row.name, row.role, row.department) if row else None

    def list(self) -> list[dict[str, Any]]:
        """Every user by name, revoked ones too, without anything derived from their tokens."""
        with self.session() as session:
            rows = session.scalars(select(ApiUser).order_by(ApiUser.name)).all()
        return [{"name": r.name, "role": r.role, "department": r.department, "active": r.active,
                 "created_at": r.created_at, "revoked_at": r.revoked_at} for r in rows]

    def revoke(self, name: str) -> None:
        """Disable a user's token at once; raises LookupError when no active user has that name."""
        with self.session.begin() as session:
            row = session.scalar(select(ApiUser).where(ApiUser.name == name, ApiUser.active).with_for_update())
            if row is None:
                raise LookupError(f"no active user named {name!r}")
            row.active, row.revoked_at = False, self.clock.now()
        self.cache.forget(name)

    def reissue(self, name: str, role: str | None = None, department: str | None = None) -> str:
        """A fresh token for an active user, replacing (so revoking) the old one: a lost token needs no new name.

        Raises LookupError when no active user has the name, and ValueError when ``role`` is given and is not
        the user's (a new token never changes what a user may do)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.session.begin() as session:
            row = session.scalar(select(ApiUser).where(ApiUser.name == name, ApiUser.active).with_for_update())
            if row is None:
                raise LookupError(f"no active user named {name!r}")
            if role is not None and (role, department) != (row.role, row.department):
                where = f" of {row.department}" if row.department else ""
                asked = f" of {department}" if department else ""
                raise ValueError(f"{name!r} is {row.role}{where}, not {role}{asked}")
            row.token_hash = hash_token(token)
        self.cache.forget(name)
        return token

    def _check(self, name: str, role: str, department: str | None) -> None:
        """Refuse input that would make a user the API cannot place (bad name, role or department)."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a user needs a name")
        if len(name) > MAX_NAME:
            raise ValueError(f"a user name has at most {MAX_NAME} characters")
        if name != name.strip() or not name.isprintable():
            raise ValueError("a user name must not start or end with spaces or contain control characters")
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (one of: {', '.join(ROLES)})")
        if role == "department" and not department:
            raise ValueError("a user with role 'department' needs a department code")
        if role != "department" and department is not None:
            raise ValueError(f"only role 'department' has a department (role {role!r} was given {department!r})")
        if department is not None and department not in self.directory.by_code:
            raise ValueError(f"unknown department {department!r}")
