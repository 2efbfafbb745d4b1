"""The Flask application factory: blueprints, the OpenAPI document, authentication, errors."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, request
from flask_smorest import Api
from flask_smorest.arguments import ArgumentsMixin
from marshmallow import RAISE

from processes.service import Hotline

from . import errors
from .auth import authenticate
from .i18n import text
from .schemas import ProblemOut

MAX_BODY = 17 * 1024 * 1024  # a deployment bundle (16 MB) with multipart overhead
MAX_JSON_BODY = 256 * 1024


# Unknown query parameters are refused like unknown body fields (webargs drops them by default).
ArgumentsMixin.ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION = {
    **ArgumentsMixin.ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION, "querystring": RAISE, "query": RAISE}


class HotlineApi(Api):
    """flask-smorest's Api documenting our RFC 9457 problem body as every operation's error response."""

    ERROR_SCHEMA = ProblemOut


def create_app(hotline: Hotline, scheduler_running: Callable[[], bool] = lambda: False) -> Flask:
    """Build the API around a hotline; blueprints are imported here so there are no import cycles."""
    app = Flask("hotline")
    app.config.update(
        API_TITLE="Hotline", API_VERSION="v1", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json", OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/", MAX_CONTENT_LENGTH=MAX_BODY,
        API_SPEC_OPTIONS={"components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
                          "security": [{"bearer": []}],
                          "info": {"description": "Case handling for a county 12345 government service hotline."}},
    )
    app.json.ensure_ascii = False  # Chinese stays readable in responses
    app.extensions["hotline"] = hotline
    app.extensions["engine"] = hotline.engine
    app.extensions["scheduler_running"] = scheduler_running
    app.before_request(_limit_json_body)
    app.before_request(authenticate)
    api = HotlineApi(app)
    errors.register(app)

    from . import admin, cases, deployments, directory, health, history, reports, tasks, versions

    for module in (health, deployments, directory, cases, history, tasks, admin, reports, versions):
        api.register_blueprint(module.blp)
    return app


def _limit_json_body():
    """JSON bodies are small; only deployments upload files."""
    if request.content_length and request.content_length > MAX_JSON_BODY and request.mimetype != "multipart/form-data":
        return errors.problem(413, text("请求体过大", f"the body exceeds {MAX_JSON_BODY // 1024} KB"))
    return None
