"""``/cases``: intake, lists and single cases (restricted and masked per reader), outside events.

Hotline events (``withdraw``, ``supplement``, ``repeat_call``) are the operator's; any other name is the diagram's
own message or signal, which designers and administrators send to the cases of any process.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from processes import casework, queries

from .auth import all_staff, current_user, hotline, roles, staff_and_designers
from .i18n import localize_case, localize_page
from .schemas import CallerOut, CaseIn, CaseOut, CasePage, CaseQuery, DataIn, RepeatCallIn, SupplementIn, WithdrawIn

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Cases: intake, lists, outside events")


class SimilarCaseOut(Schema):
    """An open case likely about the same matter, with why (caller masked as everywhere)."""

    number = fields.String()
    status = fields.String()
    category = fields.String()
    subject = fields.String()
    registered_at = fields.DateTime()
    caller = fields.Nested(CallerOut)
    score = fields.Float(metadata={"description": "0-1, higher is likelier"})
    reasons = fields.List(fields.Dict(), metadata={"description": "`same_phone` (30 days); `same_place` {place, "
                                                                  "similarity} (7 days); `cluster` {place, category, "
                                                                  "calls}: 3 or more calls in 7 days"})


class SuggestedArticleOut(Schema):
    id = fields.Integer()
    title = fields.String()
    score = fields.Float()
    highlight = fields.Dict(keys=fields.String(), values=fields.String())


class MergeIn(Schema):
    into = fields.String(required=True, validate=validate.Length(1, 40),
                         metadata={"description": "the open case the call is about (one of its `similar`)"})


class IntakeOut(CaseOut):
    """The registered case, with what may help the operator answer it at once."""

    similar = fields.List(fields.Nested(SimilarCaseOut), metadata={"description": "likely repeat calls, best first"})
    suggested_articles = fields.List(fields.Nested(SuggestedArticleOut),
                                     metadata={"description": "knowledge articles that may answer the call"})


@blp.route("")
class Cases(MethodView):
    @all_staff
    @blp.arguments(CaseQuery, location="query")
    @blp.response(200, CasePage)
    def get(self, query):
        """List the cases the caller may see, newest first."""
        page, per_page = query.pop("page"), query.pop("per_page")
        filters = queries.CaseFilters(registered_from=query.pop("from_", None),
                                      registered_to=query.pop("to", None), **query)
        return localize_page(casework.cases(hotline(), current_user(), filters, page, per_page), localize_case)

    @roles("operator")
    @blp.arguments(CaseIn)
    @blp.response(201, IntakeOut)
    def post(self, intake):
        """Register a call and start its case on the current version of the hotline process; the answer lists the
        open cases it likely repeats (`similar`) and the knowledge articles that may answer it."""
        return localize_case(casework.register(hotline(), current_user(), intake))


@blp.route("/<string:number>")
@staff_and_designers
@blp.response(200, CaseOut)
def get_case(number):
    """One case: status, treatment, deadline, caller (masked where confidential), open tasks; for a case of
    another process its status, data, open tasks and next timer (designers see only those)."""
    return localize_case(casework.case(hotline(), current_user(), number))


@blp.route("/<string:number>/similar")
@all_staff
@blp.response(200, SimilarCaseOut(many=True))
def similar(number):
    """Open cases likely about the same matter (repeat calls), best first, each with the reasons it was found; merge
    the call into one with `POST /cases/{number}/merge`."""
    return casework.similar(hotline(), current_user(), number)


@blp.route("/<string:number>/merge", methods=["POST"])
@roles("operator")
@blp.arguments(MergeIn)
@blp.response(200, CaseOut)
def merge(body, number):
    """Merge this call into an open case about the same matter, in one step: that case records it as a repeat call
    (`repeat_calls`, with this case's number), and this case ends `withdrawn`, its reason naming the other. Answers
    with the case merged into."""
    return localize_case(casework.merge(hotline(), current_user(), number, body["into"]))


@blp.route("/<string:number>/events/withdraw", methods=["POST"])
@roles("operator")
@blp.arguments(WithdrawIn)
@blp.response(200, CaseOut)
def withdraw(body, number):
    """The caller withdraws: the case ends ``withdrawn`` at once."""
    return localize_case(casework.withdraw(hotline(), current_user(), number, body["reason"]))


@blp.route("/<string:number>/events/supplement", methods=["POST"])
@roles("operator")
@blp.arguments(SupplementIn)
@blp.response(200, CaseOut)
def supplement(body, number):
    """The caller adds information; whoever handles the case now sees it."""
    return localize_case(casework.supplement(hotline(), current_user(), number, body["content"]))


@blp.route("/<string:number>/events/repeat_call", methods=["POST"])
@roles("operator")
@blp.arguments(RepeatCallIn)
@blp.response(200, CaseOut)
def repeat_call(body, number):
    """A repeat call about the same open matter is merged into the case (recorded on it)."""
    return localize_case(casework.repeat_call(hotline(), current_user(), number, body))


@blp.route("/<string:number>/events/<string:name>", methods=["POST"])
@roles("designer")
@blp.arguments(DataIn)
@blp.response(200, CaseOut)
def diagram_event(body, number, name):
    """Send the diagram's own message or signal to a case of any process.

    ``name`` is the message's or signal's name in the diagram. A message carries ``data`` as its payload, a signal
    none. 409 when the case waits for no message or signal of that name (the answer lists those it waits for).
    """
    return localize_case(casework.send_event(hotline(), current_user(), number, name, body["data"]))
