"""Working-day calendar: real chinese_calendar data for 2025/2026, the estimate for 2027+, loaded schedules.

Holiday facts used below come from chinesecalendar 1.11.0 (the State Council announcements):
2025 National Day Oct 1-8 with Sun Sep 28 and Sat Oct 11 worked; 2026 Mid-Autumn Fri Sep 25,
National Day Oct 1-7 with Sun Sep 20 and Sat Oct 10 worked. The package has no 2027 data.
"""

import json
from datetime import UTC, date, datetime, timedelta, timezone

import chinese_calendar
import pytest

from processes.calendar import SHANGHAI, WorkingCalendar, estimated_working_day, parse_schedule


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, tzinfo=SHANGHAI)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def test_package_data_is_what_these_tests_assume():
    assert not chinese_calendar.is_workday(date(2026, 9, 25))  # Mid-Autumn, a Friday
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # adjusted working Saturday
    assert chinese_calendar.is_workday(date(2025, 9, 28))  # adjusted working Sunday
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


def test_friday_before_2026_national_day_deadline_lands_after_the_holiday(cal):
    start = at(2026, 9, 25)  # Friday before Oct 1; itself the Mid-Autumn holiday
    # counted: Mon 28, Tue 29, Wed 30, (Oct 1-7 off), Thu Oct 8, Fri Oct 9
    assert cal.add_working_days(start, 5) == end_of(2026, 10, 9)
    assert not cal.deadline_is_provisional(start, 5)


def test_adjusted_working_saturday_2026_counts(cal):
    assert cal.is_working_day(date(2026, 10, 10))
    assert cal.add_working_days(at(2026, 9, 25), 6) == end_of(2026, 10, 10)


def test_adjusted_working_sunday_2025_counts(cal):
    start = at(2025, 9, 26)  # Friday; Sun Sep 28 is worked before the 2025 National Day break
    assert cal.is_working_day(date(2025, 9, 28))
    assert cal.add_working_days(start, 1) == end_of(2025, 9, 28)
    # Sep 28, 29, 30, (Oct 1-8 off), Oct 9, Oct 10
    assert cal.add_working_days(start, 5) == end_of(2025, 10, 10)


def test_ordinary_weekend_and_holiday_are_off(cal):
    assert not cal.is_working_day(date(2026, 10, 3))
    assert not cal.is_working_day(date(2026, 9, 26))  # plain Saturday
    assert cal.is_working_day(date(2026, 9, 28))
    assert not cal.is_provisional(date(2026, 9, 28))


def test_call_day_does_not_count_and_deadline_is_end_of_day(cal):
    assert cal.add_working_days(at(2026, 9, 28, hour=8), 1) == end_of(2026, 9, 29)
    assert cal.add_working_days(at(2026, 9, 28, hour=23), 1) == end_of(2026, 9, 29)


def test_zero_days_means_end_of_today_or_next_working_day(cal):
    assert cal.add_working_days(at(2026, 9, 29), 0) == end_of(2026, 9, 29)
    assert cal.add_working_days(at(2026, 10, 3), 0) == end_of(2026, 10, 8)


def test_start_is_converted_to_shanghai_and_result_is_shanghai(cal):
    # 17:00 UTC on Tue Sep 29 is 01:00 on Wed Sep 30 in Shanghai, so the first counted day is Oct 8
    deadline = cal.add_working_days(datetime(2026, 9, 29, 17, 0, tzinfo=UTC), 1)
    assert deadline == end_of(2026, 10, 8)
    assert deadline.tzinfo == SHANGHAI
    assert deadline.utcoffset() == timedelta(hours=8)
    eastern = timezone(timedelta(hours=-5))  # 12:00 there is 01:00 next day in Shanghai
    assert cal.add_working_days(datetime(2026, 9, 29, 12, 0, tzinfo=eastern), 1) == end_of(2026, 10, 8)


