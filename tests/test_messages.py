"""Text meant for people follows Accept-Language in full: the engine's and the domain's messages, the request
schemas' field errors and an unreadable body are told in Chinese by default and in English on request."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from api.errors import flatten
from api.messages import CATALOGUE, CJK, phrase
from api.schemas import CaseIn, moment

ROOT = Path(__file__).resolve().parent.parent
RAISED = {"NotFound", "Conflict", "ClockError", "InvalidData"}  # answered with their message by api/errors.py
EN = {"Accept-Language": "en"}


def _text(node: ast.AST) -> str | None:
    """A message written in the source, ``{}`` for each part an f-string fills in (None if it is computed)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _messages(node: ast.Raise, folder: str) -> list[str]:
    """The messages a ``raise`` gives people: those of the errors the API answers with their text, and a
    domain's ``ValueError`` (a bad value a person gave)."""
    call = node.exc
    name = getattr(call, "func", None) and getattr(call.func, "id", getattr(call.func, "attr", None))
    if not call.args or not (name in RAISED or (name == "ValueError" and folder == "processes")):
        return []
    first = call.args[0]
    if isinstance(first, ast.Dict):  # InvalidData({"field": ["message", ...]})
        return [t for value in first.values if isinstance(value, ast.List) for t in map(_text, value.elts) if t]
    return [t for t in [_text(first)] if t]


