"""Everything the CLI shows passes through `reconciler.redaction.redact`, in three places.

- The consoles: a console redacts each string and `Text` before rich lays it out (so a token
  a table would fold across two lines is replaced whole), and writes through a stream that
  redacts again what is written to it directly (`console.file.write(json)`).
- Log records: their message, exception trace and stack are redacted as they are made,
  whichever handler formats them.
- Error printing (`reconciler.cli.main`) writes to those consoles.

The registry learns the run's secrets from whoever reads them (the token, secret values); a
value registered after something was printed was not redacted there, which is why readers
register as they read.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import IO, Any, TextIO, cast

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from reconciler.redaction import redact


class RedactingStream:
    """A text stream that redacts what is written, then hands it to `target()` (looked up at
    each write, so a test that swaps sys.stdout still captures it)."""

    def __init__(self, target: Callable[[], TextIO]) -> None:
        self._target = target

    def write(self, text: str) -> int:
        self._target().write(redact(text))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._target().flush()

    def isatty(self) -> bool:
        return self._target().isatty()

    def fileno(self) -> int:
        return self._target().fileno()

    @property
    def encoding(self) -> str:
        return getattr(self._target(), "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:
        return getattr(self._target(), "errors", None)


def redacted_stdout() -> IO[str]:
    return cast(IO[str], RedactingStream(lambda: sys.stdout))


def redacted_stderr() -> IO[str]:
    return cast(IO[str], RedactingStream(lambda: sys.stderr))


def redact_text(text: Text) -> Text:
    """`text` with registered secrets replaced; its spans are dropped only when one was found."""
    plain = text.plain
    clean = redact(plain)
    if clean == plain:
        return text
    return Text(
        clean,
        style=text.style,
        justify=text.justify,
        overflow=text.overflow,
        no_wrap=text.no_wrap,
        end=text.end,
        tab_size=text.tab_size,
    )


class RedactingConsole(Console):
    """A rich console that never shows a registered secret. It writes to its `file`, or to
    standard output (error, with `stderr=True`), through a redacting stream."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        given: IO[str] | None = kwargs.get("file")
        if given is None:
            kwargs["file"] = redacted_stderr() if kwargs.get("stderr") else redacted_stdout()
        else:
            kwargs["file"] = cast(IO[str], RedactingStream(lambda: cast(TextIO, given)))
        super().__init__(*args, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(redact(text), **kwargs)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        # Every Text rich lays out, at any depth (table cells, panels), is rendered through here.
        if isinstance(renderable, Text):
            renderable = redact_text(renderable)
        return super().render(renderable, options)


class _RedactedLogRecord(logging.LogRecord):
    """A log record whose message, trace and stack are redacted, for every handler."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.exc_info and self.exc_info[0] is not None:
            # Formatters use a record's exc_text when it is set: the redacted trace.
            self.exc_text = redact(logging.Formatter().formatException(self.exc_info))
        if self.stack_info:
            self.stack_info = redact(self.stack_info)

    def getMessage(self) -> str:
        return redact(super().getMessage())


def redact_log_records() -> None:
    """Make every later log record redacted (once; a factory someone else set is kept)."""
    if logging.getLogRecordFactory() is logging.LogRecord:
        logging.setLogRecordFactory(_RedactedLogRecord)
