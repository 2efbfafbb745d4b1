"""Administration over the API: the simulated clock (training and demos) and incidents (cases set aside because a
step of their diagram failed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.case import INCIDENT
from engine.clock import SimulatedClock
from engine.models import Instance
from engine.timers import duration_from

from .queries import numbered_cases
from .service import Hotline
from .users import User


def clock_is_simulated(hotline: Hotline) -> bool:
    """Whether the hotline runs on the simulated clock (only then may an administrator move it)."""
    return isinstance(hotline.engine.clock, SimulatedClock)


def move_clock(hotline: Hotline, advance: str | None = None, to: datetime | None = None) -> dict[str, Any]:
    """Move the simulated clock forward by ``advance`` (an ISO duration) or ``to`` a moment, for every node, then
    fire every timer that fell due; answers with the new time and how many cases' timers fired."""
    clock = hotline.engine.clock
    now = clock.advance(duration_from(hotline.engine.now(), advance)) if advance is not None else clock.set(to)
    return {"now": now, "fired": len(hotline.engine.fire_all_due())}


def incidents(hotline: Hotline) -> list[dict[str, Any]]:
    """Cases set aside because a step failed, oldest first, by number (one query)."""
    numbered = numbered_cases()
    query = (select(numbered.c.number, Instance.error, Instance.error_task, Instance.updated_at)
             .join(numbered, numbered.c.instance_id == Instance.id)
             .where(Instance.status == INCIDENT).order_by(Instance.updated_at, Instance.id))
    with hotline.engine.session() as session:
        return [{"case": row.number, "error": row.error, "task": row.error_task, "since": row.updated_at}
                for row in session.execute(query)]


def retry(hotline: Hotline, user: User, number: str) -> list[dict[str, Any]]:
    """Put a case back to work after the cause was fixed; answers with the incidents left."""
    hotline.engine.retry(hotline.case(number).instance_id, user.name)
    return incidents(hotline)
