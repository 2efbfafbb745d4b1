"""The expression sandbox refuses escapes and runs what diagrams legitimately need."""

import pytest

from engine.sandbox import Sandbox, SandboxError

ESCAPES = [
    "().__class__.__base__.__subclasses__()",
    "__import__('os')",
    "__import__('os').system('id')",
    "9**9**9",
    "10**100000",
    "(lambda: 1)()",
    "[x for x in range(10**9)]",
    "{x: 1 for x in data}",
    "open('/etc/passwd').read()",
    "getattr(data, '__class__')",
    "data.__class__.__mro__",
    "'{0.__class__}'.format(1)",
    "globals()",
    "eval('1')",
    "exec('import os')",
    "type(1)",
    "f.__globals__",
]


@pytest.fixture
def sandbox():
    return Sandbox({"double": lambda x: 2 * x})


@pytest.mark.parametrize("expression", ESCAPES)
def test_escape_attempts_are_refused_before_and_at_run_time(sandbox, expression):
    assert sandbox.check(expression), "the static check must name a reason"
    with pytest.raises(SandboxError):
        sandbox.evaluate(expression, {"data": [1, 2], "f": print})


@pytest.mark.parametrize("script", ["import os", "for i in range(9):\n    x = i", "while True:\n    pass",
                                    "def f():\n    pass", "x.attr = 1", "del x", "__builtins__ = 1"])
def test_scripts_with_statements_outside_the_sandbox_are_refused(sandbox, script):
    assert sandbox.check(script, script=True)
    with pytest.raises(SandboxError):
        sandbox.execute(script, {"x": 1})


@pytest.mark.parametrize(("expression", "expected"), [
    ("amount > 100 and kind in ['a', 'b']", True),
    ("double(amount) - 1", 399),
    ("caller.get('name', '').upper()", "ZHANG"),
    ("len(departments) == 2", True),
    ("'big' if amount > 100 else 'small'", "big"),
    ("2 ** 10", 1024),
    ("not flagged or amount < 0", True),
])
def test_ordinary_expressions_evaluate_over_case_data(sandbox, expression, expected):
    data = {"amount": 200, "kind": "a", "caller": {"name": "zhang"}, "departments": ["x", "y"], "flagged": False}
    assert sandbox.check(expression) == []
    assert sandbox.evaluate(expression, data) == expected


def test_a_script_assigns_into_case_data_and_branches(sandbox):
    data = {"amount": 5}
    sandbox.execute("total = double(amount)\nif total > 5:\n    size = 'big'\nelse:\n    size = 'small'\ntotal += 1",
                    data)
    assert data == {"amount": 5, "total": 11, "size": "big"}


def test_unknown_functions_are_named_in_the_reason(sandbox):
    [reason] = sandbox.check("send_email(x)")
    assert "unknown function 'send_email'" in reason


def test_domain_functions_cannot_shadow_the_builtins():
    with pytest.raises(ValueError, match="len"):
        Sandbox({"len": lambda x: 0})
