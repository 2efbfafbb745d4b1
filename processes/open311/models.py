"""The tables Open311 adds: client applications (their keys' hashes) and what each request carried beyond the intake.

Registered on the hotline's metadata, so test fixtures empty them; the migration (``h0008``) adds the foreign keys
(to ``instances``, a table of the engine's metadata, as the case rows do).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..models import HotlineBase


class Open311Client(HotlineBase):
    """A client application allowed to create service requests (a citizens' app), known by its key's SHA-256.

    Keys are issued by ``hotline open311 add`` and shown once; like API tokens, only their hash is kept.
    """

    __tablename__ = "hotline_open311_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Open311Request(HotlineBase):
    """Where the problem of a case created over Open311 is, which client sent it, and the caller's e-mail.

    The e-mail is personal data: kept for the callback, never in an Open311 answer."""

    __tablename__ = "hotline_open311_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(Integer, unique=True)
    client_id: Mapped[int] = mapped_column(Integer, index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    address_id: Mapped[str | None] = mapped_column(String(100))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    media_url: Mapped[str | None] = mapped_column(String(1000))
    email: Mapped[str | None] = mapped_column(String(254))
