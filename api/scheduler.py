"""The timer scheduler inside ``hotline serve``: fires due cases at start-up and then every few seconds."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from engine.runtime import Engine

log = logging.getLogger("hotline.timers")


def start_scheduler(engine: Engine, interval_seconds: float = 5.0) -> BackgroundScheduler:
    """Fire what fell due while stopped, then sweep on an interval (one sweep at a time)."""
    scheduler = BackgroundScheduler(job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(_sweep, "interval", args=[engine], seconds=interval_seconds, id="sweep")
    _sweep(engine)
    scheduler.start()
    return scheduler


def _sweep(engine: Engine) -> None:
    fired = engine.fire_due()
    if fired:
        log.info("fired timers of %d case(s)", len(fired))
