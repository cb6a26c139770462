"""What grading produces: one result per check, gathered per exercise."""

from dataclasses import dataclass, field

PASSED = "passed"
FAILED = "failed"
NOT_ATTEMPTED = "not attempted"
BLOCKED = "blocked"  # waits on another exercise that is not written yet
BROKEN = "cannot load"  # the student's file does not import


HIDDEN_PASSED, HIDDEN_FAILED = "passed", "failed"


@dataclass
class CheckResult:
    name: str
    max_points: float
    passed: bool
    message: str
    # The same check on hidden cases (other seeds and shapes), run at grading only:
    # "" when not run, else passed / failed. Its messages are never shown.
    hidden: str = ""

    @property
    def points(self):
        return self.max_points if self.passed and self.hidden != HIDDEN_FAILED else 0.0


@dataclass
class ExerciseResult:
    exercise_id: str
    slug: str
    title: str
    status: str
    max_points: float
    seed: int
    checks: list = field(default_factory=list)
    diagnoses: list = field(default_factory=list)
    reason: str = ""  # for not attempted / blocked / cannot load
    hidden_diagnoses: list = field(default_factory=list)  # mistakes seen on hidden cases
    sources: list = field(default_factory=list)  # the file each graded object came from

    @property
    def hidden_run(self):
        return any(check.hidden for check in self.checks)

    @property
    def points(self):
        if self.status in (NOT_ATTEMPTED, BLOCKED, BROKEN):
            return 0.0
        return sum(check.points for check in self.checks)

    def to_dict(self):
        return {
            "id": self.exercise_id,
            "slug": self.slug,
            "title": self.title,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "seed": self.seed,
            "reason": self.reason,
            "diagnoses": list(self.diagnoses),
            "hidden_diagnoses": list(self.hidden_diagnoses),
            "sources": list(self.sources),
            "checks": [
                {
                    "name": check.name,
                    "points": check.points,
                    "max_points": check.max_points,
                    "passed": check.passed,
                    "message": check.message,
                    "hidden": check.hidden,
                }
                for check in self.checks
            ],
        }


def from_dict(data):
    """The inverse of ExerciseResult.to_dict (for results read back from a worker)."""
    result = ExerciseResult(
        exercise_id=data["id"],
        slug=data["slug"],
        title=data["title"],
        status=data["status"],
        max_points=data["max_points"],
        seed=data["seed"],
        diagnoses=list(data.get("diagnoses", [])),
        hidden_diagnoses=list(data.get("hidden_diagnoses", [])),
        sources=list(data.get("sources", [])),
        reason=data.get("reason", ""),
    )
    for check in data.get("checks", []):
        result.checks.append(
            CheckResult(
                check["name"],
                check["max_points"],
                check["passed"],
                check["message"],
                check.get("hidden", ""),
            )
        )
    return result


def zero(exercise, seed, reason):
    """An exercise that scores 0 for a reason outside its checks (timed out, refused)."""
    return ExerciseResult(
        exercise_id=exercise.id,
        slug=exercise.slug,
        title=exercise.title,
        status=FAILED,
        max_points=exercise.max_points,
        seed=seed,
        reason=reason,
    )


def with_hidden(public, hidden):
    """The public result, each check marked with how it did on the hidden cases.

    A check earns its points only when it passes on both. Of the hidden run only the
    pass/fail of each check and the names of recognised mistakes are kept: its
    messages hold the hidden expected values, which students never see."""
    if public.status in (NOT_ATTEMPTED, BLOCKED, BROKEN):
        return public
    outcome = {check.name: check.passed for check in hidden.checks}
    for check in public.checks:
        passed = outcome.get(check.name, False)  # not checked on the hidden cases: not passed
        check.hidden = HIDDEN_PASSED if passed else HIDDEN_FAILED
    public.hidden_diagnoses = [d for d in hidden.diagnoses if d not in public.diagnoses]
    if public.status == PASSED and not all(c.hidden == HIDDEN_PASSED for c in public.checks):
        public.status = FAILED
    return public


def mistake_label(diagnosis):
    """A named mistake's name: its message up to the first colon ("window average")."""
    return diagnosis.split(":", 1)[0].strip()