def test_deadline_into_unannounced_2027_is_estimated_and_provisional(cal):
    start = at(2026, 12, 28)
    # Dec 29, 30, 31; est. Jan 1 (Fri) off; Jan 4-8; Jan 11, 12
    assert cal.add_working_days(start, 10) == end_of(2027, 1, 12)
    assert cal.deadline_is_provisional(start, 10)
    assert cal.is_provisional(date(2027, 1, 4))
    assert not cal.is_provisional(date(2026, 12, 31))
    assert not cal.deadline_is_provisional(start, 3)  # ends Dec 31, never looks at 2027


def test_a_skipped_estimated_holiday_makes_the_deadline_provisional(cal):
    # Dec 31, 2026 is the 1st working day; Jan 1, 2027 is only looked at for n >= 2
    assert not cal.deadline_is_provisional(at(2026, 12, 30), 1)
    assert cal.deadline_is_provisional(at(2026, 12, 30), 2)


def test_loaded_2027_schedule_replaces_the_estimate(cal):
    cal.load_schedule(2027, holidays={date(2027, 1, 1), date(2027, 1, 4)}, workdays={date(2027, 1, 9)})
    start = at(2026, 12, 28)
    # Dec 29, 30, 31; Jan 1 and Mon Jan 4 off; Jan 5-8; Sat Jan 9 worked; Jan 11, 12
    assert cal.add_working_days(start, 10) == end_of(2027, 1, 12)
    assert cal.add_working_days(start, 9) == end_of(2027, 1, 11)
    assert not cal.deadline_is_provisional(start, 10)
    assert not cal.is_working_day(date(2027, 1, 4))
    assert cal.is_working_day(date(2027, 1, 9))
    assert not cal.is_provisional(date(2027, 2, 8))
    assert cal.is_working_day(date(2027, 2, 8))  # the loaded schedule, not the Spring Festival estimate
    assert cal.is_provisional(date(2028, 1, 3))  # other years stay estimated


def test_loaded_schedule_changes_the_deadline(cal):
    start = at(2026, 12, 28)
    cal.load_schedule(2027, holidays={date(2027, 1, 1), date(2027, 1, 4)}, workdays=set())
    # Dec 29-31; Jan 5-8; Jan 11, 12, 13 -- one day later than the estimate's Jan 12
    assert cal.add_working_days(start, 10) == end_of(2027, 1, 13)


def test_loaded_schedule_overrides_package_data_too(cal):
    cal.load_schedule(2026, holidays={date(2026, 1, 1)}, workdays=set())
    assert cal.is_working_day(date(2026, 10, 5))
    assert not cal.is_working_day(date(2026, 10, 10))
    assert not cal.is_provisional(date(2026, 10, 5))


def test_reloading_a_year_replaces_the_previous_schedule(cal):
    cal.load_schedule(2027, holidays={date(2027, 1, 4)}, workdays=set())
    cal.load_schedule(2027, holidays=set(), workdays=set())
    assert cal.is_working_day(date(2027, 1, 4))


def test_schedule_file_loads(cal, tmp_path):
    path = tmp_path / "2027.json"
    document = {"year": 2027, "holidays": ["2027-01-01", "2027-01-04"], "workdays": ["2027-01-09"]}
    path.write_text(json.dumps(document), encoding="utf-8")
    assert cal.load_schedule_file(path) == 2027
    assert not cal.is_working_day(date(2027, 1, 4))
    assert cal.is_working_day(date(2027, 1, 9))
    assert not cal.deadline_is_provisional(at(2026, 12, 28), 10)


@pytest.mark.parametrize(
    "document",
    [
        ["2027-01-01"],
        {"holidays": [], "workdays": []},
        {"year": "2027", "holidays": [], "workdays": []},
        {"year": 2027, "holidays": "2027-01-01", "workdays": []},
        {"year": 2027, "holidays": ["2028-01-01"], "workdays": []},
        {"year": 2027, "holidays": ["2027-13-01"], "workdays": []},
    ],
)
def test_bad_schedule_documents_are_refused(document):
    with pytest.raises(ValueError):
        parse_schedule(document)


