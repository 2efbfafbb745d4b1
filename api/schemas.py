"""Request and response schemas (marshmallow); the OpenAPI document is generated from them.

Request schemas refuse unknown fields (marshmallow's default), so nothing a client misspells is
silently dropped or stored.
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from engine.limits import EARLIEST_MOMENT, LATEST_MOMENT, TIMER_HORIZON
from processes.cases import STATUSES
from processes.scope import INTAKE_CODES
from processes.users import ROLES

TREATMENTS = ("immediate", "assignment", "direct", "submission")
ISO_DURATION = r"^P(?=\d|T\d)(\d{1,4}Y)?(\d{1,4}M)?(\d{1,4}W)?(\d{1,5}D)?(T(\d{1,6}H)?(\d{1,7}M)?(\d{1,8}S)?)?$"
CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$")
Text = fields.String


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` only: marshmallow's Boolean also takes 1, "yes" or "on" (and ``1 in {True}`` holds)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def moment(**kwargs) -> fields.AwareDateTime:
    """An ISO 8601 date-time with its offset, between ``EARLIEST_MOMENT`` and ``LATEST_MOMENT`` (so it converts to
    UTC and compares with stored times, whatever its offset)."""
    years = f"{EARLIEST_MOMENT.year}–{LATEST_MOMENT.year - 1}"
    return fields.AwareDateTime(validate=validate.Range(EARLIEST_MOMENT, LATEST_MOMENT, max_inclusive=False,
                                                        error=f"must fall in the years {years}"), **kwargs)


class CallerIn(Schema):
    name = Text(required=True, validate=validate.Length(1, 50))
    phone = Text(required=True, validate=validate.Length(3, 20))
    work_unit = Text(validate=validate.Length(0, 200))
    address = Text(validate=validate.Length(0, 300))


class CaseIn(Schema):
    """A call as the operator registers it."""

    caller = fields.Nested(CallerIn, required=True)
    confidential = StrictBoolean(required=True)
    category = Text(required=True, validate=validate.OneOf(INTAKE_CODES))
    subject = Text(required=True, validate=validate.Length(1, 200))
    content = Text(required=True, validate=validate.Length(1, 10000))
    channel = Text(validate=validate.OneOf(("phone", "web", "wechat", "letter", "visit")))
    urgency = Text(validate=validate.OneOf(("normal", "urgent", "major_emergency")))
    departments = fields.List(Text(validate=CODE), validate=validate.Length(0, 10))


class Paging(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class CaseQuery(Paging):
    status = Text(validate=validate.OneOf(STATUSES))
    category = Text(validate=validate.OneOf(INTAKE_CODES))
    treatment = Text(validate=validate.OneOf(TREATMENTS))
    department = Text(validate=CODE)
    overdue = fields.Boolean()
    from_ = moment(data_key="from", metadata={"description": "registered at or after (ISO 8601)"})
    to = moment(metadata={"description": "registered before (ISO 8601)"})


class TaskQuery(Paging):
    case = Text(validate=validate.Length(1, 40))
    name = Text(validate=validate.Length(1, 200))
    role = Text(validate=validate.OneOf(ROLES))
    department = Text(validate=CODE)
    assignee = Text(validate=validate.Length(1, 100), metadata={"description": "a user name, or `me`"})


class TaskOut(Schema):
    id = Text()
    name = Text(metadata={"description": "the diagram's task id"})
    title = Text()
    case = Text(metadata={"description": "the case number"})
    role = Text(allow_none=True)
    department = Text(allow_none=True)
    assignee = Text(allow_none=True)
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    form = Text(allow_none=True)


class TaskDetailOut(TaskOut):
    schema = fields.Dict(allow_none=True, metadata={"description": "the task's form (JSON Schema)"})
    data = fields.Dict()


class CallerOut(Schema):
    name = Text()
    phone = Text()
    work_unit = Text()
    address = Text()


class CaseOut(Schema):
    """A case. Hotline cases carry the hotline's fields; a case of another process carries ``data``,
    ``next_timer_at`` and ``error`` instead, and its ``status`` is the engine's (``running``, ``completed``,
    ``cancelled``, ``incident``)."""

    number = Text()
    status = Text()
    category = Text()
    treatment = Text(allow_none=True)
    complexity = Text(allow_none=True)
    departments = fields.List(Text())
    urgency = Text()
    channel = Text()
    confidential = fields.Boolean()
    caller = fields.Nested(CallerOut)
    subject = Text()
    content = Text()
    due_at = fields.DateTime(allow_none=True)
    deadline_provisional = fields.Boolean()
    overdue = fields.Boolean()
    reminded = fields.Boolean()
    returns = fields.Integer()
    satisfaction = Text(allow_none=True)
    supplements = fields.List(fields.Dict())
    repeat_calls = fields.List(fields.Dict())
    extensions = fields.List(fields.Dict(), metadata={
        "description": "deadline extension requests, oldest first: `department`, `requested_days`, `reason`, "
                       "`requested_at`, `requested_by`, and once decided `approved`, `granted_days`, `comment`, "
                       "`decided_at`, `due_before` (the deadline it moved); `due_at` is the deadline now"})
    registered_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    open_tasks = fields.List(fields.Nested(TaskOut))
    process_id = Text()
    version = fields.Integer()
    data = fields.Dict(metadata={"description": "the case data (cases of processes other than the hotline's)"})
    next_timer_at = fields.DateTime(allow_none=True, metadata={"description": "when its next timer falls due "
                                                                             "(other processes' cases)"})
    error = Text(allow_none=True, metadata={"description": "why a step failed, while the case is an incident "
                                                           "(other processes' cases)"})


class DataIn(Schema):
    """Data handed to a case: a new case's start data, or the payload of a message sent to it."""

    data = fields.Dict(keys=Text(), load_default=dict, metadata={"description": "JSON object (may be omitted)"})


class PageOut(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class CasePage(PageOut):
    items = fields.List(fields.Nested(CaseOut))


class TaskPage(PageOut):
    items = fields.List(fields.Nested(TaskOut))


class FormData(Schema):
    """A task's form data: checked against the task's own JSON Schema, not here."""

    class Meta:
        unknown = INCLUDE


class WithdrawIn(Schema):
    reason = Text(required=True, validate=validate.Length(1, 1000))


class SupplementIn(Schema):
    content = Text(required=True, validate=validate.Length(1, 10000))


class RepeatCallIn(Schema):
    caller = fields.Nested(CallerIn, required=True)
    content = Text(required=True, validate=validate.Length(1, 10000))


class DepartmentOut(Schema):
    code = Text()
    name = Text()
    deadline_days = fields.Integer()


class ClockIn(Schema):
    advance = Text(validate=validate.Regexp(ISO_DURATION),
                   metadata={"description": f"an ISO 8601 duration (P3D, PT4H), at most {TIMER_HORIZON.days} days"})
    set = moment()


class ClockOut(Schema):
    now = fields.DateTime()
    fired = fields.Integer(metadata={"description": "cases whose timers fired"})


class ProblemOut(Schema):
    type = Text()
    title = Text()
    status = fields.Integer()
    detail = Text()
    errors = fields.Dict(keys=Text(), values=fields.List(Text()))
