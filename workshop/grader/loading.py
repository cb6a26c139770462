"""Where the graded objects come from: a folder of student files, the reference
solutions, or the reference with one object swapped for a known mistake."""

import importlib
import importlib.util
import sys
import types
from pathlib import Path

from . import results
from .source import SourceError, read_source
from .student_errors import explain


class Unavailable(Exception):
    """The object cannot be graded; `status` and `reason` say why, for the report."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class FolderImplementation:
    """The `exercises` package of a folder, imported afresh from its files.

    Each module is imported on its own, so a syntax error in one file leaves the
    others gradable. The package is registered in `sys.modules` under its own name,
    replacing any other copy, because Keras reloads saved layers by that name.
    """

    package = "exercises"

    def __init__(self, root):
        self.root = Path(root).resolve()
        self.source_dir = self.root / self.package
        self._modules = {}
        self._package_loaded = False

    @property
    def label(self):
        return str(self.source_dir)

    def _load_package(self):
        if self._package_loaded:
            return
        init = self.source_dir / "__init__.py"
        if not init.is_file():
            raise Unavailable(
                results.BROKEN,
                f"{init} is missing: run `workshop` from the folder that holds exercises/,"
                " or pass --root",
            )
        for name in [
            m for m in sys.modules if m == self.package or m.startswith(self.package + ".")
        ]:
            del sys.modules[name]
        spec = importlib.util.spec_from_file_location(
            self.package, init, submodule_search_locations=[str(self.source_dir)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.package] = module
        spec.loader.exec_module(module)
        self._package_loaded = True

    def module(self, name):
        if name in self._modules:
            outcome = self._modules[name]
        else:
            outcome = self._import(name)
            self._modules[name] = outcome
        if isinstance(outcome, Unavailable):
            raise outcome
        return outcome

    def _import(self, name):
        path = self.source_dir / f"{name}.py"
        shown = f"{self.package}/{name}.py"
        if not path.is_file():
            return Unavailable(results.BROKEN, f"{shown} is missing: restore it from the stubs")
        try:
            read_source(path, shown)  # what the grader's scanners read is what Python runs
        except (OSError, SourceError) as error:
            return Unavailable(results.BROKEN, str(error))
        try:
            self._load_package()
            sys.modules.pop(f"{self.package}.{name}", None)
            return importlib.import_module(f"{self.package}.{name}")
        except Unavailable as unavailable:
            return unavailable
        except SyntaxError as error:
            where = shown
            if error.filename and Path(error.filename).resolve().is_relative_to(self.root):
                where = Path(error.filename).resolve().relative_to(self.root).as_posix()
            code = f"\n    {error.text.strip()}" if error.text else ""
            return Unavailable(
                results.BROKEN,
                f"{shown} cannot be imported: syntax error in {where} line {error.lineno}:"
                f" {error.msg}.{code}\nFix the syntax and check again.",
            )
        except BaseException as error:  # student code may raise anything, even SystemExit
            if isinstance(error, KeyboardInterrupt):
                raise
            return Unavailable(
                results.BROKEN,
                f"{shown} cannot be imported:\n" + explain(error, self.source_dir, self.root),
            )

    def get(self, module, name):
        found = getattr(self.module(module), name, None)
        if found is None:
            raise Unavailable(
                results.BROKEN,
                f"{self.package}/{module}.py has no `{name}`: keep the names the stub gives",
            )
        return found


class PackageImplementation:
    """An installed package, such as the reference `solutions`."""

    source_dir = None

    def __init__(self, package):
        self.package = package

    @property
    def label(self):
        return f"package {self.package}"

    def get(self, module, name):
        return getattr(importlib.import_module(f"{self.package}.{module}"), name)


class SwappedImplementation:
    """Another implementation with some objects replaced (used to grade known mistakes)."""

    def __init__(self, base, swaps, label):
        self.base = base
        self.swaps = dict(swaps)
        self.label = label
        self.source_dir = base.source_dir

    def get(self, module, name):
        if (module, name) in self.swaps:
            return self.swaps[(module, name)]
        return self._calling_swaps(module, self.base.get(module, name))

    def _calling_swaps(self, module, found):
        """A function of the module that calls a swapped helper by name calls the wrong
        one, as it would in a student's own module (a wrong `energy` changes
        `exact_probabilities` too)."""
        swapped = {name: wrong for (where, name), wrong in self.swaps.items() if where == module}
        if not isinstance(found, types.FunctionType) or not (
            set(found.__code__.co_names) & set(swapped)
        ):
            return found
        calling = types.FunctionType(
            found.__code__,
            {**found.__globals__, **swapped},
            found.__name__,
            found.__defaults__,
            found.__closure__,
        )
        calling.__kwdefaults__ = found.__kwdefaults__
        calling.__qualname__, calling.__module__ = found.__qualname__, found.__module__
        calling.__doc__ = found.__doc__
        return calling
