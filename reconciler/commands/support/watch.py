"""What watches a command's run while it talks to GitHub: the progress display, `-v`,
`--debug` and `--log-file`.

The command line builds one (it owns the consoles) and hands it in with the GitHub options;
the connection registers it with the HTTP client, which tells it of every request and wait,
and passes its `progress` to the engine, which tells it of every repository. A command pauses
it before asking a question, so a live display never sits on top of a prompt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    # Types only: `reconciler --help` and `validate` load the command line, never the HTTP client.
    from reconciler.github.http import RequestEvent, WaitEvent
    from reconciler.progress import ProgressEvent


class Watch(Protocol):
    def request_finished(self, event: RequestEvent) -> None: ...

    def waited(self, event: WaitEvent) -> None: ...

    def progress(self, event: ProgressEvent) -> None: ...

    def pause(self) -> None:
        """Stop showing anything live until the next event (a question follows, or the end)."""
        ...


class Unwatched:
    """Nobody watches: a run from Python, a test, or the command line with nothing asked for."""

    def request_finished(self, event: RequestEvent) -> None:
        return None

    def waited(self, event: WaitEvent) -> None:
        return None

    def progress(self, event: ProgressEvent) -> None:
        return None

    def pause(self) -> None:
        return None


UNWATCHED: Watch = Unwatched()
