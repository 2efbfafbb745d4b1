"""Expressions written for other engines, recognised as what they are, with a hint built from the text found.

Modelers write conditions in JUEL ``${…}`` (Camunda 7, Activiti, Flowable) or FEEL ``= …`` (Camunda 8),
declare XPath or script languages on an expression, and set timers as Quartz cron expressions
(``0 0 12 * * ?``). The engine reads plain expressions and ISO 8601 timers only; where the text translates
simply (``${vacationApproved == 'Reject'}``), the hint gives the plain expression to write instead
(``vacationApproved == 'Reject'``), checked by the sandbox before it is offered.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .limits import MAX_CYCLE_REPETITIONS

JUEL_EXAMPLE = "amount > 1000"
_JUEL = re.compile(r"^[$#]\{(?P<body>.*)\}$", re.DOTALL)
_STRINGS = re.compile(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
_JUEL_WORDS = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">=", "true": "True",
               "false": "False", "null": "None", "empty": "not"}
_JUEL_SYMBOLS = [(re.compile(r"&&"), " and "), (re.compile(r"\|\|"), " or "), (re.compile(r"!(?!=)"), " not ")]
_FEEL_WORDS = {"true": "True", "false": "False", "null": "None"}
_FEEL_SYMBOLS = [(re.compile(r"(?<![<>!=])=(?!=)"), " == ")]
_CRON_FIELD = re.compile(r"^([0-9*?/,#LW-]+|[A-Z]{3}(-[A-Z]{3})?)$")
_PLAIN_LANGUAGES = ("", "python", "text/python", "spiff", "spiffworkflow")


def hint(text: str, accepts: Callable[[str], bool]) -> str | None:
    """The hint for JUEL or FEEL text (None when it is neither): the plain expression to write, when the text
    translates into one ``accepts`` takes, else an example."""
    found = translation(text, accepts)
    if found is None:
        return None
    language, plain = found
    return f"this is {language}; " + (f"write the plain expression: {plain}" if plain
                                      else f"write a plain expression such as: {JUEL_EXAMPLE}")


def translation(text: str, accepts: Callable[[str], bool]) -> tuple[str, str | None] | None:
    """The language of JUEL or FEEL text and its plain translation (None where ``accepts`` refuses it); None
    for text in neither language."""
    stripped = text.strip()
    juel = _JUEL.match(stripped)
    if juel:
        language, candidate = "JUEL (Camunda 7, Activiti, Flowable)", _translate(juel["body"], _JUEL_WORDS,
                                                                                   _JUEL_SYMBOLS)
    elif stripped.startswith("="):
        language, candidate = "FEEL (Camunda 8)", _translate(stripped[1:], _FEEL_WORDS, _FEEL_SYMBOLS)
    else:
        return None
    return language, candidate if candidate and accepts(candidate) else None


def _translate(body: str, words: dict[str, str], symbols: list[tuple[re.Pattern, str]]) -> str:
    """The body with the language's operators and constants in Python's spelling (string literals untouched)."""
    parts = _STRINGS.split(body)
    for index in range(0, len(parts), 2):  # the even parts are outside string literals
        part = parts[index]
        for pattern, replacement in symbols:
            part = pattern.sub(replacement, part)
        parts[index] = re.sub(r"\b(" + "|".join(words) + r")\b", lambda m: words[m[1]], part)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def language_problem(language: str | None) -> str | None:
    """What to say about an expression declared in another language (XPath, JavaScript, Groovy…)."""
    name = (language or "").strip()
    if name.lower() in _PLAIN_LANGUAGES:
        return None
    what = "XPath" if "xpath" in name.lower() else f"'{name}'"
    return f"{what} expressions are not read by this engine"


LANGUAGE_HINT = f"remove the language and write a plain expression over the case data, such as: {JUEL_EXAMPLE}"


def cron_hint(text: str) -> str | None:
    """The hint for a Quartz (or Unix) cron timer, None when the text is not one: the ISO 8601 cycle to write."""
    fields = text.split()
    if not 5 <= len(fields) <= 7 or not all(_CRON_FIELD.match(f) for f in fields) or \
            not any(c in text for c in "*?"):
        return None
    if len(fields) == 5:  # Unix cron has no seconds
        fields = ["0", *fields]
    second, minute, hour, day, month, weekday = fields[:6]
    every = f"at most {MAX_CYCLE_REPETITIONS} repetitions"
    if all(f.isdigit() for f in (second, minute, hour)) and month == "*" and {day, weekday} <= {"*", "?"}:
        moment = f"{int(hour):02d}:{int(minute):02d}:{int(second):02d}"
        return (f"write an ISO 8601 cycle instead: every day at {moment} is R<count>/<first date>T{moment}"
                f"<UTC offset>/P1D, e.g. R30/2026-01-05T{moment}+01:00/P1D ({every})")
    return ("write an ISO 8601 cycle instead: R<count>/<first moment>/<interval>, e.g. R30/2026-01-05T12:00:00+01:00/"
            f"P1D for 30 days at noon ({every})")
