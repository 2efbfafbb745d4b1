"""``GET /reports/summary`` as county leaders, the supervision centre and auditors use it (both databases)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests import report_helpers as known
from tests.api_helpers import Api

PERIOD = "from=2026-09-28&to=2026-09-30"


@pytest.fixture
def played(db):
    """The fortnight played first (on its own clock), then the API over the same database."""
    url = db.url.render_as_string(hide_password=False)
    known.fortnight(url)
    return Api(url)


def test_the_json_summary_has_every_figure(played):
    response = played.get("leader", f"/reports/summary?{PERIOD}", headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["indicators"] == known.INDICATORS
    assert {row["code"]: row["count"] for row in body["by_category"]} == known.BY_CATEGORY
    assert {row["code"]: row["count"] for row in body["by_treatment"]} == known.BY_TREATMENT
    assert {row["code"]: row["count"] for row in body["by_status"]} == known.BY_STATUS
    assert [tuple(row[c] for c in known.DEPARTMENT_COLUMNS) for row in body["by_department"]] == known.BY_DEPARTMENT
    assert body["period"] == {"start": "2026-09-28T00:00:00+08:00", "end": "2026-10-01T00:00:00+08:00",
                              "first_day": "2026-09-28", "last_day": "2026-09-30"}
    assert (body["by_status"][-2]["name"], body["by_department"][1]["name"]) == ("Closed", "Urban Management Bureau")


def test_names_follow_the_readers_language(played):
    body = played.get("supervisor", f"/reports/summary?{PERIOD}").get_json()
    assert (body["by_status"][-2]["name"], body["by_department"][1]["name"]) == ("已办结", "县城市管理局")


def test_the_csv_summary_has_every_figure(played):
    response = played.get("supervisor", f"/reports/summary?{PERIOD}&format=csv")
    assert (response.status_code, response.mimetype) == (200, "text/csv")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="hotline-summary-2026-09-28_2026-09-30.csv"'
    assert response.data.startswith("\ufefftable,code".encode())  # a byte order mark, for Excel
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    values = {(r["table"], r["code"], r["measure"]): r["value"] for r in rows}
    indicators = ("registered", "acceptance_rate", "on_time_rate", "overdue", "callback_rate", "satisfaction_rate",
                  "average_handling_days", "returns", "returned_cases")
    assert {code: values["indicators", code, "value"] for code in indicators} == {
        code: str(known.INDICATORS[code]) for code in indicators}
    assert [values["indicators", code, part] for code, part in [
        ("on_time_rate", "numerator"), ("on_time_rate", "denominator"), ("callback_rate", "numerator"),
        ("callback_rate", "denominator"), ("average_handling_days", "numerator")]] == ["2", "3", "4", "5", "12"]
    assert {(t, c): int(v) for (t, c, m), v in values.items() if t == "by_category"} == {
        ("by_category", code): n for code, n in known.BY_CATEGORY.items()}
    assert values["by_department", "urban_management", "on_time_rate"] == "0.0"
    assert values["by_department", "housing", "on_time_rate"] == ""


def test_the_workbook_has_one_sheet_per_table(played):
    response = played.get("auditor", f"/reports/summary?{PERIOD}&format=xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["主要指标", "按类别", "按办理方式", "按状态", "按部门"]
    values = {row[0]: row[2] for row in workbook["主要指标"].iter_rows(min_row=2, values_only=True)}
    assert values == {"registered": 11, "acceptance_rate": 0.9091, "on_time_rate": 0.6667, "overdue": 1,
                      "callback_rate": 0.8, "satisfaction_rate": 0.6, "average_handling_days": 2.4, "returns": 3,
                      "returned_cases": 2, "upheld_returns": 1, "extended_cases": 1, "extensions": 1,
                      "extension_days": 2}
    statuses = {row[0]: row[2] for row in workbook["按状态"].iter_rows(min_row=2, values_only=True)}
    assert statuses == known.BY_STATUS
    departments = [(row[0], *row[2:]) for row in workbook["按部门"].iter_rows(min_row=2, values_only=True)]
    assert departments == known.BY_DEPARTMENT


def test_an_instant_bound_counts_to_the_minute(played):
    body = played.get("admin", "/reports/summary?from=2026-09-30T23:00:00%2B08:00&to=2026-09-30T16:05:00Z").get_json()
    assert (body["indicators"]["registered"], body["by_category"][4]) == (
        1, {"code": "social_affairs", "name": "社会事务", "count": 1})   # L at 23:30; J at 00:10 is after 00:05


def test_without_bounds_the_summary_covers_this_month_to_today(api):
    api.register()
    body = api.get("leader", "/reports/summary").get_json()   # the API's clock: Monday 30 November 2026
    assert (body["period"]["first_day"], body["period"]["last_day"], body["indicators"]["registered"]) == (
        "2026-11-01", "2026-11-30", 1)


@pytest.mark.parametrize(("user", "status"), [
    ("leader", 200), ("supervisor", 200), ("auditor", 200), ("admin", 200),
    ("operator", 403), ("dispatcher", 403), ("water", 403), ("designer", 403),
])
def test_only_leaders_the_supervision_centre_auditors_and_admins_read_reports(api, user, status):
    for fmt in ("json", "csv", "xlsx"):
        response = api.get(user, f"/reports/summary?{PERIOD}&format={fmt}")
        assert response.status_code == status
    if status == 403:
        assert response.mimetype == "application/problem+json"


def test_no_token_gets_401(api):
    assert api.get(None, "/reports/summary").status_code == 401


@pytest.mark.parametrize(("query", "field", "message"), [
    ("from=2026-09-31", "from", "not an ISO 8601 date or date-time: '2026-09-31'"),
    ("to=last-week", "to", "not an ISO 8601 date or date-time: 'last-week'"),
    ("from=2026-09-28T09:00", "from", "give the time zone, e.g. 2026-09-28T09:00:00+08:00"),
    ("from=1999-01-01", "from", "the year must be 2000-2099"),
    ("from=2026-10-02&to=2026-10-01", "from", "from must come before to (the period is empty)"),
    ("from=2026-10-01T00:00:00Z&to=2026-10-01T08:00:00%2B08:00", "from", "from must come before to"),
    ("format=pdf", "format", "Must be one of: json, csv, xlsx."),
    ("from=2026-09-28&page=2", "page", "Unknown field."),
])
def test_bad_query_parameters_get_a_400_problem_naming_the_field(api, query, field, message):
    response = api.get("leader", f"/reports/summary?{query}", headers={"Accept-Language": "en"})
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    body = response.get_json()
    assert body["errors"][field][0].startswith(message), body
    assert body["detail"] == "the request data is invalid"


def test_bad_query_messages_are_in_chinese_by_default(api):
    body = api.get("leader", "/reports/summary?from=2026-10-02&to=2026-10-01").get_json()
    assert body["errors"] == {"from": ["开始须早于结束（期间为空）"]}
