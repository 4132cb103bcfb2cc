"""The choke points every output passes: the CLI's consoles, log records, the CLI's error
printing, and the atomic file writer. A registered secret reaches none of them."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from rich.table import Table
from rich.text import Text

from reconciler.cli import invoke
from reconciler.cli.redacted import RedactingConsole, redact_log_records
from reconciler.files import write_atomically
from reconciler.redaction import register

SECRET = "ghp_RegisteredForThisRun0123456789abcdefg"


@pytest.fixture(autouse=True)
def _registered() -> None:
    register(SECRET)


def console(buffer: io.StringIO, width: int = 40) -> RedactingConsole:
    return RedactingConsole(file=buffer, width=width, highlight=False, color_system=None)


def test_a_console_replaces_a_secret_before_a_table_folds_it_across_lines() -> None:
    buffer = io.StringIO()
    table = Table("Check", "Detail")
    table.columns[1].overflow = "fold"
    table.add_row("Token", f"GitHub said: token {SECRET} is bad")
    console(buffer).print(table)
    shown = buffer.getvalue()
    # Folded, any 8 characters of it would be a piece of the token on one line.
    assert not any(SECRET[i : i + 8] in shown for i in range(len(SECRET) - 8))
    assert "***" in shown


def test_a_console_redacts_text_strings_and_direct_writes() -> None:
    buffer = io.StringIO()
    out = console(buffer, width=200)
    out.print(Text(f"Error: {SECRET}", style="bold red"))
    out.print(f"plain {SECRET}")
    out.file.write(f'{{"error": "{SECRET}"}}\n')
    assert SECRET not in buffer.getvalue()
    assert buffer.getvalue().count("***") == 3


def test_the_cli_consoles_redact_what_reaches_stdout_and_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    from reconciler.cli.options import err_console, out_console

    out_console().print(f"out {SECRET}")
    err_console().print(f"err {SECRET}")
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    assert "out ***" in captured.out and "err ***" in captured.err


def test_log_records_are_redacted_whichever_handler_formats_them(caplog: pytest.LogCaptureFixture) -> None:
    redact_log_records()
    log = logging.getLogger("reconciler.test")
    log.warning("the server said %s", SECRET)
    try:
        raise RuntimeError(f"token {SECRET} refused")
    except RuntimeError:
        log.exception("a request failed")
    assert SECRET not in caplog.text
    assert "the server said ***" in caplog.text and "token *** refused" in caplog.text


def test_a_bug_trace_printed_by_the_cli_is_redacted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(*args: object, **kwargs: object) -> int:
        raise RuntimeError(f"a bug with {SECRET} in it")

    monkeypatch.setattr("reconciler.commands.validate.run_validate", fail)
    assert invoke(["validate"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "a bug with *** in it" in err
    assert SECRET not in err


def test_a_usage_error_printed_by_the_cli_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    assert invoke(["plan", "--format", SECRET]) == 1
    err = capsys.readouterr().err
    assert "Invalid value for '--format'" in err and "***" in err
    assert SECRET not in err


def test_files_written_as_text_are_redacted_and_copies_are_not(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    write_atomically(report, f"# Health\n\nToken check: {SECRET} was refused\n")
    assert SECRET not in report.read_text(encoding="utf-8")
    assert "*** was refused" in report.read_text(encoding="utf-8")
    # Bytes are copies of someone's file (workflow bodies): written exactly.
    copy = tmp_path / "workflow.yml"
    write_atomically(copy, f"# {SECRET}\n".encode())
    assert copy.read_bytes() == f"# {SECRET}\n".encode()
