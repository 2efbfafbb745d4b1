"""The period's figures, counted in the database with GROUP BY over ``hotline_cases``.

Nothing here loads cases one by one, so a period of 100,000 cases costs a handful of aggregate queries.
Every figure is over the cases *registered in the period*, as they stand when the report is made:

- **registered** — all of them; **accepted** — those whose category is in the acceptance scope;
  **acceptance rate** = accepted / registered.
- **on time** — cases with a working-day deadline (``due_at`` set: assignment, direct handling,
  submission) whose handling finished by it: not marked overdue and now in review, feedback or closed.
  **overdue** — cases marked overdue: their handling was still open when ``due_at`` (the end of the last
  working day) passed; the mark stays whatever happens later. **On-time rate** = on time / (on time +
  overdue): cases still in handling before their deadline, or withdrawn before it, are not judged yet.
- **callback rate** = closed cases whose caller was reached on the callback (a satisfaction was recorded)
  / closed cases.
- **satisfaction rate** = (satisfied + basically satisfied) / cases with a recorded satisfaction.
- **average handling time** = mean over closed cases of ``WorkingCalendar.working_days_between``
  (registration day to closing day, Asia/Shanghai; the registration day does not count, holidays and
  weekends never count, adjusted working weekends do).
- **returns** — times a department sent a case back as wrongly assigned (rows of ``hotline_returns``; two
  departments returning a case in one round are two returns); **returned cases** — cases returned at least
  once (their ``returns`` column is above zero); **upheld returns** — returns the dispatcher upheld (the
  dispatch was wrong): they do not count against the department, whose **returns counted** are its returns
  less its upheld ones.
- **extensions** — extension requests the supervision centre granted (some days at least), **extension
  days** the working days they granted (rows of ``hotline_extensions``); **extended cases** — cases with a
  granted extension. On time and overdue are judged against the deadline as extended.

Counts by department attribute a case to every department it names now; a return to the department that
returned it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Select, func, not_, select, true
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from ..calendar import WorkingCalendar
from ..departments import Directory
from ..models import HotlineCase
from ..scope import ACCEPTED, INTAKE_CODES
from .expressions import case_departments, shanghai_day
from .labels import STATUSES, TREATMENTS
from .models import CaseExtension, CaseReturn
from .period import Period, midnight

TREATMENT_CODES = tuple(TREATMENTS)  # None last: not triaged (yet)
STATUS_CODES = tuple(STATUSES)
HANDLED = ("review", "feedback", "closed")
PLEASED = ("satisfied", "basically_satisfied")
Case = HotlineCase  # short, for the long select lists below


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The ratio to four decimal places (0.6667), or None when there is nothing to divide by."""
        return round(self.numerator / self.denominator, 4) if self.denominator else None


@dataclass(frozen=True)
class DepartmentFigures:
    code: str
    cases: int = 0
    on_time: int = 0
    overdue: int = 0
    returns: int = 0
    returns_upheld: int = 0
    extensions: int = 0
    extension_days: int = 0

    @property
    def returns_counted(self) -> int:
        """Returns that count against the department: upheld ones do not (the dispatch was wrong)."""
        return self.returns - self.returns_upheld

    @property
    def on_time_rate(self) -> Ratio:
        return Ratio(self.on_time, self.on_time + self.overdue)


@dataclass(frozen=True)
class Figures:
    period: Period
    generated_at: datetime
    registered: int
    acceptance: Ratio
    on_time: Ratio
    overdue: int
    callback: Ratio
    satisfaction: Ratio
    handling: tuple[int, int]
    """(working days summed over closed cases, closed cases)"""
    returned_cases: int
    extended_cases: int
    by_category: dict[str, int]
    by_treatment: dict[str | None, int]
    by_status: dict[str, int]
    by_department: list[DepartmentFigures]
    by_day: dict[tuple[date, str], int]
    """cases per (Shanghai registration day, category)"""

    @property
    def returns(self) -> int:
        return sum(d.returns for d in self.by_department)

    @property
    def upheld_returns(self) -> int:
        return sum(d.returns_upheld for d in self.by_department)

    @property
    def extensions(self) -> int:
        return sum(d.extensions for d in self.by_department)

    @property
    def extension_days(self) -> int:
        return sum(d.extension_days for d in self.by_department)

    @property
    def average_handling_days(self) -> float | None:
        days, closed = self.handling
        return round(days / closed, 2) if closed else None


def _count(condition) -> object:
    return func.coalesce(func.sum(when((condition, 1), else_=0)), 0)


ACCEPTED_CASE = Case.category.in_(sorted(ACCEPTED))
ON_TIME = Case.due_at.is_not(None) & not_(Case.overdue) & Case.status.in_(HANDLED)
CLOSED = Case.status == "closed"


def _in(period: Period, query: Select) -> Select:
    return query.where(Case.registered_at >= period.start, Case.registered_at < period.end)


