"""The code's layers, checked from its imports: lower layers never import higher ones, and no
blueprint imports another blueprint's views.

From the bottom: the foundation (extensions, errors, clocks, ids, keys, profiles), the models, the
core every command stands on (`fttm/core`), the areas' domains (commands and queries), the
live-meeting shell (`fttm/live`), and the app itself (views, error pages, CLI, demo).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "fttm"
FOUNDATION = {
    "fttm.cluster",
    "fttm.errors",
    "fttm.extensions",
    "fttm.forms",
    "fttm.frameworks",
    "fttm.idempotency",
    "fttm.jurisdictions",
    "fttm.languages",
    "fttm.publisher",
    "fttm.refusals",
    "fttm.routing",
    "fttm.templating",
    "fttm.timestamps",
}
AREAS = (
    "auth",
    "board",
    "cases",
    "family_map",
    "family_time",
    "joining",
    "meetings",
    "plans",
    "reviews",
    "transcript",
    "voices",
)
LAYERS = ("foundation", "models", "core", "domain", "live", "app")


def _name(path: Path) -> str:
    """The dotted module name of a file under fttm/."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_views(module: str) -> bool:
    """Whether a module holds a blueprint's routes."""
    return module.rsplit(".", 1)[-1].endswith("views")


def layer(module: str) -> str:
    """Which layer a module of fttm belongs to."""
    parts = module.split(".")
    if module in FOUNDATION:
        return "foundation"
    if module == "fttm.models" or parts[-1] == "models":
        return "models"
    if parts[:2] == ["fttm", "core"]:
        return "core"
    if parts[:2] == ["fttm", "live"]:
        return "live"
    if len(parts) >= 2 and parts[1] in AREAS and not _is_views(module):
        return "domain"
    return "app"


def _modules() -> dict[str, Path]:
    """Every module of fttm (migrations aside: they are run by Alembic, not imported)."""
    return {
        _name(path): path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


MODULES = _modules()


def imports_of(path: Path) -> set[str]:
    """The fttm modules a file imports, at its top or inside functions (lazy imports count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from fttm.live import sockets` imports the module fttm.live.sockets.
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & set(MODULES)
            found |= submodules or {node.module}
    return {name for name in found if name in MODULES and name != "fttm"}


def test_every_layer_is_known_and_holds_modules():
    """The layer map covers the code: each layer has modules, so a typo cannot empty one."""
    counts = {name: 0 for name in LAYERS}
    for module in MODULES:
        counts[layer(module)] += 1
    assert all(counts.values()), counts
    assert layer("fttm.core.recorder") == "core"
    assert layer("fttm.board.commands") == "domain"
    assert layer("fttm.board.views") == "app"
    assert layer("fttm.live.http") == "live"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_higher_layer(module):
    """A module imports only its own layer and the layers below it."""
    rank = LAYERS.index(layer(module))
    higher = sorted(
        imported for imported in imports_of(MODULES[module]) if LAYERS.index(layer(imported)) > rank
    )
    assert higher == [], f"{module} ({layer(module)}) imports higher layers: {higher}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _is_views(m)))
def test_no_blueprint_imports_another_blueprints_views(module):
    """Views share what they need through the live shell or their area, not through each other."""
    others = sorted(name for name in imports_of(MODULES[module]) if _is_views(name))
    assert others == [], f"{module} imports views: {others}"


def test_the_checker_sees_a_higher_import(tmp_path):
    """The check itself: a domain module that imports the live shell is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from fttm.live import http\n")
    assert "fttm.live.http" in imports_of(sample)
