"""Form errors as people read them: only what is wrong, each named by the field's title, in their language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.field_errors import field_errors
from engine.errors import InvalidData
from engine.forms import check_form

FORMS = Path(__file__).resolve().parent.parent / "forms"


def _form(name: str) -> dict:
    return json.loads((FORMS / f"{name}.json").read_text(encoding="utf-8"))


def _conditions() -> list[tuple[str, str]]:
    """(form, condition field) for every ``if`` of every form in forms/."""
    found = []
    for path in sorted(FORMS.glob("*.json")):
        for part in json.loads(path.read_text(encoding="utf-8")).get("allOf", []):
            found += [(path.stem, field) for field in part.get("if", {}).get("properties", {})]
    return found


def _plain_value(schema: dict):
    """A value the field's own schema accepts, and as little as it allows (an empty list, one letter)."""
    if "enum" in schema:
        return schema["enum"][0]
    return {"string": "x", "boolean": True, "array": [], "integer": 1, "number": 1, "object": {}}[schema["type"]]


def _errors(form: dict, data: dict) -> dict[str, list[str]]:
    try:
        check_form(form, data)
    except InvalidData as refused:
        return refused.errors
    return {}


def test_every_form_has_conditions_to_check():
    assert {form for form, _ in _conditions()} == {
        "approve_extension", "callback", "decide_dispute", "handle", "immediate_reply", "leader_instructions",
        "review_result", "triage"}


@pytest.mark.parametrize(("name", "condition"), _conditions())
def test_a_missing_condition_field_is_the_only_error(name, condition):
    """Without the field an ``if`` looks at, only that field is reported, not what its ``then`` would ask."""
    form = _form(name)
    data = {field: _plain_value(form["properties"][field]) for field in form["required"] if field != condition}
    errors = _errors(form, data)
    assert list(errors) == [condition], errors
    assert len(errors[condition]) == 1


