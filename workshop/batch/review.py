"""Review flags: code in a submission that a human should look at, found by the runner
in the files as sent (never by the worker).

Code that builds a name at run time, runs text as code, reaches into the interpreter
or the grader's modules, or talks to the system can hide a ready-made op, or forge
what the worker records, in ways no check of the outputs can see. Such code is
flagged in the gradebook's `review` column with the reason and the line; the score
stays, and the instructor decides. Honest solutions use none of it (a test checks the
reference, the independent implementations and the honest corpus).
"""

import ast
from pathlib import Path

from ..grader.rules import dotted
from ..grader.source import SourceError, read_source

DYNAMIC_CALLS = {
    "eval": "runs text as code",
    "exec": "runs text as code",
    "compile": "compiles text to code",
    "__import__": "imports a module by a computed name",
    "globals": "reaches the module's namespace",
    "vars": "reaches a namespace",
    "locals": "reaches a namespace",
}
NAME_BUILDERS = ("getattr", "setattr", "delattr")
MODULES = {
    "importlib": "imports modules by name",
    "inspect": "inspects stack frames",
    "gc": "reaches objects through the garbage collector",
    "base64": "decodes hidden text",
    "codecs": "decodes hidden text",
    "marshal": "loads code objects",
    "pickle": "loads objects from bytes",
    "dill": "loads objects from bytes",
    "ctypes": "calls C functions",
    "cffi": "calls C functions",
    "subprocess": "starts processes",
    "_posixsubprocess": "starts processes",
    "multiprocessing": "starts processes",
    "socket": "opens network connections",
    "threading": "starts threads",
    "signal": "handles signals",
    "builtins": "reaches the built-in functions",
}  # sys and os: only what they reach is flagged (ATTRIBUTES)
ATTRIBUTES = {
    ("sys", "modules"): "reaches loaded modules (the grader's too)",
    ("sys", "_getframe"): "inspects stack frames",
    ("sys", "settrace"): "traces the interpreter",
    ("sys", "setprofile"): "traces the interpreter",
    ("os", "system"): "starts processes",
    ("os", "popen"): "starts processes",
    ("os", "fork"): "starts processes",
    ("os", "kill"): "sends signals",
    ("tf", "io"): "reads or writes files through TensorFlow",
    ("tensorflow", "io"): "reads or writes files through TensorFlow",
}
ATTRIBUTE_NAMES = {
    "py_function": "runs Python code inside the graph, out of the op list's sight",
    "numpy_function": "runs Python code inside the graph, out of the op list's sight",
    "py_func": "runs Python code inside the graph, out of the op list's sight",
    "__globals__": "reaches a function's module namespace",
    "__code__": "replaces or reads a function's code",
    "__subclasses__": "walks the class tree",
    "__builtins__": "reaches the built-in functions",
    "f_back": "inspects stack frames",
    "f_globals": "inspects stack frames",
    "f_locals": "inspects stack frames",
    "tb_frame": "inspects stack frames",
    "gi_frame": "inspects stack frames",
}
PROCESS_PREFIXES = ("exec", "spawn", "posix_spawn")
MAX_TEXT = 80  # characters of code quoted in a flag
MAX_FLAGS = 20  # per file: past them, one line says how many more


def flags_in_source(text):
    """[(line, what, why)] for each use of dynamic code in one file's text."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []  # the grader reports the syntax error itself
    except (RecursionError, MemoryError):
        return [(1, "the whole file", "is too deeply nested or too large to read")]
    found = set()
    for node in ast.walk(tree):
        found.update(_flags(node))
    return sorted(found)


def _flags(node):
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield from _module(node.lineno, alias.name, f"import {alias.name}")
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        yield from _module(node.lineno, node.module, f"from {node.module} import ...")
        top = node.module.split(".")[0]
        for alias in node.names:
            why = ATTRIBUTES.get((top, alias.name)) or ATTRIBUTE_NAMES.get(alias.name)
            if why:
                yield node.lineno, f"from {node.module} import {alias.name}", why
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name in DYNAMIC_CALLS:
            yield node.lineno, f"{name}(...)", DYNAMIC_CALLS[name]
        elif name in NAME_BUILDERS and not _literal_name(node):
            why = "reaches an attribute by a name built at run time"
            yield node.lineno, f"{name} with a computed name", why
    elif isinstance(node, ast.Attribute):
        owner = node.value.id if isinstance(node.value, ast.Name) else None
        why = ATTRIBUTES.get((owner, node.attr)) or ATTRIBUTE_NAMES.get(node.attr)
        if owner == "os" and node.attr.startswith(PROCESS_PREFIXES):
            why = "starts processes"
        if why:
            yield node.lineno, _short(node), why


def _short(node):
    """`node` as code, but never long: `a.b.c` chained a million deep would otherwise
    cost the runner the square of that in time and the gradebook as much in text."""
    if isinstance(node, ast.Attribute):
        return dotted(node)[:MAX_TEXT]
    return ast.unparse(node)[:MAX_TEXT]


def _module(line, name, text):
    top = name.split(".")[0]
    why = MODULES.get(top)
    if why:
        yield line, text, why


def _literal_name(call):
    """getattr(x, "name") is plain attribute access, and so is getattr(self, name): a
    layer looping over its own attributes."""
    if len(call.args) < 2:
        return False
    own = isinstance(call.args[0], ast.Name) and call.args[0].id in ("self", "cls")
    return own or isinstance(call.args[1], ast.Constant)


def flagged(sent_root, modules):
    """'exercises/pooling.py line 12: `eval(...)` runs text as code' for each flag in
    the student's own files (the modules they sent) under `sent_root`."""
    lines = []
    for module in modules:
        path = Path(sent_root) / "exercises" / f"{module}.py"
        try:
            text = read_source(path, f"exercises/{module}.py")
        except OSError:
            continue  # not sent
        except SourceError as error:  # refused before it runs; no honest file does this
            lines.append(f"{error} (refused: what Python runs cannot be read)")
            continue
        flags = flags_in_source(text)
        if len(flags) > MAX_FLAGS:  # one line for the rest: a gradebook stays readable
            rest = len(flags) - MAX_FLAGS
            flags = flags[:MAX_FLAGS] + [(flags[MAX_FLAGS][0], "...", f"and {rest} more flags")]
        for line, what, why in flags:
            lines.append(f"exercises/{module}.py line {line}: `{what}` {why}")
    return lines
