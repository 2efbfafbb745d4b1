"""API users and their bearer tokens.

An administrator adds a user with a role (and, for member units, a department); the token is shown
once and only its SHA-256 is stored, so the table alone never lets anyone in. Tokens are 32 random
bytes, so a plain hash (no salt, no slow KDF) is enough and lets a request find its user by index.

A revoked name may be added again: its row is reactivated with a new token, role, department and
``created_at`` (the old token stays dead, as its hash is replaced). Names are unique in the table,
so an audit trail's actor always points at one row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .departments import Directory
from .models import ApiUser

ROLES = ("operator", "dispatcher", "department", "supervisor", "leader", "auditor", "designer", "admin")
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


class Users:
    """Adding, authenticating, listing, reissuing and revoking API users."""

    def __init__(self, engine: SessionsAndClock, directory: Directory):
        self.session, self.clock, self.directory = engine.session, engine, directory

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
        return token

    def authenticate(self, token: str | None) -> User | None:
        """The active user holding this token, or None for a missing, unknown or revoked one."""
        if not token or not token.startswith(TOKEN_PREFIX):
            return None
        with self.session() as session:
            row = session.scalar(select(ApiUser).where(ApiUser.token_hash == hash_token(token), ApiUser.active))
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
