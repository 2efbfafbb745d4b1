"""What engine commands raise, so callers (HTTP, CLI) can answer each case precisely."""


class EngineError(Exception):
    """Base of the engine's own errors."""


class NotFound(EngineError):
    """No such process, case or task."""


class Conflict(EngineError):
    """The case moved on meanwhile (another command won the race, the task is done, the case ended)."""


class InvalidData(EngineError):
    """Submitted data does not satisfy the task's form."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("the data does not satisfy the form")
        self.errors = errors


class StepFailed(EngineError):
    """Advancing the case raised inside the diagram (bad data, a diagram error); nothing was saved."""

    def __init__(self, message: str, task: str | None = None):
        super().__init__(message)
        self.task = task
