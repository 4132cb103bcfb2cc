"""One benchmark for planning and applying at fleet scale, measured the way a user runs it.

    python benchmarks/fleet.py --repos 1000 --latency-ms 100 --limit-scale 10 --mode plan-cold
    python benchmarks/fleet.py --repos 1000 --limit-scale 10 --mode apply-drift

It serves a sandbox in its own process (`reconciler sandbox serve --state FILE --latency-ms L
--secondary-limit-scale S`), seeds N repositories of one organisation at once
(`POST /_sandbox/seed-fleet`), and selects them through an organisation target with the
example pack. Then it runs the CLI as its own process against it, keeping the same limits
scaled by S (`RECONCILER_LIMIT_SCALE`), and prints one JSON line.

Modes:
  plan-cold      the fleet already holds the pack: a no-op plan, with no response cache
  plan-warm      the same plan again with the cache the first run filled (ETags, 304s)
  apply-drift    the fleet holds the pack, but in each repository ten labels have another
                 colour and the workflow file differs: apply, then check the next plan is empty
  apply-install  the pack into fresh repositories (labels, variables, secrets, a workflow)

Figures: requests per repository as the sandbox counted them (REST, and GraphQL points),
secondary-limit refusals, wall time, the floor (the least time the client's limits allow for
the requests made, or the latency's, whichever is longer), their ratio, and the CPU time and
peak memory of the CLI process alone.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from ruamel.yaml import YAML

from reconciler.commands.support.connect import github_limits
from reconciler.github.http import Limits, least_time
from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState, SandboxState, Variable

ROOT = Path(__file__).resolve().parents[1]
ORG = "bench-org"
PACK = ROOT / "desired-state" / "packs" / "sovereign-autonomy.yml"
SECRET_SOURCE = "RECONCILER_DEMO_CODEX_API_KEY"
DRIFTED_LABELS = 10
MODES = ("plan-cold", "plan-warm", "apply-drift", "apply-install")


@dataclass(frozen=True)
class Run:
    """One CLI process: its exit code and what it cost."""

    code: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def serve(state: Path, latency_ms: float, scale: float) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "reconciler", "sandbox", "serve", "--state", str(state)]
    command += ["--latency-ms", str(latency_ms), "--secondary-limit-scale", str(scale)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"listening on (\S+)", line)
    if found is None:
        process.kill()
        raise SystemExit(f"the sandbox did not start: {line!r}")
    return process, found.group(1)


def admin(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    response = requests.request(method, f"{url}/_sandbox/{path}", json=body, timeout=600)
    response.raise_for_status()
    return response.json()


def desired_state(directory: Path) -> Path:
    shutil.copytree(ROOT / "desired-state" / "packs", directory / "packs")
    shutil.copytree(ROOT / "desired-state" / "workflows", directory / "workflows")
    (directory / "org.yml").write_text(
        f"version: 1\norganizations:\n  - organization: {ORG}\n    packs: [sovereign-autonomy]\n", encoding="utf-8"
    )
    return directory


def _pack() -> dict[str, Any]:
    pack: dict[str, Any] = YAML(typ="safe").load(PACK.read_text())["packs"][0]
    return pack


def _variables(pack: dict[str, Any]) -> dict[str, str]:
    limits = {f"AUTONOMY_{name.upper()}": str(value) for name, value in pack["limits"].items()}
    return {**pack["variables"]["items"], **limits}


def converge(state: SandboxState, repos: list[RepoState], desired: Path) -> None:
    """What apply of the pack would leave, written straight into the state: set-up, not measured."""
    pack = _pack()
    workflow = pack["workflows"]["items"][0]
    body = (desired / workflow["source"]).read_bytes()
    state.workflow_registration_lag = 0
    for repo in repos:
        state.touch(repo)
        for label in pack["labels"]["items"]:
            state.add_label(repo, label["name"], label["color"], label.get("description"))
        for secret in pack["secrets"]["items"]:
            repo.store_secret(secret["name"], b"benchmark")
        for name, value in _variables(pack).items():
            repo.variables.append(Variable(name, value, repo.created_at, repo.created_at))
        state.commit_files(repo, repo.default_branch, {workflow["path"]: body}, "Install the pack")


def drift(state: SandboxState, repos: list[RepoState]) -> None:
    """Ten labels recoloured and the workflow file edited, in every repository."""
    pack = _pack()
    names = {label["name"] for label in pack["labels"]["items"][:DRIFTED_LABELS]}
    path = pack["workflows"]["items"][0]["path"]
    for repo in repos:
        state.touch(repo)
        for label in repo.labels:
            if label.name in names:
                label.color = "ededed"
        state.commit_files(repo, repo.default_branch, {path: b"name: edited by hand\n"}, "Edit by hand")


def prepare(state_file: Path, mode: str, desired: Path) -> None:
    with Sandbox(state_file, seed=False) as sandbox, sandbox.transaction() as state:
        repos = state.repos_of(ORG)
        if mode != "apply-install":
            converge(state, repos, desired)
        if mode == "apply-drift":
            drift(state, repos)


# Runs the CLI and writes its rusage to the file named first. Linux carries a parent's peak
# memory into a child it forks (ru_maxrss survives fork and exec), and this benchmark's own
# process holds the whole fleet after set-up: forking the CLI from this small launcher keeps
# the CLI's figure its own.
LAUNCHER = """
import json, os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"code": os.waitstatus_to_exitcode(status), "cpu": usage.ru_utime + usage.ru_stime,
               "rss_kb": usage.ru_maxrss}, out)
