"""Lay a student's answer over the current stub, so the independent implementations in
tests/implementations/ hold only what a student writes (method and function bodies,
helpers, extra imports) and cannot drift from the stubs they fill in.

An answer file is Python: its imports are added where the stub has none like them;
a function or method the stub has keeps the stub's signature, decorators and docstring
and takes the answer's statements; a class holds only the methods it fills in (the
stub's class keeps everything else); anything the stub does not have (a helper
function, a new method, a constant) is added.
"""

import ast


def _statements(function):
    """A function's statements without its docstring."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str) and len(body) > 1:
            return body[1:]
    return body


def _first_line(node):
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _text(lines, start, end):
    """Lines start..end (1-based, inclusive)."""
    return "".join(lines[start - 1 : end])


def splice(stub_text, answer_text):
    stub, answer = ast.parse(stub_text), ast.parse(answer_text)
    lines = stub_text.splitlines(keepends=True)
    mine = answer_text.splitlines(keepends=True)
    edits = []  # (first line, last line, new text), 1-based, of the stub's lines
    inserts = {}  # stub line after which -> [texts], in the answer's order
    added = []  # module-level text for after the stub's imports
    top = {n.name: n for n in stub.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    stub_imports = {
        _text(lines, n.lineno, n.end_lineno).strip()
        for n in stub.body
        if isinstance(n, (ast.Import, ast.ImportFrom))
    }

    def replace_body(old, new):
        old_statements, new_statements = _statements(old), _statements(new)
        edits.append(
            (
                old_statements[0].lineno,
                old.end_lineno,
                _text(mine, new_statements[0].lineno, new.end_lineno),
            )
        )

    for node in answer.body:
        segment = _text(mine, _first_line(node), node.end_lineno)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the answer file's own docstring
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if segment.strip() not in stub_imports:  # not the stub's docstrings' `>>> import`
                added.append(segment)
        elif isinstance(node, ast.FunctionDef) and node.name in top:
            replace_body(top[node.name], node)
        elif isinstance(node, ast.ClassDef) and node.name in top:
            cls = top[node.name]
            methods = {m.name: m for m in cls.body if isinstance(m, ast.FunctionDef)}
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name in methods:
                    replace_body(methods[item.name], item)
                elif not (isinstance(item, ast.Expr) and isinstance(item.value, ast.Constant)):
                    text = _text(mine, _first_line(item), item.end_lineno)
                    inserts.setdefault(cls.end_lineno, []).append("\n" + text)
        else:
            added.append("\n\n" + segment)
    imports = [n for n in stub.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    after = imports[-1].end_lineno if imports else 0
    if added:
        inserts.setdefault(after, []).append("".join(added))
    for line, texts in inserts.items():  # an insert is an edit of no lines
        edits.append((line + 1, line, "".join(texts)))
    for first, last, text in sorted(edits, reverse=True):
        lines[first - 1 : last] = [text]
    return "".join(lines)
