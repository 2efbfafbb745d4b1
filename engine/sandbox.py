"""The expression sandbox: conditions, timer expressions, DMN cells and scripts without ``eval``.

SpiffWorkflow's default script engine hands diagram text to Python's ``eval``/``exec`` with every
builtin available, so one crafted condition could run anything on the server. Here expressions are
evaluated by ``simpleeval`` over a whitelist: literals, arithmetic, comparisons, boolean logic,
look-ups in the case data, a few safe methods, and functions the domain registers by name. Scripts
are a sequence of assignments, ``if`` blocks and function calls (no loops), each value evaluated the
same way. ``value_of(name, default)`` reads a field that may be absent (optional form fields).
``check`` finds what falls outside the sandbox before anything runs, so a diagram can be refused at
deploy time with the reason.

Running, every operator, builtin and method is its bounded form (``engine.bounded``): no value outgrows
the limits, and a too large one is refused before it is built. Every node evaluated first checks the
step's time budget (``engine.budget``), whose ``BudgetSpent`` the sandbox lets through untouched.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import simpleeval

from . import bounded
from .bounded import BUILTINS, OPERATORS
from .budget import check as check_budget
from .limits import MAX_EXPRESSION_CHARS, MAX_SCRIPT_STATEMENTS
from .sizes import CONTAINERS, SandboxError, ValueTooLarge, checked

COMPILED_CACHE_SIZE = 4096

SAFE_METHODS: dict[type, frozenset[str]] = {
    str: frozenset({"lower", "upper", "strip", "startswith", "endswith", "split", "count", "isdigit"}),
    dict: frozenset({"get", "keys", "values", "items"}),
    list: frozenset({"count", "index"}),
}
_METHOD_NAMES = frozenset().union(*SAFE_METHODS.values())

_EXPRESSION_NODES: tuple[type, ...] = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Store, ast.BinOp, ast.UnaryOp, ast.BoolOp,
    ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Subscript, ast.Slice, ast.Attribute,
    ast.List, ast.Tuple, ast.Dict, ast.Set, ast.JoinedStr, ast.FormattedValue,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)
_STATEMENT_NODES: tuple[type, ...] = (ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.Expr, ast.Pass)
_FORBIDDEN_OPERATORS = (ast.MatMult,)
_NOT_SEARCHED = frozenset({int, float, complex, bool, str, bytes, type(None), *CONTAINERS})


def plain(value: Any) -> Any:
    """Turn dates into ISO strings so results stored in case data stay plain JSON."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class Sandbox:
    """Evaluates and checks expressions against a fixed set of whitelisted functions."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]] | None = None):
        clash = set(functions or {}) & (set(BUILTINS) | {"value_of"})
        if clash:
            raise ValueError(f"function names already taken by the sandbox: {sorted(clash)}")
        self.functions = {**BUILTINS, **(functions or {})}
        self._known = set(self.functions) | {"value_of"}
        self._compiled: dict[tuple[str, bool], Any] = {}

    # -- checking --------------------------------------------------------------------------------
    def check(self, text: str, script: bool = False) -> list[str]:
        """Reasons the expression (or script) would be refused; empty when it is acceptable."""
        if not isinstance(text, str) or not text.strip():
            return ["the expression is empty"]
        if len(text) > MAX_EXPRESSION_CHARS:
            return [f"longer than {MAX_EXPRESSION_CHARS} characters"]
        try:
            tree = ast.parse(text.strip(), mode="exec" if script else "eval")
        except SyntaxError as err:
            return [f"not a valid expression: {err.msg} (line {err.lineno}, column {err.offset})"]
        return self._check_tree(tree, script)

    def _check_tree(self, tree: ast.AST, script: bool) -> list[str]:
        allowed = _EXPRESSION_NODES + (_STATEMENT_NODES if script else ())
        problems = []
        for node in ast.walk(tree):
            if not isinstance(node, allowed) or isinstance(node, _FORBIDDEN_OPERATORS):
                problems.append(f"'{type(node).__name__}' is not allowed")
            elif isinstance(node, ast.Attribute):
                problems.extend(self._check_attribute(node))
            elif isinstance(node, ast.Call):
                problems.extend(self._check_call(node))
            elif isinstance(node, ast.Name) and node.id.startswith("_"):
                problems.append(f"names starting with '_' are not allowed ({node.id})")
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
                problems.extend(self._check_power(node))
            elif isinstance(node, ast.Assign | ast.AugAssign):
                problems.extend(_check_targets(node))
        if script and isinstance(tree, ast.Module) and len(tree.body) > MAX_SCRIPT_STATEMENTS:
            problems.append(f"more than {MAX_SCRIPT_STATEMENTS} statements")
        return list(dict.fromkeys(problems))

    def _check_attribute(self, node: ast.Attribute) -> list[str]:
        if node.attr.startswith("_"):
            return [f"access to '{node.attr}' is not allowed"]
        if node.attr not in _METHOD_NAMES:
            return [f"'.{node.attr}' is not an allowed method (allowed: {', '.join(sorted(_METHOD_NAMES))})"]
        return []

    def _check_call(self, node: ast.Call) -> list[str]:
        if isinstance(node.func, ast.Attribute):
            return []
        if not isinstance(node.func, ast.Name):
            return ["only named functions can be called"]
        if node.func.id not in self._known:
            return [f"unknown function '{node.func.id}' (available: {', '.join(sorted(self._known))})"]
        return []

    @staticmethod
    def _check_power(node: ast.BinOp) -> list[str]:
        """Stacked powers, and a power of two numbers written out whose result would be too large."""
        if isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.Pow):
            return ["stacked powers are not allowed"]
        if isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant):
            try:
                bounded.power(node.left.value, node.right.value)
            except ValueTooLarge as err:
                return [str(err)]
            except (ArithmeticError, TypeError, ValueError):
                return []  # an error at run time, like any other arithmetic error
        return []

    # -- running ---------------------------------------------------------------------------------
    def evaluate(self, expression: str, names: Mapping[str, Any]) -> Any:
        """Evaluate one expression over ``names`` (the case data)."""
        return plain(_value(self._evaluator(names), self._compile(expression, False).body))

    def execute(self, script: str, data: dict[str, Any], extra: Mapping[str, Any] | None = None) -> None:
        """Run a script's statements, writing assigned names into ``data``."""
        module = self._compile(script, True)
        evaluator = self._evaluator({**(extra or {}), **data})
        self._run(module.body, evaluator, data)

    def _compile(self, text: str, script: bool) -> Any:
        """Parse and check once per distinct text; refuse anything ``check`` refuses."""
        key = (text, script)
        tree = self._compiled.get(key)
        if tree is None:
            problems = self.check(text, script)
            if problems:
                raise SandboxError("; ".join(problems))
            tree = ast.parse(text.strip(), mode="exec" if script else "eval")
            if len(self._compiled) < COMPILED_CACHE_SIZE:
                self._compiled[key] = tree
        return tree

    def _run(self, statements: list[ast.stmt], evaluator: simpleeval.SimpleEval, data: dict) -> None:
        for stmt in statements:
            if isinstance(stmt, ast.Assign):
                self._assign(evaluator, data, [t.id for t in stmt.targets], stmt.value)
            elif isinstance(stmt, ast.AugAssign):
                name = stmt.target.id
                self._assign(evaluator, data, [name], ast.BinOp(ast.Name(name, ast.Load()), stmt.op, stmt.value))
            elif isinstance(stmt, ast.If):
                branch = stmt.body if _value(evaluator, stmt.test) else stmt.orelse
                self._run(branch, evaluator, data)
            elif isinstance(stmt, ast.Expr):
                _value(evaluator, stmt.value)

    @staticmethod
    def _assign(evaluator: simpleeval.SimpleEval, data: dict, names: list[str], node: ast.expr) -> None:
        value = plain(_value(evaluator, node))
        for name in names:
            data[name] = evaluator.names[name] = value

    def _evaluator(self, names: Mapping[str, Any]) -> _BoundedEval:
        names = dict(names)
        return _BoundedEval({**self.functions, "value_of": lambda name, default=None: names.get(name, default)},
                            names)


