"""``/cases/{number}/extension-requests``: a department asks for more working days to handle a case (延期申请)."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from processes import extensions
from processes.diagram_functions import MAX_EXTENSION_DAYS

from .auth import current_user, hotline, roles
from .i18n import localize_case
from .schemas import CaseOut

blp = Blueprint("extensions", __name__, url_prefix="/api/v1/cases",
                description="Deadline extensions: a department's request, the supervision centre's decision")


class ExtensionRequestIn(Schema):
    working_days = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_EXTENSION_DAYS),
                                  metadata={"description": "extra working days asked for"})
    reason = fields.String(required=True, validate=validate.Length(1, 1000),
                           metadata={"description": "why the case cannot be finished in time"})


@blp.route("/<string:number>/extension-requests", methods=["POST"])
@roles("department")
@blp.arguments(ExtensionRequestIn)
@blp.response(201, CaseOut)
def request_extension(body, number):
    """Ask for more working days, before the deadline, as a department handling the case. The supervision centre
    decides in its task ``approve_extension`` (``approved``, ``working_days``, ``comment``); days granted move
    ``due_at``, the reminder and the overdue timer. 409 when the department is not handling the case, the deadline
    has passed or another request waits for a decision; 400 beyond the days still grantable."""
    return localize_case(extensions.request_extension(hotline(), current_user(), number, body["working_days"],
                                                      body["reason"]))
