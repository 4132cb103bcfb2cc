"""Colour at a real terminal: on by default, off entirely with NO_COLOR or --no-color.

Each run writes to a pseudo-terminal, as at a user's shell, so rich sees a terminal and
styles what it prints unless told not to. "Off" means no escape sequence of any kind: no
colour, no bold, no dim, no underline.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from reconciler.cli import invoke
from tests.integration.conftest import run

ESCAPE = b"\x1b"
# A label created by the plan: its colour's swatch is a background colour, then the hex value.
NEW_LABEL = "+ label priority:critical  "
SWATCH = b"48;2;182;2;5m"  # background #b60205 (truecolor)


def in_terminal(argv: Sequence[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, bytes]:
    """Run the CLI with stdout and stderr on a pseudo-terminal; what the terminal received."""
    controller, terminal = os.openpty()
    stream = open(terminal, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - closed below
    received: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: every terminal end is closed
                return
            if not chunk:
                return
            received.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        with monkeypatch.context() as patched:
            patched.setattr(sys, "stdout", stream)
            patched.setattr(sys, "stderr", stream)
            code = invoke(list(argv))
            stream.flush()
    finally:
        stream.close()
        os.close(terminal)
        reader.join(timeout=30)
        os.close(controller)
    return code, b"".join(received)


@pytest.fixture
def terminal_env(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    return workdir


def test_plan_at_a_terminal_is_coloured_with_swatches(terminal_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, shown = in_terminal(["plan", "--sandbox"], monkeypatch)
    assert code == 0
    assert ESCAPE in shown
    assert SWATCH in shown, "a new label's colour is shown as a swatch"


@pytest.mark.parametrize(
    ("argv", "no_color"),
    [
        (["plan", "--sandbox"], "1"),
        (["plan", "--sandbox"], "false"),  # any non-empty value, per no-color.org
        (["--no-color", "plan", "--sandbox"], None),
        (["plan", "--sandbox", "--no-color"], None),
    ],
)
def test_no_color_and_the_flag_turn_off_every_style(
    terminal_env: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], no_color: str | None
) -> None:
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)
    code, shown = in_terminal(argv, monkeypatch)
    assert code == 0
    assert ESCAPE not in shown, shown[: shown.find(ESCAPE) + 40]
    text = shown.decode()
    # The swatch gives way to the hex value alone, not to a blank cell.
    assert f"{NEW_LABEL}b60205  'Drop everything" in text
    assert "Plan: " in text


def test_no_color_wins_over_force_color(terminal_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, shown = in_terminal(["plan", "--sandbox"], monkeypatch)
    assert code == 0
    assert ESCAPE not in shown


def test_an_empty_no_color_is_no_request(terminal_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "")
    code, shown = in_terminal(["plan", "--sandbox"], monkeypatch)
    assert code == 0
    assert SWATCH in shown


def test_errors_on_stderr_follow_the_same_rule(terminal_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = terminal_env / "bad"
    bad.mkdir()
    (bad / "a.yml").write_text("repositories:\n  - repository: acme/x\n    labels: {items: [{name: x, color: red}]}\n")
    code, shown = in_terminal(["validate", "bad"], monkeypatch)
    assert code == 1 and ESCAPE in shown
    code, shown = in_terminal(["validate", "bad", "--no-color"], monkeypatch)
    assert code == 1
    assert ESCAPE not in shown
    assert b"'red' is not a colour" in shown


def test_the_flag_lasts_one_run(terminal_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The error is printed after the command ran, by a console made then: it still knows.
    assert ESCAPE not in in_terminal(["--no-color", "validate", "no-such-directory"], monkeypatch)[1]
    assert ESCAPE in in_terminal(["validate", "no-such-directory"], monkeypatch)[1]


def test_force_color_styles_output_that_is_not_a_terminal(
    terminal_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "plan", "--sandbox")
    assert code == 0 and "\x1b" not in out
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = run(capsys, "plan", "--sandbox")
    assert code == 0 and "\x1b[" in out
