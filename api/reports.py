"""``/reports``: the period's figures for the county government, as JSON, CSV or an Excel workbook."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from processes.reports.exports import XLSX_MIMETYPE, to_csv, to_xlsx
from processes.reports.period import PeriodError, parse_bound
from processes.reports.report import period_for, summarize
from processes.reports.tables import summary_document, tables

from .auth import hotline, roles
from .errors import problem
from .i18n import language, text

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Reports for the county government")
FORMATS = ("json", "csv", "xlsx")


class PeriodBound(fields.String):
    """An ISO date (a Shanghai calendar day) or an ISO date-time with its offset."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_bound(super()._deserialize(value, attr, data, **kwargs), self.data_key or attr)
        except PeriodError as err:
            raise ValidationError(text(err.zh, err.en)) from None


class ReportSummaryQuery(Schema):
    from_ = PeriodBound(data_key="from", metadata={
        "description": "first day (YYYY-MM-DD, Asia/Shanghai) or instant (ISO 8601 with offset); "
                       "default: the first day of the month of `to`", "example": "2026-09-28"})
    to = PeriodBound(metadata={
        "description": "last day, inclusive (YYYY-MM-DD, Asia/Shanghai) or instant, exclusive (ISO 8601 with "
                       "offset); default: today", "example": "2026-09-30"})
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS),
                           metadata={"description": "json, csv (one figure a line) or xlsx (one sheet per table)"})


class ReportPeriodOut(Schema):
    start = fields.DateTime(metadata={"description": "first instant of the period"})
    end = fields.DateTime(metadata={"description": "the instant just after the period (exclusive)"})
    first_day = fields.Date()
    last_day = fields.Date()


class ReportIndicatorsOut(Schema):
    registered = fields.Integer()
    accepted = fields.Integer()
    acceptance_rate = fields.Float(allow_none=True, metadata={"description": "accepted / registered"})
    on_time = fields.Integer()
    overdue = fields.Integer()
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "on_time / (on_time + overdue)"})
    closed = fields.Integer()
    called_back = fields.Integer(metadata={"description": "closed cases whose caller was reached"})
    callback_rate = fields.Float(allow_none=True, metadata={"description": "called_back / closed"})
    rated = fields.Integer(metadata={"description": "cases with a recorded satisfaction"})
    satisfied = fields.Integer(metadata={"description": "satisfied or basically satisfied"})
    satisfaction_rate = fields.Float(allow_none=True, metadata={"description": "satisfied / rated"})
    handling_working_days = fields.Integer(metadata={"description": "working days summed over closed cases"})
    average_handling_days = fields.Float(allow_none=True, metadata={"description": "handling_working_days / closed"})
    returns = fields.Integer(metadata={"description": "times departments returned cases"})
    returned_cases = fields.Integer(metadata={"description": "cases returned at least once"})
    upheld_returns = fields.Integer(metadata={"description": "returns the dispatcher upheld (not counted against "
                                                              "the department)"})
    extended_cases = fields.Integer(metadata={"description": "cases with a deadline extension granted"})
    extensions = fields.Integer(metadata={"description": "extension requests granted"})
    extension_days = fields.Integer(metadata={"description": "working days granted by extensions"})


class ReportCountOut(Schema):
    code = fields.String(allow_none=True)
    name = fields.String()
    count = fields.Integer()


class ReportDepartmentOut(Schema):
    code = fields.String()
    name = fields.String()
    cases = fields.Integer()
    on_time = fields.Integer()
    overdue = fields.Integer()
    on_time_rate = fields.Float(allow_none=True)
    returns = fields.Integer()
    returns_upheld = fields.Integer(metadata={"description": "its returns the dispatcher upheld"})
    returns_counted = fields.Integer(metadata={"description": "its returns less the upheld ones"})
    extensions = fields.Integer(metadata={"description": "its extension requests granted"})
    extension_days = fields.Integer(metadata={"description": "working days its extensions were granted"})


class ReportSummaryOut(Schema):
    period = fields.Nested(ReportPeriodOut)
    generated_at = fields.DateTime()
    indicators = fields.Nested(ReportIndicatorsOut)
    by_category = fields.List(fields.Nested(ReportCountOut))
    by_treatment = fields.List(fields.Nested(ReportCountOut))
    by_status = fields.List(fields.Nested(ReportCountOut))
    by_department = fields.List(fields.Nested(ReportDepartmentOut))


@blp.route("/summary", methods=["GET"])
@roles("leader", "supervisor", "auditor")
@blp.arguments(ReportSummaryQuery, location="query")
@blp.response(200, ReportSummaryOut, description="the summary; `format=csv` and `format=xlsx` give files")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv", success=True,
                  description="format=csv: one figure a line (table, code, name, measure, value)")
@blp.alt_response(200, schema={"type": "string", "format": "binary"}, content_type=XLSX_MIMETYPE, success=True,
                  description="format=xlsx: one sheet per table")
def summary(query):
    """Counts by category, treatment, status and department, and the hotline's indicators, for a period.

    Cases count by registration time; see the README's "Reports" section for each indicator's definition.
    """
    try:
        period = period_for(hotline(), query.get("from_"), query.get("to"))
    except PeriodError as err:
        invalid = text("请求数据不符合要求", "the request data is invalid")
        return problem(400, invalid, {err.field: [text(err.zh, err.en)]})
    figures, lang = summarize(hotline(), period), language()
    if query["format"] == "json":
        return summary_document(figures, hotline().directory, lang)
    laid_out = tables(figures, hotline().directory, lang)
    name = f"hotline-summary-{period.slug()}.{query['format']}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if query["format"] == "csv":
        return Response(to_csv(laid_out), mimetype="text/csv", headers=headers)
    return Response(to_xlsx(laid_out, name, figures.generated_at), mimetype=XLSX_MIMETYPE, headers=headers)
