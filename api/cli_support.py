"""What the ``hotline`` commands share: the hotline over the configured database, and reading moments."""

from __future__ import annotations

from datetime import datetime

import click

from engine.store import connect
from processes.service import Hotline
from processes.wiring import upgrade


def hotline_for(obj: dict, clock=None) -> Hotline:
    """The hotline over the configured database, migrated first (every command may be the first run)."""
    upgrade(connect(obj["database_url"]))
    return Hotline.open(obj["database_url"], clock)


def aware(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise click.BadParameter(f"not an ISO 8601 moment: {text}") from err
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-11-30T09:00:00+08:00")
    return moment
