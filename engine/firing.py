"""Firing due timers: the engine commands the schedulers drive (each case in its own transaction)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from . import effects
from .case import RUNNING, SYSTEM_TIMER, Step
from .errors import Conflict, StepFailed
from .models import Instance
from .timers import waiting_timers
from .unit import unit

if TYPE_CHECKING:
    from .runtime import Engine

log = logging.getLogger("hotline.engine")
FIRING_DELAY = timedelta(microseconds=1)  # the least time after its moment at which a timer counts as passed


def fire_due(engine: Engine, limit: int = 500) -> list[int]:
    """Fire the timers of every case behind its moment, earliest first, each case's in their due order.

    Each timer fires in its own command at its own due moment (see ``fire_case``), so a case catching up
    after downtime, or after a jump of the simulated clock, gets exactly the history a live run gives.
    """
    now = engine.now()
    with engine.session() as session:
        due = session.scalars(select(Instance.id).where(Instance.status == RUNNING, Instance.next_due_at < now)
                              .order_by(Instance.next_due_at).limit(limit)).all()
    return [case for case in due if fire_case(engine, case, now)]

def fire_all_due(engine: Engine) -> list[int]:
    """Fire due timers in batches until none is left due (the simulated clock's jump needs all of them)."""
    fired, batch = [], fire_due(engine)
    while batch:
        fired += batch
        batch = fire_due(engine)
    return fired

def earliest_due(engine: Engine) -> datetime | None:
    """The next moment a timer of a running case falls due."""
    with engine.session() as session:
        return session.scalar(select(func.min(Instance.next_due_at)).where(Instance.status == RUNNING))

def fire_case(engine: Engine, instance_id: int, now: datetime | None = None) -> bool:
    """Fire the case's timers that fell due before ``now``, one moment at a time; True when any fired.

    BPMN says the first interrupting timer cancels its activity, and with it the activity's other timers:
    firing every due timer at once would open paths a live run never opens. So the earliest fires alone,
    at its own moment, and the case is read again before the next one.
    """
    now, fired = now or engine.now(), False
    while (moment := _firing_moment(engine, instance_id, now)) is not None:
        if not _fire(engine, instance_id, moment):
            break
        fired = True
    return fired

def _firing_moment(engine: Engine, instance_id: int, now: datetime) -> datetime | None:
    """When the case's earliest due timer fires: just past its due moment (SpiffWorkflow fires strictly
    after it), never before the case's last command, and None when nothing is due before ``now``."""
    with engine.session() as session:
        row = session.execute(select(Instance.next_due_at, Instance.updated_at).where(
            Instance.id == instance_id, Instance.status == RUNNING, Instance.next_due_at < now)).first()
    if row is None:
        return None
    return min(max(row.next_due_at, row.updated_at) + FIRING_DELAY, now)

def _fire(engine: Engine, instance_id: int, moment: datetime) -> bool:
    """Fire the timers due at ``moment`` in one command; False when another worker had it or it failed."""
    try:
        with unit(engine, moment) as work:
            work.firing = True
            case = work.load(instance_id, running=True)
            due = [{"timer": t.task_name, "due": t.due.isoformat()} for t in waiting_timers(case.workflow)
                   if t.due < moment]
            if not due:
                return False
            step = Step().record("timer_fired", {"timers": due})
            work.advance(case, step, SYSTEM_TIMER, lambda: effects.fire_timers(case.workflow))
            return True
    except Conflict:
        return False
    except StepFailed as failed:  # one broken case must not stop the others' timers
        log.warning("timer of case %s could not fire (task %s)", instance_id, failed.task)
        return False
    except Exception as err:  # nor may a fault outside the diagram (a domain hook): the case is set aside
        log.error("timer of case %s could not fire: %s", instance_id, type(err).__name__)
        engine.raise_incident(instance_id, StepFailed(f"{type(err).__name__}: {err}"))
        return False
