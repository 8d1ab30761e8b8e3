"""The tree is the architecture: what serves never imports what trains or operates."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "emotions"
SERVING = ("model", "serve", "text")  # what the Space runs (see emotions.tools.publish.SPACE_FILES)
OFF_LIMITS = ("emotions.train", "emotions.tools")


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved against its package."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module) if p)
            found |= {module, *(f"{module}.{alias.name}" for alias in node.names)}
    return found


@pytest.mark.parametrize("area", SERVING)
def test_serving_code_never_imports_training_or_tools(area):
    for path in sorted((PACKAGE / area).glob("*.py")):
        bad = sorted(m for m in imported(path) if m.startswith(OFF_LIMITS))
        assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {bad}: serving must not need them"


def test_every_area_is_a_package_that_says_what_it_holds():
    for area in ("model", "train", "serve", "tools", "text"):
        init = PACKAGE / area / "__init__.py"
        assert init.is_file() and ast.get_docstring(ast.parse(init.read_text())), f"{init} needs a docstring"


def test_the_checker_sees_relative_imports(tmp_path):
    assert "emotions.train.data" in imported(PACKAGE / "train" / "calibration.py")
    assert "emotions.model.checkpoint" in imported(PACKAGE / "model" / "hub.py")
