"""``/tasks``: the work list, a task with its form, claim, unclaim, complete, and raising an error or escalation.

Staff work the hotline's tasks by role and department; designers (and administrators) the tasks of other
processes' cases.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from processes import casework, queries

from .auth import current_user, hotline, staff_and_designers
from .i18n import localize_case, localize_page, localize_task
from .schemas import CaseOut, FormData, TaskDetailOut, TaskPage, TaskQuery

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Tasks: the work of each role")


@blp.route("")
class Tasks(MethodView):
    @staff_and_designers
    @blp.arguments(TaskQuery, location="query")
    @blp.response(200, TaskPage)
    def get(self, query):
        """Open tasks the caller may work on (``assignee=me`` for one's own)."""
        page, per_page = query.pop("page"), query.pop("per_page")
        if query.get("assignee") == "me":
            query["assignee"] = current_user().name
        found = casework.tasks(hotline(), current_user(), queries.TaskFilters(**query), page, per_page)
        return localize_page(found, localize_task)


@blp.route("/<string:task_id>")
@staff_and_designers
@blp.response(200, TaskDetailOut)
def get_task(task_id):
    """A task with its form (JSON Schema) and the data it shows."""
    return localize_task(casework.task(hotline(), current_user(), task_id))


@blp.route("/<string:task_id>/claim", methods=["POST"])
@staff_and_designers
@blp.response(200, TaskDetailOut)
def claim(task_id):
    """Take the task (409 if someone else holds it)."""
    return localize_task(casework.claim(hotline(), current_user(), task_id))


@blp.route("/<string:task_id>/unclaim", methods=["POST"])
@staff_and_designers
@blp.response(200, TaskDetailOut)
def unclaim(task_id):
    """Give the task back (409 if someone else holds it; admins may free anyone's)."""
    return localize_task(casework.unclaim(hotline(), current_user(), task_id))


@blp.route("/<string:task_id>/complete", methods=["POST"])
@staff_and_designers
@blp.arguments(FormData)
@blp.response(200, CaseOut)
def complete(data, task_id):
    """Complete the task with its form data; answers with the case after the step."""
    return localize_case(casework.complete_task(hotline(), current_user(), task_id, data))


class ThrowIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 200),
                         metadata={"description": "the error or escalation code a boundary event of the task catches"})
    message = fields.String(validate=validate.Length(0, 2000), metadata={"description": "why, for the next person"})


@blp.route("/<string:task_id>/error", methods=["POST"])
@staff_and_designers
@blp.arguments(ThrowIn)
@blp.response(200, CaseOut)
def error(body, task_id):
    """Raise a BPMN error from the task (e.g. a department returns a wrongly assigned case); the task's error
    boundary event for that code takes the case on (400 when the task has none for it)."""
    return _throw("error", body, task_id)


@blp.route("/<string:task_id>/escalation", methods=["POST"])
@staff_and_designers
@blp.arguments(ThrowIn)
@blp.response(200, CaseOut)
def escalation(body, task_id):
    """Raise a BPMN escalation from the task (e.g. ask for an extension); its escalation boundary event for that
    code takes the case on (400 when the task has none for it)."""
    return _throw("escalation", body, task_id)


def _throw(kind: str, body: dict, task_id: str) -> dict:
    return localize_case(casework.throw(hotline(), current_user(), task_id, kind, body["code"], body.get("message")))
