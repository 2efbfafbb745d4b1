"""Task forms (JSON Schema 2020-12): checked once at deploy, then against every submission, safely.

A form is a designer's file and the data checked against it a client's; neither may reach outside the
deployment or hold the server:

- ``$ref`` resolves only inside the deployment: within the form, or in another form of it named by file
  (``other.json#/$defs/x``). The registry retrieves nothing, so no URL or file is ever fetched, at deploy or
  at run time; a reference that does not resolve is refused at deploy. A deployed form carries the forms it
  refers to (under ``$defs``, each with its file name as ``$id``), so at run time it needs nothing else.
- Patterns (``pattern``, ``patternProperties``, the ``regex`` format) run on RE2, in time linear in the
  answer; a pattern RE2 cannot run (backreferences, lookaround) is refused at deploy.
- jsonschema would check a subschema declaring its own ``$schema``, and ``unevaluatedProperties`` next to
  ``patternProperties``, with Python's backtracking ``re``: both are refused.
- The file's nesting is bounded by ``MAX_NESTING`` when it is read (``bundle``).

Validators are built once per form and kept: forms are checked at every task completion.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urldefrag

import jsonschema
import re2
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from .bundle import Problem
from .errors import FieldError, InvalidData

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
REF_HINT = ("refer to a part of this form (#/$defs/name) or to another form of the deployment by its file name "
            "(other.json#/$defs/name); URLs and files are never fetched")
PATTERN_HINT = "patterns run on RE2 (linear time): no backreferences (\\1) or lookaround ((?=…), (?!…), (?<=…))"
_REFS = ("$ref", "$dynamicRef")
_RE2 = re2.Options()
_RE2.log_errors = False  # a refused pattern is reported as a problem, not printed by the C++ library
_RE2.max_mem = 1 << 20  # bytes for one compiled pattern; a larger one is refused
_NOTHING_OUTSIDE = Registry()  # retrieves nothing: every reference must resolve within the form itself


class UncheckableForm(Exception):
    """A form this module will not run (deployed before its checks existed): the data is refused."""


# -- patterns on RE2 ----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=256)
def _regex(pattern: str):
    """A form's pattern compiled by RE2 (``re2.error`` for one RE2 cannot run)."""
    return re2.compile(pattern, _RE2)


def _matches(pattern: str, text: str) -> bool:
    return _regex(pattern).search(text) is not None


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator, patterns, instance, schema):
    if validator.is_type(instance, "object"):
        for pattern, subschema in patterns.items():
            for key, value in instance.items():
                if _matches(pattern, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator, additional, instance, schema):
    """jsonschema's own, except that names are matched against ``patternProperties`` on RE2, and that each
    name the form does not allow is an error of its own, on that name's path (so it can be told by name)."""
    if not validator.is_type(instance, "object"):
        return
    known, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
    extras = [k for k in instance if k not in known and not any(_matches(p, k) for p in patterns)]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif additional is False:
        for extra in extras:
            yield ValidationError(f"additional property {extra!r} is not allowed", path=[extra])


def _required(validator, required, instance, schema):
    """jsonschema's own, except that the error sits on the missing field's path, not only on the object's."""
    if validator.is_type(instance, "object"):
        for name in required:
            if name not in instance:
                yield ValidationError(f"{name!r} is a required property", path=[name])


def _is_regex(instance: object) -> bool:
    """The ``regex`` format of submitted data: what RE2 compiles (not cached: the data is the client's)."""
    return not isinstance(instance, str) or bool(re2.compile(instance, _RE2))


FORMATS = jsonschema.FormatChecker()
FORMATS.checks("regex", raises=re2.error)(_is_regex)
FormValidator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {
    "pattern": _pattern, "patternProperties": _pattern_properties, "additionalProperties": _additional_properties,
    "required": _required})


