"""ranking/ stays pure: it imports neither Flask nor the ORM, only matchmaker.vocab outside it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "matchmaker"
ALLOWED_THIRD_PARTY = {"numpy", "scipy", "sklearn", "threadpoolctl", "joblib"}
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


def _imports(path: Path) -> set[str]:
    """Top-level names of the absolute imports of a module (relative ones stay in its package)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("module", sorted(p.name for p in (PACKAGE / "ranking").glob("*.py")))
def test_ranking_imports_no_flask_orm_or_services(module) -> None:
    for name in _imports(PACKAGE / "ranking" / module):
        top = name.split(".")[0]
        if top == "matchmaker":
            assert name == "matchmaker.vocab", f"{module} imports {name}"
        else:
            assert top in ALLOWED_THIRD_PARTY or top in STDLIB, f"{module} imports {name}"


def test_the_vocabulary_ranking_shares_imports_nothing() -> None:
    assert _imports(PACKAGE / "vocab.py") <= {"__future__.annotations"}
