"""Hot spots: a topic rising above its own baseline is raised with the calls behind it; a flat level raises nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from processes.reports.page import render_html
from processes.reports.period import Period
from processes.reports.report import gather
from tests.hotline_helpers import CALLER


def call_a_day(api, days, subject="人民路停水", content="人民路一带停水。"):
    """One call a day at 10:00 Beijing time, for ``days`` days from the fixture's Monday 30 November 2026."""
    for _ in range(days):
        api.register(subject=subject, content=content, caller={**CALLER, "phone": "13700000000"})
        api.clock.advance(timedelta(days=1))


def topics(found):
    return {(spot["topic"]["kind"], spot["topic"]["value"]) for spot in found}


def test_twelve_calls_about_one_road_in_two_days_against_one_a_day_are_raised(api):
    call_a_day(api, 28)  # 30 Nov to 27 Dec: 人民路 once a day (the clock is now 28 Dec, 09:00)
    for hour in range(12):  # 28 and 29 Dec: twelve neighbours call about 人民路
        api.register(subject="人民路又停水了", content="人民路从昨天起停水。",
                     caller={**CALLER, "phone": f"1390000{hour:04d}"})
        api.clock.advance(timedelta(hours=3))
    found = api.get("supervisor", "/hotspots?from=2026-12-28&to=2026-12-29").get_json()
    road = [spot for spot in found if spot["topic"] == {"kind": "place", "value": "人民路"}]
    assert [(spot["day"], spot["count"], spot["baseline"]) for spot in road] == [("2026-12-29", 12, 1.0)]
    assert road[0]["score"] >= 3
    assert len(road[0]["calls"]) == 12 and road[0]["calls"][0]["subject"] == "人民路又停水了"
    assert ("word", "水") in topics(found)
    daily = render_html(gather(api.hotline, Period.of_days(date(2026, 12, 29), date(2026, 12, 29))),
                        api.hotline.directory, "zh")
    assert "<td>2026-12-29</td><td>地点：人民路</td><td>12</td><td>1.00</td>" in daily
    assert "热点话题每日来电" in daily and "地点：人民路</text>" in daily  # the chart, its legend naming the road
    quiet = render_html(gather(api.hotline, Period.of_days(date(2026, 12, 20), date(2026, 12, 26))),
                        api.hotline.directory, "en")
    assert "No topic rose above its usual level in this period." in quiet


def test_a_flat_week_raises_nothing(api):
    call_a_day(api, 35)
    assert api.get("leader", "/hotspots?from=2026-12-28&to=2027-01-03").get_json() == []


def test_a_new_hotline_has_no_baseline_yet_so_nothing_is_raised(api):
    for _ in range(10):
        api.register()
    assert api.get("supervisor", "/hotspots?from=2026-11-30&to=2026-11-30").get_json() == []


@pytest.mark.parametrize("user", ["operator", "dispatcher", "water", "designer"])
def test_only_supervisors_leaders_auditors_and_admins_see_hot_spots(api, user):
    assert api.get(user, "/hotspots").status_code == 403


@pytest.mark.parametrize("query", ["from=2026-12-31&to=2026-12-01", "from=2026-01-01&to=2026-12-31", "from=x",
                                   "colour=red"])
def test_a_bad_period_is_refused(api, query):
    response = api.get("auditor", f"/hotspots?{query}")
    assert response.status_code == 400, response.get_json()
