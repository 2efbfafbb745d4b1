"""No expression, script or DMN cell can build a value past the limits: it is refused before it is built.

The gallery below holds resource bombs (each measured on the unbounded sandbox: tens of seconds, or
gigabytes); each must be refused at once with a message naming the limit, while ordinary and realistic
big-but-allowed expressions keep working.
"""

from datetime import datetime

import pytest

from engine import budget
from engine.errors import StepFailed
from engine.limits import MAX_COLLECTION_ITEMS, MAX_INT_BITS, MAX_NESTING, MAX_STRING_CHARS, MAX_VALUE_CHARS
from engine.sandbox import Sandbox, ValueTooLarge
from tests.conftest import diagram_files

BITS = f"more than {MAX_INT_BITS:,} bits"
CHARS = f"longer than {MAX_STRING_CHARS:,} characters"
ITEMS = f"more than {MAX_COLLECTION_ITEMS:,} items"
WRITTEN = f"more than {MAX_VALUE_CHARS:,} characters written out"
DEEP = f"nested more than {MAX_NESTING} levels deep"

DATA = {
    "n": 2, "big": 2**4095, "w": 10**8, "s": "x" * 60_000, "now": datetime(2024, 1, 2, 8, 30),
    "half": [0] * 6000, "numbers": list(range(10_000)), "amount": 12345.678, "name": "li",
    "first": {f"a{i}": i for i in range(6000)}, "second": {f"b{i}": i for i in range(6000)},
    "records": [{"department": f"department {i}", "summary": "water pipe burst on the street"} for i in range(2000)],
    "text": "word " * 9999,
}


def repeated(first: str, then: str, times: int) -> str:
    return "\n".join([first] + [then] * times)


BOMBS = [
    # numbers: growing by multiplication, powers and shifts, not only by **
    (repeated("a = 9**999", "a = a*a", 14), BITS),
    ("big * big", BITS),
    ("n ** 5000", BITS),
    ("n ** big", BITS),
    ("(-n) ** 4097", BITS),
    ("1 << 10**6", BITS),
    ("big << 2", BITS),
    ("big + big", BITS),
    ("sum([big] * 4)", BITS),
    ("int('9' * 4000)", BITS),
    # strings: %-formatting, format widths and precisions, str() of containers, concatenation
    ('len("%1500000000d" % 0)', CHARS),
    ('"%.*f" % (w, 1.5)', CHARS),
    ('"%*s" % (w, "x")', CHARS),
    ('"%(s)s%(s)s" % {"s": s}', CHARS),
    ('"%s%s" % (s, s)', CHARS),
    ('"%s" % [s, s]', CHARS),
    ('"%a" % ("中" * 20000)', CHARS),
    ('f"{1:>100000000}"', CHARS),
    ('f"{1.5:.{w}f}"', CHARS),
    ('f"{now:%_100000000Y}"', CHARS),
    ('f"{s}{s}"', CHARS),
    ('str(["x" * 100000] * 5)', CHARS),
    ("str(records)", CHARS),
    ("'x' * 10**9", CHARS),
    ("s + s", CHARS),
    ('("ß" * 60000).upper()', CHARS),
    # lists, tuples, dicts: repetition, concatenation, sum, splitting, copying
    ("[0] * 10**9", ITEMS),
    ("[0] * 10001", ITEMS),
    ("sum([[0] * 100000] * 100, [])", ITEMS),
    ("sum([[0] * 1000] * 11, [])", ITEMS),
    ("sum([(0,) * 1000] * 11, ())", ITEMS),
    ("half + half", ITEMS),
    ('("a," * 30000).split(",")', ITEMS),
    ('(" a" * 20000).split()', ITEMS),
    ('sorted("x" * 20000)', ITEMS),
    ('list("x" * 20000)', ITEMS),
    ("first | second", ITEMS),
    ("{**first, **second}", ITEMS),
    # whole values: parts repeated into each other, cheap to build and enormous to print, compare or store
    ('str(["x" * 100000] * 200)', WRITTEN),
    ("[[0] * 10000] * 10000", WRITTEN),
    (repeated("a = [1]", "a = [a, a]", 40), WRITTEN),
    (repeated("a = (1,)", "a = (a, a)", 40) + "\nb = {a}", WRITTEN),
    (repeated("a = [[[[[[[[[[1]]]]]]]]]]", "a = [[[[[[[[[[a]]]]]]]]]]", 4), DEEP),
]


@pytest.fixture
def sandbox():
    return Sandbox({"now": lambda: DATA["now"]})


@pytest.mark.parametrize(("code", "message"), BOMBS, ids=[code.split("\n")[-1][:40] for code, _ in BOMBS])
def test_a_resource_bomb_is_refused_before_the_value_is_built(sandbox, code, message):
    with pytest.raises(ValueTooLarge, match=message):
        if "\n" in code:
            sandbox.execute(code, dict(DATA))
        else:
            sandbox.evaluate(code, DATA)


