"""Run folders that are safe to resume: settings stamped in, wiped when they change."""

import json
import shutil


def fresh_dir(folder, settings):
    """`folder`, emptied first if it holds a run made with other settings."""
    stamp = folder / "settings.json"
    text = json.dumps(settings, sort_keys=True, default=str)
    if folder.exists() and (not stamp.exists() or stamp.read_text() != text):
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp.write_text(text)
    return folder
