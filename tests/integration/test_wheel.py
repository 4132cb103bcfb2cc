"""What a user installs: the wheel carries the JSON Schemas, so `reconciler.schemas.packaged`
works from an installed copy, with no checkout beside it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from reconciler.schemas import generate, render

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_ships_every_schema_as_generated(tmp_path: Path) -> None:
    # Built from a copy: setuptools leaves build/ and *.egg-info in the tree it builds.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "reconciler", source / "reconciler", ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",  # offline: the backend is a test dependency
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("github_reconciler-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name, schema in generate().items():
            member = f"reconciler/schemas/{name}"
            assert member in names, f"{member} is not in the wheel"
            assert archive.read(member).decode("utf-8") == render(schema)
            assert "$id" not in json.loads(archive.read(member))
