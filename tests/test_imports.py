"""The package has no import cycle: every import in workshop/, at the top of a module or
inside a function, read with `ast`. (A cycle that only works because one import sits in
a function still ties two modules together; the kinds, for one, import their heavy
modules lazily, and those never import the kind back.)"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "workshop"


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules():
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _top_level_only(tree):
    """The module's statements outside function bodies."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = []
    return tree


def from_source(name, path, node):
    """The module a `from ... import` in module `name` (file `path`) reads from."""
    if not node.level:
        return node.module or ""
    base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(name, path, known):
    """The workshop modules `name` imports: the module or package named after `from`
    (a package's __init__ runs first), and a submodule imported by name from it.

    One exception to counting lazy imports: the top-level package's functions (`check`
    and `hint` for notebooks), which import their module when called. Every module
    imports the package as its parent, never those functions' modules through it."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if name == PACKAGE.name:
        tree = _top_level_only(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = from_source(name, path, node)
            # `from pkg import sub` runs pkg's __init__ too: an edge to both.
            targets = [source] + [
                f"{source}.{alias.name}"
                for alias in node.names
                if f"{source}.{alias.name}" in known
            ]
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def import_graph():
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def find_cycle(graph):
    """One cycle as a list of modules, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if state.get(other) == "open":
                return stack[stack.index(other) :] + [other]
            if other not in state:
                cycle = visit(other)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_is_read():
    graph = import_graph()
    assert "workshop.grader.kinds.kind" in graph["workshop.grader.kinds.layer"]
    assert "workshop.grader.kinds.layer_runs" in graph["workshop.grader.kinds.layer"]  # lazy
    assert "workshop.grader.kinds" in graph["workshop.grader.kinds.layer"]  # `from . import`
    # Its functions' imports run only when called; its version is edition's.
    assert graph["workshop"] == {"workshop.edition"}
    # No module reads a name from the package itself (once batch.outputs read
    # __version__ there): `from .. import x` names a submodule.
    known = modules()
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and from_source(name, path, node) == PACKAGE.name:
                missing = [a.name for a in node.names if f"{PACKAGE.name}.{a.name}" not in known]
                assert not missing, (name, missing)


def test_the_finder_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_workshop():
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle)
