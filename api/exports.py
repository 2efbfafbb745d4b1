"""``/exports``: the audit history as process-mining logs (XES, OCEL 2.0) for auditors, streamed as it is read."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema

from processes.exports.logs import MEDIA_TYPES, export, file_name
from processes.reports.period import PeriodError
from processes.reports.report import period_for

from .auth import hotline, roles
from .errors import problem
from .i18n import text
from .reports import PeriodBound

blp = Blueprint("exports", __name__, url_prefix="/api/v1/exports",
                description="Process-mining logs of the history (XES, OCEL 2.0)")


class ExportQuery(Schema):
    from_ = PeriodBound(data_key="from", metadata={
        "description": "first day (YYYY-MM-DD, Asia/Shanghai) or instant (ISO 8601 with offset) of registration; "
                       "default: the first day of the month of `to`", "example": "2026-11-30"})
    to = PeriodBound(metadata={"description": "last day, inclusive, or instant, exclusive; default: today",
                               "example": "2026-12-13"})


def _streamed(kind: str, query: dict) -> Response:
    try:
        period = period_for(hotline(), query.get("from_"), query.get("to"))
    except PeriodError as err:
        invalid = text("请求数据不符合要求", "the request data is invalid")
        return problem(400, invalid, {err.field: [text(err.zh, err.en)]})
    headers = {"Content-Disposition": f'attachment; filename="{file_name(kind, period)}"'}
    return Response(export(hotline(), kind, period), mimetype=MEDIA_TYPES[kind], headers=headers)


@blp.route("/xes", methods=["GET"])
@roles("auditor")
@blp.arguments(ExportQuery, location="query")
@blp.response(200, {"type": "string"}, content_type="application/xml",
              description="an XES (IEEE 1849) log: one trace per case registered in the period")
def xes(query):
    """The period's cases as an XES log: activities, times, lifecycle transitions, roles and departments (never a
    person), case attributes; callers' data left out, confidential subjects dropped."""
    return _streamed("xes", query)


@blp.route("/ocel", methods=["GET"])
@roles("auditor")
@blp.arguments(ExportQuery, location="query")
@blp.response(200, {"type": "object"}, content_type="application/json",
              description="an OCEL 2.0 JSON log: cases, departments and callers (pseudonyms) with their events")
def ocel(query):
    """The period's cases as an object-centric OCEL 2.0 log (object types case, department, caller)."""
    return _streamed("ocel", query)
