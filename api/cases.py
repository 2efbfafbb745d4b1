"""``/cases``: intake, lists and single cases (restricted and masked per reader), outside events.

Hotline events (``withdraw``, ``supplement``, ``repeat_call``) are the operator's; any other name is the diagram's
own message or signal, which designers and administrators send to the cases of any process.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from processes import casework, queries

from .auth import all_staff, current_user, hotline, roles, staff_and_designers
from .i18n import localize_case, localize_page
from .schemas import CaseIn, CaseOut, CasePage, CaseQuery, DataIn, RepeatCallIn, SupplementIn, WithdrawIn

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Cases: intake, lists, outside events")


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
    @blp.response(201, CaseOut)
    def post(self, intake):
        """Register a call and start its case on the current version of the hotline process."""
        return localize_case(casework.register(hotline(), current_user(), intake))


@blp.route("/<string:number>")
@staff_and_designers
@blp.response(200, CaseOut)
def get_case(number):
    """One case: status, treatment, deadline, caller (masked where confidential), open tasks; for a case of
    another process its status, data, open tasks and next timer (designers see only those)."""
    return localize_case(casework.case(hotline(), current_user(), number))


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