class _BoundedEval(simpleeval.EvalWithCompoundTypes):
    """simpleeval's evaluator with the bounded operators and functions, the time budget checked at every node,
    and no comprehensions."""

    def __init__(self, functions: dict[str, Callable[..., Any]], names: dict[str, Any]):
        super().__init__(operators=OPERATORS, functions=dict(functions), names=names, allowed_attrs=SAFE_METHODS)
        self.functions = functions  # simpleeval adds its own (unbounded) list, tuple, dict and set
        for comprehension in (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp):
            self.nodes.pop(comprehension, None)
        for literal in (ast.List, ast.Tuple, ast.Set, ast.Dict):
            self.nodes[literal] = self._checked(self.nodes[literal])

    def _eval(self, node: ast.AST) -> Any:
        """simpleeval's node step (``check`` refused every node without a handler), after the time budget.

        A result is searched for modules and forbidden functions unless it is a plain value or a container:
        simpleeval would walk every container at every node, which costs its whole size each time (and is
        exponential for one built of repeated parts). A container holds case data (plain JSON values and
        dates) or values that were node results themselves, searched then."""
        check_budget()
        result = self.nodes[type(node)](node)
        if type(result) not in _NOT_SEARCHED:
            self._check_disallowed_items(result)
        return result

    @staticmethod
    def _checked(build: Callable[[ast.AST], Any]) -> Callable[[ast.AST], Any]:
        """A literal's items are bounded already; its whole size (``[a, a, a]``, ``{**a, **b}``) is checked,
        unless it is written out in constants (``x in ['a', 'b']``): no larger than the expression then."""
        return lambda node: build(node) if _of_constants(node) else checked(build(node))

    def _eval_attribute(self, node: ast.Attribute) -> Any:
        return bounded.bounded_method(node.attr, super()._eval_attribute(node))

    def _eval_formattedvalue(self, node: ast.FormattedValue) -> str:
        value = self._eval(node.value)
        return bounded.format_value(value, self._eval(node.format_spec) if node.format_spec else "")

    def _eval_joinedstr(self, node: ast.JoinedStr) -> str:
        """simpleeval writes each part out before measuring it; here each is measured before it is written."""
        return bounded.joined([self._eval(part) for part in node.values])


def _of_constants(node: ast.List | ast.Tuple | ast.Set | ast.Dict) -> bool:
    parts = [*node.keys, *node.values] if isinstance(node, ast.Dict) else node.elts
    return all(isinstance(part, ast.Constant) for part in parts)


def _value(evaluator: simpleeval.SimpleEval, node: ast.AST) -> Any:
    """What simpleeval's whitelist evaluator makes of an already checked node (its ``eval`` method, not Python's)."""
    return evaluator.eval("", previously_parsed=node)


def _check_targets(node: ast.Assign | ast.AugAssign) -> list[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    bad = [t for t in targets if not isinstance(t, ast.Name) or t.id.startswith("_")]
    return ["only plain names can be assigned to"] if bad else []
