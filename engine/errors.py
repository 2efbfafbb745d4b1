"""What engine commands raise, so callers (HTTP, CLI) can answer each case precisely."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class EngineError(Exception):
    """Base of the engine's own errors."""


class NotFound(EngineError):
    """No such process, case or task."""


class Conflict(EngineError):
    """The case moved on meanwhile (another command won the race, the task is done, the case ended)."""


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with one field of submitted data, told so that a caller can phrase it for its reader:
    the form keyword it breaks (``rule``: required, type, maxLength ...), that keyword's value in the form
    (``expected``) and the field's own schema (its ``title`` and other annotations, empty for a field the
    form does not know); ``along`` holds the schemas the form declares on the way to it, one for each step of
    its path (an item of a list is told by the list's title). ``message`` is the validator's own English."""

    field: str
    rule: str
    expected: Any
    schema: Mapping[str, Any]
    message: str
    along: tuple[Mapping[str, Any], ...] = ()


class InvalidData(EngineError):
    """Submitted data does not satisfy the task's form: ``errors`` lists the messages by field (``_`` for the
    whole body), ``fields`` holds the same failures told field by field when a form was checked."""

    def __init__(self, errors: dict[str, list[str]], fields: Iterable[FieldError] = ()):
        super().__init__("the data does not satisfy the form")
        self.errors = errors
        self.fields = tuple(fields)

    @classmethod
    def of(cls, fields: Iterable[FieldError]) -> InvalidData:
        """The error for these field failures, with their messages gathered by field."""
        fields = tuple(fields)
        errors: dict[str, list[str]] = {}
        for failure in fields:
            errors.setdefault(failure.field, []).append(failure.message)
        return cls(errors, fields)


class StepFailed(EngineError):
    """Advancing the case raised inside the diagram (bad data, a diagram error); nothing was saved."""

    def __init__(self, message: str, task: str | None = None):
        super().__init__(message)
        self.task = task


class UnknownStateFormat(EngineError):
    """A case's saved state is in a format this engine cannot read (unknown, or written by a newer SpiffWorkflow);
    nothing of it was read."""

    def __init__(self, state_format: str, why: str):
        super().__init__(f"the case state format {state_format!r} cannot be loaded: {why}")
        self.state_format = state_format
