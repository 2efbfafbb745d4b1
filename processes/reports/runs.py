"""The scheduled reports: yesterday's (daily) and last week's (weekly), written once each to a folder.

The scheduler calls ``run_due`` every minute; each ``run_*`` works out its period from the engine clock, so a
simulated clock drives them as it drives timers, and a service that was down writes yesterday's and last
week's reports within a minute of starting (days missed before yesterday are not back-filled).
A run is claimed by inserting its ``hotline_report_runs`` row, unique per (kind, period): the file is
written inside that transaction, so two nodes never both write a report and a failed write leaves no
record behind (the next call tries again).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..calendar import SHANGHAI
from ..service import Hotline
from .models import ReportRun
from .output import write_report
from .period import Period

RUN_FROM_HOUR = 1  # timers due at midnight (deadlines end at 23:59:59) fire before the day's report is made


def _local_now(hotline: Hotline) -> datetime:
    return hotline.engine.now().astimezone(SHANGHAI)


def run_daily(hotline: Hotline, folder: Path, lang: str = "zh") -> ReportRun | None:
    """Write the report of the Shanghai day before now, unless it was written already (then None)."""
    yesterday = _local_now(hotline).date() - timedelta(days=1)
    return _run(hotline, folder, "daily", Period.of_days(yesterday, yesterday), lang)


def run_weekly(hotline: Hotline, folder: Path, lang: str = "zh") -> ReportRun | None:
    """Write the report of the last whole week (Monday to Sunday) before now, unless it was written already."""
    today = _local_now(hotline).date()
    monday = today - timedelta(days=today.weekday() + 7)
    return _run(hotline, folder, "weekly", Period.of_days(monday, monday + timedelta(days=6)), lang)


def run_due(hotline: Hotline, folder: Path, lang: str = "zh") -> list[ReportRun]:
    """The scheduler's job: the daily and weekly reports that are due and not yet written (from 01:00)."""
    if _local_now(hotline).hour < RUN_FROM_HOUR:
        return []
    return [run for run in (run_daily(hotline, folder, lang), run_weekly(hotline, folder, lang)) if run]


def _run(hotline: Hotline, folder: Path, kind: str, period: Period, lang: str) -> ReportRun | None:
    path = folder / kind / f"hotline-{kind}-{period.slug()}.html"
    try:
        with hotline.engine.session.begin() as session:
            run = ReportRun(kind=kind, period_start=period.start, period_end=period.end, path=str(path),
                            at=hotline.engine.now())
            session.add(run)
            session.flush()  # claims the run: a second node fails here, before doing any work
            write_report(hotline, period, lang, path)
    except IntegrityError:
        return None
    return run


def runs(hotline: Hotline, kind: str | None = None) -> list[ReportRun]:
    """The recorded runs, newest period first."""
    query = select(ReportRun).order_by(ReportRun.period_start.desc(), ReportRun.kind)
    if kind:
        query = query.where(ReportRun.kind == kind)
    with hotline.engine.session() as session:
        return list(session.scalars(query))

