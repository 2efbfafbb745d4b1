"""The hotline's working-day calendar (Asia/Shanghai), for deadlines counted in working days.

A day's status is answered, in order of authority, from:

1. a schedule an administrator loaded for that year (``load_schedule`` / ``load_schedule_file``):
   the State Council's announcement, which may be newer than the installed package;
2. the ``chinese_calendar`` package (official data up to the last year it ships);
3. a rule-based estimate, for years the package raises ``NotImplementedError`` on. Such days are
   *provisional*: a deadline that depends on one may move once the official schedule is loaded.

The estimate follows the statutory holidays plus the recent shape of the arranged breaks, but guesses
no adjusted working weekends (their placement varies too much year to year):

- Saturdays and Sundays are off;
- May 1-5; Oct 1-7 (Oct 8 too when Mid-Autumn falls inside Oct 1-7, as in 2025);
- Spring Festival eve through the 7th day of the first month (8 days);
- one-day holidays -- Jan 1, Qingming, Dragon Boat, Mid-Autumn -- plus the following Monday when
  the day falls on a weekend (as with Dragon Boat 2025 and Qingming 2026);
- Qingming is the solar-term day from ``chinese_calendar.get_solar_terms`` (a formula, good to
  2100); Spring Festival, Dragon Boat and Mid-Autumn come from the lunar-date table
  ``_LUNAR_FESTIVALS`` (2025-2036; the two announced years are there so tests can measure the
  estimate against official data). For later years those three are not estimated.

Against the official 2025 and 2026 data the estimate differs only on the make-up working weekends
and one bridging day (2026-01-02). Missing the make-up weekends means a provisional deadline tends
to fall a little later than the official one, rather than earlier.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from os import PathLike
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
_ONE_DAY = timedelta(days=1)

# Gregorian dates of the first day of the first lunar month, Dragon Boat (5/5) and Mid-Autumn (8/15).
# Astronomical facts, not announcements, so they are safe to tabulate ahead of time.
_LUNAR_FESTIVALS: dict[int, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    2025: ((1, 29), (5, 31), (10, 6)),
    2026: ((2, 17), (6, 19), (9, 25)),
    2027: ((2, 6), (6, 9), (9, 15)),
    2028: ((1, 26), (5, 28), (10, 3)),
    2029: ((2, 13), (6, 16), (9, 22)),
    2030: ((2, 3), (6, 5), (9, 12)),
    2031: ((1, 23), (6, 24), (10, 1)),
    2032: ((2, 11), (6, 12), (9, 19)),
    2033: ((1, 31), (6, 1), (9, 8)),
    2034: ((2, 19), (6, 20), (9, 27)),
    2035: ((2, 8), (6, 10), (9, 16)),
    2036: ((1, 28), (5, 30), (10, 4)),
}


@dataclass(frozen=True)
class _Schedule:
    """An official year: ``holidays`` are days off, ``workdays`` are working days; the rest is Mon-Fri."""

    holidays: frozenset[date]
    workdays: frozenset[date]


def _span(first: date, days: int) -> set[date]:
    return {first + timedelta(days=i) for i in range(days)}


def _with_monday_in_lieu(day: date) -> set[date]:
    """A one-day holiday on a weekend is made up on the next Monday (the usual arrangement)."""
    return {day, day + timedelta(days=7 - day.weekday())} if day.weekday() >= 5 else {day}


def _qingming(year: int) -> date:
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    return next(day for day, name in terms if name == "清明")


@lru_cache(maxsize=64)
def estimated_holidays(year: int) -> frozenset[date]:
    """Days the estimate treats as public holidays in ``year``, weekends among them (see module docstring)."""
    days = _span(date(year, 5, 1), 5) | _span(date(year, 10, 1), 7)
    days |= _with_monday_in_lieu(date(year, 1, 1)) | _with_monday_in_lieu(_qingming(year))
    if year in _LUNAR_FESTIVALS:
        (sm, sd), (dm, dd), (mm, md) = _LUNAR_FESTIVALS[year]
        mid_autumn = date(year, mm, md)
        days |= _span(date(year, sm, sd) - _ONE_DAY, 8)
        days |= _with_monday_in_lieu(date(year, dm, dd)) | _with_monday_in_lieu(mid_autumn)
        if date(year, 10, 1) <= mid_autumn <= date(year, 10, 7):
            days.add(date(year, 10, 8))
    return frozenset(days)


def estimated_working_day(d: date) -> bool:
    """The rule-based guess for ``d``: a weekday that is not an estimated holiday."""
    return d.weekday() < 5 and d not in estimated_holidays(d.year)


def _require_aware(moment: datetime, name: str) -> datetime:
    """Local dates are only meaningful for a known instant, so naive datetimes are refused."""
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} 必须是带时区的 datetime / {name} must be a timezone-aware datetime")
    return moment.astimezone(SHANGHAI)


def _require_count(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"工作日数必须是非负整数 / working-day count must be an int >= 0, got {n!r}")
    return n


def _parse_day(text: str, year: int) -> date:
    day = date.fromisoformat(text)
    if day.year != year:
        raise ValueError(f"日期 {day} 不属于 {year} 年 / date {day} is not in year {year}")
    return day


def parse_schedule(data: dict[str, Any]) -> tuple[int, set[date], set[date]]:
    """Validate ``{"year": 2027, "holidays": [...], "workdays": [...]}`` into typed values.

    Separate from file loading so an API endpoint can accept the same document as a request body.
    """
    year = data.get("year") if isinstance(data, dict) else None
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError("日程缺少整数 year / schedule needs an integer 'year'")
    lists = [data.get("holidays", []), data.get("workdays", [])]
    if not all(isinstance(v, list) and all(isinstance(s, str) for s in v) for v in lists):
        raise ValueError("holidays/workdays 必须是日期字符串列表 / must be lists of 'YYYY-MM-DD' strings")
    holidays, workdays = ({_parse_day(s, year) for s in v} for v in lists)
    return year, holidays, workdays


class WorkingCalendar:
    """Working days and working-day deadlines for the hotline (see module docstring for the sources)."""

    def __init__(self) -> None:
        self._schedules: dict[int, _Schedule] = {}

    def load_schedule(self, year: int, holidays: set[date], workdays: set[date]) -> None:
        """Install the official schedule for ``year``; it replaces package data and the estimate.

        ``holidays`` are days off (weekdays off must be listed; weekends may be), ``workdays`` are
        adjusted working days (weekends on). Days in neither follow Mon-Fri. Reloading replaces.
        """
        for day in (*holidays, *workdays):
            if type(day) is not date or day.year != year:
                raise ValueError(f"{day!r} 不是 {year} 年的日期 / is not a date in year {year}")
        clash = set(holidays) & set(workdays)
        if clash:
            days = ", ".join(sorted(map(str, clash)))
            raise ValueError(f"既是假日又是工作日 / both holiday and workday: {days}")
        self._schedules[year] = _Schedule(frozenset(holidays), frozenset(workdays))

    def load_schedule_file(self, path: str | PathLike[str]) -> int:
        """Load a JSON schedule file (shape in ``parse_schedule``); returns the year it covered."""
        with open(path, encoding="utf-8") as handle:
            year, holidays, workdays = parse_schedule(json.load(handle))
        self.load_schedule(year, holidays, workdays)
        return year

    def is_working_day(self, d: date) -> bool:
        """Whether staff work on local date ``d`` (Asia/Shanghai calendar date)."""
        return self._lookup(d)[0]

    def is_provisional(self, d: date) -> bool:
        """Whether the answer for ``d`` is an estimate that an official schedule may still change."""
        return self._lookup(d)[1]

    def _lookup(self, d: date) -> tuple[bool, bool]:
        """(working?, provisional?) from the most authoritative source that knows ``d``."""
        if type(d) is not date:
            raise TypeError(f"expected a datetime.date, got {type(d).__name__}")
        schedule = self._schedules.get(d.year)
        if schedule is not None:
            if d in schedule.holidays or d in schedule.workdays:
                return d in schedule.workdays, False
            return d.weekday() < 5, False
        try:
            return chinese_calendar.is_workday(d), False
        except NotImplementedError:
            return estimated_working_day(d), True

    def _walk(self, start: datetime, n: int) -> tuple[date, bool]:
        """Deadline day for ``n`` working days after ``start``, and whether any day looked at was estimated.

        Skipped days count towards "provisional" too: an estimated holiday may turn out to be a workday.
        """
        day = _require_aware(start, "start").date()
        _require_count(n)
        provisional = False
        counted = 0
        if n > 0:
            day += _ONE_DAY
        while True:
            working, estimated = self._lookup(day)
            provisional |= estimated
            counted += working
            if working and counted >= max(n, 1):
                return day, provisional
            day += _ONE_DAY

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """End (23:59:59 Asia/Shanghai) of the ``n``-th working day after the day of ``start``.

        The call day itself never counts (the rules give departments whole days). ``n == 0`` means
        "today": the end of the start day if it is a working day, else of the next working day.
        """
        day, _ = self._walk(start, n)
        return datetime.combine(day, END_OF_DAY, tzinfo=SHANGHAI)

    def deadline_is_provisional(self, start: datetime, n: int) -> bool:
        """True if ``add_working_days(start, n)`` relied on an estimated day and may still move."""
        return self._walk(start, n)[1]

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days ``d`` with local(start).date() < d <= local(end).date(), in Asia/Shanghai.

        The same counting rule as ``add_working_days``: the call day does not count, a day counts once
        the case reaches it. A case finished the day it came in took 0; finished the next working day, 1.
        So for a case closed on a working day, ``working_days_between(start, end) <= n`` exactly when it
        met an ``n``-day deadline. Non-working days never add; the time of day is ignored. For overdue
        checks compare instants with ``add_working_days`` instead. ``end`` before ``start`` is an error.
        """
        first = _require_aware(start, "start")
        last = _require_aware(end, "end")
        if last < first:
            raise ValueError("end 早于 start / end is before start")
        day, stop, count = first.date() + _ONE_DAY, last.date(), 0
        while day <= stop:
            count += self._lookup(day)[0]
            day += _ONE_DAY
        return count
