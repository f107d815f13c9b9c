"""Template mistakes of a whole class, caught by reading every template's syntax tree."""

from __future__ import annotations

from pathlib import Path

from jinja2 import nodes

ROOT = Path(__file__).resolve().parents[2] / "templates"
# Reading `d.update` from a dict gives the bound method, which renders as
# "<built-in method update of dict object ...>" instead of the value under that key.
DICT_METHODS = {
    "clear",
    "copy",
    "fromkeys",
    "get",
    "items",
    "keys",
    "pop",
    "popitem",
    "setdefault",
    "update",
    "values",
}
# Objects whose attribute of that name is data, not a method: flask-sqlalchemy's Pagination,
# the suggestion page's namespace of action forms.
DATA_ATTRIBUTES = {("page", "items"), ("forms", "clear")}


def _uncalled_dict_methods(tree) -> list[str]:
    called = {id(call.node) for call in tree.find_all(nodes.Call)}
    found = []
    for node in tree.find_all(nodes.Getattr):
        if node.attr not in DICT_METHODS or id(node) in called:
            continue
        owner = node.node.name if isinstance(node.node, nodes.Name) else None
        if (owner, node.attr) not in DATA_ATTRIBUTES:
            found.append(f"line {node.lineno}: {owner or '...'}.{node.attr}")
    return found


def test_no_template_reads_a_dict_method_as_a_value(app):
    problems = []
    for path in sorted(ROOT.rglob("*.html")) + sorted(ROOT.rglob("*.txt")):
        tree = app.jinja_env.parse(path.read_text(encoding="utf-8"))
        problems += [f"{path.relative_to(ROOT)} {p}" for p in _uncalled_dict_methods(tree)]
    assert not problems, "use d['key'] or an object with attributes:\n" + "\n".join(problems)


def test_the_check_finds_counts_update(app):
    tree = app.jinja_env.parse("{{ counts.update }} {{ d.update({'a': 1}) }} {{ page.items }}")
    assert _uncalled_dict_methods(tree) == ["line 1: counts.update"]
