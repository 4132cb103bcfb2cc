"""What an operator meets around a run: the cache commands, an unreachable GitHub said at once,
the timeouts they can set, and a live display that never sits on apply's question."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from reconciler.commands.apply import ApplyOptions, run_apply
from reconciler.commands.support import connect
from reconciler.commands.support.options import GitHubOptions
from reconciler.errors import ApplyRefused, TransportError
from reconciler.github.http import Call, HttpReader, RequestEvent, WaitEvent
from reconciler.progress import ProgressEvent
from reconciler.sandbox import Sandbox
from tests.conftest import github_session
from tests.http_support import FakeClock
from tests.integration.conftest import run

# The command line's own retry policy (the fixtures below replace the module's for speed).
CLI_RETRY = connect.GITHUB_RETRY


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections (the kernel does) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


def test_cache_info_and_clear_show_and_empty_the_cache_a_plan_filled(
    live: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "cache", "info")
    assert code == 0
    assert f"HTTP response cache: {tmp_path / 'http-cache'}" in out and "0 entries, 0 bytes" in out
    assert run(capsys, "plan")[0] == 0
    code, out, _ = run(capsys, "cache", "info")
    entries = int(out.split("\n")[1].split()[0])
    # A page per REST-read kind and repository (labels and workflow trees come by GraphQL, a
    # POST, never cached), and the organisation listing.
    assert entries >= 10, out
    assert "at most 256 MiB; entries unused for 30 days are evicted" in out
    assert "least recently used: " in out and "(today)" in out
    code, out, _ = run(capsys, "cache", "clear")
    assert code == 0 and out.startswith(f"Removed {entries} entries (")
    assert "0 entries" in run(capsys, "cache", "info")[1]


def test_cache_commands_say_when_the_cache_is_off(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RECONCILER_HTTP_CACHE", "off")
    for command in ("info", "clear"):
        code, out, _ = run(capsys, "cache", command)
        assert (code, out.strip()) == (0, "The HTTP response cache is off (RECONCILER_HTTP_CACHE=off).")


def test_an_unreachable_github_is_given_up_after_two_attempts_a_second_apart(free_port: int) -> None:
    clock = FakeClock()
    session = github_session(f"http://127.0.0.1:{free_port}", retry=CLI_RETRY, clock=clock)
    with pytest.raises(TransportError, match=rf"cannot reach 127\.0\.0\.1:{free_port}: connection refused"):
        HttpReader(session).get("/user", Call("read the user"))
    assert clock.sleeps == [1.0], "one retry, a second later: the whole failure takes about a second"


def test_the_cli_names_the_unreachable_host_and_the_cause(
    live: Sandbox, free_port: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The command line's own policy, without its one-second backoff (tests never really wait).
    monkeypatch.setattr(connect, "GITHUB_RETRY", replace(CLI_RETRY, backoff_base=0.0))
    code, _, err = run(capsys, "plan", "--github-url", f"http://127.0.0.1:{free_port}")
    assert code == 1
    assert f"cannot reach 127.0.0.1:{free_port}: connection refused" in err
    assert "GitHub: 2 requests" in err


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_read_timeout_is_the_users_to_set(
    live: Sandbox, silent_server: int, how: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["plan", "--github-url", f"http://127.0.0.1:{silent_server}", "--connect-timeout", "2"]
    if how == "option":
        args += ["--read-timeout", "0.2"]
    else:
        monkeypatch.setenv("RECONCILER_READ_TIMEOUT", "0.2")
    code, _, err = run(capsys, *args)
    assert code == 1
    assert f"127.0.0.1:{silent_server} did not answer within 0.2s" in err


class Recording:
    """A watch that keeps what it was told, in order."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def request_finished(self, event: RequestEvent) -> None:
        self.calls.append("request")

    def waited(self, event: WaitEvent) -> None:
        self.calls.append("wait")

    def progress(self, event: ProgressEvent) -> None:
        self.calls.append(f"{type(event).__name__}:{event.phase}")

    def pause(self) -> None:
        self.calls.append("pause")


def test_the_display_is_paused_before_apply_asks_and_hears_of_both_phases(workdir: Path) -> None:
    watch = Recording()
    asked: list[list[str]] = []

    def confirm(question: str) -> bool:
        asked.append(list(watch.calls))
        return False

    options = ApplyOptions(path=Path("desired-state"), github=GitHubOptions(sandbox=True, watch=watch))
    with pytest.raises(ApplyRefused, match="apply cancelled"):
        run_apply(options, Console(file=io.StringIO()), confirm)
    (before,) = asked
    assert before[-1] == "pause", "the question came while the display was live"
    assert before.count("RepositoryDone:plan") == 3 and "request" in before
    assert watch.calls[-1] == "pause", "the connection's end pauses the display too"
