"""Exercises and solutions mirror each other: same modules, public names, signatures
and docstrings; every stub fails at once and names its exercise."""

import ast
import inspect
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MODULES = sorted(p.stem for p in (REPO / "solutions").glob("*.py") if p.stem != "__init__")


def public(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and not node.name.startswith("_"):
            found[node.name] = node
    return tree, found


def signature(node):
    if isinstance(node, ast.FunctionDef):
        return ast.unparse(node.args)
    methods = {
        item.name: ast.unparse(item.args) for item in node.body if isinstance(item, ast.FunctionDef)
    }
    return ast.unparse(node.bases), methods


def test_same_modules():
    exercises = sorted(p.stem for p in (REPO / "exercises").glob("*.py") if p.stem != "__init__")
    assert exercises == MODULES


@pytest.mark.parametrize("module", MODULES)
def test_same_names_signatures_and_docstrings(module):
    ex_tree, ex_names = public(REPO / "exercises" / f"{module}.py")
    so_tree, so_names = public(REPO / "solutions" / f"{module}.py")
    assert ex_names.keys() == so_names.keys()
    assert ast.get_docstring(ex_tree) == ast.get_docstring(so_tree)
    for name in so_names:
        assert ast.get_docstring(ex_names[name]) == ast.get_docstring(so_names[name]), name
        assert signature(ex_names[name]) == signature(so_names[name]), name


@pytest.mark.parametrize("module", MODULES)
def test_registered_under_their_own_package(module):
    ex = (REPO / "exercises" / f"{module}.py").read_text(encoding="utf-8")
    so = (REPO / "solutions" / f"{module}.py").read_text(encoding="utf-8")
    assert 'package="solutions"' not in ex and 'package="exercises"' not in so


def test_every_stub_raises_naming_its_exercise():
    from workshop import catalog

    for exercise in catalog.EXERCISES:
        source = (REPO / "exercises" / f"{exercise.module}.py").read_text(encoding="utf-8")
        assert f'NotImplementedError("Exercise {exercise.id}: ' in source, exercise.slug


def test_docstrings_state_shapes_equation_and_example():
    import solutions.conv
    import solutions.network
    import solutions.pooling

    for obj in (
        solutions.conv.Conv2D,
        solutions.pooling.MaxPool2D,
        solutions.pooling.L2Pool2D,
        solutions.network.build_network,
    ):
        doc = inspect.getdoc(obj)
        assert "notes §" in doc and "Example:" in doc and ">>>" in doc, obj
        if isinstance(obj, type):
            assert "Input shape:" in doc and "Output shape:" in doc, obj
