"""`reconciler sandbox ...` on a state file: in its own process where the process matters
(stdin, stderr, what gets imported), in this one otherwise.

The sandbox owns these commands; the main CLI mounts them without loading the sandbox until
one runs. set-secret takes its value as `gh secret set` does."""

from __future__ import annotations

import io
import json
import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from reconciler.cli import invoke
from reconciler.sandbox import Sandbox
from reconciler.sandbox.persistence import load_state
from reconciler.sandbox.seed import seeded_state

ORG = "Sovereign-Operating-System"
RUNTIME = f"{ORG}/agent-runtime"
PRIVATE = f"{ORG}/infra-terraform"
DEFAULT_STATE = Path(".reconciler") / "sandbox.sqlite3"
Run = Callable[..., tuple[int, str, str]]


def environment(cwd: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_", "RECONCILER_"))}
    env["HOME"] = str(cwd)
    return env


def reconciler(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=environment(cwd),
        timeout=60,
    )


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:
    """`reconciler ARGS` in this process, in tmp_path, with `stdin` piped in."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "GH_", "RECONCILER_")):
            monkeypatch.delenv(name)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = invoke(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run


def secret_holds(state_file: Path, repository: str, name: str, value: str) -> bool:
    owner, _, repo_name = repository.partition("/")
    repo = load_state(state_file).find_repo(owner, repo_name)
    assert repo is not None
    return repo.secret_matches(name, value)


# -- set-secret -----------------------------------------------------------------------------------


def test_a_piped_value_is_stored_without_a_word_on_stderr(tmp_path: Path) -> None:
    done = reconciler(tmp_path, "sandbox", "set-secret", RUNTIME, "CLAUDE_API_KEY", stdin="value\n")

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == f"✓ Set secret CLAUDE_API_KEY for {RUNTIME} (sandbox)\n"
    # The default state file, the value without the line break `echo` adds.
    assert secret_holds(tmp_path / DEFAULT_STATE, RUNTIME, "CLAUDE_API_KEY", "value")


# The child takes the pseudo-terminal on its stderr as its controlling terminal (a session
# leader opening a terminal does), as a shell's child has one: /dev/tty is then that terminal.
_WITH_A_TERMINAL = (
    "import os, runpy, sys; os.close(os.open(os.ttyname(2), os.O_RDWR)); "
    "sys.argv = ['reconciler', *sys.argv[1:]]; runpy.run_module('reconciler', run_name='__main__')"
)


def at_a_terminal(cwd: Path, *args: str, typed: str | None = None, piped: str | None = None) -> tuple[int, str]:
    """`reconciler ARGS` in a session whose terminal is a pseudo-terminal: stdin is the terminal,
    where ``typed`` is typed once a prompt shows, or a pipe ``piped`` is written to. Returns the
    exit code and everything the terminal showed."""
    pty = pytest.importorskip("pty")
    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-c", _WITH_A_TERMINAL, *args],
        cwd=cwd,
        env=environment(cwd),
        stdin=terminal if piped is None else subprocess.PIPE,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
    )
    os.close(terminal)
    if child.stdin is not None:
        child.stdin.write((piped or "").encode())
        child.stdin.close()
    shown, answered, deadline = b"", False, time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # Linux: the terminal is gone once the child has exited
                    chunk = b""
                if not chunk:
                    break
                shown += chunk
                if b"? Paste the value" in shown and not answered:
                    if typed is None:
                        break  # a prompt nobody will answer: report it rather than wait
                    os.write(controller, typed.encode() + b"\n")
                    answered = True
            elif child.poll() is not None:
                break
    finally:
        os.close(controller)
        if child.poll() is None:
            child.kill()
    return child.wait(timeout=30), shown.decode().replace("\r\n", "\n")


def test_at_a_terminal_the_value_is_asked_for_without_echoing_it(tmp_path: Path) -> None:
    code, shown = at_a_terminal(tmp_path, "sandbox", "set-secret", RUNTIME, "CLAUDE_API_KEY", typed="typed-value")

    assert code == 0, shown
    assert shown == (
        f"? Paste the value of CLAUDE_API_KEY for {RUNTIME}: \n✓ Set secret CLAUDE_API_KEY for {RUNTIME} (sandbox)\n"
    )
    assert "typed-value" not in shown  # the terminal did not echo it
    assert secret_holds(tmp_path / DEFAULT_STATE, RUNTIME, "CLAUDE_API_KEY", "typed-value")


def test_a_value_piped_in_at_a_terminal_is_taken_without_a_prompt_or_a_warning(tmp_path: Path) -> None:
    # `echo value | reconciler sandbox set-secret ...` typed at a terminal: stdin is the pipe,
    # and the terminal is still there to prompt on; it must not be used.
    code, shown = at_a_terminal(tmp_path, "sandbox", "set-secret", RUNTIME, "CLAUDE_API_KEY", piped="piped-value\n")

    assert code == 0, shown
    assert shown == f"✓ Set secret CLAUDE_API_KEY for {RUNTIME} (sandbox)\n"
    assert secret_holds(tmp_path / DEFAULT_STATE, RUNTIME, "CLAUDE_API_KEY", "piped-value")


def test_a_pasted_block_is_one_value_and_nothing_is_left_for_the_shell(tmp_path: Path, run: Run) -> None:
    key = "-----BEGIN KEY-----\nline two\n-----END KEY-----"

    code, out, err = run("sandbox", "set-secret", RUNTIME, "DEPLOY_KEY", stdin=key + "\n")
    assert out == f"✓ Set secret DEPLOY_KEY for {RUNTIME} (sandbox)\n"

    assert (code, err) == (0, "")
    assert secret_holds(tmp_path / DEFAULT_STATE, RUNTIME, "DEPLOY_KEY", key)


def test_body_sets_the_value_and_an_empty_value_is_refused(tmp_path: Path, run: Run) -> None:
    given = run("sandbox", "set-secret", RUNTIME, "TOKEN_A", "--body", "from-body")
    empty = run("sandbox", "set-secret", RUNTIME, "TOKEN_B", stdin="")
    blank = run("sandbox", "set-secret", RUNTIME, "TOKEN_B", "--body", "")

    assert given[0] == 0 and secret_holds(tmp_path / DEFAULT_STATE, RUNTIME, "TOKEN_A", "from-body")
    assert "from-body" not in given[1] + given[2]
    for code, _, err in (empty, blank):
        assert code == 1
        assert "a secret needs a value" in err
    repo = load_state(tmp_path / DEFAULT_STATE).find_repo(ORG, "agent-runtime")
    assert repo is not None and repo.find_secret("TOKEN_B") is None


def test_a_bad_name_or_repository_is_refused(run: Run) -> None:
    bad_name = run("sandbox", "set-secret", RUNTIME, "GITHUB_X", "-b", "v")
    no_repo = run("sandbox", "set-secret", f"{ORG}/nope", "X", "-b", "v")

    assert bad_name[0] == 1 and "GITHUB_" in bad_name[2]
    assert no_repo[0] == 1 and f"no repository {ORG}/nope" in no_repo[2]


# -- grant, on the file a running server uses ------------------------------------------------------


def test_a_grant_given_while_the_server_runs_takes_effect_at_once(tmp_path: Path, run: Run) -> None:
    state = tmp_path / "served.sqlite3"
    server = Sandbox(state)
    url = server.start()

    def status(token: str, path: str) -> int:
        return requests.get(f"{url}/repos/{path}", headers={"Authorization": f"token {token}"}).status_code

    try:
        assert status("guest", PRIVATE) == 200  # unknown: the operator

        code, out, err = run(
            "sandbox", "grant", "--token", "guest", "--user", "guest", "--no-access",
            "--repo", f"{ORG}/security-advisories=pull", "--state", str(state),
        )  # fmt: skip
        assert code == 0, err
        assert "guest" not in out.replace("user guest", "")  # the token itself is never shown
        assert status("guest", PRIVATE) == 404
        assert status("guest", f"{ORG}/security-advisories") == 200
        assert status("guest", f"{ORG}/sovereign-kernel") == 200

        assert run("sandbox", "grant", "--unknown-tokens", "reject", "--state", str(state))[0] == 0
        assert status("anyone", f"{ORG}/sovereign-kernel") == 401
        assert run("sandbox", "grant", "--token", "guest", "--reset", "--state", str(state))[0] == 0
        assert status("guest", PRIVATE) == 401  # forgotten: an unknown token, now refused
    finally:
        server.close()


def test_python_m_reconciler_sandbox_runs_the_same_commands(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "reconciler.sandbox", "rate-limit", "--remaining", "7", "--state", str(state)],
        capture_output=True,
        text=True,
        env=environment(tmp_path),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert load_state(state).rate_limit.forced is not None


# -- where the state lives, and what the main CLI loads ---------------------------------------------


def test_a_json_state_file_at_the_old_default_place_is_taken_over(tmp_path: Path, run: Run) -> None:
    old = seeded_state()
    runtime = old.find_repo(ORG, "agent-runtime")
    assert runtime is not None
    runtime.store_secret("KEPT_FROM_BEFORE", b"old")
    (tmp_path / ".reconciler").mkdir()
    (tmp_path / ".reconciler" / "sandbox-state.json").write_text(json.dumps(old.to_json()), encoding="utf-8")

    code, _, err = run("sandbox", "rate-limit", "--remaining", "100")

    assert code == 0, err
    assert not (tmp_path / ".reconciler" / "sandbox-state.json").exists()
    assert secret_holds(tmp_path / DEFAULT_STATE, RUNTIME, "KEPT_FROM_BEFORE", "old")


def test_the_main_cli_loads_the_sandbox_only_to_run_its_commands(tmp_path: Path, run: Run) -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, reconciler.cli; print(sorted(m for m in sys.modules if 'sandbox' in m))"],
        capture_output=True,
        text=True,
        env=environment(tmp_path),
        timeout=60,
    )
    helped = run("--help")[1]
    sandbox_help = run("sandbox", "--help")[1]

    assert loaded.stdout.strip() == "[]", loaded.stdout
    assert re.search(r"^  sandbox +The built-in GitHub sandbox", helped, re.MULTILINE)
    for command in ("serve", "reset", "grant", "rate-limit", "set-secret"):
        assert re.search(rf"^  {command} ", sandbox_help, re.MULTILINE), command
