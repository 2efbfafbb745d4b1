"""What a report is made of, gathered in one read: the period's figures, its overdue cases and its hot spots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..calendar import SHANGHAI
from ..hotspots import Rise, rises, topic_days
from ..models import HotlineCase
from ..service import Hotline
from .figures import Figures, count_figures, overdue_cases
from .period import Period, period_between

OVERDUE_LISTED = 200  # a readable report lists the longest-overdue cases; the count covers them all
HOTSPOT_CONTEXT = timedelta(days=14)  # a hot spot's chart shows the days before the period too


@dataclass(frozen=True)
class Report:
    figures: Figures
    overdue: list[HotlineCase]
    hotspots: list[Rise] = field(default_factory=list)
    hotspot_days: dict[tuple[str, str], dict[date, int]] = field(default_factory=dict)  # raised topics' calls a day


def today(hotline: Hotline) -> date:
    """The Shanghai calendar day by the engine clock."""
    return hotline.engine.now().astimezone(SHANGHAI).date()


def period_for(hotline: Hotline, from_: date | datetime | None, to: date | datetime | None) -> Period:
    """The period for the bounds people gave, defaults counted from today (``PeriodError`` if empty)."""
    return period_between(from_, to, today(hotline))


def summarize(hotline: Hotline, period: Period) -> Figures:
    """The period's figures, counted in the database."""
    with hotline.engine.session() as session:
        return count_figures(session, period, hotline.calendar, hotline.directory, hotline.engine.now())


def gather(hotline: Hotline, period: Period, overdue_listed: int = OVERDUE_LISTED) -> Report:
    """The figures, the longest-overdue cases and the topics raised as hot spots, read in one session."""
    with hotline.engine.session() as session:
        figures = count_figures(session, period, hotline.calendar, hotline.directory, hotline.engine.now())
        raised = rises(session, period.first_day, period.last_day)
        days = topic_days(session, raised, period.first_day - HOTSPOT_CONTEXT, period.last_day) if raised else {}
        return Report(figures, overdue_cases(session, period, overdue_listed), raised, days)
