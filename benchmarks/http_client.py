"""CPU per request: reconciler's urllib3 client against bare libraries, on the sandbox.

    python benchmarks/http_client.py                # 600 label lists each way, 5 rounds
    python benchmarks/http_client.py --reads 2000 --cache

Reads N label lists from an in-process sandbox (no latency) through
`reconciler.github.http.HttpReader`, one request at a time from one thread, and prints the CPU
seconds per request spent by that thread: the client's own cost. The sandbox answers from its
own threads, so its work is not counted (the process total, which includes it, is printed
beside). Two baselines show what the libraries themselves cost: a bare `requests.Session` and
a bare `urllib3.PoolManager` loop (same headers, JSON decoded). With `--cache`, every client
revalidates with If-None-Match and the sandbox answers 304 (what a repeated plan costs).

Measured when reconciler still read GitHub through PyGithub too (600 lists, 5 rounds, client
CPU per request): the PyGithub reader 0.72 ms, HttpReader 0.37 ms, bare requests.Session
0.67 ms, bare urllib3 0.27 ms; with --cache (304s) 0.68 / 0.40 / 0.61 / 0.22 ms. That halving
is why requests go through reconciler's own client and PyGithub only seals secrets; the
PyGithub column went with the PyGithub reader.

With `--paced-writes N`, the writer also creates N labels (content-creating) under GitHub's
limits scaled ten times (`Limits.github().scaled(10)`), with the real clock, and prints how
long they took against `least_time` for them (`floor_s`): the scheduler should go as fast as
the limits allow, and no faster.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests
import urllib3

from reconciler.github.http import (
    Call,
    HttpReader,
    HttpWriter,
    Limits,
    MemoryResponseCache,
    Session,
    Settings,
    StaticToken,
    least_time,
)
from reconciler.sandbox import Sandbox

TOKEN = "benchmark-token"
HEADERS = {
    "Authorization": f"Bearer {TOKEN}",
    "Accept": "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
    "User-Agent": "reconciler-benchmark",
}


def repositories(sandbox: Sandbox) -> list[str]:
    with sandbox.state.lock:
        return sorted(repo.full_name for repo in sandbox.state.repos if not repo.archived)


def measure(sandbox: Sandbox, reads: int, read: Callable[[str], object], repos: list[str]) -> dict[str, float]:
    for repo in repos[:3]:  # warm up: connections, imports, caches
        read(repo)
    before = sandbox.stats.total()
    thread_cpu, process_cpu, wall = time.thread_time(), time.process_time(), time.perf_counter()
    for n in range(reads):
        read(repos[n % len(repos)])
    thread_cpu = time.thread_time() - thread_cpu
    process_cpu = time.process_time() - process_cpu
    wall = time.perf_counter() - wall
    requests_sent = sandbox.stats.total() - before
    return {
        "requests": requests_sent,
        "client_cpu_ms": 1000 * thread_cpu / requests_sent,
        "process_cpu_ms": 1000 * process_cpu / requests_sent,
        "wall_ms": 1000 * wall / requests_sent,
    }


def http_reader(sandbox: Sandbox, cache: bool) -> Callable[[str], object]:
    session = Session(
        Settings(
            sandbox.url,
            StaticToken(TOKEN),
            limits=Limits.none(),
            cache=MemoryResponseCache() if cache else None,
        )
    )
    github = HttpReader(session)
    return lambda repo: github.get_all(f"/repos/{repo}/labels", Call("list labels", repo))


def bare_requests(sandbox: Sandbox, cache: bool) -> Callable[[str], object]:
    session = requests.Session()
    etags: dict[str, tuple[str, object]] = {}

    def read(repo: str) -> object:
        url = f"{sandbox.url}/repos/{repo}/labels?per_page=100"
        headers = dict(HEADERS)
        if cache and url in etags:
            headers["If-None-Match"] = etags[url][0]
        response = session.get(url, headers=headers, timeout=30)
        if response.status_code == 304:
            return etags[url][1]
        body = response.json()
        if cache:
            etags[url] = (response.headers["ETag"], body)
        return body

    return read


def bare_urllib3(sandbox: Sandbox, cache: bool) -> Callable[[str], object]:
    pool = urllib3.PoolManager(retries=False)
    etags: dict[str, tuple[str, object]] = {}

    def read(repo: str) -> object:
        url = f"{sandbox.url}/repos/{repo}/labels?per_page=100"
        headers = dict(HEADERS)
        if cache and url in etags:
            headers["If-None-Match"] = etags[url][0]
        response = pool.request("GET", url, headers=headers, timeout=30.0)
        if response.status == 304:
            return etags[url][1]
        body = json.loads(response.data)
        if cache:
            etags[url] = (response.headers["ETag"], body)
        return body

    return read


CLIENTS: dict[str, Callable[[Sandbox, bool], Callable[[str], object]]] = {
    "HttpReader (urllib3 client)": http_reader,
    "bare requests.Session": bare_requests,
    "bare urllib3.PoolManager": bare_urllib3,
}


def paced_writes(sandbox: Sandbox, count: int) -> None:
    limits = Limits.github().scaled(10)
    session = Session(Settings(sandbox.url, StaticToken(TOKEN), limits=limits))
    github = HttpWriter(session)
    repo = repositories(sandbox)[0]
    floor_s = least_time(limits, writes=count, creates=count)
    started = time.perf_counter()
    for n in range(count):
        body = {"name": f"paced-{n:05}", "color": "ededed"}
        github.send("POST", f"/repos/{repo}/labels", Call("create label", repo), body=body, creates=True)
    elapsed = time.perf_counter() - started
    print(f"{count} content-creating writes at GitHub's limits x10: {elapsed:.2f} s, floor_s {floor_s:.2f} s")
    print(f"  {session.usage().summary()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reads", type=int, default=600, help="label lists read per client")
    parser.add_argument("--rounds", type=int, default=5, help="runs per client; the median is printed")
    parser.add_argument("--cache", action="store_true", help="revalidate with If-None-Match (304s)")
    parser.add_argument("--paced-writes", type=int, default=0, help="also create N labels at GitHub's limits x10")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory, Sandbox(Path(directory) / "state.json", latency_ms=0) as sandbox:
        repos = repositories(sandbox)
        # Every client reads thousands of lists: more than an hour's budget of one token.
        sandbox.set_rate_limit(remaining=10**9, limit=10**9)
        print(f"{args.reads} label lists per run, {args.rounds} runs, {len(repos)} repositories, cache={args.cache}")
        print(f"{'client':32} {'requests':>8} {'client CPU ms/req':>18} {'process CPU ms/req':>19} {'wall ms/req':>12}")
        readers = {name: make(sandbox, args.cache) for name, make in CLIENTS.items()}
        # Rounds interleave the clients, so a busy moment on the machine falls on all of them.
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in readers}
        for _ in range(args.rounds):
            for name, read in readers.items():
                runs[name].append(measure(sandbox, args.reads, read, repos))
        results: dict[str, float] = {}
        for name, measured in runs.items():
            median = {key: statistics.median(run[key] for run in measured) for key in measured[0]}
            results[name] = median["client_cpu_ms"]
            print(
                f"{name:32} {median['requests']:8.0f} {median['client_cpu_ms']:18.3f} "
                f"{median['process_cpu_ms']:19.3f} {median['wall_ms']:12.3f}"
            )
        ours, library = results["HttpReader (urllib3 client)"], results["bare requests.Session"]
        print(f"HttpReader spends {ours / library:.0%} of a bare requests.Session's client CPU per request")
        if args.paced_writes:
            paced_writes(sandbox, args.paced_writes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
