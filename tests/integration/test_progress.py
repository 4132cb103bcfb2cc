"""What a person sees while a run talks to GitHub: the live progress at a terminal, nothing
added off one, and `--progress=plain`, `-v`, `--debug`, `--log-file` when asked.

The terminal tests run reconciler in a pseudo-terminal, as a person would, against a sandbox
with a fleet of 200 repositories made slow enough (RECONCILER_SANDBOX_LATENCY_MS) that the
plan lasts a few seconds.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import pty
import re
import select
import stat
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.sandbox import FleetSpec, Sandbox
from tests.integration.conftest import HANDBOOK, KERNEL, RUNTIME, run

FLEET = 200
DESIRED = """\
organizations:
  - organization: bench
    labels:
      items:
        - {name: bug, color: "d73a4a", description: "Something isn't working"}
        - {name: triage, color: "ededed"}
"""
FRAME = re.compile(r"(Reading GitHub|Planning (\d+)/200 repositories) · ([\d,]+) requests?")
USAGE = re.compile(r"^GitHub: (\d+) requests? ")


@dataclass(frozen=True)
class Fleet:
    root: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    """200 repositories of the organisation `bench`, and a desired state that targets them all."""
    root = tmp_path_factory.mktemp("fleet")
    (root / "desired-state").mkdir()
    (root / "desired-state" / "bench.yml").write_text(DESIRED)
    state = root / "sandbox.sqlite3"
    with Sandbox(state) as sandbox:
        sandbox.seed_fleet(FleetSpec(organization="bench", count=FLEET))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "RECONCILER_PROGRESS")}
    # Labels over REST, one request a repository: what is under test here is the display and
    # the logs, on a run that lasts a few seconds (GraphQL would read them all in two queries).
    env.update(RECONCILER_SANDBOX_STATE=str(state), TERM="xterm-256color", COLUMNS="120", RECONCILER_GRAPHQL="0")
    yield Fleet(root, env)


def in_terminal(args: list[str], fleet: Fleet, **env: str) -> tuple[int, list[tuple[float, str]]]:
    """Run reconciler with stdin, stdout and stderr on a pseudo-terminal of 120 columns; what
    it wrote, chunk by chunk, with when it arrived."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args],
        cwd=fleet.root,
        env={**fleet.env, **env},
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        close_fds=True,
    )
    os.close(terminal)
    chunks: list[tuple[float, str]] = []
    started = time.monotonic()
    deadline = started + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.05)
        if ready:
            try:
                data = os.read(controller, 65536)
            except OSError:  # the other side closed: Linux says EIO
                break
            if not data:
                break
            chunks.append((time.monotonic() - started, data.decode("utf-8", "replace")))
        elif process.poll() is not None:
            break
    os.close(controller)
    return process.wait(timeout=30), chunks


def test_a_plan_at_a_terminal_shows_progress_that_updates_at_least_every_second(fleet: Fleet) -> None:
    code, chunks = in_terminal(["plan", "--sandbox"], fleet, RECONCILER_SANDBOX_LATENCY_MS="200")
    assert code == 0
    frames = [(at, match) for at, text in chunks for match in FRAME.finditer(text)]
    planning = [(at, int(m.group(2))) for at, m in frames if m.group(2) is not None]
    assert len(planning) >= 4, f"too few progress frames: {[m.group(0) for _, m in frames]}"
    # Redrawn at least every second from the first frame to the last, with repositories counted up.
    times = [at for at, _ in frames]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert max(gaps) <= 1.0, f"the display stood still for {max(gaps):.2f}s"
    done = [count for _, count in planning]
    assert done == sorted(done) and done[-1] > done[0]
    assert times[-1] - times[0] >= 1.5, "the run was meant to last a few seconds"
    everything = "".join(text for _, text in chunks)
    assert "rate budget" in everything and "\x1b[" in everything
    # The plan itself still reached the terminal, and the display left the screen to it.
    assert "Plan: 200 to create" in everything
    assert FRAME.search(everything.rsplit("Plan: 200 to create", 1)[1]) is None


