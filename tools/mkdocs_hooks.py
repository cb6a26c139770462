"""MkDocs hooks of the workshop's site (mkdocs.yml): MathJax ships with the site.

MathJax 3 comes from PyPI's django-static-mathjax (its static files, no Django needed)
and is copied into `site/mathjax/`: the equations render offline, from disk, and no
page fetches a script from a CDN. Only what typesetting TeX to CommonHTML loads is
copied: the combined component, the TeX extensions it may autoload, its fonts and the
menu (5 MB of the package's 35)."""

import importlib.util
import shutil
from pathlib import Path

PARTS = ("tex-svg.js", "input", "output", "ui", "a11y", "adaptors")


def mathjax_folder():
    """The es5 folder of the installed MathJax; a clear error when it is missing."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "MathJax is not installed: pip install -c constraints.txt -e '.[test]' "
            "(django-static-mathjax ships it)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" / "es5"


def on_post_build(config, **kwargs):
    source = mathjax_folder()
    target = Path(config["site_dir"]) / "mathjax"
    for part in PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