# -- run time -----------------------------------------------------------------------------------------
def check_form(form: dict[str, Any] | None, data: dict[str, Any]) -> None:
    """Raise ``InvalidData`` with every failing field (``field.sub`` paths, ``_`` for the whole body)."""
    if form is None:
        return
    try:
        found = sorted(_validator(json.dumps(form)).iter_errors(data),
                       key=lambda e: [str(p) for p in e.absolute_path])
    except (UncheckableForm, Unresolvable, re2.error, RecursionError) as err:
        raise InvalidData({"_": [f"the task's form cannot be checked ({_reason(err)}); ask its designer"]}) from None
    if found:
        raise InvalidData.of(_field_error(error, form) for error in found)


@functools.lru_cache(maxsize=256)
def _validator(form_json: str) -> jsonschema.protocols.Validator:
    """One validator per form, keyed by its JSON text (the domain may hand over a fresh copy of the form each
    time): its safety walk runs once, and its resolver keeps the references it looked up."""
    form = json.loads(form_json)
    unsafe = _unsafe(form)
    if unsafe:
        raise UncheckableForm(unsafe[0])
    return FormValidator(form, registry=_NOTHING_OUTSIDE, format_checker=FORMATS)


def _field_error(error: ValidationError, form: dict[str, Any]) -> FieldError:
    """One failure, with the schema the form declares for its field (the ``title`` a person knows it by) over
    the part of the form that failed (a ``then``, a ``$ref``'s target). A missing or unknown field's error is
    raised by the object holding it, whose schema is not the field's."""
    own = error.schema if isinstance(error.schema, dict) and error.validator not in (
        "required", "additionalProperties") else {}
    along = _declared(form, error.absolute_path)
    return FieldError(field=".".join(str(p) for p in error.absolute_path) or "_", rule=str(error.validator),
                      expected=error.validator_value, schema={**own, **(along[-1] if along else form)},
                      message=error.message, along=tuple(along))


def _declared(form: dict[str, Any], path: Iterable[str | int]) -> list[dict[str, Any]]:
    """The schemas a form's ``properties`` (and ``items``) declare along a path, one a step, references not
    followed; ``{}`` for a step it declares nothing for."""
    node: Any = form
    along = []
    for step in path:
        node = node.get("items") if isinstance(step, int) else node.get("properties", {}).get(step)
        node = node if isinstance(node, dict) else {}
        along.append(node)
    return along


def _reason(err: Exception) -> str:
    if isinstance(err, RecursionError):
        return "it refers to itself without end"
    message = err.args[0] if err.args else err
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)


# -- deploy -------------------------------------------------------------------------------------------
def form_problems(name: str, forms: dict[str, dict]) -> list[Problem]:
    """Everything wrong with form ``name`` of a deployment's ``forms`` (keyed by file name without ``.json``)."""
    file, form = f"{name}.json", forms[name]
    try:
        jsonschema.Draft202012Validator.check_schema(form, format_checker=None)  # patterns are checked below
    except jsonschema.SchemaError as err:
        return [Problem(f"form is not a valid JSON Schema: {err.message}", file=file, rule="form")]
    if form.get("$schema", SCHEMA_URI) != SCHEMA_URI:
        return [Problem(f"forms are JSON Schema 2020-12, not {form['$schema']}", file=file, rule="form",
                        hint=f'set "$schema": "{SCHEMA_URI}" and write the form in that version, or leave it out')]
    contained = with_references(forms)[name]
    problems = [Problem(reason, file=file, rule="form") for reason in _unsafe(contained)]
    resolver = _NOTHING_OUTSIDE.resolver_with_root(DRAFT202012.create_resource(contained))
    for schema, scope in _subschemas(form, resolver):
        problems += _reference_problems(file, schema, scope) + _pattern_problems(file, schema)
    return problems or _loop_problems(file, contained)


