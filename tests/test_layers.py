"""The import rule of the layers, read from the code itself: ``api → processes → engine → SpiffWorkflow``.

``engine/README.md`` states which packages the engine may import; a new import that breaks the rule
fails here, before a reviewer has to spot it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE_MAY_IMPORT = {"SpiffWorkflow", "sqlalchemy", "alembic", "lxml", "simpleeval", "jsonschema", "referencing", "re2"}
ONLY_IN = {"apscheduler": {"scheduler.py"}}
FORBIDDEN = {"engine": {"processes", "api"}, "processes": {"api"}}


def imports(path: Path) -> set[str]:
    """The top-level packages a module imports (relative imports stay inside its own package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_never_imports_the_layers_above_it(package):
    offenders = {str(path.relative_to(ROOT)): sorted(imports(path) & FORBIDDEN[package])
                 for path in modules(package) if imports(path) & FORBIDDEN[package]}
    assert offenders == {}


def test_the_engine_imports_only_what_its_readme_allows():
    allowed = set(sys.stdlib_module_names) | ENGINE_MAY_IMPORT | {"engine", "__future__"}
    offenders = {}
    for path in modules("engine"):
        extra = {name for name in imports(path) - allowed if path.name not in ONLY_IN.get(name, set())}
        if extra:
            offenders[str(path.relative_to(ROOT))] = sorted(extra)
    assert offenders == {}
