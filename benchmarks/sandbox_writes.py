"""What one write costs the sandbox when it keeps its state in a file, at N repositories.

    python benchmarks/sandbox_writes.py                      # 1,000 repositories, 50 writes
    python benchmarks/sandbox_writes.py --repos 100 --writes 200

It fills a sandbox with N repositories (each with a commit, labels and secrets), saves it to
a state file, serves it, then times label creations over HTTP, one at a time: on the SQLite
state file, and in memory. The third line is the way before the SQLite store, for
comparison: every write rewrote the whole state as one JSON file (``rewrite_json_file`` is
that code), timed here as the in-memory write plus that rewrite.

Measured at 1,000 repositories on a 2-core machine shared with other work (median per write;
the machine's load moves the first figure most):

    before, main's own code (whole JSON file per write)   362-572 ms
    SQLite state file (rows the write changed)            1.5-1.6 ms
    in memory                                             0.8-1.0 ms
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import requests

from reconciler.sandbox import Sandbox, SandboxState

ORG = "bench-org"
LABELS = [(f"label-{n:02}", "ededed") for n in range(20)]


def fill(sandbox: Sandbox, count: int) -> None:
    state = sandbox.state
    with state.lock:
        state.add_account(ORG, type="Organization")
        for n in range(count):
            repo = state.add_repo(ORG, f"service-{n:04}")
            for name, colour in LABELS:
                state.add_label(repo, name, colour, None)
            for secret in ("AGENT_GITHUB_TOKEN", "CLAUDE_API_KEY"):
                repo.store_secret(secret, b"benchmark")
            state.commit_files(repo, repo.default_branch, {"README.md": f"# service {n}\n".encode()}, "Initial")
    sandbox.persist()


def time_writes(sandbox: Sandbox, writes: int, count: int) -> list[float]:
    seconds: list[float] = []
    with requests.Session() as session:
        session.headers["Authorization"] = "token bench"
        for n in range(writes):
            url = f"{sandbox.url}/repos/{ORG}/service-{n % count:04}/labels"
            started = time.perf_counter()
            response = session.post(url, json={"name": f"bench-{n}", "color": "ffffff"})
            seconds.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise SystemExit(f"write {n} failed: HTTP {response.status_code} {response.text[:200]}")
    return seconds


def rewrite_json_file(state: SandboxState, path: Path) -> None:
    """How the sandbox saved before the SQLite store, after every write: the whole state."""
    with state.lock:
        payload = json.dumps(state.to_json(), indent=1, sort_keys=True, ensure_ascii=False)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.write("\n")
        os.replace(tmp_name, path)


def measure(state_file: Path | None, count: int, writes: int, json_file: Path | None = None) -> list[float]:
    sandbox = Sandbox(state_file, seed=False, latency_ms=0)
    fill(sandbox, count)
    with sandbox:
        seconds = time_writes(sandbox, writes, count)
    if json_file is not None:
        for index in range(writes):
            started = time.perf_counter()
            rewrite_json_file(sandbox.state, json_file)
            seconds[index] += time.perf_counter() - started
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=1000, help="repositories in the state (default 1000)")
    parser.add_argument("--writes", type=int, default=50, help="label creations to time (default 50)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        results = {
            "SQLite state file": measure(Path(directory) / "sandbox.sqlite3", args.repos, args.writes),
            "in memory": measure(None, args.repos, args.writes),
            "before: whole JSON file per write": measure(
                None, args.repos, args.writes, json_file=Path(directory) / "sandbox-state.json"
            ),
        }
    print(f"{args.repos} repositories, {args.writes} writes, one at a time over HTTP:")
    for name, seconds in results.items():
        median, mean = statistics.median(seconds), statistics.mean(seconds)
        print(f"  {name:<34}  median {median * 1000:8.1f} ms per write   mean {mean * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
