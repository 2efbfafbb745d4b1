"""The sandbox's operators, builtins and methods, each bounded: no value grows past the limits.

A diagram's expression runs on the server, so one line must not build a billion-character string or a
four-million-digit number. Every operation whose result can outgrow its operands predicts the result's
size from them (``engine.sizes``) and refuses (``ValueTooLarge``) before Python allocates anything:

- integers by bit length (``*``, ``**``, ``<<``), strings by length (``+``, ``*``, ``%`` formatting,
  f-string widths and precisions, ``str()``), lists, tuples, sets and dicts by item count (``+``, ``*``,
  ``|``, ``^``, ``list()``, ``sorted()``, ``sum()``, ``.split()``);
- ``str()`` and formatting count the text of a container before writing it;
- ``sum()`` joins lists and tuples in one pass: repeated ``+`` would copy quadratically;
- ``round(n, -k)`` of an integer does not compute ``10**k`` when the answer is plainly 0.

Operations that never outgrow their operands by more than a bit or a small factor (``-``, ``.upper()``,
``int()`` of text...) are checked on their result, as is every container an operation builds: building it
copied only references, but its whole written-out size and depth are bounded too (``sizes.checked``), so
a list repeated into itself can be neither printed, compared, hashed nor stored at exponential cost.
Comparisons, ``/``, ``//``, ``&``, ``>>``, ``len``, ``min``, ``max``, ``any``, ``all``, ``abs``,
``float``, slicing and the other whitelisted methods never build anything larger than their operands, so
they run as they are.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Iterable
from functools import partial
from itertools import chain, islice
from typing import Any

import simpleeval

from .limits import MAX_COLLECTION_ITEMS, MAX_INT_BITS, MAX_STRING_CHARS
from .sizes import (
    TEXTS,
    checked,
    counted_chars,
    field_chars,
    percent_chars,
    refuse_bits,
    refuse_chars,
    refuse_items,
    refuse_length,
)

_SEQUENCES = (list, tuple)
_REPEATABLE = TEXTS + _SEQUENCES
_MERGEABLE = (set, frozenset, dict)


# -- operators --------------------------------------------------------------------------------------------
def add(left: Any, right: Any) -> Any:
    """``+``: text and sequences as long as both operands; numbers gain at most a bit (checked after)."""
    if isinstance(left, _REPEATABLE) and isinstance(right, _REPEATABLE):
        refuse_length(left, len(left) + len(right))
    return checked(left + right)


def subtract(left: Any, right: Any) -> Any:
    """``-``: numbers gain at most a bit, sets only shrink (checked after)."""
    return checked(left - right)


def multiply(left: Any, right: Any) -> Any:
    """``*``: integers need the sum of their bit lengths; a repetition its length times the count."""
    if isinstance(left, int) and isinstance(right, int):
        refuse_bits(left.bit_length() + right.bit_length())
    else:
        repeated, count = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(count, int) and isinstance(repeated, _REPEATABLE):
            refuse_length(repeated, len(repeated) * max(count, 0))
    return checked(left * right)


def power(base: Any, exponent: Any) -> Any:
    """``**``: an integer power needs ``exponent * log2(base)`` bits (float powers overflow instead)."""
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        refuse_bits(MAX_INT_BITS + 1 if exponent > MAX_INT_BITS else math.floor(exponent * math.log2(abs(base))) + 1)
    return checked(base**exponent)


def shift_left(value: Any, count: Any) -> Any:
    """``<<``: an integer gains ``count`` bits."""
    if isinstance(value, int) and isinstance(count, int) and value and count > 0:
        refuse_bits(value.bit_length() + count)
    return value << count


def modulo(left: Any, right: Any) -> Any:
    """``%``: printf-style formatting is measured field by field before it runs."""
    if isinstance(left, TEXTS):
        refuse_chars(percent_chars(left.decode("latin-1") if isinstance(left, bytes) else left, right))
    return checked(left % right)


def _merging(operation: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """``|`` and ``^``: a set or dict holds at most the items of both operands (integers never grow)."""
    def merge(left: Any, right: Any) -> Any:
        if isinstance(left, _MERGEABLE) and isinstance(right, _MERGEABLE):
            refuse_items(len(left) + len(right), left)
        return checked(operation(left, right))
    return merge


OPERATORS: dict[type, Callable[..., Any]] = {
    **simpleeval.DEFAULT_OPERATORS,  # comparisons, unary operators, /, //, &: never larger than the operands
    ast.Add: add, ast.Sub: subtract, ast.Mult: multiply, ast.Pow: power, ast.Mod: modulo,
    ast.LShift: shift_left, ast.RShift: operator.rshift, ast.BitOr: _merging(operator.or_),
    ast.BitXor: _merging(operator.xor),
}


# -- f-strings --------------------------------------------------------------------------------------------
def format_value(value: Any, spec: str = "") -> str:
    """An f-string field ``{value:spec}``: its width and precision are read before anything is formatted."""
    refuse_chars(field_chars(value, spec))
    return checked(format(value, spec))


def joined(parts: list[str]) -> str:
    """The pieces of an f-string, joined once their total length is known."""
    refuse_chars(sum(map(len, parts)))
    return "".join(parts)


# -- builtins and methods ---------------------------------------------------------------------------------
def text(value: Any = "", *decoding: str) -> str:
    """``str()``: a container's text is counted before it is written."""
    if not decoding:
        refuse_chars(counted_chars(value, MAX_STRING_CHARS))
    return checked(str(value, *decoding))


