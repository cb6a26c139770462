"""The commands of `workshop`, each a module of this package with one `COMMAND`, in the
order `workshop --help` lists them."""

from . import (
    autograder,
    check,
    docs,
    grade,
    gradebook,
    hint,
    init,
    list_exercises,
    release,
    report,
    run,
    selfcheck,
    watch,
)

COMMANDS = tuple(
    module.COMMAND
    for module in (
        init,
        list_exercises,
        check,
        hint,
        watch,
        release,
        selfcheck,
        grade,
        gradebook,
        report,
        autograder,
        run,
        docs,
    )
)