def _loop_problems(file: str, form: dict) -> list[Problem]:
    """A form whose references lead back to themselves without reading any deeper into the answer (``"$ref":
    "#"`` at its top) would recurse for ever on any answer: tried on a few plain answers."""
    validator = FormValidator(form, registry=_NOTHING_OUTSIDE, format_checker=FORMATS)
    try:
        for answer in (None, {}, [], "", 0):
            list(validator.iter_errors(answer))  # every keyword, not only up to the first error
    except RecursionError:
        return [Problem("the form refers to itself without end", file=file, rule="form_reference",
                        hint="a $ref back to the form (or a part that contains it) must sit under a property "
                             "or an item, so each step reads deeper into the answer")]
    return []


def _subschemas(form: dict, resolver) -> Iterator[tuple[Any, Any]]:
    """Every subschema of a form with the resolver for its scope (its base URI), without recursion."""
    root = DRAFT202012.create_resource(form)
    stack = [(root, resolver.in_subresource(root))]
    while stack:
        resource, scope = stack.pop()
        yield resource.contents, scope
        stack += [(sub, scope.in_subresource(sub)) for sub in resource.subresources()]


def _reference_problems(file: str, schema: Any, scope) -> list[Problem]:
    problems = []
    for ref in (schema.get(key) for key in _REFS if isinstance(schema, dict)):
        if not isinstance(ref, str):
            continue
        try:
            scope.lookup(ref)
        except Unresolvable:
            problems.append(Problem(f"reference '{ref}' does not resolve within the deployment", file=file,
                                    rule="form_reference", hint=REF_HINT))
    return problems


def _pattern_problems(file: str, schema: Any) -> list[Problem]:
    if not isinstance(schema, dict):
        return []
    patterns = [schema["pattern"]] if isinstance(schema.get("pattern"), str) else []
    patterns += list(schema.get("patternProperties") or {})
    problems = []
    for pattern in patterns:
        try:
            _regex(pattern)
        except re2.error as err:
            problems.append(Problem(f"pattern '{pattern}' cannot run in linear time: {_reason(err)}", file=file,
                                    rule="form_pattern", hint=PATTERN_HINT))
    return problems


def _unsafe(form: dict) -> list[str]:
    """What in a form (with the forms it embeds) jsonschema would check with Python's backtracking ``re``."""
    keys = [key for node in _nodes(form) if isinstance(node, dict) for key in node]
    reasons = []
    if keys.count("$schema") > ("$schema" in form):
        reasons.append('"$schema" is allowed only at the top of a form')
    if "unevaluatedProperties" in keys and "patternProperties" in keys:
        reasons.append('"unevaluatedProperties" cannot be used with "patternProperties"; use "additionalProperties"')
    return reasons


def _nodes(value: Any) -> Iterator[Any]:
    """Every value inside a JSON value, itself included, without recursion."""
    stack = [value]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack += node.values()
        elif isinstance(node, list):
            stack += node


# -- storing ------------------------------------------------------------------------------------------
def with_references(forms: dict[str, dict]) -> dict[str, dict]:
    """Each form with the other forms it refers to (directly or through them) embedded under ``$defs``, each
    with its file name as ``$id`` and without ``$schema``: a form that needs nothing else at run time."""
    contained = {}
    for name, form in forms.items():
        embedded = {f"{other}.json": {**_without_schema(forms[other]), "$id": f"{other}.json"}
                    for other in _referred(name, forms)}
        contained[name] = {**form, "$defs": {**form.get("$defs", {}), **embedded}} if embedded else form
    return contained


def _without_schema(form: dict) -> dict:
    return {key: value for key, value in form.items() if key != "$schema"}


def _referred(name: str, forms: dict[str, dict]) -> list[str]:
    """The forms that form ``name`` refers to by file name, directly or through one another."""
    found: set[str] = set()
    todo = [name]
    while todo:
        for node in _nodes(forms[todo.pop()]):
            refs = [node.get(key) for key in _REFS] if isinstance(node, dict) else []
            for ref in (r for r in refs if isinstance(r, str)):
                file = urldefrag(ref).url
                other = file.removesuffix(".json")
                if file.endswith(".json") and other in forms and other not in found:
                    found.add(other)
                    todo.append(other)
    return sorted(found)