def _sized(iterable: Iterable) -> Any:
    """``iterable`` if it knows its length, else its items (read up to one past the limit); refused when too many."""
    if not hasattr(iterable, "__len__"):
        iterable = list(islice(iterable, MAX_COLLECTION_ITEMS + 1))
    refuse_items(len(iterable), [])
    return iterable


def to_list(iterable: Iterable = ()) -> list:
    """``list()``: as many items as the iterable, known before copying."""
    return checked(list(_sized(iterable)))


def ordered(iterable: Iterable, /, *, key: Callable | None = None, reverse: bool = False) -> list:
    """``sorted()``: as many items as the iterable, known before copying."""
    return checked(sorted(_sized(iterable), key=key, reverse=reverse))


def total(iterable: Iterable, /, start: Any = 0) -> Any:
    """``sum()``: numbers as Python adds them (checked after: they gain a few bits); lists or tuples joined
    in one pass once their total length is known, where repeated ``+`` would copy quadratically."""
    if not isinstance(start, _SEQUENCES):
        return checked(sum(iterable, start))
    kind = list if isinstance(start, list) else tuple
    parts = list(_sized(iterable))
    for part in parts:
        if not isinstance(part, kind):
            raise TypeError(f'can only concatenate {kind.__name__} (not "{type(part).__name__}") to {kind.__name__}')
    refuse_items(len(start) + sum(map(len, parts)), start)
    return checked(kind(chain(start, *parts)))


def rounded(number: Any, ndigits: Any = None) -> Any:
    """``round()``: an integer rounded to ``-k`` digits is 0 when ``10**k`` is over twice its size; Python
    would compute ``10**k`` first, however many digits ``k`` asks for."""
    if isinstance(number, int) and isinstance(ndigits, int) and -ndigits > number.bit_length() + 1:
        return 0
    return round(number, ndigits)


def to_int(*args: Any, **kwargs: Any) -> int:
    """``int()``: text of up to 4,300 digits (Python's own limit) may parse past the bit limit (checked after)."""
    return checked(int(*args, **kwargs))


def split(owner: str, sep: str | None = None, maxsplit: int = -1) -> list[str]:
    """``str.split``: never splits more often than a list may hold items."""
    parts = owner.split(sep, MAX_COLLECTION_ITEMS if maxsplit < 0 else min(maxsplit, MAX_COLLECTION_ITEMS))
    refuse_items(len(parts), parts)
    return parts


def _result_checked(method: Callable[..., Any]) -> Callable[..., Any]:
    """A method whose result is at most a small factor of its text (``'ß'.upper()`` is ``'SS'``), checked after."""
    return lambda owner, *args: checked(method(owner, *args))


BUILTINS: dict[str, Callable[..., Any]] = {
    "len": len, "min": min, "max": max, "abs": abs, "float": float, "bool": bool, "any": any, "all": all,
    "round": rounded, "sum": total, "int": to_int, "str": text, "sorted": ordered, "list": to_list,
}
_STR_METHODS: dict[str, Callable[..., Any]] = {
    "split": split, "lower": _result_checked(str.lower), "upper": _result_checked(str.upper),
}


def bounded_method(name: str, method: Any) -> Any:
    """The bounded form of a whitelisted str method (the others never build more than their owner)."""
    owner = getattr(method, "__self__", None)
    replacement = _STR_METHODS.get(name) if isinstance(owner, str) else None
    return method if replacement is None else partial(replacement, owner)
