"""`workshop docs`: where the documentation site is, built for reading offline.

In the instructors' repository it builds the site (mkdocs.yml, `mkdocs build --strict`)
into `site/`; in a student copy the student part ships built, and it says where.
`--tables` writes the generated tables of the README and the pages (workshop/site.py)."""

from pathlib import Path

from ..errors import RunFailed, UsageError
from .command import Command


def add_arguments(parser):
    parser.add_argument(
        "--tables",
        action="store_true",
        help="write the README's and the pages' generated tables (exercises, experiments, "
        "run times) from the catalog, the registry and docs/experiments/measured.csv",
    )
    parser.add_argument("--out", help="where to build the site (default: site/ beside mkdocs.yml)")


def run(args, root):
    from .. import site

    if args.tables:
        if not (root / "mkdocs.yml").is_file():
            raise UsageError("--tables rewrites the instructors' repository: no mkdocs.yml here")
        changed = site.refresh(root)
        print("\n".join(f"wrote {name}" for name in changed) or "every table is up to date")
        return 0
    if (root / "mkdocs.yml").is_file():
        try:
            import mkdocs  # noqa: F401
        except ImportError as missing:
            raise UsageError(
                'the site needs MkDocs: pip install -c constraints.txt -e ".[test]"'
            ) from missing
        from mkdocs.exceptions import Abort

        try:
            built = site.build_site(root, args.out)
        except Abort as error:
            raise RunFailed(f"the site did not build: {error}") from error
    else:
        built = root / "site"
        if not (built / "index.html").is_file():
            raise UsageError(f"no site in {root}: neither mkdocs.yml nor a built site/")
    page = Path(built).resolve() / "index.html"
    print(f"Open {page.as_uri()} in a browser (offline: MathJax ships with the site).")
    return 0


COMMAND = Command(
    "docs",
    "the documentation site, built for reading offline: where to open it",
    add_arguments,
    run,
)
