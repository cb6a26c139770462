"""One Gradescope assignment's grading settings: chosen by the instructor when the zip
is built, read back by every run of the autograder (grading/settings.json)."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

LATE_POLICIES = ("grade", "refuse")  # refuse: a late submission scores 0, saying why


@dataclass(frozen=True)
class Assignment:
    exercises: tuple  # slugs, in the catalog's order
    points: dict  # {slug: points}: the assignment's weights (default the workshop's)
    seed: int
    hidden_seed: int
    with_hidden: bool = True
    time_limit: float = 60.0
    memory_gb: float = 8.0
    disk_mb: float = 512.0
    isolation: str = "auto"
    hidden_visibility: str = "after_published"
    late: str = "grade"
    versions: dict = field(default_factory=dict)  # what the records were made with

    @property
    def total(self):
        return float(sum(self.points.values()))

    def batch_settings(self, jobs=1):
        from ..batch.runner import BatchSettings

        return BatchSettings(
            exercises=tuple(self.exercises),
            seed=self.seed,
            hidden_seed=self.hidden_seed,
            with_hidden=self.with_hidden,
            time_limit=self.time_limit,
            memory_gb=self.memory_gb,
            disk_mb=self.disk_mb,
            jobs=jobs,
            isolation=self.isolation,
        )

    def write(self, path):
        data = asdict(self)
        data["exercises"] = list(self.exercises)
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data["exercises"] = tuple(data["exercises"])
        return cls(**data)


def parse_points(text, exercises):
    """{slug: points} from "maxpool=5,l2pool=5" (ids or names), for `exercises` (the
    catalog's entries); an exercise not named keeps the workshop's points. ValueError
    with one line when the text is wrong."""
    from .. import catalog

    points = {e.slug: float(e.max_points) for e in exercises}
    for item in [i for i in (text or "").split(",") if i.strip()]:
        name, _, value = item.partition("=")
        exercise = catalog.find(name.strip())
        if exercise is None or exercise.slug not in points:
            raise ValueError(f"--points {item}: {name.strip()!r} is not among the exercises")
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"--points {item}: give NAME=POINTS, POINTS a number") from None
        if number < 0:
            raise ValueError(f"--points {item}: points cannot be negative")
        points[exercise.slug] = number
    return points
