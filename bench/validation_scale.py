"""Does validation scale linearly with the size of a diagram? (A designer's 1 MB diagram is checked in seconds.)

Builds diagrams of 1,000, 2,000, 4,000 and 8,000 script tasks in two shapes and times reading and validating
each (every check of ``engine.validation``, SpiffWorkflow's build included), as ``POST /deployments/validate``
does:

* ``chain``: the tasks one after another (8,000 make 1.2 MB). SpiffWorkflow's parser follows a path by
  recursion, so past a few hundred steps it refuses the path; the report says so, after every other check.
* ``fan``: a parallel gateway to every task and a join after them, so SpiffWorkflow builds the whole spec.

Prints the seconds per size and the ratio of each time to the 1,000-task one: linear growth doubles the time
when the size doubles (ratio 8 at 8,000), quadratic growth quadruples it (ratio 64). The summary is last.
"""

from __future__ import annotations

import argparse
import time

from engine.bundle import read_bundle
from engine.sandbox import Sandbox
from engine.validation import validate

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/'
        'MODEL" id="defs" targetNamespace="bench">\n<bpmn:process id="p" isExecutable="true">\n')
TAIL = "</bpmn:process>\n</bpmn:definitions>\n"
SIZES = (1000, 2000, 4000, 8000)


def script_task(i: int) -> str:
    return f'<bpmn:scriptTask id="s{i}" name="Step {i}"><bpmn:script>x{i} = {i} + 1</bpmn:script></bpmn:scriptTask>\n'


def flow(source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="{source}_{target}" sourceRef="{source}" targetRef="{target}"/>\n'


def chain(n: int) -> str:
    ids = ["start", *(f"s{i}" for i in range(n)), "end"]
    return "".join([HEAD, '<bpmn:startEvent id="start"/>\n', *map(script_task, range(n)), '<bpmn:endEvent id="end"/>\n',
                    *(flow(a, b) for a, b in zip(ids, ids[1:], strict=False)), TAIL])


def fan(n: int) -> str:
    return "".join([HEAD, '<bpmn:startEvent id="start"/><bpmn:parallelGateway id="fork"/>\n',
                    '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>\n', *map(script_task, range(n)),
                    flow("start", "fork"), flow("join", "end"),
                    *(flow("fork", f"s{i}") + flow(f"s{i}", "join") for i in range(n)), TAIL])


def timed(text: str, sandbox: Sandbox) -> tuple[float, int]:
    """Seconds to read and validate the diagram, and the number of errors found."""
    begin = time.perf_counter()
    checked = validate(read_bundle({"p.bpmn": text.encode()}), sandbox)
    return time.perf_counter() - begin, len(checked.errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=("chain", "fan", "both"), default="both")
    args = parser.parse_args()
    sandbox, summary = Sandbox(), []
    for shape, build in (("chain", chain), ("fan", fan)):
        if args.shape not in (shape, "both"):
            continue
        first = None
        for n in SIZES:
            text = build(n)
            seconds, errors = timed(text, sandbox)
            first = first or seconds
            print(f"{shape:5} {n:5} tasks {len(text) / 1e6:5.2f} MB  {seconds:6.2f} s  ratio {seconds / first:5.1f}"
                  f"  ({errors} error(s))")
        summary.append(f"{shape} {SIZES[-1]} tasks {seconds:.2f} s, ratio {seconds / first:.1f} to {SIZES[0]}")
    print(f"validation_scale: {'; '.join(summary)} (linear: {SIZES[-1] // SIZES[0]})")


if __name__ == "__main__":
    main()
