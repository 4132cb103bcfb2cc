"""Several processes on one sandbox state file: a `serve` and two others writing at the same time,
as a `--sandbox` command does while `reconciler sandbox serve` runs. No write may be lost,
neither while they run nor when the server saves on its way out."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from reconciler.sandbox.persistence import load_state

ORG = "Sovereign-Operating-System"
REPO = f"{ORG}/sovereign-kernel"
WRITES = 20
# Another process: its own sandbox on the same state file, written to over its own HTTP port.
WRITER = """
import sys
from pathlib import Path

import requests

from reconciler.sandbox import Sandbox

state_file, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with Sandbox(state_file) as sandbox, requests.Session() as session:
    session.headers["Authorization"] = "token " + prefix
    base = f"{sandbox.url}/repos/%s" % (sys.argv[4],)
    for n in range(count):
        label = session.post(f"{base}/labels", json={"name": f"{prefix}-{n}", "color": "ffffff"})
        issue = session.post(f"{base}/issues", json={"title": f"{prefix}-{n}"})
        assert (label.status_code, issue.status_code) == (201, 201), (label.text, issue.text)
"""


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("RECONCILER_SANDBOX_LATENCY_MS", None)
    return env


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    state_file = tmp_path / "shared.sqlite3"
    # Without GitHub's secondary limits, which would refuse the 81st creation in a minute: this
    # test writes as fast as it can for as long as the other processes take.
    command = [sys.executable, "-m", "reconciler.sandbox", "--port", "0", "--state", str(state_file)]
    server = subprocess.Popen(
        [*command, "--no-secondary-limits"],
        stdout=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        match = re.match(r"GitHub sandbox listening on (http://127\.0\.0\.1:\d+) ", banner)
        assert match, banner
        yield match.group(1), state_file, server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=20)


def write_through_the_server(url: str, prefix: str, writers: list[subprocess.Popen[str]]) -> set[str]:
    """Write until both other processes are done (and at least WRITES times), so the
    writes really overlap; return the names written."""
    written: set[str] = set()
    with requests.Session() as session:
        session.headers["Authorization"] = "token server-client"
        while len(written) < WRITES or any(writer.poll() is None for writer in writers):
            name = f"{prefix}-{len(written)}"
            label = session.post(f"{url}/repos/{REPO}/labels", json={"name": name, "color": "ffffff"})
            issue = session.post(f"{url}/repos/{REPO}/issues", json={"title": name})
            assert (label.status_code, issue.status_code) == (201, 201), (label.text, issue.text)
            written.add(name)
    return written


def listed(url: str, kind: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    page = 1
    while True:
        response = requests.get(
            f"{url}/repos/{REPO}/{kind}",
            headers={"Authorization": "token reader"},
            params={"per_page": 100, "page": page, "state": "all"},
        )
        assert response.status_code == 200
        items += response.json()
        if 'rel="next"' not in response.headers.get("Link", ""):
            return items
        page += 1


def test_a_server_and_two_other_processes_writing_at_once_lose_no_write(
    served: tuple[str, Path, subprocess.Popen[str]],
) -> None:
    url, state_file, server = served
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(state_file), prefix, str(WRITES), REPO],
            env=environment(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("first", "second")
    ]
    with ThreadPoolExecutor(max_workers=1) as pool:
        served_names = pool.submit(write_through_the_server, url, "served", writers).result(timeout=120)
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err

    expected = served_names | {f"{prefix}-{n}" for prefix in ("first", "second") for n in range(WRITES)}
    # The server sees every other process's writes...
    assert expected <= {str(label["name"]) for label in listed(url, "labels")}
    issues = [issue for issue in listed(url, "issues") if issue["title"] in expected]
    assert sorted(str(issue["title"]) for issue in issues) == sorted(expected)
    assert len({issue["number"] for issue in issues}) == len(expected)  # numbered one by one, never twice

    # ...and saving on its way out keeps them: it writes only what it changed itself.
    server.send_signal(signal.SIGINT)
    server.wait(timeout=20)
    assert server.returncode == 0
    saved = load_state(state_file).find_repo(ORG, "sovereign-kernel")
    assert saved is not None
    assert expected <= {label.name for label in saved.labels}
    assert expected <= {issue.title for issue in saved.issues}
