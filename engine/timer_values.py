"""Timer values within the engine's bounds, checked before SpiffWorkflow computes a moment from them.

A timer's value is ISO 8601 text: a date-time, a duration (``P10D``) or a cycle (``R3/P1D``), written in the
diagram or computed by an expression when the timer is armed. SpiffWorkflow turns a duration into days month
by month, so ``P99999999Y`` keeps a request busy for ever; a cycle without a count (``R/PT1S``) fires for
ever, and one with a zero interval (``R/PT0S``) fires in a loop inside one command. Here the text is read
with a pattern (nothing is computed from it) and held to ``limits``: a date or duration within
``TIMER_HORIZON``, a cycle with a count of at most ``MAX_CYCLE_REPETITIONS`` and an interval of at least
``MIN_CYCLE_INTERVAL``. Deployment checks what a diagram states outright (``expressions``); ``timers``
checks computed values when the timer is armed.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .limits import MAX_CYCLE_REPETITIONS, MIN_CYCLE_INTERVAL, TIMER_HORIZON
from .sandbox import SandboxError

DATE, DURATION, CYCLE, DATE_OR_DURATION = "date", "duration", "cycle", "date or duration"
KINDS = {"timeDate": DATE, "timeDuration": DURATION, "timeCycle": CYCLE}
_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"^P(?!$)(?:(?P<years>{_NUMBER})Y)?(?:(?P<months>{_NUMBER})M)?(?:(?P<weeks>{_NUMBER})W)?"
    rf"(?:(?P<days>{_NUMBER})D)?(?:T(?=\d)(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?"
    rf"(?:(?P<seconds>{_NUMBER})S)?)?$", re.IGNORECASE)
_CYCLE = re.compile(r"^R(?P<count>\d*)/(?P<first>[^/]+)(?:/(?P<second>[^/]+))?$", re.IGNORECASE)
# Days in one unit, at the longest and the shortest (months and years vary; DST is ignored).
_LONGEST = {"years": 366, "months": 31, "weeks": 7, "days": 1, "hours": 1 / 24, "minutes": 1 / 1440,
            "seconds": 1 / 86400}
_SHORTEST = {**_LONGEST, "years": 365, "months": 28}
SECONDS_PER_DAY = 86400


class TimerValueError(SandboxError):
    """A timer value the engine will not arm: not ISO 8601, beyond the horizon, or a cycle without bounds."""

    task = None
    """The timer's task, when the value was computed while arming it (an incident names it)."""


def check(kind: str, value: object, now: datetime) -> None:
    """Raise ``TimerValueError`` unless ``value`` is a timer value of ``kind`` (``DATE``, ``DURATION``, ``CYCLE``
    or ``DATE_OR_DURATION``) that the engine may arm at ``now``."""
    if not isinstance(value, str) or not value.strip():
        raise TimerValueError(f"the timer's value is {value!r}, not ISO 8601 text")
    _CHECKS[kind](value.strip(), now)


def check_date(text: str, now: datetime) -> datetime:
    """A date-time (or ISO week date) at most ``TIMER_HORIZON`` after ``now`` (any moment before is fine)."""
    try:
        moment = (TimerEventDefinition.parse_iso_week(text) if "W" in text.upper()
                  else TimerEventDefinition.get_datetime(text))
    except (ValueError, OverflowError, AttributeError) as err:  # AttributeError: a week date that did not match
        raise TimerValueError(f"timer date '{text}' is not an ISO 8601 date-time") from err
    if moment - now > TIMER_HORIZON:
        raise TimerValueError(f"timer date '{text}' is more than {_span(TIMER_HORIZON)} ahead")
    return moment


def check_duration(text: str, now: datetime | None = None) -> None:
    """A duration at most ``TIMER_HORIZON`` long (``now`` is not needed: a duration is relative)."""
    if _days(text, _LONGEST) > TIMER_HORIZON.total_seconds() / SECONDS_PER_DAY:
        raise TimerValueError(f"timer duration '{text}' is longer than {_span(TIMER_HORIZON)}")


def check_date_or_duration(text: str, now: datetime) -> None:
    """What SpiffWorkflow accepts where either may stand: a duration starts with ``P``."""
    if text.upper().startswith("P"):
        check_duration(text)
    else:
        check_date(text, now)


def check_cycle(text: str, now: datetime) -> None:
    """``R<count>/<interval>``, ``R<count>/<start>/<interval>`` or ``R<count>/<interval>/<end>``: a count of at most
    ``MAX_CYCLE_REPETITIONS``, an interval of at least ``MIN_CYCLE_INTERVAL``, a start within the horizon."""
    found = _CYCLE.match(text.replace("--", "/"))  # ISO's other separator, as SpiffWorkflow reads it
    if found is None:
        raise TimerValueError(f"timer cycle '{text}' is not an ISO 8601 repeating interval such as R3/P1D")
    count, parts = found["count"], [p for p in (found["first"], found["second"]) if p]
    if not count:
        raise TimerValueError(f"timer cycle '{text}' repeats for ever: give the number of repetitions "
                              f"(R<count>/…), at most {MAX_CYCLE_REPETITIONS}")
    if len(count) > 9 or int(count) > MAX_CYCLE_REPETITIONS:
        raise TimerValueError(f"timer cycle '{text}' repeats {count} times; at most {MAX_CYCLE_REPETITIONS}")
    intervals = [p for p in parts if p.upper().startswith("P")]
    if len(intervals) != 1:
        raise TimerValueError(f"timer cycle '{text}' needs exactly one interval (a duration such as P1D)")
    check_duration(intervals[0])
    if _days(intervals[0], _SHORTEST) * SECONDS_PER_DAY < MIN_CYCLE_INTERVAL.total_seconds():
        raise TimerValueError(f"timer cycle '{text}' repeats more often than every {_span(MIN_CYCLE_INTERVAL)}")
    for date in (p for p in parts if p is not intervals[0]):
        check_date(date, now)


def _days(text: str, unit_days: dict[str, float]) -> float:
    """The duration in days with each unit at ``unit_days`` (a float: a huge value is ``inf``, never an error)."""
    found = _DURATION.match(text)
    if found is None:
        raise TimerValueError(f"timer duration '{text}' is not an ISO 8601 duration such as P10D or PT4H")
    return sum(float(value.replace(",", ".")) * unit_days[unit] for unit, value in found.groupdict().items() if value)


def _span(delta: timedelta) -> str:
    """A limit in words: ``3660 days``, ``1 minute``."""
    if delta.days:
        return f"{delta.days} days"
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes else f"{int(delta.total_seconds())} s"


_CHECKS = {DATE: check_date, DURATION: check_duration, CYCLE: check_cycle, DATE_OR_DURATION: check_date_or_duration}
