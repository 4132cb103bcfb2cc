"""Whether the CLI's output may be styled: `--no-color`, `NO_COLOR`, then `FORCE_COLOR`.

The rule, strongest first:

1. `--no-color` (before or after the command name): no styling at all.
2. `NO_COLOR` set to anything but the empty string (https://no-color.org): no styling, even
   when `FORCE_COLOR` is set too. no-color.org lets only a command-line flag or a user's
   configuration turn colour back on, and reconciler has neither, so `NO_COLOR` wins over
   the other environment variable. An empty `NO_COLOR` counts as unset.
3. `FORCE_COLOR` set to anything but the empty string (https://force-color.org): styling even
   when the output is not a terminal (a CI log, `| less -R`). rich reads it.
4. Otherwise styling only on a terminal that is not `TERM=dumb` (rich decides).

"No styling" means no escape sequence at all: rich's own `NO_COLOR` handling drops colours
but keeps bold, dim and underline, and paints a colour swatch as a blank cell, so a console
made here gets no colour system instead, which drops every style.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

# Set by --no-color wherever it is given; `reconciler.cli.main.invoke` clears it for each run,
# so one in-process run never leaks into the next.
NO_COLOR_FLAG: ContextVar[bool] = ContextVar("reconciler_no_color", default=False)


def styling_allowed(environ: Mapping[str, str] | None = None) -> bool:
    """False when --no-color was given or NO_COLOR is set and not empty (see the module's rule).

    True leaves the rest (FORCE_COLOR, a terminal or not) to rich."""
    env = os.environ if environ is None else environ
    return not NO_COLOR_FLAG.get() and env.get("NO_COLOR", "") == ""


def _remember(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        NO_COLOR_FLAG.set(True)


def no_color_option(command: F) -> F:
    """--no-color, accepted on the group and on every command, so before or after its name."""
    return click.option(
        "--no-color",
        is_flag=True,
        default=False,
        expose_value=False,
        is_eager=True,
        callback=_remember,
        help="No colour or other styling in the output (as NO_COLOR=1 does).",
    )(command)
