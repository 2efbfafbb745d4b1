"""How deep a JSON text or an XML tree nests, found without recursion.

Python's JSON parser, jsonschema and the BPMN tools all recurse once per level: a body nested 50,000 deep
exhausts the interpreter's stack before any of them can say what is wrong. So depth is measured first, by
scanning (JSON) or walking with events (XML), and anything deeper than its limit is refused before it is
parsed or walked by code that recurses.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate

from lxml import etree

# A JSON string literal with its escapes; an unterminated one runs to the end, so no quote is scanned twice.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_text(content: bytes) -> str:
    """Bytes as JSON reads them: UTF-8, -16 or -32, told apart by their first bytes (undecodable bytes kept
    as replacement characters: parsing reports them later)."""
    return content.decode(json.detect_encoding(content), "replace")


def json_too_deep(text: str, limit: int) -> bool:
    """Whether arrays and objects nest deeper than ``limit`` (brackets inside strings do not count)."""
    return max(accumulate(map(_STEP.__getitem__, _BRACKET.findall(_STRING.sub("", text)))), default=0) > limit


def xml_too_deep(tree: etree._ElementTree, limit: int) -> bool:
    """Whether elements nest deeper than ``limit`` (the root counts as one)."""
    depth = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > limit:
            return True
    return False
