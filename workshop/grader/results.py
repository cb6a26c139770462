"""What grading produces: one result per check, gathered per exercise."""

from dataclasses import dataclass, field

PASSED = "passed"
FAILED = "failed"
NOT_ATTEMPTED = "not attempted"
BLOCKED = "blocked"  # waits on another exercise that is not written yet
BROKEN = "cannot load"  # the student's file does not import


@dataclass
class CheckResult:
    name: str
    max_points: float
    passed: bool
    message: str

    @property
    def points(self):
        return self.max_points if self.passed else 0.0


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
            "checks": [
                {
                    "name": check.name,
                    "points": check.points,
                    "max_points": check.max_points,
                    "passed": check.passed,
                    "message": check.message,
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
        reason=data.get("reason", ""),
    )
    for check in data.get("checks", []):
        result.checks.append(
            CheckResult(check["name"], check["max_points"], check["passed"], check["message"])
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
