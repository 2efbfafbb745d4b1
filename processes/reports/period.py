"""The period a report covers, from what people type.

``from`` and ``to`` are ISO 8601 dates or date-times:

- a date is a calendar day in Asia/Shanghai (the county's day, whatever the server's zone); ``from`` starts
  at its 00:00, and ``to`` is inclusive: the period runs to the end of that day;
- a date-time is an instant and must carry its offset (``2026-09-28T09:00:00+08:00``); ``to`` given as an
  instant is exclusive, as with ``GET /cases``.

Without ``to`` the period ends with today (by the engine clock); without ``from`` it starts on the first day
of the month ``to`` falls in. Cases belong to the period by their registration time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..calendar import SHANGHAI

EARLIEST_YEAR, LATEST_YEAR = 2000, 2099
_DAY = timedelta(days=1)


class PeriodError(ValueError):
    """A bound people typed that makes no period; ``field`` says which one (``from`` or ``to``)."""

    def __init__(self, field: str, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.field, self.zh, self.en = field, zh, en


@dataclass(frozen=True)
class Period:
    """``start <= registered_at < end``, both aware instants."""

    start: datetime
    end: datetime

    @classmethod
    def of_days(cls, first: date, last: date) -> Period:
        """The Shanghai calendar days ``first`` to ``last``, both included."""
        return cls(midnight(first), midnight(last + _DAY))

    @property
    def first_day(self) -> date:
        return self.start.astimezone(SHANGHAI).date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).astimezone(SHANGHAI).date()

    @property
    def whole_days(self) -> bool:
        """Whether the period is made of whole Shanghai days (then it reads as dates, not times)."""
        return all(moment.astimezone(SHANGHAI).timetz().replace(tzinfo=None) == time(0)
                   for moment in (self.start, self.end))

    def days(self) -> list[date]:
        """Every Shanghai calendar day the period touches, in order."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=i) for i in range(count)]

    def label(self) -> str:
        """``2026-09-28 – 2026-09-30`` (or one day, or two instants for a period that is not whole days)."""
        if not self.whole_days:
            return f"{self.start.astimezone(SHANGHAI).isoformat()} – {self.end.astimezone(SHANGHAI).isoformat()}"
        if self.first_day == self.last_day:
            return self.first_day.isoformat()
        return f"{self.first_day.isoformat()} – {self.last_day.isoformat()}"

    def slug(self) -> str:
        """The period for a file name: ``2026-09-28`` or ``2026-09-28_2026-09-30``."""
        first, last = self.first_day.isoformat(), self.last_day.isoformat()
        return first if first == last else f"{first}_{last}"


def midnight(day: date) -> datetime:
    """00:00 of a Shanghai calendar day."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def parse_bound(text: str, field: str) -> date | datetime:
    """An ISO date (a Shanghai calendar day) or an ISO date-time with its offset; ``PeriodError`` otherwise."""
    value = _iso(text, field)
    if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None):
        raise PeriodError(field, "时间须带时区，如 2026-09-28T09:00:00+08:00",
                          "give the time zone, e.g. 2026-09-28T09:00:00+08:00")
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise PeriodError(field, f"年份须在 {EARLIEST_YEAR}–{LATEST_YEAR} 之间",
                          f"the year must be {EARLIEST_YEAR}-{LATEST_YEAR}")
    return value


def _iso(text: str, field: str) -> date | datetime:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            continue
    raise PeriodError(field, f"不是 ISO 8601 日期或时间：{text!r}", f"not an ISO 8601 date or date-time: {text!r}")


def _start(bound: date | datetime) -> datetime:
    return bound if isinstance(bound, datetime) else midnight(bound)


def _end(bound: date | datetime) -> datetime:
    return bound if isinstance(bound, datetime) else midnight(bound + _DAY)


def period_between(from_: date | datetime | None, to: date | datetime | None, today: date) -> Period:
    """The period for the bounds people gave (either may be missing; see the module docstring)."""
    end = _end(to) if to is not None else midnight(today + _DAY)
    last_day = (end - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
    start = _start(from_) if from_ is not None else midnight(last_day.replace(day=1))
    if start >= end:
        raise PeriodError("from", "开始须早于结束（期间为空）", "from must come before to (the period is empty)")
    return Period(start, end)
