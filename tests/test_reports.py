"""Reports for the county government: every figure of a known fortnight, counted in the database (both)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from engine.clock import SimulatedClock
from processes.reports.figures import Ratio
from processes.reports.models import CaseReturn
from processes.reports.period import Period, PeriodError, parse_bound, period_between
from processes.reports.report import gather, summarize
from processes.reports.tables import summary_document
from processes.service import Hotline
from tests import report_helpers as known
from tests.hotline_helpers import shanghai

PERIOD = Period.of_days(known.FIRST_DAY, known.LAST_DAY)


@pytest.fixture
def played(db):
    """The fortnight played on the test database, and the hotline as read on 12 October 17:00."""
    url = db.url.render_as_string(hide_password=False)
    numbers = known.fortnight(url)
    return Hotline.open(url, SimulatedClock(known.READ_AT)), numbers


def test_the_fortnight_leaves_each_case_as_described(played):
    hotline, numbers = played
    for name, (category, treatment, status, _) in known.CASES.items():
        case = hotline.case(numbers[name])
        assert (name, case.category, case.treatment, case.status) == (name, category, treatment, status)
    assert [hotline.case(numbers[n]).registered_at for n in "KJ"] == [shanghai(2026, 9, 27, 23, 30),
                                                                    shanghai(2026, 10, 1, 0, 10)]


def test_every_figure_of_the_period_is_exact(played):
    hotline, _ = played
    document = summary_document(summarize(hotline, PERIOD), hotline.directory, "en")
    assert document["indicators"] == known.INDICATORS
    assert {row["code"]: row["count"] for row in document["by_category"]} == known.BY_CATEGORY
    assert {row["code"]: row["count"] for row in document["by_treatment"]} == known.BY_TREATMENT
    assert {row["code"]: row["count"] for row in document["by_status"]} == known.BY_STATUS
    assert [tuple(row[c] for c in known.DEPARTMENT_COLUMNS) for row in document["by_department"]] == known.BY_DEPARTMENT
    assert document["period"] == {"start": shanghai(2026, 9, 28), "end": shanghai(2026, 10, 1),
                                  "first_day": known.FIRST_DAY, "last_day": known.LAST_DAY}
    assert document["generated_at"] == known.READ_AT
    assert (document["by_treatment"][-1], document["by_department"][0]["name"]) == (
        {"code": None, "name": "Not triaged", "count": 2}, "Housing and Urban-Rural Development Bureau")


def test_cases_per_day_by_category_count_by_the_shanghai_day(played):
    figures = summarize(played[0], PERIOD)
    assert figures.by_day == {
        (date(2026, 9, 28), "livelihood"): 1, (date(2026, 9, 28), "social_affairs"): 1,
        (date(2026, 9, 28), "departmental_policy"): 1, (date(2026, 9, 28), "out_of_scope"): 1,
        (date(2026, 9, 29), "livelihood"): 2, (date(2026, 9, 29), "government_work"): 1,
        (date(2026, 9, 30), "development"): 1, (date(2026, 9, 30), "livelihood"): 1,
        (date(2026, 9, 30), "departmental_policy"): 1, (date(2026, 9, 30), "social_affairs"): 1,  # L at 23:30
    }


def test_the_projection_records_which_department_returned_a_case(played):
    hotline, numbers = played
    with hotline.engine.session() as session:
        rows = session.execute(select(CaseReturn.instance_id, CaseReturn.department, CaseReturn.returned_at)
                               .order_by(CaseReturn.id)).all()
    ids = {hotline.case(numbers[n]).instance_id: n for n in "KEG"}
    assert [(ids[i], department, at) for i, department, at in rows] == [
        ("K", "water", shanghai(2026, 9, 27, 23, 30)), ("E", "housing", shanghai(2026, 9, 29, 9)),
        ("G", "water", shanghai(2026, 9, 29, 9)), ("G", "housing", shanghai(2026, 9, 29, 9))]


def test_the_overdue_list_and_a_week_that_takes_in_the_later_calls(played):
    hotline, numbers = played
    report = gather(hotline, Period.of_days(date(2026, 9, 27), date(2026, 10, 4)))
    assert [case.number for case in report.overdue] == [numbers["B"]]
    assert (report.figures.registered, report.figures.returns, report.figures.returned_cases) == (13, 4, 3)


def test_a_period_without_cases_counts_zero_and_leaves_rates_empty(played):
    figures = summarize(played[0], Period.of_days(date(2026, 8, 1), date(2026, 8, 31)))
    document = summary_document(figures, played[0].directory, "zh")
    empty = {key: None if key.endswith("_rate") or key == "average_handling_days" else 0 for key in known.INDICATORS}
    assert document["indicators"] == empty
    assert document["by_department"] == []
    assert document["by_category"][0] == {"code": "government_work", "name": "政府工作", "count": 0}


def test_ratios_round_to_four_places_and_divide_nothing_by_zero():
    assert (Ratio(2, 3).value, Ratio(10, 11).value, Ratio(0, 0).value, Ratio(0, 4).value) == (0.6667, 0.9091, None, 0.0)


# -- periods ------------------------------------------------------------------------------------------
TODAY = date(2026, 10, 12)


@pytest.mark.parametrize(("from_", "to", "start", "end"), [
    ("2026-09-28", "2026-09-30", shanghai(2026, 9, 28), shanghai(2026, 10, 1)),            # `to` day included
    ("2026-09-28", "2026-09-28", shanghai(2026, 9, 28), shanghai(2026, 9, 29)),            # one day
    ("2026-09-30T23:00:00+08:00", "2026-09-30T16:30:00Z", shanghai(2026, 9, 30, 23),       # instants: `to` excluded
     shanghai(2026, 10, 1, 0, 30)),
    ("2026-09-28", "2026-10-01T00:00:00+08:00", shanghai(2026, 9, 28), shanghai(2026, 10, 1)),
    (None, "2026-09-30", shanghai(2026, 9, 1), shanghai(2026, 10, 1)),                     # from the 1st
    ("2026-10-01", None, shanghai(2026, 10, 1), shanghai(2026, 10, 13)),                   # to today, included
    (None, None, shanghai(2026, 10, 1), shanghai(2026, 10, 13)),
])
def test_a_period_is_read_from_shanghai_days_or_instants(from_, to, start, end):
    period = period_between(from_ and parse_bound(from_, "from"), to and parse_bound(to, "to"), TODAY)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(("field", "from_", "to", "message"), [
    ("from", "2026-09-31", "2026-09-30", "not an ISO 8601 date or date-time: '2026-09-31'"),
    ("to", "2026-09-01", "yesterday", "not an ISO 8601 date or date-time: 'yesterday'"),
    ("to", "2026-09-01", "2026-09-30T10:00", "give the time zone, e.g. 2026-09-28T09:00:00+08:00"),
    ("from", "1999-12-31", "2026-09-30", "the year must be 2000-2099"),
    ("to", "2026-09-01", "2100-01-01", "the year must be 2000-2099"),
    ("from", "2026-10-02", "2026-10-01", "from must come before to (the period is empty)"),
    ("from", "2026-10-01T00:00:00+08:00", "2026-09-30T16:00:00Z", "from must come before to"),  # the same instant
    ("from", "2026-10-13", None, "from must come before to"),                                   # after today
])
def test_bad_bounds_are_refused_naming_the_field(field, from_, to, message):
    with pytest.raises(PeriodError, match=re.escape(message)) as refused:
        period_between(from_ and parse_bound(from_, "from"), to and parse_bound(to, "to"), TODAY)
    assert refused.value.field == field


def test_a_period_reads_as_days_or_as_instants():
    assert (PERIOD.label(), PERIOD.slug(), PERIOD.days()) == (
        "2026-09-28 – 2026-09-30", "2026-09-28_2026-09-30", [date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)])
    instants = Period(shanghai(2026, 9, 30, 23), shanghai(2026, 10, 1, 0, 30))
    assert instants.label() == "2026-09-30T23:00:00+08:00 – 2026-10-01T00:30:00+08:00"
    assert (instants.days(), Period.of_days(known.FIRST_DAY, known.FIRST_DAY).label()) == (
        [date(2026, 9, 30), date(2026, 10, 1)], "2026-09-28")
