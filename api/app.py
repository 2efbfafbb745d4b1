"""The Flask application factory: blueprints, the OpenAPI document, authentication, errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import flask_swagger_ui
from flask import Flask, request, send_from_directory
from flask_smorest import Api
from flask_smorest.arguments import ArgumentsMixin
from marshmallow import RAISE

from engine.limits import MAX_NESTING
from engine.nesting import json_text, json_too_deep
from processes.service import Hotline

from . import errors
from .auth import authenticate
from .i18n import text
from .schemas import ProblemOut

DOCS_ASSETS = "/api/v1/docs/assets/"  # Swagger UI's scripts and styles, served from the package (no CDN)
SWAGGER_UI = Path(flask_swagger_ui.__file__).parent / "dist"
MAX_BODY = 17 * 1024 * 1024  # a deployment bundle (16 MB) with multipart overhead
MAX_JSON_BODY = 256 * 1024
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")  # \u0000 in a JSON text, not an escaped backslash before u0000


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
        OPENAPI_SWAGGER_UI_URL=DOCS_ASSETS, OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None},
        MAX_CONTENT_LENGTH=MAX_BODY,
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
    app.before_request(_refuse_hostile_input)
    api = HotlineApi(app)
    errors.register(app)
    app.add_url_rule(DOCS_ASSETS + "<path:name>", "docs_assets", _docs_asset)

    from . import (
        admin,
        cases,
        deployments,
        directory,
        extensions,
        health,
        history,
        knowledge,
        public,
        reports,
        tasks,
        versions,
    )

    for module in (health, deployments, directory, cases, extensions, history, tasks, admin, reports, versions, public,
                   knowledge):
        api.register_blueprint(module.blp)
    from . import exports, hotspots, open311

    api.register_blueprint(exports.blp)
    api.register_blueprint(hotspots.blp)
    app.register_blueprint(open311.blp)  # Open311 GeoReport v2: its own paths and formats, outside /api/v1
    return app


def _docs_asset(name: str):
    """A Swagger UI file for the docs page, from the pinned ``flask-swagger-ui`` package: the page works
    offline and shows the version that was tested (its validator badge, which calls out, is off)."""
    return send_from_directory(SWAGGER_UI, name, max_age=86400)


def _limit_json_body():
    """JSON bodies are small; only deployments upload files."""
    if request.content_length and request.content_length > MAX_JSON_BODY and request.mimetype != "multipart/form-data":
        return errors.problem(413, text("请求体过大", f"the body exceeds {MAX_JSON_BODY // 1024} KB"))
    return None


def _refuse_hostile_input():
    """Refuse, before anything parses them, what would make a parser or the database fail instead of answering:
    JSON nested deeper than ``MAX_NESTING`` (parsers recurse once per level) and NUL characters in the path,
    the query or a JSON body (PostgreSQL cannot store them; nothing a person types contains one)."""
    if "\0" in request.path or any("\0" in k or "\0" in v for k, v in request.args.items(multi=True)):
        return _hostile(text("路径或查询参数含有 NUL 字符", "the path or query contains a NUL character"))
    if not request.is_json:
        return None
    data = request.get_data(cache=True)
    if len(data) > MAX_JSON_BODY:  # sent without a length (chunked): read up to MAX_BODY, then measured
        return errors.problem(413, text("请求体过大", f"the body exceeds {MAX_JSON_BODY // 1024} KB"))
    body = json_text(data)
    if json_too_deep(body, MAX_NESTING):
        return _hostile(text(f"JSON 嵌套超过 {MAX_NESTING} 层", f"the JSON nests deeper than {MAX_NESTING} levels"))
    if _NUL_ESCAPE.search(body):
        return _hostile(text("请求体含有 NUL 字符 (\\u0000)", "the body contains a NUL character (\\u0000)"))
    return None


def _hostile(detail: str):
    return errors.problem(400, detail, {"_": [detail]})
