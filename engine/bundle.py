"""A set of diagram and form files as a designer hands them over, read safely.

Uploaded XML is untrusted: no DTDs (so no external entities or entity bombs), no network access,
a size limit per file and per bundle, a nesting limit per file. Every problem found is collected,
not just the first, with the file, element and line it concerns, so a designer can fix everything
in one round. Files are recognised by their names as modelers save them (``.bpmn20.xml``, ``.DMN``…).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

from .limits import MAX_NESTING, MAX_XML_DEPTH
from .nesting import json_text, json_too_deep, xml_too_deep

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_BUNDLE_BYTES = 16 * 1024 * 1024
MAX_FILES = 200
# The endings modelers save files with (Camunda, bpmn.io, Activiti, Flowable, Eclipse, Signavio), any case.
KINDS = {
    "bpmn": (".bpmn", ".bpmn2", ".bpmn.xml", ".bpmn20.xml"),
    "dmn": (".dmn", ".dmn.xml", ".dmn11.xml", ".dmn13.xml"),
    "form": (".json",),
}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,120}$")
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)  # also in UTF-16 and -32 once NUL bytes are dropped
_NAMES = "names ending in .bpmn (or .bpmn20.xml), .dmn (or .dmn11.xml) or .json"


def kind_of(name: str) -> str | None:
    """What a file is by its name: ``bpmn``, ``dmn``, ``form``, or None for a file that is none of them."""
    lowered = name.lower()
    return next((kind for kind, endings in KINDS.items() if lowered.endswith(endings)), None)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a bundle, located as precisely as possible."""

    message: str
    file: str | None = None
    element_id: str | None = None
    element_name: str | None = None
    line: int | None = None
    hint: str | None = None
    severity: str = "error"
    rule: str | None = None
    """A stable code for the kind of problem (``unreachable``, ``unsupported``…), for tools and tests."""

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p)
        element = f" [{self.element_id}{' ' + repr(self.element_name) if self.element_name else ''}]"
        text = f"{where}{element if self.element_id else ''} {self.severity}: {self.message}"
        return text + (f" (hint: {self.hint})" if self.hint else "")


@dataclass
class Bundle:
    """Files by name, with their parsed form, and the problems met while reading them."""

    files: dict[str, bytes]
    xml: dict[str, etree._ElementTree] = field(default_factory=dict)
    forms: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """Identical files give the same hash, whatever order they came in."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        return digest.hexdigest()

    def of_kind(self, kind: str) -> dict[str, etree._ElementTree]:
        return {name: tree for name, tree in self.xml.items() if kind_of(name) == kind}


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


def parse_xml(name: str, content: bytes) -> tuple[etree._ElementTree | None, Problem | None]:
    """Parse untrusted XML; DTDs (and with them entity declarations) are refused outright, and so is a tree
    nested deeper than ``MAX_XML_DEPTH``.

    The parser neither loads nor expands anything a DTD declares; the DOCTYPE is looked for in what it
    parsed, so it is found in whatever encoding the file is written (UTF-16, UTF-32…), not only in UTF-8."""
    try:
        tree = etree.ElementTree(etree.fromstring(content, _xml_parser()))
    except etree.XMLSyntaxError as err:  # often an entity the refused DTD declared: say so rather than the symptom
        if _DOCTYPE.search(content.replace(b"\0", b"")):
            return None, _doctype_problem(name)
        return None, Problem(f"not well-formed XML: {err.msg}", file=name, line=err.lineno)
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        return None, _doctype_problem(name)
    if xml_too_deep(tree, MAX_XML_DEPTH):
        return None, Problem(f"elements nest deeper than {MAX_XML_DEPTH} levels", file=name, rule="nesting",
                             hint="BPMN and DMN files from a modeler nest a dozen levels at most")
    return tree, None


def _doctype_problem(name: str) -> Problem:
    return Problem("DOCTYPE and ENTITY declarations are not allowed in uploaded XML", file=name,
                   hint="remove the <!DOCTYPE …> block; BPMN and DMN files never need one")


def read_bundle(files: dict[str, bytes]) -> Bundle:
    """Check names and sizes, then parse each file by its kind."""
    bundle = Bundle(files=dict(files))
    problems = bundle.problems
    if not files:
        problems.append(Problem("no files were given", hint="give .bpmn, .dmn and .json form files"))
    if len(files) > MAX_FILES:
        problems.append(Problem(f"more than {MAX_FILES} files"))
    if sum(len(c) for c in files.values()) > MAX_BUNDLE_BYTES:
        problems.append(Problem(f"the files together exceed {MAX_BUNDLE_BYTES // 1024 // 1024} MB"))
    for name, content in sorted(files.items()):
        _read_file(bundle, name, content)
    return bundle


def _read_file(bundle: Bundle, name: str, content: bytes) -> None:
    kind = kind_of(name)
    if not _SAFE_NAME.match(name) or kind is None:
        bundle.problems.append(Problem("unsupported file name", file=name, hint=f"use plain {_NAMES}"))
    elif len(content) > MAX_FILE_BYTES:
        bundle.problems.append(Problem(f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB", file=name))
    elif kind == "form":
        _read_form(bundle, name, content)
    else:
        tree, problem = parse_xml(name, content)
        if problem:
            bundle.problems.append(problem)
        else:
            bundle.xml[name] = tree


def _read_form(bundle: Bundle, name: str, content: bytes) -> None:
    if json_too_deep(json_text(content), MAX_NESTING):
        bundle.problems.append(Problem(f"the form nests deeper than {MAX_NESTING} levels", file=name, rule="nesting",
                                       hint="flatten the form, or name repeated parts once in $defs and $ref them"))
        return
    try:
        form = json.loads(content)
    except (UnicodeDecodeError, ValueError) as err:
        bundle.problems.append(Problem(f"not valid JSON: {err}", file=name))
        return
    if not isinstance(form, dict):
        bundle.problems.append(Problem("a form must be a JSON object (a JSON Schema)", file=name))
        return
    bundle.forms[Path(name).stem] = form


def read_paths(paths: list[str | Path]) -> dict[str, bytes]:
    """Collect the files under the given paths by their base names: a file named is taken whatever its name
    (so a wrong one is reported), a folder gives its diagrams, decisions and forms."""
    files: dict[str, bytes] = {}
    for path in map(Path, paths):
        candidates = sorted(p for p in path.rglob("*") if p.is_file() and kind_of(p.name)) if path.is_dir() else [path]
        for candidate in candidates:
            files[candidate.name] = candidate.read_bytes()
    return files
