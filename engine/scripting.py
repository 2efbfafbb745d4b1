"""Plugs the sandbox into SpiffWorkflow's script engine, so no diagram text reaches ``eval``."""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .sandbox import Sandbox

ServiceHandler = Callable[..., Any]


class UnknownService(LookupError):
    """A service task names an operation nobody registered."""


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates expressions and runs scripts in the sandbox; calls only registered services."""

    def __init__(self, sandbox: Sandbox, services: Mapping[str, ServiceHandler] | None = None):
        super().__init__({})
        self.sandbox = sandbox
        self.services = dict(services or {})

    def evaluate(self, expression: str, context: Mapping[str, Any], external_context=None) -> Any:
        return self.sandbox.evaluate(expression, {**(external_context or {}), **context})

    def execute(self, script: str, context: dict[str, Any], external_context=None) -> bool:
        self.sandbox.execute(script, context, external_context)
        return True

    def call_service(self, context, operation_name=None, operation_params=None, **_ignored) -> Any:
        handler = self.services.get(operation_name)
        if handler is None:
            raise UnknownService(f"no handler is registered for the service '{operation_name}'")
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        return handler(context, **params)


class SandboxScriptEngine(PythonScriptEngine):
    """SpiffWorkflow script engine whose every evaluation goes through the sandbox."""

    def __init__(self, sandbox: Sandbox, services: Mapping[str, ServiceHandler] | None = None):
        super().__init__(environment=SandboxEnvironment(sandbox, services))

    def validate(self, expression: str) -> None:
        """Syntax check only (the DMN engine uses it to tell ``> 3`` from ``3``)."""
        ast.parse(expression)
