"""The mail sample sets in tests/fixtures/mail/<set>/, each with its manifest.json."""

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mail"


def sample_set(name: str) -> tuple[Path, list[dict]]:
    """The set's folder and its manifest (one entry per sample, with its ``file``)."""
    folder = FIXTURES / name
    return folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def ids(manifest: list[dict]) -> list[str]:
    return [entry["file"] for entry in manifest]
