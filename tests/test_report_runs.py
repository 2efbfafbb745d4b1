"""The scheduled daily and weekly reports, driven by the simulated clock (both databases)."""

from __future__ import annotations

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from api.scheduler import add_report_jobs
from processes.reports.runs import run_daily, run_due, run_weekly, runs
from tests.hotline_helpers import shanghai


@pytest.fixture
def desk(desk):
    desk.clock.set(shanghai(2026, 12, 1, 9))  # Tuesday 1 December 2026
    desk.call(departments=["water"])
    desk.call(category="out_of_scope")
    return desk


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "reports"


def recorded(desk) -> list[tuple]:
    return [(r.kind, r.period_start, r.period_end, r.path, r.at) for r in runs(desk.hotline)]


def test_the_daily_report_covers_the_day_before_now_and_is_written_once(desk, folder):
    desk.advance_to(shanghai(2026, 12, 2, 8))
    run = run_daily(desk.hotline, folder)
    path = folder / "daily" / "hotline-daily-2026-12-01.html"
    assert (run.kind, run.path, run.period_start, run.period_end) == (
        "daily", str(path), shanghai(2026, 12, 1), shanghai(2026, 12, 2))
    assert "2026-12-01 共登记来电 2 件，受理 1 件，受理率 50.0%。" in path.read_text(encoding="utf-8")
    assert run_daily(desk.hotline, folder) is None  # already written
    assert recorded(desk) == [("daily", shanghai(2026, 12, 1), shanghai(2026, 12, 2), str(path),
                               shanghai(2026, 12, 2, 8))]


def test_the_weekly_report_covers_the_last_whole_week(desk, folder):
    desk.advance_to(shanghai(2026, 12, 6, 23))          # Sunday: the week of 30 Nov is not over yet
    assert run_weekly(desk.hotline, folder).period_start == shanghai(2026, 11, 23)
    desk.advance_to(shanghai(2026, 12, 7, 2))           # Monday
    run = run_weekly(desk.hotline, folder, lang="en")
    assert (run.period_start, run.period_end) == (shanghai(2026, 11, 30), shanghai(2026, 12, 7))
    text = (folder / "weekly" / "hotline-weekly-2026-11-30_2026-12-06.html").read_text(encoding="utf-8")
    assert "2026-11-30 – 2026-12-06: 2 call(s) registered, 1 accepted (acceptance rate 50.0%)." in text


def test_the_scheduler_job_writes_what_is_due_from_one_in_the_morning(desk, folder):
    desk.advance_to(shanghai(2026, 12, 2, 0, 30))       # deadlines that ended at midnight may still be firing
    assert run_due(desk.hotline, folder) == []
    desk.advance_to(shanghai(2026, 12, 2, 1, 0))
    assert [(r.kind, r.period_start) for r in run_due(desk.hotline, folder)] == [
        ("daily", shanghai(2026, 12, 1)), ("weekly", shanghai(2026, 11, 23))]
    assert run_due(desk.hotline, folder) == []
    desk.advance_to(shanghai(2026, 12, 3, 1, 0))
    assert [(r.kind, r.period_start) for r in run_due(desk.hotline, folder)] == [("daily", shanghai(2026, 12, 2))]
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "daily", "daily/hotline-daily-2026-12-01.html", "daily/hotline-daily-2026-12-02.html", "weekly",
        "weekly/hotline-weekly-2026-11-23_2026-11-29.html"]


def test_the_serving_scheduler_checks_for_due_reports_every_minute(desk, folder):
    scheduler = BackgroundScheduler()
    add_report_jobs(scheduler, desk.hotline, folder)
    [job] = scheduler.get_jobs()
    assert (job.id, job.trigger.interval.total_seconds()) == ("reports", 60)
    desk.advance_to(shanghai(2026, 12, 2, 1, 0))
    job.func(*job.args)
    assert [kind for kind, *_ in recorded(desk)] == ["daily", "weekly"]
