"""Form errors as people read them: only what is wrong, each named by the field's title, in their language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
        "callback", "handle", "immediate_reply", "leader_instructions", "review_result", "triage"}


@pytest.mark.parametrize(("name", "condition"), _conditions())
def test_a_missing_condition_field_is_the_only_error(name, condition):
    """Without the field an ``if`` looks at, only that field is reported, not what its ``then`` would ask."""
    form = _form(name)
    data = {field: _plain_value(form["properties"][field]) for field in form["required"] if field != condition}
    errors = _errors(form, data)
    assert list(errors) == [condition], errors
    assert len(errors[condition]) == 1
