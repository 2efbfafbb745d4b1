"""Incidents: cases set aside because a step of their diagram failed, and putting them back to work."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select

from .case import INCIDENT, RUNNING, SYSTEM_ENGINE
from .errors import Conflict, StepFailed
from .models import Instance
from .unit import unit

if TYPE_CHECKING:
    from .runtime import Engine

log = logging.getLogger("hotline.engine")


def retry(engine: Engine, instance_id: int, actor: str) -> None:
    """Put a case set aside as an incident back to work (after the diagram or data was fixed)."""
    with unit(engine, write=True) as work:
        instance = work.instance(instance_id)
        if instance.status != INCIDENT:
            raise Conflict(f"the case is {instance.status}, not an incident")
        instance.status, instance.error, instance.error_task = RUNNING, None, None
        work.record(instance, actor, "incident_retried")


def incidents(engine: Engine) -> list[Instance]:
    """Cases set aside because a step failed, oldest first."""
    with engine.session() as session:
        return list(session.scalars(select(Instance).where(Instance.status == INCIDENT)
                                    .order_by(Instance.updated_at)))


def raise_incident(engine: Engine, instance_id: int, failed: StepFailed) -> None:
    """Record the failure on the case and keep it out of the timer sweep until someone retries it."""
    try:
        with unit(engine, write=True) as work:
            instance = work.session.get(Instance, instance_id)
            if instance is None or instance.status != RUNNING:
                return
            instance.status, instance.error, instance.error_task = INCIDENT, str(failed), failed.task
            work.record(instance, SYSTEM_ENGINE, "incident_raised", {"error": str(failed), "task": failed.task})
    except Conflict:
        log.warning("case %s changed while its incident was being recorded", instance_id)
