"""RFC 9457 problem responses for every error, so clients handle one shape; never a 500 for bad input."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from flask import Flask, Response, json, request
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.clock import ClockError
from engine.deployment import DeploymentRefused
from engine.errors import Conflict, InvalidData, NotFound, StepFailed

from .i18n import text

log = logging.getLogger("hotline.api")
RETRY_AFTER_SECONDS = 5
TITLES = {
    400: ("请求无效", "Bad request"), 401: ("未认证", "Unauthorized"), 403: ("无权操作", "Forbidden"),
    404: ("未找到", "Not found"), 405: ("不支持的方法", "Method not allowed"), 409: ("状态冲突", "Conflict"),
    413: ("请求过大", "Payload too large"), 415: ("不支持的媒体类型", "Unsupported media type"),
    422: ("请求无效", "Bad request"), 500: ("服务器内部错误", "Internal server error"),
    503: ("服务暂不可用", "Service unavailable"),
}


def problem(status: int, detail: str, errors: dict[str, Any] | None = None, **extra: Any) -> Response:
    zh, en = TITLES.get(status, ("错误", "Error"))
    body = {"type": "about:blank", "title": text(zh, en), "status": status, "detail": detail, **extra}
    if errors is not None:
        body["errors"] = errors
    return Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/problem+json")


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow nested messages as ``{"field.sub": [message, ...]}``."""
    if isinstance(messages, list):
        return {prefix or "_": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in (messages or {}).items():
        name = str(key) if not prefix else f"{prefix}.{key}"
        for field, texts in flatten(value, name).items():
            flat.setdefault(field, []).extend(texts)
    return flat


def _http(error: HTTPException) -> Response:
    if error.code == 422:  # webargs: the body or query did not match its schema
        messages = (getattr(error, "data", None) or {}).get("messages", {})
        fields = {k: v for location in messages.values() for k, v in flatten(location).items()} if isinstance(
            messages, dict) else {}
        return problem(400, text("请求数据不符合要求", "the request data is invalid"), fields)
    return problem(error.code or 500, error.description or "")


def register(app: Flask) -> None:
    """Map engine and HTTP errors to problem responses."""
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(NotFound, lambda e: problem(404, str(e)))
    app.register_error_handler(Conflict, lambda e: problem(409, str(e)))
    app.register_error_handler(ClockError, lambda e: problem(409, str(e)))
    app.register_error_handler(ValueError, lambda e: problem(400, str(e), {"_": [str(e)]}))
    app.register_error_handler(InvalidData, lambda e: problem(
        400, text("数据不符合表单要求", "the data does not satisfy the form"), e.errors))
    app.register_error_handler(DeploymentRefused, lambda e: problem(
        400, str(e), {"_": [str(p) for p in e.problems]}, problems=[p.as_dict() for p in e.problems]))
    app.register_error_handler(StepFailed, lambda e: problem(
        409, f"the case could not advance: {e}", task=e.task))
    app.register_error_handler(DataError, lambda e: problem(400, text(
        "数据库拒绝了其中的一个值（超出范围或不允许）", "the database refused a value (out of range or not allowed)")))
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected)


def _database_unavailable(error: Exception) -> Response:
    """The database cannot be reached (or is busy): nothing was done; try again shortly."""
    log.warning("database unavailable: %s", error)
    response = problem(503, text("数据库暂时不可用，请稍后重试", "the database is unavailable; try again shortly"))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http(error)
    log.error("unexpected error in %s %s\n%s", request.method, request.path, redacted_traceback(error))
    return problem(500, InternalServerError.description)


def redacted_traceback(error: BaseException) -> str:
    """Where an error (and each error that caused it) happened: code locations and exception types, without
    their messages, which may quote the data being handled (a confidential caller's name and phone)."""
    parts: list[str] = []
    current: BaseException | None = error
    while current is not None and len(parts) < 10:
        parts.append("".join(traceback.format_tb(current.__traceback__)) + type(current).__qualname__)
        current = current.__cause__ or current.__context__
    return "\n-- which was raised while handling --\n".join(parts)
