"""A workshop on chapter 6 of Nielsen's Neural Networks and Deep Learning.

In a notebook: `from workshop import check; check("conv")`, or `%load_ext workshop`
and then `%check conv` and `%hint conv` (workshop/notebook.py). Everything is imported
when first used, so `import workshop` stays quick and does not import TensorFlow.
"""

from .edition import VERSION as __version__  # noqa: F401 (the package's version)


def _notebook():
    from . import notebook  # when first called: `import workshop` stays light

    return notebook


def check(*names, seed=None, time_limit=60.0, root=None):
    """Grade exercises as `workshop check` does and return the results (shown as an
    HTML table in a notebook; the text report is printed anywhere else)."""
    return _notebook().check(*names, seed=seed, time_limit=time_limit, root=root)


def hint(name, root=None):
    """One more hint for an exercise each time, as `workshop hint NAME`."""
    _notebook().hint(name, root=root)


def folder(root=None):
    """The folder whose exercises/ `check` grades (as `workshop check` finds it)."""
    return _notebook().folder(root)


def load_ipython_extension(ipython):
    """`%load_ext workshop`: the line magics `%check` and `%hint`."""
    _notebook().register_magics(ipython)