def test_bad_schedules_are_refused(cal):
    with pytest.raises(ValueError):
        cal.load_schedule(2027, holidays={date(2028, 1, 1)}, workdays=set())
    with pytest.raises(ValueError):
        cal.load_schedule(2027, holidays={date(2027, 1, 9)}, workdays={date(2027, 1, 9)})
    assert cal.is_provisional(date(2027, 1, 9))  # nothing was half-loaded


@pytest.mark.parametrize("n", [-1, 1.0, True, "3"])
def test_bad_working_day_counts_raise(cal, n):
    with pytest.raises(ValueError):
        cal.add_working_days(at(2026, 9, 28), n)
    with pytest.raises(ValueError):
        cal.deadline_is_provisional(at(2026, 9, 28), n)


def test_naive_datetimes_raise(cal):
    naive = datetime(2026, 9, 28, 10)
    with pytest.raises(ValueError):
        cal.add_working_days(naive, 5)
    with pytest.raises(ValueError):
        cal.working_days_between(naive, at(2026, 10, 9))
    with pytest.raises(ValueError):
        cal.working_days_between(at(2026, 9, 28), naive)


def test_datetimes_are_not_dates(cal):
    with pytest.raises(TypeError):
        cal.is_working_day(at(2026, 9, 28))


def test_working_days_between(cal):
    assert cal.working_days_between(at(2026, 9, 28, 9), at(2026, 9, 28, 17)) == 0
    assert cal.working_days_between(at(2026, 9, 28), at(2026, 9, 29)) == 1
    assert cal.working_days_between(at(2026, 9, 25), at(2026, 10, 9)) == 5
    assert cal.working_days_between(at(2026, 9, 30), at(2026, 10, 7)) == 0  # all holiday
    with pytest.raises(ValueError):
        cal.working_days_between(at(2026, 10, 9), at(2026, 9, 25))


@pytest.mark.parametrize("start", [at(2025, 9, 26), at(2026, 2, 13), at(2026, 9, 25), at(2026, 12, 28)])
@pytest.mark.parametrize("n", [1, 5, 10, 15])
def test_between_inverts_add(cal, start, n):
    assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_estimate_rules_for_2027_and_later():
    assert not estimated_working_day(date(2027, 1, 1))
    assert not estimated_working_day(date(2027, 2, 8))  # Spring Festival week (New Year Feb 6)
    assert estimated_working_day(date(2027, 2, 15))
    assert not estimated_working_day(date(2027, 4, 5))  # Qingming
    assert not estimated_working_day(date(2027, 5, 5))
    assert not estimated_working_day(date(2027, 6, 9))  # Dragon Boat
    assert not estimated_working_day(date(2027, 9, 15))  # Mid-Autumn
    assert not estimated_working_day(date(2027, 10, 7))
    assert estimated_working_day(date(2027, 10, 8))
    assert not estimated_working_day(date(2031, 10, 8))  # Mid-Autumn on Oct 1 lengthens the break
    assert not estimated_working_day(date(2031, 4, 7))  # Qingming on Saturday -> Monday off
    assert not estimated_working_day(date(2040, 10, 3))  # beyond the lunar table: fixed dates only
    assert estimated_working_day(date(2040, 10, 8))


@pytest.mark.parametrize("year", [2025, 2026])
def test_estimate_is_close_to_official_years(year):
    """The estimate, applied to announced years, only misses make-up weekends and rare bridging days."""
    day, weekday_misses = date(year, 1, 1), []
    while day.year == year:
        official = chinese_calendar.is_workday(day)
        if official != estimated_working_day(day):
            if day.weekday() >= 5:
                assert official, f"{day}: the estimate only ever misses make-up working weekends"
            else:
                weekday_misses.append(day)
        day += timedelta(days=1)
    assert len(weekday_misses) <= 1, weekday_misses