"""


def run_cli(args: list[str], env: dict[str, str]) -> Run:
    """The CLI as its own process; CPU and peak memory are that process's alone."""
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", LAUNCHER, report.name, sys.executable, "-m", "reconciler", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        usage = json.loads(Path(report.name).read_text() or "null")
    if usage is None:
        raise SystemExit(f"the launcher failed: {done.stderr[-2000:]}")
    return Run(
        code=usage["code"],
        wall_s=wall,
        cpu_s=usage["cpu"],
        peak_rss_mb=usage["rss_kb"] / 1024,
        stdout=done.stdout,
        stderr=done.stderr,
    )


@dataclass(frozen=True)
class Counted:
    """What the sandbox served between two snapshots of its counters."""

    reads: int
    writes: int
    creates: int
    not_modified: int
    graphql_queries: int
    graphql_points: int
    secondary: int

    @property
    def rest(self) -> int:
        return self.reads + self.writes


def counted(before: dict[str, Any], after: dict[str, Any]) -> Counted:
    def delta(key: str) -> dict[str, int]:
        old, new = before[key], after[key]
        return {k: v - old.get(k, 0) for k, v in new.items() if v - old.get(k, 0)}

    routes = delta("by_route")
    graphql = {k: v for k, v in routes.items() if k.split(" ", 1)[-1] in ("/graphql", "/api/graphql")}
    rest = {k: v for k, v in routes.items() if k not in graphql}
    return Counted(
        reads=sum(v for k, v in rest.items() if k.startswith(("GET ", "HEAD "))),
        writes=sum(v for k, v in rest.items() if not k.startswith(("GET ", "HEAD "))),
        creates=delta("by_status").get("201", 0),
        not_modified=delta("by_status").get("304", 0),
        graphql_queries=after["graphql"]["queries"] - before["graphql"]["queries"],
        graphql_points=after["graphql"]["points"] - before["graphql"]["points"],
        secondary=after["secondary_limited"] - before["secondary_limited"],
    )


def floor(limits: Limits, made: Counted, latency_s: float) -> float:
    """The least time for the requests made: what the limits allow (writes spaced, windows of
    points and creations), or what latency allows (reads `concurrency` at a time, writes one
    at a time), whichever is longer. Both are lower bounds, so their maximum is one."""
    by_limits = least_time(
        limits,
        reads=made.reads,
        writes=made.writes,
        creates=min(made.creates, made.writes),
        graphql_queries=made.graphql_queries,
    )
    serial = made.writes if limits.serial_writes else math.ceil(made.writes / limits.concurrency)
    by_latency = math.ceil((made.reads + made.graphql_queries) / limits.concurrency) * latency_s + serial * latency_s
    return max(by_limits, by_latency)