def count_figures(session: Session, period: Period, calendar: WorkingCalendar, directory: Directory,
                  generated_at: datetime) -> Figures:
    """Every figure of the period (see the module docstring for the definitions)."""
    totals = session.execute(_in(period, select(
        func.count(), _count(ACCEPTED_CASE), _count(ON_TIME), _count(Case.overdue), _count(CLOSED),
        _count(CLOSED & Case.satisfaction.is_not(None)), _count(Case.satisfaction.is_not(None)),
        _count(Case.satisfaction.in_(PLEASED)), _count(Case.returns > 0)))).one()
    registered, accepted, on_time, overdue, closed, reached, rated, pleased, returned = (int(v) for v in totals)
    return Figures(
        period=period, generated_at=generated_at, registered=registered, acceptance=Ratio(accepted, registered),
        on_time=Ratio(on_time, on_time + overdue), overdue=overdue, callback=Ratio(reached, closed),
        satisfaction=Ratio(pleased, rated), handling=_handling(session, period, calendar), returned_cases=returned,
        extended_cases=_extended_cases(session, period),
        by_category=_grouped(session, period, Case.category, INTAKE_CODES),
        by_treatment=_grouped(session, period, Case.treatment, TREATMENT_CODES),
        by_status=_grouped(session, period, Case.status, STATUS_CODES),
        by_department=_departments(session, period, directory), by_day=_by_day(session, period))


def _grouped(session: Session, period: Period, column, known: tuple) -> dict:
    """Cases per value of ``column``: every known value (zeros too) in order, then any other value found."""
    found = dict(session.execute(_in(period, select(column, func.count()).group_by(column))).all())
    return {**{code: found.pop(code, 0) for code in known}, **dict(sorted(found.items(), key=lambda i: str(i[0])))}


def _departments(session: Session, period: Period, directory: Directory) -> list[DepartmentFigures]:
    """Cases, on time, overdue and returns per department (departments with none of them are left out)."""
    names = case_departments(session.get_bind().dialect.name)
    cases = session.execute(_in(period, select(names.c.value, func.count(), _count(ON_TIME), _count(Case.overdue))
                                .select_from(Case).join(names, true()).group_by(names.c.value))).all()
    returns = {code: (int(n), int(upheld)) for code, n, upheld in session.execute(_in(period, select(
        CaseReturn.department, func.count(), _count(CaseReturn.upheld.is_(True)))
        .join(Case, Case.instance_id == CaseReturn.instance_id).group_by(CaseReturn.department)))}
    granted = {code: (int(n), int(days)) for code, n, days in session.execute(_in(period, select(
        CaseExtension.department, func.count(), func.sum(CaseExtension.granted_days))
        .join(Case, Case.instance_id == CaseExtension.instance_id).where(CaseExtension.granted_days > 0)
        .group_by(CaseExtension.department)))}
    figures = {code: DepartmentFigures(code, int(n), int(on_time), int(late)) for code, n, on_time, late in cases}
    for code in {*returns, *granted}:
        (n, upheld), (extended, days) = returns.get(code, (0, 0)), granted.get(code, (0, 0))
        figures[code] = replace(figures.get(code, DepartmentFigures(code)), returns=n, returns_upheld=upheld,
                                extensions=extended, extension_days=days)
    order = {code: i for i, code in enumerate(directory.codes)}
    return sorted(figures.values(), key=lambda d: (order.get(d.code, len(order)), d.code))


def _extended_cases(session: Session, period: Period) -> int:
    """Cases with at least one extension granted."""
    extended = select(CaseExtension.instance_id).where(CaseExtension.granted_days > 0)
    return int(session.scalar(_in(period, select(func.count()).where(Case.instance_id.in_(extended)))))


def _handling(session: Session, period: Period, calendar: WorkingCalendar) -> tuple[int, int]:
    """Working days from registration to closing, summed over closed cases: one calendar walk per distinct
    (registration day, closing day) pair, of which there are at most a few thousand however many cases."""
    registered, ended = shanghai_day(Case.registered_at), shanghai_day(Case.ended_at)
    pairs = session.execute(_in(period, select(registered, ended, func.count()).where(CLOSED)
                                .group_by(registered, ended))).all()
    days = sum(n * calendar.working_days_between(midnight(_day(first)), midnight(_day(last)))
               for first, last, n in pairs)
    return days, sum(n for _, _, n in pairs)


def _by_day(session: Session, period: Period) -> dict[tuple[date, str], int]:
    day = shanghai_day(Case.registered_at)
    rows = session.execute(_in(period, select(day, Case.category, func.count()).group_by(day, Case.category)))
    return {(_day(d), category): n for d, category, n in rows}


def _day(value) -> date:
    return date.fromisoformat(str(value))


def overdue_cases(session: Session, period: Period, limit: int) -> list[Case]:
    """The period's overdue cases, longest overdue first (a report lists a bounded number of them)."""
    return list(session.scalars(_in(period, select(Case).where(Case.overdue)
                                    .order_by(Case.due_at, Case.number).limit(limit))))
