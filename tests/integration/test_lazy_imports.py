"""Commands that never reach GitHub load nothing that does: `--help`, `validate` and `explain`
start fast, and a broken HTTP stack or sealing library cannot stop them.

Each command runs in a fresh interpreter, which then lists what it imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# PyGithub, the cryptography libraries (sealing, App JWTs), the sandbox, and the HTTP client.
HEAVY = ("github", "cryptography", "nacl", "reconciler.sandbox", "reconciler.github.http", "requests", "urllib3")

PROBE = """
import contextlib, io, json, sys
from reconciler.cli import invoke
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = invoke(json.loads(sys.argv[1]))
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def imported(args: list[str], tmp_path: Path, **env: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "RECONCILER_HTTP_CACHE": "off", **env},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    return report["code"], set(report["modules"])


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(f"{h}.") for h in HEAVY))


@pytest.mark.parametrize(
    "args",
    [["--help"], ["validate", "desired-state"], ["plan", "--help"], ["apply", "--help"]],
    ids=["help", "validate", "plan-help", "apply-help"],
)
def test_commands_that_do_not_reach_github_load_no_client(args: list[str], tmp_path: Path) -> None:
    code, modules = imported(args, tmp_path)
    assert code == 0
    assert heavy(modules) == []


def test_explain_loads_no_sealing_library_and_no_sandbox(tmp_path: Path) -> None:
    # It may read GitHub (to resolve organisation targets), so the client is fair; nothing else is.
    # The address refuses connections: explain fails after its first request, having loaded all it needs.
    code, modules = imported(
        ["explain", "Sovereign-Operating-System/agent-runtime", "desired-state"],
        tmp_path,
        GITHUB_TOKEN="explain-token",
        GITHUB_API_URL="http://127.0.0.1:9",
    )
    assert code == 1
    assert [m for m in heavy(modules) if not m.startswith(("reconciler.github.http", "requests", "urllib3"))] == []
