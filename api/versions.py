"""Cases of any deployed process (``…/cases``), versions side by side (``…/diff/{w}``) and moving the open cases
of a version (``…/migrations``)."""

from __future__ import annotations

from functools import wraps

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.limits import MAX_VERSION
from processes import casework, versions
from processes.service import PROCESS_ID

from .auth import current_user, hotline, roles
from .errors import problem
from .i18n import localize_case, text
from .messages import Phrased
from .schemas import CaseOut, DataIn, StrictBoolean

blp = Blueprint("versions", __name__, url_prefix="/api/v1/processes",
                description="Cases of any process started; process versions compared, and cases moved between them")
BOUNDS = f"min=1, max={MAX_VERSION}"  # version numbers in paths: bigger ones are no version (404)


class ElementOut(Schema):
    id = fields.String()
    type = fields.String(metadata={"description": "the BPMN element type, e.g. userTask, sequenceFlow"})
    name = fields.String(allow_none=True)
    file = fields.String()


class ChangeOut(Schema):
    field = fields.String(metadata={"description": "what changed: name, lane, camunda:formKey, "
                                                   "timerEventDefinition.timeDuration, conditionExpression…"})
    before = fields.String(allow_none=True)
    after = fields.String(allow_none=True)


class ChangedOut(ElementOut):
    changes = fields.List(fields.Nested(ChangeOut))


class FilesOut(Schema):
    added = fields.List(fields.String())
    removed = fields.List(fields.String())
    changed = fields.List(fields.String())


class CaseMoveOut(Schema):
    case = fields.String(metadata={"description": "the case number"})
    can_move = fields.Boolean()
    reasons = fields.List(Phrased(), metadata={"description": "why it cannot move (empty when it can)"})


class DiffOut(Schema):
    process_id = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    files = fields.Nested(FilesOut)
    added = fields.List(fields.Nested(ElementOut))
    removed = fields.List(fields.Nested(ElementOut))
    changed = fields.List(fields.Nested(ChangedOut))
    cases = fields.List(fields.Nested(CaseMoveOut), metadata={"description": "open cases on the first version"})


class MigrationIn(Schema):
    from_ = fields.Integer(required=True, data_key="from", validate=validate.Range(1, MAX_VERSION))
    to = fields.Integer(required=True, validate=validate.Range(1, MAX_VERSION))
    dry_run = StrictBoolean(load_default=False)


class RefusedOut(Schema):
    case = fields.String()
    reasons = fields.List(Phrased())


class MigrationOut(Schema):
    process_id = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    dry_run = fields.Boolean()
    migrated = fields.List(fields.String(), metadata={"description": "case numbers moved (or that would move)"})
    already = fields.List(fields.String(), metadata={"description": "open cases already on the target version"})
    refused = fields.List(fields.Nested(RefusedOut), metadata={"description": "cases that cannot move, and why"})


def hotline_process_for_admins(endpoint):
    """The hotline's own process starts from a call (``POST /cases``); here only administrators may start it."""

    @wraps(endpoint)
    def checked(*args, process_id, **kwargs):
        if process_id == PROCESS_ID and current_user().role != "admin":
            return problem(403, text("来电办件由话务员登记（POST /cases）",
                                     "hotline cases are registered from calls (POST /cases, operators)"))
        return endpoint(*args, process_id=process_id, **kwargs)

    return checked


@blp.route("/<string:process_id>/cases", methods=["POST"])
@roles("designer")
@hotline_process_for_admins
@blp.arguments(DataIn)
@blp.response(201, CaseOut)
def start(body, process_id):
    """Start a case of any deployed process (a designer trying a diagram).

    The case runs the latest version, with ``data`` as its start data. The answer is the case with its ``number``,
    which works wherever a case number does (``/cases/{number}``, ``/tasks?case=``, history, replay, verify).
    The hotline's own process takes the intake as ``data`` (checked as at ``POST /cases``) and only administrators
    may start it here.
    """
    return localize_case(casework.start(hotline(), current_user(), process_id, body["data"]))


@blp.route(f"/<string:process_id>/versions/<int({BOUNDS}):version>/diff/<int({BOUNDS}):other>", methods=["GET"])
@roles("designer", "auditor")
@blp.response(200, DiffOut)
def diff(process_id, version, other):
    """Elements added, removed and changed from one version to the other, and which open cases could move."""
    return versions.compare(hotline(), process_id, version, other)


@blp.route("/<string:process_id>/migrations", methods=["POST"])
@roles("admin")
@blp.arguments(MigrationIn)
@blp.response(200, MigrationOut)
def migrate(body, process_id):
    """Move every open case of ``from`` that can move to ``to`` (each in its own transaction); safe to repeat."""
    return versions.migrate(hotline(), process_id, body["from_"], body["to"], current_user().name, body["dry_run"])
