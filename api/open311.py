"""``/open311/v2``: Open311 GeoReport v2 for citizens' apps, as its specification names paths, parameters and fields.

Every resource answers in XML (``.xml``, the required format) and JSON (``.json``, the Spark convention's mapping
of the same document). Errors are the specification's ``errors`` list with the HTTP codes it names: 404 for what
does not exist, 403 for a missing or bad ``api_key``, 400 for anything else (a database out of reach too: the
specification's "general service error"). Reading needs no key and shows no caller's personal data
(``processes.open311.requests``). Texts follow ``Accept-Language`` like the rest of the API.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from flask import Blueprint, Response, request
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from engine.errors import InvalidData, NotFound
from processes.open311 import catalogue
from processes.open311 import requests as service_requests
from processes.open311.requests import KeyRefused, RequestFilters

from .auth import hotline
from .errors import RETRY_AFTER_SECONDS, log, redacted_traceback
from .field_errors import field_errors
from .i18n import language, text
from .messages import phrase

blp = Blueprint("open311", __name__, url_prefix="/open311/v2")
MIMETYPES = {"xml": "text/xml", "json": "application/json"}
ITEMS = {"services": "service", "attributes": "attribute", "values": "value", "endpoints": "endpoint",
         "formats": "format", "service_requests": "request", "errors": "error"}
"""Each list of the specification's documents and the element naming one of its items in XML."""
STATUSES = ("open", "closed")


class BadRequest(Exception):
    """A parameter the specification defines, given a value it does not allow (400)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@blp.route("/discovery.<fmt>")
def discovery(fmt: str):
    """Service Discovery: this endpoint, its formats, where to get a key."""
    return answer(fmt, "discovery", catalogue.discovery(request.host_url + "open311/v2", language()))


@blp.route("/services.<fmt>")
def services(fmt: str):
    """GET Service List: the five acceptance categories."""
    return answer(fmt, "services", catalogue.services(language()))


@blp.route("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str):
    """GET Service Definition: the attributes intake needs beyond the standard fields."""
    return answer(fmt, "service_definition", catalogue.definition(code, language()))


@blp.route("/requests.<fmt>", methods=["POST"])
def create_request(fmt: str):
    """POST Service Request (form-encoded, ``api_key`` required): a new case on the web channel."""
    _format(fmt)
    attributes = {key[len("attribute["):-1]: value for key, value in request.form.items()
                  if key.startswith("attribute[") and key.endswith("]")}
    created = service_requests.create(hotline(), request.values.get("api_key"), request.form.to_dict(), attributes,
                                      language())
    return answer(fmt, "service_requests", created, status=201)


@blp.route("/requests.<fmt>")
def list_requests(fmt: str):
    """GET Service Requests, filtered by ids, service codes, dates and status."""
    _format(fmt)
    return answer(fmt, "service_requests", service_requests.requests(hotline(), _filters(), language()))


@blp.route("/requests/<number>.<fmt>")
def one_request(number: str, fmt: str):
    """GET Service Request: one request, as a list of one."""
    _format(fmt)
    return answer(fmt, "service_requests", service_requests.request(hotline(), number, language()))


@blp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str):
    """Anything else under the endpoint (``tokens/…`` too: requests are created at once, never by token)."""
    raise NotFound(text(f"没有这个资源：{rest}", f"no such resource: {rest}"))


# -- parameters ------------------------------------------------------------------------------------
def _format(fmt: str) -> str:
    if fmt not in MIMETYPES:
        raise BadRequest("format", text(f"不支持的格式 .{fmt}（可用 .xml 或 .json）",
                                        f"unsupported format .{fmt} (use .xml or .json)"))
    return fmt


def _filters() -> RequestFilters:
    statuses = _listed("status")
    wrong = [status for status in statuses if status not in STATUSES]
    if wrong:
        raise BadRequest("status", text(f"status 须为 open 或 closed，而不是 {wrong[0]}",
                                        f"status must be open or closed, not {wrong[0]}"))
    return RequestFilters(ids=_listed("service_request_id"), codes=_listed("service_code"),
                          start=_moment("start_date"), end=_moment("end_date"), statuses=statuses)


def _listed(name: str) -> tuple[str, ...]:
    """A parameter that may be declared several times, comma delimited (an empty one is as if not given)."""
    return tuple(item.strip() for value in request.args.getlist(name) for item in value.split(",") if item.strip())


def _moment(name: str) -> datetime | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest(name, text(f"{name} 须为带时区的 W3C 日期时间，如 2026-11-30T00:00:00+08:00",
                                    f"{name} must be a W3C date-time with its zone, e.g. 2010-01-01T00:00:00Z"))
    return moment


# -- answers ---------------------------------------------------------------------------------------
def answer(fmt: str, root: str, document: Any, status: int = 200) -> Response:
    """The document in the asked format, UTF-8, with the specification's content types."""
    if _format(fmt) == "json":
        body = json.dumps(document, ensure_ascii=False)
    else:
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(_element(root, document),
                                                                                  encoding="unicode")
    return Response(body, status, content_type=f"{MIMETYPES[fmt]}; charset=utf-8")


def _element(name: str, value: Any) -> ElementTree.Element:
    """XML for a value: a list becomes one child per item (named by ``ITEMS``), a dict one child per key,
    booleans ``true``/``false``, None an empty element."""
    element = ElementTree.Element(name)
    if isinstance(value, list):
        element.extend(_element(ITEMS[name], item) for item in value)
    elif isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
    return element


def _errors(status: int, descriptions: list[str]) -> Response:
    """The specification's error document, in the format the URL asked for (XML when it named none we know)."""
    fmt = request.path.rpartition(".")[2]
    fmt = fmt if fmt in MIMETYPES else "xml"
    return answer(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status)


def _invalid(error: InvalidData) -> Response:
    fields = field_errors(error.fields) if error.fields else {
        field: [phrase(message) for message in messages] for field, messages in error.errors.items()}
    return _errors(400, [f"{field}: {message}" for field, messages in fields.items() for message in messages])


def _http(error: HTTPException) -> Response:
    status = 404 if error.code == 404 else 400  # the specification knows 404, 403 and 400
    return _errors(status, [error.description or ""])


def _unavailable(error: Exception) -> Response:
    """The database cannot be reached: the specification's "general service error" (400), to try again later."""
    log.warning("database unavailable: %s", error)
    response = _errors(400, [text("服务暂不可用，请稍后重试", "general service error: the service is unavailable; "
                                                            "try again shortly")])
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unexpected(error: Exception) -> Response:
    """A bug: logged without the data it handled; the client gets the specification's general service error."""
    if isinstance(error, HTTPException):
        return _http(error)
    log.error("unexpected error in %s %s\n%s", request.method, request.path, redacted_traceback(error))
    return _errors(400, [text("服务处理出错，请通知热线管理员", "general service error; please tell the hotline's "
                                                             "administrators")])


blp.register_error_handler(NotFound, lambda e: _errors(404, [phrase(str(e))]))
blp.register_error_handler(KeyRefused, lambda e: _errors(403, [text(
    "缺少或无效的 api_key，无法创建服务请求", "missing or invalid api_key: the request was not created")]))
blp.register_error_handler(BadRequest, lambda e: _errors(400, [str(e)]))
blp.register_error_handler(InvalidData, _invalid)
blp.register_error_handler(OperationalError, _unavailable)
blp.register_error_handler(InterfaceError, _unavailable)
blp.register_error_handler(Exception, _unexpected)