def cli_environment(url: str, scale: float, cache: Path | None, graphql: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_", "RECONCILER_"))}
    env.update(
        {
            "GITHUB_TOKEN": "bench-token",
            "GITHUB_API_URL": url,
            "RECONCILER_LIMIT_SCALE": str(scale),
            "RECONCILER_HTTP_CACHE": str(cache) if cache is not None else "off",
            SECRET_SOURCE: "benchmark-value",
        }
    )
    if not graphql:
        env["RECONCILER_GRAPHQL"] = "0"
    return env


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    state_file = workdir / "sandbox.db"
    desired = desired_state(workdir / "desired-state")
    process, url = serve(state_file, args.latency_ms, args.limit_scale)
    try:
        admin(url, "POST", "reset", {"seed": False})
        # A primary budget no benchmark spends: the secondary limits are what is measured.
        admin(url, "POST", "rate-limit", {"remaining": 10**8, "limit": 10**8})
        admin(url, "POST", "seed-fleet", {"organization": ORG, "count": args.repos, "prefix": "service"})
        prepare(state_file, args.mode, desired)
        # The served sandbox reads what set-up wrote at its next request: let that be this one,
        # with a token of its own, not the measured run's first.
        requests.get(f"{url}/orgs/{ORG}", headers={"Authorization": "token set-up"}, timeout=600)
        cache = workdir / "http-cache" if args.mode == "plan-warm" else None
        env = cli_environment(url, args.limit_scale, cache, graphql=not args.no_graphql)
        command = ["plan", str(desired)] if args.mode.startswith("plan") else ["apply", str(desired), "--auto-approve"]
        if args.mode == "plan-warm":
            run_cli(command, env)  # fills the cache; the second run is measured
            # A fresh minute, as a later run would start in.
            time.sleep(61 / args.limit_scale if args.limit_scale >= 1 else 61)
        before = admin(url, "GET", "stats")
        run = run_cli(command, env)
        after = admin(url, "GET", "stats")
        made = counted(before, after)
        converged = None
        if args.mode.startswith("apply"):
            check = run_cli(["plan", str(desired), "--detailed-exitcode"], env)
            converged = check.code == 0
    finally:
        process.terminate()
        process.wait(timeout=30)
    # The very limits the measured CLI kept: its own reading of the environment it ran with.
    limits = github_limits(env)
    least = floor(limits, made, args.latency_ms / 1000)
    result: dict[str, Any] = {
        "mode": args.mode,
        "repos": args.repos,
        "latency_ms": args.latency_ms,
        "limit_scale": args.limit_scale,
        "graphql": not args.no_graphql,
        "exit_code": run.code,
        "rest_per_repo": round(made.rest / args.repos, 3),
        "graphql_points_per_repo": round(made.graphql_points / args.repos, 3),
        "reads": made.reads,
        "writes": made.writes,
        "creates": made.creates,
        "not_modified": made.not_modified,
        "graphql_queries": made.graphql_queries,
        "secondary_limit_responses": made.secondary,
        "wall_s": round(run.wall_s, 2),
        "floor_s": round(least, 2),
        "wall_over_floor": round(run.wall_s / least, 3) if least > 0 else None,
        "cpu_s": round(run.cpu_s, 2),
        "peak_rss_mb": round(run.peak_rss_mb, 1),
    }
    if converged is not None:
        result["converged"] = converged
    if args.verbose:
        sys.stderr.write(run.stdout[-3000:] + run.stderr[-3000:])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=int, default=100, help="repositories in the fleet")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added by the sandbox to every response")
    parser.add_argument(
        "--limit-scale", type=float, default=1.0, metavar="S", help="GitHub's limits times S, on both sides"
    )
    parser.add_argument("--mode", choices=MODES, default="plan-cold")
    parser.add_argument("--no-graphql", action="store_true", help="observe over REST only (RECONCILER_GRAPHQL=0)")
    parser.add_argument("--verbose", action="store_true", help="also print the tail of the CLI's output")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as tmp:
        print(json.dumps(measure(args, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
