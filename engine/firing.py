"""Firing due timers: the engine commands the schedulers drive (each case in its own transaction)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select

from . import effects
from .case import RUNNING, SYSTEM_TIMER, Step
from .errors import Conflict, StepFailed
from .models import Instance
from .timers import waiting_timers

log = logging.getLogger("hotline.engine")


class TimerCommands:
    """Mixed into ``Engine``: find and fire due timers, and tell schedulers when one is armed."""

    def fire_due(self, limit: int = 500) -> list[int]:
        """Fire every timer whose moment has passed, earliest first, each case in its own transaction.

        A timer fires once its moment is past (strictly, as SpiffWorkflow compares), so the firing command
        runs, and is recorded, at the very moment the scheduler looked.
        """
        now = self.now()
        with self.session() as session:
            due = session.scalars(select(Instance.id).where(Instance.status == RUNNING, Instance.next_due_at < now)
                                  .order_by(Instance.next_due_at).limit(limit)).all()
        return [case for case in due if self._fire(case, now)]

    def fire_all_due(self) -> list[int]:
        """Fire due timers in batches until none is left due (the simulated clock's jump needs all of them)."""
        fired, batch = [], self.fire_due()
        while batch:
            fired += batch
            batch = self.fire_due()
        return fired

    def _announce(self, due: datetime | None) -> None:
        """Tell the schedulers in this process that a command armed a timer."""
        for listener in self.due_listeners:
            listener(due)

    def earliest_due(self) -> datetime | None:
        """The next moment a timer of a running case falls due."""
        with self.session() as session:
            return session.scalar(select(func.min(Instance.next_due_at)).where(Instance.status == RUNNING))

    def _fire(self, instance_id: int, now: datetime) -> bool:
        """Fire one case's due timers; False when another worker had it or it is no longer due."""
        try:
            with self._unit(now) as session:
                claimed = session.scalar(select(Instance.id).where(
                    Instance.id == instance_id, Instance.status == RUNNING, Instance.next_due_at < now)
                    .with_for_update(skip_locked=True))
                if claimed is None:
                    return False
                case = self._load(session, instance_id)
                due = [{"timer": t.task_name, "due": t.due.isoformat()} for t in waiting_timers(case.workflow)
                       if t.due < now]
                effects.fire_timers(case.workflow)
                self._advance(case, Step().record("timer_fired", {"timers": due}), SYSTEM_TIMER)
                return True
        except Conflict:
            return False
        except StepFailed as failed:  # one broken case must not stop the others' timers
            log.warning("timer of case %s could not fire: %s", instance_id, failed)
            return False
