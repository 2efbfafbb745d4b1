"""``/admin``: the simulated clock for training and demos."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from engine.clock import SimulatedClock
from engine.timers import duration_from

from .auth import roles
from .errors import problem
from .i18n import text
from .schemas import ClockIn, ClockOut

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin", description="Administration")


@blp.route("/clock", methods=["POST"])
@roles("admin")
@blp.arguments(ClockIn)
@blp.response(200, ClockOut)
def clock(body):
    """Move the simulated clock forward, then fire every timer that fell due; answers with the new time."""
    engine = current_app.extensions["hotline"].engine
    if not isinstance(engine.clock, SimulatedClock):
        return problem(404, text("仅在模拟时钟模式下可用", "only available under --simulated-clock"))
    if ("advance" in body) == ("set" in body):
        return problem(400, text("请给出 advance 或 set 之一", "give exactly one of advance or set"),
                       {"_": ["give exactly one of advance or set"]})
    if "advance" in body:
        now = engine.clock.advance(duration_from(engine.now(), body["advance"]))
    else:
        now = engine.clock.set(body["set"])
    return {"now": now, "fired": len(engine.fire_all_due())}