PACKED = """\
packs:
  - name: triage
    labels:
      items:
        - {name: triage, color: "ededed"}
organizations:
  - organization: bench
    packs: [triage]
"""


@pytest.fixture(scope="module")
def packed_fleet(fleet: Fleet, tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    """The same 200 repositories, with a desired state that applies a pack to them all."""
    root = tmp_path_factory.mktemp("packed")
    (root / "desired-state").mkdir()
    (root / "desired-state" / "bench.yml").write_text(PACKED)
    return Fleet(root, fleet.env)


@pytest.mark.parametrize(
    ("args", "exit_code", "result"),
    [
        (["drift"], 2, "Plan: 200 to create"),
        (["verify"], 2, "Health: drift (exit 2)"),
        (["uninstall", "--pack", "triage", "--plan-only"], 0, "No changes."),
    ],
)
def test_drift_verify_and_uninstall_show_progress_at_a_terminal_too(
    args: list[str], exit_code: int, result: str, fleet: Fleet, packed_fleet: Fleet
) -> None:
    where = packed_fleet if args[0] == "uninstall" else fleet
    code, chunks = in_terminal([*args, "--sandbox"], where, RECONCILER_SANDBOX_LATENCY_MS="20")
    everything = "".join(text for _, text in chunks)
    assert code == exit_code, everything
    counted = [int(m.group(2)) for m in FRAME.finditer(everything) if m.group(2) is not None]
    assert counted, f"no progress frame in:\n{everything}"
    assert "\x1b[" in everything
    # The command's own output follows, and the display has left the screen to it.
    assert result in everything
    assert FRAME.search(everything.rsplit(result, 1)[1]) is None


def beside_a_terminal(args: list[str], fleet: Fleet, **env: str) -> tuple[int, str, str]:
    """Run reconciler with stdin and stderr on a pseudo-terminal and stdout into a pipe, as
    `reconciler plan --format json > plan.json` at a terminal: exit code, stdout, stderr."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args],
        cwd=fleet.root,
        env={**fleet.env, **env},
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
        close_fds=True,
    )
    os.close(terminal)
    assert process.stdout is not None
    piped_out = process.stdout.fileno()
    streams: dict[int, bytearray] = {controller: bytearray(), piped_out: bytearray()}
    open_streams = set(streams)
    deadline = time.monotonic() + 120
    # Both at once: a document bigger than the pipe's buffer would otherwise block the run.
    while open_streams and time.monotonic() < deadline:
        ready, _, _ = select.select(list(open_streams), [], [], 0.05)
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the terminal's other side closed: Linux says EIO
                data = b""
            if data:
                streams[fd] += data
            else:
                open_streams.discard(fd)
        if not ready and process.poll() is not None and piped_out not in open_streams:
            break
    os.close(controller)
    process.stdout.close()
    return process.wait(timeout=30), streams[piped_out].decode(), streams[controller].decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("command", "key"), [("plan", "repositories"), ("drift", "repositories"), ("verify", "checks")]
)
def test_json_on_stdout_stays_pure_while_progress_shows_on_a_terminal_stderr(
    command: str, key: str, fleet: Fleet
) -> None:
    code, out, err = beside_a_terminal(
        [command, "--sandbox", "--format", "json"], fleet, RECONCILER_SANDBOX_LATENCY_MS="20"
    )
    assert code in (0, 2), err
    # Progress was live on the terminal during this very run ...
    assert FRAME.search(err) and "\x1b[" in err, err
    # ... and none of it reached the document: it parses whole, with no escape code in it.
    document = json.loads(out)
    assert key in document
    assert "\x1b" not in out and "Planning" not in out and "requests ·" not in out


def test_with_no_color_a_terminal_gets_the_plain_lines_and_no_escape_sequence(fleet: Fleet) -> None:
    code, chunks = in_terminal(["plan", "--sandbox"], fleet, NO_COLOR="1")
    assert code == 0
    everything = "".join(text for _, text in chunks)
    assert "\x1b" not in everything
    assert everything.count("progress: Planning") == 10


def piped(args: list[str], fleet: Fleet, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        cwd=fleet.root,
        env={**fleet.env, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_off_a_terminal_nothing_is_added_no_escape_codes_and_no_progress(fleet: Fleet) -> None:
    done = piped(["plan", "--sandbox"], fleet)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x1b" not in done.stderr
    assert "Plan: 200 to create" in done.stdout
    # stderr holds what it held before progress existed: the usage line, nothing else.
    assert [USAGE.match(line) is not None for line in done.stderr.splitlines()] == [True]


def test_plain_progress_is_a_line_every_tenth_of_the_repositories(fleet: Fleet) -> None:
    done = piped(["plan", "--sandbox", "--progress=plain"], fleet)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("progress: ")]
    counts = [int(m.group(1)) for m in (re.search(r"Planning (\d+)/200", line) for line in lines) if m]
    assert counts == list(range(20, 201, 20))
    assert "\x1b" not in done.stderr and "\x1b" not in done.stdout
    # The same from the environment, for a CI log.
    again = piped(["plan", "--sandbox"], fleet, RECONCILER_PROGRESS="plain")
    assert again.stderr.count("progress: Planning") == 10


def test_debug_logs_one_line_per_request_with_method_path_status_and_duration(fleet: Fleet) -> None:
    done = piped(["--debug", "plan", "--sandbox"], fleet)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("debug: ")]
    requests = [line for line in lines if re.match(r"debug: (GET|POST|PATCH|PUT|DELETE) /", line)]
    usage = next(m for m in map(USAGE.match, done.stderr.splitlines()) if m)
    assert len(requests) == int(usage.group(1)) == FLEET + 2  # each repository's labels, 2 listing pages
    for line in requests:
        assert re.match(r"debug: GET /\S+ 200 \d+ ms; remaining [\d,]+ \(core\)$", line), line
    assert "debug: GET /orgs/bench/repos?type=all&per_page=100 200 " in done.stderr
    assert "Authorization" not in done.stderr and "Bearer" not in done.stderr


def test_log_file_holds_one_json_object_per_request_and_repository(fleet: Fleet, tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    done = piped(["plan", "--sandbox", "--log-file", str(log)], fleet)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    events = [r["event"] for r in records]
    assert events[0] == "run" and records[0]["command"] == "plan"
    assert events.count("request") == FLEET + 2
    assert events.count("repository") == FLEET and events.count("phase") == 1
    request = next(r for r in records if r["event"] == "request")
    assert set(request) >= {"time", "method", "path", "status", "duration_ms", "from_cache", "retries", "remaining"}
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "\x1b" not in done.stderr, "the log file changes nothing on the terminal"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["plan"], [f"planned {RUNTIME}: ", "planning 3 repositories"]),
        (["drift"], [f"planned {KERNEL}: "]),
        (["verify"], [f"planned {HANDBOOK}: "]),
        (["apply", "--auto-approve"], [f"applied {KERNEL}: ", "applying 3 repositories"]),
        (["uninstall", "--pack", "sovereign-autonomy", "--repo", RUNTIME, "--auto-approve"], [f"applied {RUNTIME}: "]),
        (["import", "scratch", "--repo", "Sovereign-Operating-System/community-site"], ["read Sovereign-Operating"]),
    ],
)
def test_verbose_says_each_repository_as_it_is_done(
    args: list[str], expected: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *args, "--sandbox", "-v")
    assert code in (0, 1, 2), err
    for text in expected:
        assert text in err, f"{text!r} not in:\n{err}"
    assert "\x1b" not in err


def test_plain_progress_covers_apply_and_import(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--progress", "plain", "apply", "--sandbox", "--auto-approve")
    assert code == 1, err  # one secret needs a person
    assert "progress: Planning 3/3 repositories" in err
    assert "progress: Applying 3/3 repositories" in err
    code, _, err = run(capsys, "import", "scratch", "--sandbox", "--progress=plain", "--repo", f"{RUNTIME}")
    assert "progress: Importing 1/1 repositories" in err


def test_an_unknown_progress_mode_is_refused(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan", "--sandbox", "--progress", "loud")
    assert code == 1 and "'loud' is not one of 'auto', 'rich', 'plain', 'off'" in err
