"""``GET /api/v1/health``: is the service up, can it reach its database, are timers being fired."""

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from .auth import hotline

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Service health (no token needed)")


class HealthOut(Schema):
    status = fields.String()
    database = fields.String()
    scheduler = fields.String()


@blp.route("/health", methods=["GET"])
@blp.doc(security=[])
@blp.response(200, HealthOut)
@blp.alt_response(503, schema=HealthOut, description="the database cannot be reached")
def health():
    """Report status without needing a token (load balancers and operators poll it)."""
    database = "ok" if hotline().database_reachable() else "unavailable"
    scheduler = "running" if current_app.extensions["scheduler_running"]() else "stopped"
    status = "ok" if database == "ok" else "degraded"
    return {"status": status, "database": database, "scheduler": scheduler}, 200 if status == "ok" else 503
