"""What the workshop remembers between runs, kept beside the student's files in
`.workshop/`: the last result of each exercise and how many hints were shown."""

import json
import time
from pathlib import Path


class State:
    def __init__(self, root):
        self.folder = Path(root) / ".workshop"
        self.path = self.folder / "state.json"
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        self.data.setdefault("progress", {})
        self.data.setdefault("hints", {})

    def save(self):
        try:
            self.folder.mkdir(exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self.data, indent=2), encoding="utf-8")
            temporary.replace(self.path)
        except OSError:
            pass  # a read-only checkout still grades; it just forgets

    def record(self, result):
        self.data["progress"][result.slug] = {
            "status": result.status,
            "points": result.points,
            "max_points": result.max_points,
            "when": time.strftime("%Y-%m-%d %H:%M"),
        }

    def progress(self, slug):
        return self.data["progress"].get(slug)

    def next_hint(self, slug, hints):
        """The next hint tier for `slug` (1-based) and its text; the last one repeats."""
        shown = self.data["hints"].get(slug, 0)
        tier = min(shown + 1, len(hints))
        self.data["hints"][slug] = tier
        return tier, hints[tier - 1]
