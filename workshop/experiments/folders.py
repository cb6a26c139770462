"""Run folders that are safe to resume: settings stamped in, wiped when they change."""

import json
import shutil


def fresh_dir(folder, settings, say=None):
    """`folder`, emptied first if it holds a run made with other settings (the
    precision and XLA levers always among them); `say` (a print function), if given,
    hears which settings differ when a run is replaced."""
    from ..train import levers

    settings = {**settings, "levers": levers.record()}
    stamp = folder / "settings.json"
    text = json.dumps(settings, sort_keys=True, default=str)
    if folder.exists() and (not stamp.exists() or stamp.read_text() != text):
        if say is not None and any(folder.iterdir()):
            say(f"{folder} held a run made with other settings ({_differences(stamp, text)}): "
                "starting afresh, not resuming it")  # fmt: skip
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp.write_text(text)
    return folder


def _differences(stamp, text):
    """'quick True -> False, …' between a stamp and new settings (top level and one in)."""
    if not stamp.exists():
        return "none recorded"
    try:
        old = json.loads(stamp.read_text())
    except ValueError:
        return "unreadable"
    new = json.loads(text)

    def flat(settings):
        out = {}
        for key, value in settings.items():
            if isinstance(value, dict):
                out.update({f"{key}.{inner}": v for inner, v in value.items()})
            else:
                out[key] = value
        return out

    old, new = flat(old), flat(new)
    changed = [f"{k} {old.get(k)} -> {new.get(k)}" for k in sorted(set(old) | set(new))
               if old.get(k) != new.get(k)]  # fmt: skip
    return ", ".join(changed[:4]) + (", …" if len(changed) > 4 else "")