def raised_messages() -> list[tuple[str, str]]:
    found = []
    for folder in ("engine", "processes"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                    found += [(f"{path.relative_to(ROOT)}:{node.lineno}", m) for m in _messages(node, folder)]
    return found


def _skeleton(template: str) -> str:
    return re.sub(r"\{\w*\}", "{}", template)


def test_every_message_raised_below_the_api_has_chinese():
    """A new message in engine/ or processes/ needs its Chinese in api/messages.py (or to be written 中文 / English)."""
    templates = {_skeleton(t) for t in CATALOGUE}
    found = raised_messages()
    assert len(found) > 40
    missing = [(where, m) for where, m in found if _skeleton(m) not in templates and not CJK.search(m)]
    assert missing == []


@pytest.mark.parametrize(("message", "zh"), [
    ("the task is already completed", "该任务已办结"),
    ("the task is held by water:li", "该任务已由 water:li 签收"),
    ("the case is completed", "案件已办结"),
    ("the case is already on version 3", "案件已在第 3 版"),
    ("the case is cancelled, not an incident", "案件已取消，并非故障案件"),
    ("Must be greater than or equal to 1 and less than or equal to 100.", "须不小于 1 且不大于 100"),
    ("不支持的文件类型 .doc / unsupported file type .doc: use .html", "不支持的文件类型 .doc"),
])
def test_a_message_is_phrased_in_chinese_with_its_parts(message, zh):
    assert (phrase(message, "zh"), phrase(message, "en")) == (zh, message.partition(" / ")[2] or message)


def test_a_message_without_chinese_stays_as_it_was():
    assert phrase("the case is in a state nobody wrote down", "zh") == "the case is in a state nobody wrote down"


class EveryField(Schema):
    """A field of each kind (and each validator) the request schemas use."""

    text = fields.String(required=True, validate=validate.Length(1, 5))
    short = fields.String(validate=validate.Length(max=2))
    long = fields.String(validate=validate.Length(min=3))
    exact = fields.String(validate=validate.Length(equal=2))
    code = fields.String(validate=validate.Regexp("^[a-z]+$"))
    choice = fields.String(validate=validate.OneOf(("a", "b")))
    count = fields.Integer(validate=validate.Range(1, 10))
    at_least = fields.Integer(validate=validate.Range(min=1))
    below = fields.Integer(validate=validate.Range(max=10, max_inclusive=False))
    flag = fields.Boolean()
    when = fields.AwareDateTime()
    day = fields.Date()
    moment = moment()
    mapping = fields.Dict()
    items = fields.List(fields.String())
    nested = fields.Nested(CaseIn)
    not_null = fields.String(allow_none=False)


WRONG = {"short": "abc", "long": "a", "exact": "a", "code": "A1", "choice": "c", "count": 11, "at_least": 0,
         "below": 10, "flag": "maybe", "when": "2026-09-28T09:00", "day": "2026-02-30", "moment": "1999-01-01T00:00Z",
         "mapping": [], "items": "x", "nested": 3, "not_null": None, "unknown": 1}


def test_every_field_error_of_a_request_schema_has_chinese():
    for body in (WRONG, {**WRONG, "text": "", "count": "x", "when": "nope", "items": [1], "nested": {}}):
        with pytest.raises(ValidationError) as refused:
            EveryField().load(body)
        messages = [m for texts in flatten(refused.value.messages).values() for m in texts]
        assert len(messages) >= 15
        assert [m for m in messages if not CJK.search(phrase(m, "zh"))] == []


# -- over HTTP ---------------------------------------------------------------------------------------------------
def test_a_conflict_is_told_in_the_readers_language(api):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")
    api.complete("dispatcher", number, "triage", {"treatment": "direct", "complexity": "general", "departments": []})
    path = f"/tasks/{task['id']}/complete"
    zh = api.post("dispatcher", path, json={"treatment": "direct", "complexity": "general", "departments": []})
    en = api.post("dispatcher", path, json={}, headers=EN)
    assert (zh.status_code, zh.get_json()["title"], zh.get_json()["detail"]) == (409, "状态冲突", "该任务已办结")
    assert (en.status_code, en.get_json()["title"], en.get_json()["detail"]) == (
        409, "Conflict", "the task is already completed")


@pytest.mark.parametrize(("method", "path", "status", "zh", "en"), [
    ("GET", "/cases/12345-nope", 404, "没有案件 12345-nope", "no case 12345-nope"),
    ("GET", "/tasks/nope", 404, "没有任务 nope", "no task nope"),
    ("GET", "/no-such-page", 404, "请求的地址不存在", "The requested URL was not found on the server."),
    ("DELETE", "/cases", 405, "该地址不支持此请求方法", "The method is not allowed for the requested URL."),
])
def test_what_is_not_there_is_told_in_the_readers_language(api, method, path, status, zh, en):
    for headers, detail in (({}, zh), (EN, en)):
        response = api.request(method, "supervisor", path, headers=headers)
        assert (response.status_code, response.mimetype) == (status, "application/problem+json")
        assert response.get_json()["detail"].startswith(detail)


def test_request_field_errors_are_in_chinese_by_default(api):
    body = {"caller": {"name": "张三"}, "confidential": "yes", "category": "livelihood", "subject": "",
            "content": "停水", "colour": "red"}
    zh = api.post("operator", "/cases", json=body).get_json()["errors"]
    assert zh == {"caller.phone": ["此项为必填项"], "confidential": ["须为 true 或 false"],
                  "subject": ["长度须在 1 到 200 之间"], "colour": ["不允许的字段"]}
    en = api.post("operator", "/cases", json=body, headers=EN).get_json()["errors"]
    assert en == {"caller.phone": ["Missing data for required field."], "confidential": ["Not a valid boolean."],
                  "subject": ["Length must be between 1 and 200."], "colour": ["Unknown field."]}
    assert api.get("supervisor", "/cases").get_json()["total"] == 0


# -- a body that is not JSON -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "where"), [
    ('{"subject": "停水",'.encode(), "第 1 行第 18 列"), (b"{'subject': 1}", "第 1 行第 2 列"),
    (b"nope", "第 1 行第 1 列"), (b'{"subject": "\xff"}', "第 1 行第 14 列")],
    ids=["cut-short", "single-quotes", "not-json", "not-utf-8"])
@pytest.mark.parametrize(("user", "path"), [("operator", "/cases"), ("admin", "/admin/clock")])
def test_a_body_that_is_not_json_gets_our_problem_in_the_readers_language(api, body, where, user, path):
    before = api.clock.now()
    response = api.post(user, path, data=body, content_type="application/json")
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    problem = response.get_json()
    assert problem["detail"].startswith("请求体不是") and where in problem["detail"], problem
    assert problem["errors"] == {"_": [problem["detail"]]}
    english = api.post(user, path, data=body, content_type="application/json", headers=EN).get_json()
    assert english["detail"].startswith("the body is not"), english
    assert "browser" not in response.get_data(as_text=True) + str(english)
    assert (api.get("supervisor", "/cases").get_json()["total"], api.clock.now()) == (0, before)
