"""The import guard: student files that import the reference or the grader are found
in their source, by the runner, before anything runs."""

import ast

from ..grader.source import SourceError, read_source

FORBIDDEN_PACKAGES = ("solutions", "workshop")
ALLOWED = ("workshop.shapes",)  # the stubs' own helper for sizes


def forbidden_imports(path):
    """(line, module) for each import of the reference or the grader in a file, read
    as Python reads it (a file it cannot read so is refused before this is asked)."""
    try:
        tree = ast.parse(read_source(path))
    except (OSError, SourceError, SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # the grader reports missing files and syntax errors itself
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            names = [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            names = [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
        for name in names:
            if not isinstance(name, str) or name in ALLOWED:
                continue
            if name.split(".")[0] in FORBIDDEN_PACKAGES:
                found.append((node.lineno, name))
    return found
