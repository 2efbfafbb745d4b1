"""Incidents: cases set aside because a step of their diagram failed, and putting them back to work."""

from __future__ import annotations

import logging

from sqlalchemy import select

from . import audit
from .case import INCIDENT, RUNNING, SYSTEM_ENGINE, take_lock
from .errors import Conflict, NotFound, StepFailed
from .models import Instance

log = logging.getLogger("hotline.engine")


class IncidentCommands:
    """Mixed into ``Engine``: record, list and retry incidents."""

    def retry(self, instance_id: int, actor: str) -> None:
        """Put a case set aside as an incident back to work (after the diagram or data was fixed)."""
        with self._unit(write=True) as session:
            instance = session.get(Instance, instance_id)
            if instance is None:
                raise NotFound(f"no case {instance_id}")
            if instance.status != INCIDENT:
                raise Conflict(f"the case is {instance.status}, not an incident")
            instance.status, instance.error, instance.error_task = RUNNING, None, None
            take_lock(instance, self.now())
            audit.append(session, instance, self.now(), actor, "incident_retried")

    def incidents(self) -> list[Instance]:
        """Cases set aside because a step failed, oldest first."""
        with self.session() as session:
            return list(session.scalars(select(Instance).where(Instance.status == INCIDENT)
                                        .order_by(Instance.updated_at)))

    def _raise_incident(self, instance_id: int, failed: StepFailed) -> None:
        """Record the failure on the case and keep it out of the timer sweep until someone retries it."""
        try:
            with self._unit(write=True) as session:
                instance = session.get(Instance, instance_id)
                if instance is None or instance.status != RUNNING:
                    return
                instance.status, instance.error, instance.error_task = INCIDENT, str(failed), failed.task
                take_lock(instance, self.now())
                audit.append(session, instance, self.now(), SYSTEM_ENGINE, "incident_raised",
                             {"error": str(failed), "task": failed.task})
        except Conflict:
            log.warning("case %s changed while its incident was being recorded", instance_id)
