"""``/tasks``: the work list, a task with its form, claim, unclaim and complete."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from processes import queries

from .auth import all_staff, current_user
from .i18n import localize_case, localize_task
from .schemas import CaseOut, FormData, TaskDetailOut, TaskPage, TaskQuery

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Tasks: the work of each role")


def hotline():
    return current_app.extensions["hotline"]


@blp.route("")
class Tasks(MethodView):
    @all_staff
    @blp.arguments(TaskQuery, location="query")
    @blp.response(200, TaskPage)
    def get(self, query):
        """Open tasks the caller may work on (``assignee=me`` for one's own)."""
        page, per_page = query.pop("page"), query.pop("per_page")
        if query.get("assignee") == "me":
            query["assignee"] = current_user().name
        found = queries.list_tasks(hotline(), current_user(), queries.TaskFilters(**query), page, per_page)
        return {**vars(found), "items": [localize_task(task) for task in found.items]}


@blp.route("/<string:task_id>")
@all_staff
@blp.response(200, TaskDetailOut)
def get_task(task_id):
    """A task with its form (JSON Schema) and the data it shows."""
    return detail(task_id)


def detail(task_id: str) -> dict:
    return localize_task(queries.get_task(hotline(), current_user(), task_id))


@blp.route("/<string:task_id>/claim", methods=["POST"])
@all_staff
@blp.response(200, TaskDetailOut)
def claim(task_id):
    """Take the task (409 if someone else holds it)."""
    queries.check_candidate(hotline(), current_user(), task_id)
    hotline().engine.claim(task_id, current_user().name)
    return detail(task_id)


@blp.route("/<string:task_id>/unclaim", methods=["POST"])
@all_staff
@blp.response(200, TaskDetailOut)
def unclaim(task_id):
    """Give the task back (409 if someone else holds it; admins may free anyone's)."""
    queries.check_candidate(hotline(), current_user(), task_id)
    hotline().engine.unclaim(task_id, current_user().name, force=current_user().role == "admin")
    return detail(task_id)


@blp.route("/<string:task_id>/complete", methods=["POST"])
@all_staff
@blp.arguments(FormData)
@blp.response(200, CaseOut)
def complete(data, task_id):
    """Complete the task with its form data; answers with the case after the step."""
    queries.check_candidate(hotline(), current_user(), task_id)
    number = queries.task_number(hotline(), task_id)
    hotline().engine.complete_task(task_id, data, current_user().name)
    return localize_case(queries.get_case(hotline(), current_user(), number))
