"""Open311 client applications and their ``api_key``s: issued to a named application, stored hashed, revocable.

A key is 32 random bytes shown once (``hotline open311 add NAME``); only its SHA-256 is kept, as for staff
tokens (``processes.users``), so the table alone lets no one post requests. Revoking stops the key at once
(keys are not cached). A revoked name may be issued a new key; the old one stays dead.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..users import MAX_NAME, SessionsAndClock, hash_token
from .models import Open311Client

KEY_PREFIX = "o311_"  # tells an Open311 key from a staff token in logs and secret scanners


@dataclass(frozen=True)
class Client:
    """The application behind a valid key."""

    id: int
    name: str


class Clients:
    """Issuing, checking, listing and revoking Open311 client keys."""

    def __init__(self, engine: SessionsAndClock):
        self.session, self.clock = engine.session, engine

    def add(self, name: str) -> str:
        """Issue a key to a new (or revoked) application; returns the key, which is never stored or shown again."""
        _check(name)
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        try:
            with self.session.begin() as session:
                row = session.scalar(select(Open311Client).where(Open311Client.name == name).with_for_update())
                if row is not None and row.active:
                    raise ValueError(f"应用 {name} 已有密钥（请先吊销） / {name!r} already has a key (revoke it first)")
                if row is None:
                    row = Open311Client(name=name)
                    session.add(row)
                row.key_hash, row.active, row.created_at, row.revoked_at = hash_token(key), True, self.clock.now(), None
        except IntegrityError:  # the same name added at the same moment elsewhere
            raise ValueError(f"应用 {name} 已有密钥 / {name!r} already has a key") from None
        return key

    def authenticate(self, key: str | None) -> Client | None:
        """The active application holding ``key``, or None for a missing, unknown or revoked key."""
        if not key or not key.startswith(KEY_PREFIX):
            return None
        with self.session() as session:
            row = session.scalar(select(Open311Client).where(Open311Client.key_hash == hash_token(key),
                                                             Open311Client.active))
        return Client(row.id, row.name) if row else None

    def revoke(self, name: str) -> None:
        """Stop an application's key at once; ``LookupError`` when no application of that name has an active key."""
        with self.session.begin() as session:
            row = session.scalar(select(Open311Client).where(Open311Client.name == name, Open311Client.active)
                                 .with_for_update())
            if row is None:
                raise LookupError(f"no client application named {name!r} with an active key")
            row.active, row.revoked_at = False, self.clock.now()

    def list(self) -> list[dict[str, Any]]:
        """Every application by name, revoked ones too, without anything derived from their keys."""
        with self.session() as session:
            rows = session.scalars(select(Open311Client).order_by(Open311Client.name)).all()
        return [{"name": r.name, "active": r.active, "created_at": r.created_at, "revoked_at": r.revoked_at}
                for r in rows]


def _check(name: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("客户端应用须有名称 / a client application needs a name")
    if len(name) > MAX_NAME or name != name.strip() or not name.isprintable():
        raise ValueError(f"客户端应用名称为 1 到 {MAX_NAME} 个可打印字符，首尾无空格 / a client application's name has "
                         f"1-{MAX_NAME} printable characters, no spaces around")
