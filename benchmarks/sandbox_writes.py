"""What one write costs the sandbox when it keeps its state in a file, at N repositories.

    python benchmarks/sandbox_writes.py                      # 1,000 repositories, 50 writes
    python benchmarks/sandbox_writes.py --repos 100 --writes 200

It fills a sandbox with N repositories (each with a commit, labels, secrets and variables,
about what a converged fleet holds), saves it to a state file, serves it, then times N
label creations over HTTP, one at a time: once on the state file and once in memory, so
the difference is what persisting costs. Figures on a 2-core machine are in the commit
that added this script.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import requests

from reconciler.sandbox import Sandbox

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


def measure(state_file: Path | None, count: int, writes: int) -> tuple[float, float]:
    sandbox = Sandbox(state_file, seed=False, latency_ms=0)
    fill(sandbox, count)
    with sandbox:
        seconds = time_writes(sandbox, writes, count)
    return statistics.median(seconds), statistics.mean(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=1000, help="repositories in the state (default 1000)")
    parser.add_argument("--writes", type=int, default=50, help="label creations to time (default 50)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        on_file = measure(Path(directory) / "sandbox-state", args.repos, args.writes)
    in_memory = measure(None, args.repos, args.writes)
    print(f"{args.repos} repositories, {args.writes} writes, one at a time over HTTP:")
    for name, (median, mean) in (("state file", on_file), ("in memory", in_memory)):
        print(f"  {name:<10}  median {median * 1000:8.1f} ms per write   mean {mean * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
