"""Administration: ``/admin/clock`` (the simulated clock for training and demos) and ``/incidents``."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from processes import admin

from .auth import current_user, hotline, roles
from .errors import problem
from .i18n import text
from .schemas import ClockIn, ClockOut

blp = Blueprint("admin", __name__, url_prefix="/api/v1", description="Administration: the simulated clock, incidents")


@blp.before_app_request
def _sync_clock() -> None:
    """Serve every request at the shared simulated time: take a move made on another node first."""
    hotline().sync_clock()


@blp.route("/admin/clock", methods=["POST"])
@roles("admin")
@blp.arguments(ClockIn)
@blp.response(200, ClockOut)
def clock(body):
    """Move the simulated clock forward for every node, then fire every timer that fell due; answers with the new
    time. Other nodes serve at the new time from their next request, and their timers follow within a second."""
    if not admin.clock_is_simulated(hotline()):
        return problem(404, text("仅在模拟时钟模式下可用", "only available under --simulated-clock"))
    if ("advance" in body) == ("set" in body):
        return problem(400, text("请给出 advance 或 set 之一", "give exactly one of advance or set"),
                       {"_": ["give exactly one of advance or set"]})
    return admin.move_clock(hotline(), advance=body.get("advance"), to=body.get("set"))


class IncidentOut(Schema):
    case = fields.String(metadata={"description": "the case number"})
    error = fields.String()
    task = fields.String(allow_none=True, metadata={"description": "the diagram task that failed"})
    since = fields.DateTime()


@blp.route("/incidents", methods=["GET"])
@roles("admin")
@blp.response(200, IncidentOut(many=True))
def incidents():
    """Cases set aside because a step of their diagram failed (they are kept out of the timer sweep)."""
    return admin.incidents(hotline())


@blp.route("/incidents/<string:number>/retry", methods=["POST"])
@roles("admin")
@blp.response(200, IncidentOut(many=True))
def retry(number):
    """Put the case back to work after the cause was fixed; answers with the incidents left."""
    return admin.retry(hotline(), current_user(), number)
