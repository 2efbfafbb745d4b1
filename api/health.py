"""``GET /api/v1/health``: is the service up, can it reach its database, are timers being fired."""

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health():
    """Report status without needing a token (load balancers and operators poll it)."""
    engine = current_app.extensions["engine"]
    try:
        with engine.db.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        database = "unavailable"
    scheduler = "running" if current_app.extensions["scheduler_running"]() else "stopped"
    status = "ok" if database == "ok" else "degraded"
    return {"status": status, "database": database, "scheduler": scheduler}, 200 if status == "ok" else 503
