"""The Flask application factory."""

from __future__ import annotations

from flask import Flask

from engine.runtime import Engine


def create_app(engine: Engine, scheduler_running=lambda: False) -> Flask:
    """Build the API around an engine; blueprints are imported here so there are no import cycles."""
    app = Flask("hotline")
    app.extensions["engine"] = engine
    app.extensions["scheduler_running"] = scheduler_running

    from . import health

    app.register_blueprint(health.blueprint, url_prefix="/api/v1")
    return app
