"""Hot spots (热点, 未诉先办): topics whose calls rise above their own recent level, found day by day.

A topic is a category, a place a call names, or a word of its subject (synonyms as one: ``topics``). For each day
D and topic, ``count`` is the calls of the two days ending with D, and the baseline the topic's mean calls a day
over the ``BASELINE_DAYS`` days before them. The rise is scored as a **Poisson z-score**: with
``expected = WINDOW_DAYS × max(mean, FLOOR)``, ``z = (count − expected) / √expected``; a topic is raised when
``z ≥ RAISE_Z`` and ``count ≥ MIN_CALLS``. (Calls that come independently at a steady rate make a Poisson count,
whose spread is the square root of its mean; the floor keeps a topic without history from rising on two calls.)
Days whose baseline reaches back before the first call registered are not scored: a new hotline has no usual
level yet. Counting reads ``hotline_call_keys`` and the case rows with GROUP BY per day.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import InvalidData

from .access import SEES_CONFIDENTIAL
from .calendar import SHANGHAI
from .masking import MASK
from .models import HotlineCase
from .repeat_calls import CallKey
from .reports.expressions import shanghai_day
from .reports.period import Period, PeriodError, midnight, period_between
from .service import Hotline
from .users import User

WINDOW_DAYS, BASELINE_DAYS = 2, 28
FLOOR = 0.5  # calls a day assumed for a topic with less history
RAISE_Z, MIN_CALLS = 3.0, 5
LISTED_CALLS = 50
MAX_DAYS = 92


@dataclass(frozen=True)
class Rise:
    day: date
    kind: str
    value: str
    count: int
    baseline: float
    score: float


def rises(session: Session, first: date, last: date) -> list[Rise]:
    """Every topic raised on each day from ``first`` to ``last``, highest score first within a day."""
    history = session.scalar(select(func.min(HotlineCase.registered_at)))
    if history is None:
        return []
    begins = history.astimezone(SHANGHAI).date()
    scored = [day for day in (first + timedelta(days=n) for n in range((last - first).days + 1))
              if day - timedelta(days=WINDOW_DAYS - 1 + BASELINE_DAYS) >= begins]  # a baseline needs history
    counts = _daily_counts(session, first - timedelta(days=WINDOW_DAYS - 1 + BASELINE_DAYS), last)
    found = [rise for (kind, value), by_day in counts.items() for day in scored
             if (rise := _scored(kind, value, by_day, day))]
    return sorted(found, key=lambda r: (r.day, -r.score, r.kind, r.value))


def topic_days(session: Session, raised: list[Rise], first: date, last: date) -> dict[tuple[str, str], dict[date, int]]:
    """The daily calls of the raised topics from ``first`` to ``last`` (for the reports' chart)."""
    wanted = {(rise.kind, rise.value) for rise in raised}
    return {topic: by_day for topic, by_day in _daily_counts(session, first, last).items() if topic in wanted}


def hotspots(session: Session, user: User, first: date, last: date) -> list[dict[str, Any]]:
    """The rises with the calls behind each (their window's cases; a confidential subject hidden from those who may
    not see it)."""
    return [{"day": rise.day, "topic": {"kind": rise.kind, "value": rise.value}, "count": rise.count,
             "baseline": rise.baseline, "score": rise.score, "calls": _calls(session, user, rise)}
            for rise in rises(session, first, last)]


def _scored(kind: str, value: str, by_day: dict[date, int], day: date) -> Rise | None:
    window = [day - timedelta(days=n) for n in range(WINDOW_DAYS)]
    count = sum(by_day.get(d, 0) for d in window)
    if count < MIN_CALLS:
        return None
    start = window[-1] - timedelta(days=BASELINE_DAYS)
    mean = sum(by_day.get(start + timedelta(days=n), 0) for n in range(BASELINE_DAYS)) / BASELINE_DAYS
    expected = WINDOW_DAYS * max(mean, FLOOR)
    score = (count - expected) / math.sqrt(expected)
    return Rise(day, kind, value, count, round(mean, 2), round(score, 2)) if score >= RAISE_Z else None


def _daily_counts(session: Session, first: date, last: date) -> dict[tuple[str, str], dict[date, int]]:
    """Calls per topic per Shanghai day, from ``first`` to ``last``."""
    period = Period.of_days(first, last)
    day = shanghai_day(CallKey.registered_at)
    keys = (select(CallKey.kind, CallKey.value, day, func.count(func.distinct(CallKey.instance_id)))
            .where(CallKey.kind.in_(("place", "word")), CallKey.registered_at >= period.start,
                   CallKey.registered_at < period.end).group_by(CallKey.kind, CallKey.value, day))
    case_day = shanghai_day(HotlineCase.registered_at)
    categories = (select(HotlineCase.category, case_day, func.count())
                  .where(HotlineCase.registered_at >= period.start, HotlineCase.registered_at < period.end)
                  .group_by(HotlineCase.category, case_day))
    counts: dict[tuple[str, str], dict[date, int]] = defaultdict(dict)
    for kind, value, on, calls in session.execute(keys):
        counts[(kind, value)][date.fromisoformat(on)] = calls
    for value, on, calls in session.execute(categories):
        counts[("category", value)][date.fromisoformat(on)] = calls
    return counts


def _calls(session: Session, user: User, rise: Rise) -> list[dict[str, Any]]:
    """The cases behind a rise: those of its topic registered in its window, newest first."""
    period = Period(midnight(rise.day - timedelta(days=WINDOW_DAYS - 1)), midnight(rise.day + timedelta(days=1)))
    query = select(HotlineCase).where(HotlineCase.registered_at >= period.start, HotlineCase.registered_at < period.end)
    if rise.kind == "category":
        query = query.where(HotlineCase.category == rise.value)
    else:
        query = query.join(CallKey, CallKey.instance_id == HotlineCase.instance_id).where(
            CallKey.kind == rise.kind, CallKey.value == rise.value)
    rows = session.scalars(query.order_by(HotlineCase.registered_at.desc()).limit(LISTED_CALLS))
    return [{"number": row.number, "registered_at": row.registered_at, "status": row.status,
             "subject": MASK if row.confidential and user.role not in SEES_CONFIDENTIAL else row.subject}
            for row in rows]


def found(hotline: Hotline, user: User, first: date | datetime | None, last: date | datetime | None
          ) -> list[dict[str, Any]]:
    """The hot spots of the days from ``first`` to ``last`` (bounds as for reports), at most ``MAX_DAYS`` days."""
    try:
        period = period_between(first, last, hotline.engine.now().astimezone(SHANGHAI).date())
    except PeriodError as error:
        raise InvalidData({error.field: [str(error)]}) from None
    if (period.last_day - period.first_day).days >= MAX_DAYS:
        raise InvalidData({"from": [f"最多查询 {MAX_DAYS} 天 / at most {MAX_DAYS} days at once"]})
    with hotline.engine.session() as session:
        return hotspots(session, user, period.first_day, period.last_day)
