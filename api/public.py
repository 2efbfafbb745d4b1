"""``/public``: what callers may ask without a token — the progress of their own case (进度查询)."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from processes import public

from .auth import hotline
from .errors import problem
from .i18n import language, text

blp = Blueprint("public", __name__, url_prefix="/api/v1/public",
                description="For callers, no token: the progress of one's own case")


class LookupQuery(Schema):
    phone = fields.String(required=True, validate=validate.Regexp(r"^\d{4}$"),
                          metadata={"description": "the last four digits of the phone the call came from"})


class ProgressOut(Schema):
    number = fields.String()
    status = fields.String()
    status_name = fields.String(metadata={"description": "the status in the reader's language"})
    treatment = fields.String(allow_none=True)
    treatment_name = fields.String(metadata={"description": "the treatment in the reader's language"})
    registered_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True, metadata={"description": "the working-day deadline (end of its day)"})
    overdue = fields.Boolean()
    ended_at = fields.DateTime(allow_none=True)
    reply = fields.String(allow_none=True, metadata={"description": "the reply to the caller, once closed"})


@blp.route("/cases/<string:number>", methods=["GET"])
@blp.doc(security=[])
@blp.arguments(LookupQuery, location="query")
@blp.response(200, ProgressOut)
@blp.alt_response(404, description="no case with that number and phone (any wrong pair)")
@blp.alt_response(429, description="too many wrong pairs from this address; see Retry-After")
def progress(query, number):
    """A caller's progress lookup: the case number and the last four digits of the caller's phone. Never personal
    data; any wrong pair is 404, and an address that keeps guessing is refused for a minute (429)."""
    return public.lookup(hotline(), request.remote_addr or "", number, query["phone"], language())


@blp.errorhandler(public.TooManyAttempts)
def _too_many(error: public.TooManyAttempts):
    response = problem(429, text(f"错误的查询过多，请 {error.retry_after} 秒后再试",
                                 f"too many wrong lookups; try again in {error.retry_after} s"))
    response.headers["Retry-After"] = str(error.retry_after)
    return response
