"""How large a value is, or would be once built or printed; and the refusal when it is too large.

The sandbox's bounded operations (``engine.bounded``) ask here before building anything: ``checked``
bounds a built value (an integer's bits, a string's length, a container's items, and a container's whole
written-out size and depth), ``counted_chars`` counts the text ``str()`` would write without writing it,
and ``percent_chars`` and ``field_chars`` read a format's widths and precisions the way Python reads them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from itertools import chain
from typing import Any

from .limits import MAX_COLLECTION_ITEMS, MAX_INT_BITS, MAX_NESTING, MAX_STRING_CHARS, MAX_VALUE_CHARS

_FLOAT_CHARS = 420
"""The most characters a float prints: ``f"{1.8e308:,f}"`` writes all 309 digits, separators and decimals."""

TEXTS = (str, bytes)
CONTAINERS = (list, tuple, set, frozenset, dict)
_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))
_BRACKETS = {list: 2, tuple: 3, set: 5, frozenset: 13, dict: 2}  # ``(x,)``, ``set()``, ``frozenset({})``


class SandboxError(ValueError):
    """An expression or script falls outside what the sandbox allows (``engine.sandbox`` exports it)."""


class ValueTooLarge(SandboxError):
    """An expression would build a value larger than the limits allow (refused before it is built)."""


# -- refusals --------------------------------------------------------------------------------------------
def refuse_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise ValueTooLarge(f"a number would need more than {MAX_INT_BITS:,} bits "
                            f"(about {int(MAX_INT_BITS * math.log10(2)):,} digits)")


def refuse_chars(chars: int) -> None:
    if chars > MAX_STRING_CHARS:
        raise ValueTooLarge(f"a string would be longer than {MAX_STRING_CHARS:,} characters")


def refuse_items(items: int, like: object) -> None:
    if items > MAX_COLLECTION_ITEMS:
        raise ValueTooLarge(f"a {type(like).__name__} would hold more than {MAX_COLLECTION_ITEMS:,} items")


def refuse_levels(levels: int) -> None:
    if levels > MAX_NESTING:
        raise ValueTooLarge(f"a value would be nested more than {MAX_NESTING} levels deep")


def refuse_length(sized: Any, length: int) -> None:
    """Refuse ``length`` for a value like ``sized``: characters for text, items for a collection."""
    if isinstance(sized, TEXTS):
        refuse_chars(length)
    else:
        refuse_items(length, sized)


def checked(value: Any) -> Any:
    """``value`` itself, once its size is within every limit (a container's parts are counted, not copied)."""
    kind = type(value)
    if kind is int:
        refuse_bits(value.bit_length())
    elif kind in TEXTS:
        refuse_chars(len(value))
    elif kind in CONTAINERS:
        refuse_items(len(value), value)
        if counted_chars(value, MAX_VALUE_CHARS, quoted=True) > MAX_VALUE_CHARS:
            raise ValueTooLarge(f"a {kind.__name__} would take more than {MAX_VALUE_CHARS:,} characters written out")
    return value


# -- counting text before writing it ----------------------------------------------------------------------
def counted_chars(value: Any, limit: int, quoted: bool = False) -> int:
    """About how long ``str(value)`` is (``repr`` with ``quoted``), counted only until it passes ``limit``.

    Containers are walked, not written: one repeated by ``*`` is counted once per distinct object, and
    each stops counting as soon as it passes ``limit``, so the cost stays near ``limit`` however long the
    text would be. A value nested deeper than ``MAX_NESTING`` is refused."""
    if type(value) is str and not quoted:
        return len(value)
    return _Tally(limit).size(value, 0)[0]


class _Tally:
    """One count: the size (characters, levels below) of each container already counted, by id."""

    def __init__(self, limit: int):
        self.limit = limit
        self.known: dict[int, tuple[int, int]] = {}
        self.alive: list[list] = []  # what a dict view yields, kept alive so that no id is reused meanwhile

    def size(self, value: Any, depth: int) -> tuple[int, int]:
        kind = type(value)
        if kind is str:
            return _quoted_chars(value, self.limit), 0
        if kind is int:
            return int(value.bit_length() * math.log10(2)) + 2, 0
        if kind not in CONTAINERS and kind not in _VIEWS:
            return len(repr(value)), 0
        known = self.known.get(id(value))
        if known is None:
            refuse_levels(depth + 1)
            known = self.known[id(value)] = self._count(value, depth)
        refuse_levels(depth + known[1])
        return known

    def _count(self, container: Any, depth: int) -> tuple[int, int]:
        chars, below = _BRACKETS.get(type(container), 16), 0  # a view: its name, such as ``dict_keys([])``
        if isinstance(container, _VIEWS):
            container = list(container)
            self.alive.append(container)
        parts = chain.from_iterable(container.items()) if isinstance(container, dict) else container
        for part in parts:
            part_chars, part_below = self.size(part, depth + 1)
            chars, below = chars + part_chars + 2, max(below, part_below)
            if chars > self.limit:
                break
        return chars, below + 1


def _quoted_chars(text: str, limit: int) -> int:
    """``len(repr(text))``, without writing it out when the text is plainly printable (or too long anyway)."""
    if len(text) > limit:
        return len(text)
    if text.isprintable():
        return len(text) + 2 + text.count("\\") + text.count("'")
    return len(repr(text))  # escapes: at most ten characters for one


def printed_chars(value: Any, kind: str = "s") -> int:
    """How long ``value`` can print under ``%kind`` or in an f-string field, counted up to the string limit."""
    if isinstance(value, float):
        return _FLOAT_CHARS
    chars = counted_chars(value, MAX_STRING_CHARS, quoted=kind in ("r", "a"))
    return chars * 10 if kind == "a" else chars  # ascii() escapes a character into as many as ten


# -- formatting, read before it runs --------------------------------------------------------------------
_PERCENT_FIELD = re.compile(r"[-+ #0]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.?)", re.DOTALL)
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d*))?[bcdeEfFgGnosxX%]?", re.DOTALL)
_DATE_FIELD = re.compile(r"%[-_0^#]*(\d*)")  # strftime's fields; glibc reads a width in them (%_12Y)
_DATE_FIELD_CHARS = 64  # the longest field without a width (%c, a weekday or month name)