# -- each rule in words, with the field's title -----------------------------------------------------------------
EVERY_RULE = {
    "type": "object", "additionalProperties": False, "required": ["outcome", "summary"],
    "properties": {
        "outcome": {"type": "string", "title": "办理结果", "x-title-en": "Outcome", "enum": ["handled", "return"],
                    "x-enum-titles": ["已办理", "退回"]},
        "summary": {"type": "string", "title": "办理情况", "x-title-en": "What was done", "minLength": 1,
                    "maxLength": 5},
        "phone": {"type": "string", "title": "电话", "x-title-en": "Phone", "pattern": "^[0-9]+$", "minLength": 3},
        "visits": {"type": "integer", "title": "走访次数", "x-title-en": "Visits", "minimum": 1, "maximum": 9},
        "share": {"type": "number", "title": "占比", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "day": {"type": "string", "title": "日期", "x-title-en": "Day", "format": "date"},
        "agreed": {"const": True, "title": "同意", "x-title-en": "Agreed"},
        "units": {"type": "array", "title": "承办单位", "x-title-en": "Departments", "minItems": 1, "maxItems": 2,
                  "uniqueItems": True, "items": {"type": "string", "enum": ["water", "housing"]}},
        "tags": {"type": "array", "title": "标签", "minItems": 2},
        "note": {"type": ["string", "null"], "title": "Note"},
        "untitled": {"type": "string"},
        "either": {"title": "二选一", "x-title-en": "Either", "oneOf": [{"type": "string"}, {"type": "integer"}]},
    },
}
CASES = [  # (data over a valid answer, None for a field left out; the field; Chinese; English)
    ({"outcome": None}, "outcome", "“办理结果”为必填项", "“Outcome” is required"),
    ({"summary": 3}, "summary", "“办理情况”须为文本", "“What was done” must be text"),
    ({"outcome": "x"}, "outcome", "“办理结果”须为以下之一：已办理、退回", "“Outcome” must be one of: handled, return"),
    ({"summary": ""}, "summary", "“办理情况”不能为空", "“What was done” must not be empty"),
    ({"summary": "123456"}, "summary", "“办理情况”最多 5 个字", "“What was done” must be at most 5 characters long"),
    ({"phone": "12"}, "phone", "“电话”至少 3 个字", "“Phone” must be at least 3 characters long"),
    ({"phone": "abc"}, "phone", "“电话”的格式不正确", "“Phone” is not in the expected format"),
    ({"visits": 0}, "visits", "“走访次数”不能小于 1", "“Visits” must be at least 1"),
    ({"visits": 10}, "visits", "“走访次数”不能大于 9", "“Visits” must be at most 9"),
    ({"visits": 1.5}, "visits", "“走访次数”须为整数", "“Visits” must be a whole number"),
    ({"share": 0}, "share", "“占比”须大于 0", "“share” must be greater than 0"),
    ({"share": 1}, "share", "“占比”须小于 1", "“share” must be less than 1"),
    ({"day": "2026-13-01"}, "day", "“日期”不是有效的日期", "“Day” is not a valid date"),
    ({"agreed": False}, "agreed", "“同意”须为 true", "“Agreed” must be true"),
    ({"units": []}, "units", "“承办单位”至少要选一项", "“Departments” needs at least one item"),
    ({"units": ["water", "housing", "fire"]}, "units", "“承办单位”最多 2 项", "“Departments” takes at most 2 item(s)"),
    ({"units": ["water", "water"]}, "units", "“承办单位”不能有重复项", "“Departments” must not repeat an item"),
    ({"units": ["fire"]}, "units.0", "“承办单位”第 1 项须为以下之一：water、housing",
     "“Departments” item 1 must be one of: water, housing"),
    ({"tags": [1]}, "tags", "“标签”至少要有 2 项", "“tags” needs at least 2 item(s)"),
    ({"note": 1}, "note", "“Note”须为文本或空值（null）", "“Note” must be text or null"),
    ({"untitled": 1}, "untitled", "“untitled”须为文本", "“untitled” must be text"),
    ({"extra": 1}, "extra", "表单中没有“extra”这一项", "the form has no field “extra”"),
    ({"either": 1.5}, "either", "“二选一”不符合表单要求（oneOf）",
     "“Either”: 1.5 is not valid under any of the given schemas"),
]


@pytest.mark.parametrize(("data", "field", "zh", "en"), CASES, ids=[case[1] + ":" + case[3] for case in CASES])
def test_each_rule_is_told_with_the_fields_title_in_both_languages(data, field, zh, en):
    with pytest.raises(InvalidData) as refused:
        answer = {"outcome": "handled", "summary": "done", **data}
        check_form(EVERY_RULE, {key: value for key, value in answer.items() if value is not None})
    assert field_errors(refused.value.fields, "zh")[field] == [zh]
    assert field_errors(refused.value.fields, "en")[field] == [en]


# -- over HTTP ---------------------------------------------------------------------------------------------------
def test_a_department_is_told_what_its_answer_lacks_in_its_language(api):
    number = api.register()["number"]
    api.complete("dispatcher", number, "triage", {"treatment": "assignment", "complexity": "general",
                                                  "departments": ["water"]})
    task = api.task("water", number, "handle")
    path = f"/tasks/{task['id']}/complete"
    zh = api.post("water", path, json={"summary": "已修复"})
    en = api.post("water", path, json={"summary": "fixed"}, headers={"Accept-Language": "en"})
    assert (zh.status_code, zh.mimetype) == (400, "application/problem+json")
    assert zh.get_json()["detail"] == "数据不符合表单要求"
    assert zh.get_json()["errors"] == {"outcome": ["“办理结果”为必填项"]}
    assert (en.get_json()["detail"], en.get_json()["errors"]) == (
        "the data does not satisfy the form", {"outcome": ["“Outcome” is required"]})
    assert api.task("water", number, "handle") == task  # still open, as it was


def test_a_dispatcher_is_told_which_department_is_unknown(api):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")
    answer = {"treatment": "assignment", "complexity": "general", "departments": ["water", "moon"], "colour": "red"}
    response = api.post("dispatcher", f"/tasks/{task['id']}/complete", json=answer)
    assert response.get_json()["errors"] == {"colour": ["表单中没有“colour”这一项"],
                                             "departments.1": ["“承办单位”第 2 项不是可选的值之一"]}
    assert api.task("dispatcher", number, "triage") == task