@pytest.mark.parametrize(("expression", "expected"), [
    ("len('x' * 100000)", MAX_STRING_CHARS),
    ("len([0] * 10000)", MAX_COLLECTION_ITEMS),
    ("len(str(2 ** 4095 + (2 ** 4095 - 1)))", len(str(2**MAX_INT_BITS - 1))),
    ("9 ** 999 % 10", 9),
    ("len(str(2 ** 4000))", len(str(2**4000))),
    ("1.0001 ** 5000 > 1.6", True),
    ("len(str(numbers))", len(str(DATA["numbers"]))),
    ("len(str(first))", len(str(DATA["first"]))),
    ("sum(numbers)", 49995000),
    ("max(numbers) - min(numbers)", 9999),
    ("len(sum([[0] * 1000] * 10, []))", MAX_COLLECTION_ITEMS),
    ("sum([(1,), (2, 3)], ())", (1, 2, 3)),
    ("len(records + [{'department': 'roads'}])", 2001),
    ("len(half + half[:4000])", MAX_COLLECTION_ITEMS),
    ("len(text.split())", 9999),
    ("'a,b,c'.split(',', 1)", ["a", "b,c"]),
    ("'ß'.upper()", "SS"),
    ("sorted(['b', 'c', 'a'], reverse=True)", ["c", "b", "a"]),
    ("round(12345, -2)", 12300),
    ("round(12345, -10**9)", 0),
    ("round(amount, 1)", 12345.7),
    ("int('12') + 1", 13),
    ("'%s has %d cases (%.1f%%)' % ('water', 12, 33.333)", "water has 12 cases (33.3%)"),
    ("'%(dept)s: %(n)03d' % {'dept': 'roads', 'n': 7}", "roads: 007"),
    ("'%-6s|' % 'ab'", "ab    |"),
    ("f'{amount:>12,.2f}'", "   12,345.68"),
    ("f'{now:%Y-%m-%d %H:%M}'", "2024-01-02 08:30"),
    ("f'{name:*^9}|{n:03}'", "***li****|002"),
    ("f'{s}'[:3] + str(len(f'{s}'))", "xxx60000"),
    ("str({'a': [1, 2]})", "{'a': [1, 2]}"),
    ("len({**first, 'extra': 1})", 6001),
])
def test_ordinary_and_big_but_allowed_expressions_still_evaluate(sandbox, expression, expected):
    assert sandbox.evaluate(expression, dict(DATA)) == expected


def test_a_power_written_out_too_large_is_refused_at_deploy_and_a_float_power_is_not(sandbox):
    [reason] = sandbox.check("2 ** 5000")
    assert BITS in reason
    assert sandbox.check("2 ** 4095") == []
    assert sandbox.check("1.0001 ** 5000") == []


@pytest.mark.parametrize("code", ["amount + 1", "x = amount\ny = x + 1"])
def test_a_spent_step_budget_stops_evaluation_and_passes_through_the_sandbox(sandbox, code):
    data = dict(DATA)
    with budget.bound(0), pytest.raises(budget.BudgetSpent):
        if "\n" in code:
            sandbox.execute(code, data)
        else:
            sandbox.evaluate(code, data)
    assert data.keys() == DATA.keys()


def _causes(error: BaseException | None):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


TOO_LONG = b"len('%200000d' % 0)"


def _diagram_with(where: str) -> tuple[dict[str, bytes], str]:
    """The test diagrams with one expression replaced by one whose string is past the limit."""
    if where == "dmn":
        files = diagram_files("decision.bpmn", "decision.dmn", "review.json")
        files["decision.dmn"] = files["decision.dmn"].replace(b'<text>"fast"</text>', b"<text>" + TOO_LONG + b"</text>")
        return files, "decision"
    files = diagram_files("basic.bpmn", "request.json", "review.json")
    old = b"size == 'big'" if where == "condition" else b"'big' if amount &gt; 100 else 'small'"
    files["basic.bpmn"] = files["basic.bpmn"].replace(old, TOO_LONG + (b" &gt; 0" if where == "condition" else b""))
    return files, "basic"


@pytest.mark.parametrize("where", ["script", "condition", "dmn"])
def test_a_value_past_the_limit_fails_the_step_in_a_script_a_condition_or_a_dmn_cell(engine, where):
    files, process = _diagram_with(where)
    engine.deploy(files)
    with pytest.raises(StepFailed) as failed:
        if process == "decision":
            engine.start(process, {"kind": "urgent", "count": 5}, "alice")
        else:
            case = engine.start(process, {}, "alice")
            task = engine.snapshot(case)["open_tasks"][0]["id"]
            engine.complete_task(task, {"amount": 500}, "alice")
    refusal = next(error for error in _causes(failed.value) if isinstance(error, ValueTooLarge))
    assert CHARS in str(refusal)
    if process == "basic":
        snapshot = engine.snapshot(case)
        assert (snapshot["status"], snapshot["data"]) == ("incident", {})
