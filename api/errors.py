"""RFC 9457 problem responses for every error, so clients handle one shape; never a 500 for bad input."""

from __future__ import annotations

import logging
import traceback
from json import JSONDecodeError
from typing import Any

from flask import Flask, Response, json, request
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.clock import ClockError
from engine.deployment import DeploymentRefused
from engine.errors import Conflict, InvalidData, NotFound, StepFailed, UnknownStateFormat

from .field_errors import field_errors
from .i18n import text
from .messages import phrase, phrased_problem

log = logging.getLogger("hotline.api")
RETRY_AFTER_SECONDS = 5
TITLES = {
    400: ("请求无效", "Bad request"), 401: ("未认证", "Unauthorized"), 403: ("无权操作", "Forbidden"),
    404: ("未找到", "Not found"), 405: ("不支持的方法", "Method not allowed"), 409: ("状态冲突", "Conflict"),
    413: ("请求过大", "Payload too large"), 415: ("不支持的媒体类型", "Unsupported media type"),
    422: ("请求无效", "Bad request"), 429: ("请求过于频繁", "Too many requests"),
    500: ("服务器内部错误", "Internal server error"),
    503: ("服务暂不可用", "Service unavailable"),
}
DESCRIPTIONS = {
    400: "请求无法理解", 404: "请求的地址不存在", 405: "该地址不支持此请求方法", 406: "无法按请求的格式作答",
    413: "请求过大", 415: "不支持的媒体类型（JSON 请发送 Content-Type: application/json）", 429: "请求过于频繁",
    500: "服务器内部错误，请稍后重试", 503: "服务暂不可用，请稍后重试",
}
"""Werkzeug's descriptions of HTTP errors, in Chinese (by status)."""


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
        return problem(400, text("请求数据不符合要求", "the request data is invalid"), _phrased(fields))
    unreadable = _unreadable_json(error)
    if unreadable:
        return problem(400, unreadable, {"_": [unreadable]})
    return problem(error.code or 500, _description(error))


def _unreadable_json(error: HTTPException) -> str | None:
    """Why a JSON body could not be read (webargs keeps the parser's error on ``exc``, Flask chains it)."""
    cause: BaseException | None = getattr(error, "exc", None) or error.__cause__ or error.__context__
    while cause is not None and not isinstance(cause, ValueError):
        cause = cause.__cause__ or cause.__context__
    if not isinstance(cause, JSONDecodeError):  # webargs reports bytes that are not UTF-8 as one too
        return None
    return text(f"请求体不是有效的 JSON（第 {cause.lineno} 行第 {cause.colno} 列）",
                f"the body is not valid JSON: {cause.msg} (line {cause.lineno}, column {cause.colno})")


def _description(error: HTTPException) -> str:
    """Werkzeug's own description of an HTTP error (a URL not found, a method not allowed) in the reader's
    language; a description of ours as it was given."""
    if error.description != type(error).description or error.code not in DESCRIPTIONS:
        return error.description or ""
    return text(DESCRIPTIONS[error.code], error.description or "")


def _phrased(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {field: [phrase(message) for message in messages] for field, messages in errors.items()}


def _invalid_data(error: InvalidData) -> Response:
    """A form's failures phrased field by field; other invalid data by its messages."""
    errors = field_errors(error.fields) if error.fields else _phrased(error.errors)
    return problem(400, text("数据不符合表单要求", "the data does not satisfy the form"), errors)


def _refused(status: int, error: Exception, **extra: Any) -> Response:
    """A problem whose detail is the error's message, in the reader's language."""
    return problem(status, phrase(str(error)), **extra)


def register(app: Flask) -> None:
    """Map engine and HTTP errors to problem responses."""
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(NotFound, lambda e: _refused(404, e))
    app.register_error_handler(Conflict, lambda e: _refused(409, e))
    app.register_error_handler(UnknownStateFormat, lambda e: _refused(409, e))  # e.g. saved by a newer release
    app.register_error_handler(ClockError, lambda e: _refused(409, e))
    app.register_error_handler(ValueError, lambda e: _refused(400, e, errors={"_": [phrase(str(e))]}))
    app.register_error_handler(InvalidData, _invalid_data)
    app.register_error_handler(DeploymentRefused, lambda e: _refused(400, e, errors={"_": [str(p) for p in e.problems]},
                                                                      problems=[phrased_problem(p.as_dict())
                                                                                for p in e.problems]))
    app.register_error_handler(StepFailed, lambda e: problem(
        409, text(f"案件无法继续办理：{e}", f"the case could not advance: {e}"), task=e.task))
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
    return problem(500, text(DESCRIPTIONS[500], InternalServerError.description or ""))


def redacted_traceback(error: BaseException) -> str:
    """Where an error (and each error that caused it) happened: code locations and exception types, without
    their messages, which may quote the data being handled (a confidential caller's name and phone)."""
    parts: list[str] = []
    current: BaseException | None = error
    while current is not None and len(parts) < 10:
        parts.append("".join(traceback.format_tb(current.__traceback__)) + type(current).__qualname__)
        current = current.__cause__ or current.__context__
    return "\n-- which was raised while handling --\n".join(parts)
