"""The tree is the architecture: what serves never imports what trains or operates."""

from __future__ import annotations

import ast
import re
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


@pytest.mark.parametrize("area", ["", "text", "model", "train", "serve", "tools"])
def test_the_readmes_code_map_names_every_module(area):
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    code_map = readme.split("### Code map", 1)[1].split("Where a change goes", 1)[0]
    folder = f"emotions/{area}/" if area else "emotions/"
    row = next(line for line in code_map.splitlines() if line.startswith(f"| `{folder}`"))
    named = set(re.findall(r"`([a-z_]+)/?`", row))
    modules = {p.stem for p in (PACKAGE / area).glob("*.py") if not p.stem.startswith("__")}
    modules |= {p.name for p in (PACKAGE / area).iterdir() if (p / "__init__.py").is_file()}
    if not area:
        modules -= {"text", "model", "train", "serve", "tools"}  # the areas have rows of their own
    assert not modules - named, f"README's code map row {folder} does not name {sorted(modules - named)}"


def module_graph() -> dict[str, set[str]]:
    """Each module of the package and the package's modules it imports (type-only ones too)."""
    paths = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        paths[name.removesuffix(".__init__")] = path
    return {name: {m for m in imported(path) if m in paths and m != name} for name, path in paths.items()}


def test_no_module_imports_itself_round_a_circle():
    graph = module_graph()
    state: dict[str, int] = {}  # 1: being walked, 2: done

    def walk(name: str, path: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            assert state.get(nxt) != 1, "import circle: " + " -> ".join([*path[path.index(nxt) :], nxt])
            if nxt not in state:
                walk(nxt, [*path, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])


@pytest.mark.parametrize(
    "area, below",
    [
        ("train", ("serve",)),
        ("tools", ("serve",)),
        ("model", ("serve", "train", "tools")),
        ("text", ("serve", "train", "tools", "model")),
    ],
)
def test_imports_flow_one_way(area, below):
    """labels/text <- model <- serve, train, tools: what trains or operates never needs the page."""
    for name, imports in module_graph().items():
        if name.startswith(f"emotions.{area}"):
            bad = sorted(m for m in imports if m.startswith(tuple(f"emotions.{b}" for b in below)))
            assert not bad, f"{name} imports {bad}"
