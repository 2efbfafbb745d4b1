"""A set of diagram and form files as a designer hands them over, read safely.

Uploaded XML is untrusted: no DTDs (so no external entities or entity bombs), no network access,
a size limit per file and per bundle. Every problem found is collected, not just the first, with
the file, element and line it concerns, so a designer can fix everything in one round.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_BUNDLE_BYTES = 16 * 1024 * 1024
MAX_FILES = 200
KINDS = {".bpmn": "bpmn", ".dmn": "dmn", ".json": "form"}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,120}$")
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


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
        return {name: tree for name, tree in self.xml.items() if KINDS[Path(name).suffix] == kind}


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


def parse_xml(name: str, content: bytes) -> tuple[etree._ElementTree | None, Problem | None]:
    """Parse untrusted XML; DTDs and entity declarations are refused outright."""
    if _DOCTYPE.search(content):
        return None, Problem("DOCTYPE and ENTITY declarations are not allowed in uploaded XML", file=name,
                             hint="remove the <!DOCTYPE …> block; BPMN and DMN files never need one")
    try:
        return etree.ElementTree(etree.fromstring(content, _xml_parser())), None
    except etree.XMLSyntaxError as err:
        return None, Problem(f"not well-formed XML: {err.msg}", file=name, line=err.lineno)


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
    suffix = Path(name).suffix.lower()
    if not _SAFE_NAME.match(name) or suffix not in KINDS:
        bundle.problems.append(Problem("unsupported file name", file=name,
                                       hint="use plain names ending in .bpmn, .dmn or .json"))
    elif len(content) > MAX_FILE_BYTES:
        bundle.problems.append(Problem(f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB", file=name))
    elif suffix == ".json":
        _read_form(bundle, name, content)
    else:
        tree, problem = parse_xml(name, content)
        if problem:
            bundle.problems.append(problem)
        else:
            bundle.xml[name] = tree


def _read_form(bundle: Bundle, name: str, content: bytes) -> None:
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
    """Collect the files under the given paths (files or folders) by their base names."""
    files: dict[str, bytes] = {}
    for path in map(Path, paths):
        candidates = sorted(p for p in path.rglob("*") if p.suffix in KINDS) if path.is_dir() else [path]
        for candidate in candidates:
            files[candidate.name] = candidate.read_bytes()
    return files
