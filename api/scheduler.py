"""The schedulers of ``hotline serve`` and ``hotline worker``: deadline timers (and other periodic jobs)."""

from __future__ import annotations

import logging
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from engine.runtime import Engine
from engine.scheduler import CHECK_SECONDS, LATE_OK, TimerScheduler
from processes.reports.runs import run_due
from processes.service import Hotline

log = logging.getLogger("hotline.reports")


def start_scheduler(engine: Engine, scheduler: BaseScheduler | None = None,
                    check_seconds: float = CHECK_SECONDS) -> BaseScheduler:
    """Start firing timers on time in this process (timers due while stopped fire first)."""
    scheduler = scheduler or BackgroundScheduler(job_defaults={"max_instances": 1, **LATE_OK})
    TimerScheduler(engine, scheduler, check_seconds).start()
    scheduler.start()  # a BlockingScheduler (``hotline worker``) runs here until stopped
    return scheduler


def add_report_jobs(scheduler: BaseScheduler, hotline: Hotline, folder: Path, check_seconds: float = 60.0) -> None:
    """Write the daily and weekly reports into ``folder`` when they fall due (checked by the engine clock)."""
    scheduler.add_job(_write_due_reports, "interval", args=[hotline, folder], seconds=check_seconds, id="reports",
                      **LATE_OK)


def _write_due_reports(hotline: Hotline, folder: Path) -> None:
    for run in run_due(hotline, folder):
        log.info("wrote the %s report %s", run.kind, run.path)