def _number(digits: str) -> int:
    """A width or precision as written (any length: more than twelve digits is past every limit anyway)."""
    return int(digits.lstrip("0")[:12] or 0)


def _star(width: Any) -> int:
    """A width or precision given as an argument (``%*d``): Python wants an integer there."""
    return abs(width) if isinstance(width, int) else 0


def percent_chars(template: str, args: Any) -> int:
    """How long ``template % args`` can be: each conversion's width, precision and printed value.

    Arguments are taken the way Python takes them (``*`` widths in turn, ``%(key)s`` from a mapping);
    counting stops once past the string limit."""
    queue = iter(args if isinstance(args, tuple) else (args,))
    mapping = args if isinstance(args, Mapping) else {}
    chars = len(template)
    for key, width, precision, kind in _percent_fields(template):
        for bound in (width, precision):
            chars += _star(next(queue, 0)) if bound == "*" else _number(bound)
        chars += printed_chars(next(queue, None) if key is None else mapping.get(key), kind)
        if chars > MAX_STRING_CHARS:
            break
    return chars


def _percent_fields(template: str) -> Iterator[tuple[str | None, str, str, str]]:
    """(mapping key, width, precision, conversion) of each field of a printf-style template."""
    at = template.find("%")
    while at >= 0:
        if template.startswith("%%", at):
            at = template.find("%", at + 2)
            continue
        key, at = _mapping_key(template, at + 1)
        field = _PERCENT_FIELD.match(template, at)
        yield key, field[1], field[2] or "", field[3]
        at = template.find("%", field.end())


def _mapping_key(template: str, at: int) -> tuple[str | None, int]:
    """The ``(key)`` starting at ``at``, with balanced parentheses as Python reads it, and where it ends."""
    if not template.startswith("(", at):
        return None, at
    depth = 0
    for end in range(at, len(template)):
        depth += {"(": 1, ")": -1}.get(template[end], 0)
        if depth == 0:
            return template[at + 1:end], end + 1
    return template[at + 1:], len(template)


def field_chars(value: Any, spec: str) -> int:
    """How long an f-string field ``{value:spec}`` can be: its width, precision and printed value."""
    standard = _FORMAT_SPEC.fullmatch(spec)
    if standard:
        return _number(standard[1]) + _number(standard[2] or "") + printed_chars(value)
    # a type's own format, such as a date's strftime fields
    return len(spec) + sum(_DATE_FIELD_CHARS + _number(width) for width in _DATE_FIELD.findall(spec))
