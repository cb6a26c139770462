"""The independent answers in tests/implementations/ hold only what a student writes and
are laid over the current stubs, so they cannot drift from them."""

import ast

import pytest
from conftest import IMPLEMENTATIONS, REPO
from splice import splice

STUB = '''"""A stub."""

import keras


class Layer(keras.layers.Layer):
    """Doc."""

    def build(self, shape):
        self.w = 1

    def call(self, x):
        """Call doc."""
        raise NotImplementedError("Exercise 9.9: Layer.call")


def helper(x):
    """Helper doc."""
    raise NotImplementedError("Exercise 9.9: helper")
'''

ANSWER = '''"""An answer."""

import numpy as np


class Layer:
    def call(self, x):
        return _double(x) * self.w

    def extra(self):
        return 1


def helper(x):
    return np.asarray(x)


def _double(x):
    return 2 * x
'''


def test_bodies_replace_the_stubs_and_the_rest_is_kept():
    spliced = splice(STUB, ANSWER)
    namespace = {}
    exec(compile(spliced, "spliced", "exec"), namespace)
    layer = namespace["Layer"]
    assert layer.call.__doc__ == "Call doc." and layer.__doc__ == "Doc."
    assert namespace["helper"].__doc__ == "Helper doc."
    assert namespace["helper"]([1, 2]).tolist() == [1, 2]  # the answer's import is added
    assert layer().extra() == 1
    assert "NotImplementedError" not in spliced and "self.w = 1" in spliced


def answers():
    for path in sorted(IMPLEMENTATIONS.glob("*.py")):
        yield pytest.param(path, id=path.stem)


@pytest.mark.parametrize("path", answers())
def test_every_answer_fills_in_its_stub(path):
    module = path.stem.split("_")[0]
    stub = (REPO / "exercises" / f"{module}.py").read_text(encoding="utf-8")
    spliced = splice(stub, path.read_text(encoding="utf-8"))
    tree = ast.parse(spliced)
    stub_names = {n.name for n in ast.parse(stub).body if hasattr(n, "name")}
    answer_names = {n.name for n in ast.parse(path.read_text()).body if hasattr(n, "name")}
    # Every class the answer fills in is the stub's own (a renamed stub is loud here).
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ClassDef) and not node.bases:
            assert node.name in stub_names, f"{path.name}: the stub has no {node.name}"
    defined = {n.name for n in tree.body if hasattr(n, "name")}
    assert stub_names | answer_names == defined
    # What the answer fills in no longer raises the stub's NotImplementedError.
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in {
            f.name for f in ast.walk(ast.parse(path.read_text())) if isinstance(f, ast.FunctionDef)
        }:
            assert "NotImplementedError" not in ast.unparse(node), (path.name, node.name)


def test_an_import_in_the_stubs_docstring_does_not_hide_the_answers():
    stub = (
        '"""A module.\n\n>>> import numpy as np\n>>> f(np.ones(2))\n"""\n\nimport keras\n\n\n'
        "def f(x):\n    raise NotImplementedError\n"
    )
    answer = "import numpy as np\n\n\ndef f(x):\n    return np.sum(x)\n"
    spliced = splice(stub, answer)
    assert "\nimport numpy as np\n" in spliced and "return np.sum(x)" in spliced
    compile(spliced, "spliced", "exec")
