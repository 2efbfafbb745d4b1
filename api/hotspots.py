"""``/hotspots``: topics whose calls rise above their own recent level, with the calls behind them."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from processes import hotspots

from .auth import current_user, hotline, roles
from .reports import ReportSummaryQuery

blp = Blueprint("hotspots", __name__, url_prefix="/api/v1", description="Hot spots: rising topics (未诉先办)")


class HotspotQuery(ReportSummaryQuery):
    class Meta:
        exclude = ("format",)


class TopicOut(Schema):
    kind = fields.String(metadata={"description": "category, place or word"})
    value = fields.String()


class HotspotCallOut(Schema):
    number = fields.String()
    registered_at = fields.DateTime()
    status = fields.String()
    subject = fields.String(metadata={"description": "`***` for a confidential case, for roles that may not see it"})


class HotspotOut(Schema):
    day = fields.Date(metadata={"description": "the last day of the two-day window"})
    topic = fields.Nested(TopicOut)
    count = fields.Integer(metadata={"description": "calls in the two days ending with `day`"})
    baseline = fields.Float(metadata={"description": "mean calls a day over the 28 days before"})
    score = fields.Float(metadata={"description": "Poisson z-score of the count against the baseline"})
    calls = fields.List(fields.Nested(HotspotCallOut))


@blp.route("/hotspots")
@roles("supervisor", "leader", "auditor")
@blp.arguments(HotspotQuery, location="query")
@blp.response(200, HotspotOut(many=True))
def list_hotspots(query):
    """Topics (category, place, word of the subject) whose calls rose above their own baseline on each day of the
    period (default: this month), highest score first within a day; see the README's "Hot spots"."""
    return hotspots.found(hotline(), current_user(), query.get("from_"), query.get("to"))
