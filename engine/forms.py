"""Checking submitted task data against the task's JSON Schema form."""

from __future__ import annotations

from typing import Any

import jsonschema

from .errors import InvalidData


def check_form(form: dict[str, Any] | None, data: dict[str, Any]) -> None:
    """Raise ``InvalidData`` with every failing field (``field.sub`` paths, ``_`` for the whole body)."""
    if form is None:
        return
    validator = jsonschema.Draft202012Validator(form, format_checker=jsonschema.FormatChecker())
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        field = ".".join(str(p) for p in error.absolute_path) or _missing_field(error) or "_"
        errors.setdefault(field, []).append(error.message)
    if errors:
        raise InvalidData(errors)


def _missing_field(error: jsonschema.ValidationError) -> str | None:
    """Name the field for 'required' and 'additionalProperties' errors, which jsonschema reports on the parent."""
    if error.validator == "required":
        return error.message.split("'")[1]
    if error.validator == "additionalProperties":
        extra = error.message.split("'")
        return extra[1] if len(extra) > 1 else None
    return None
