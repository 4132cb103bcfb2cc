"""Commands that look after reconciler's own files: `reconciler cache info|clear`."""

from __future__ import annotations

import click

from reconciler.cli.colour import no_color_option
from reconciler.cli.help import examples
from reconciler.cli.options import out_console


@click.group(
    epilog=examples(
        "reconciler cache info                        # where it is, how big, how many entries, the oldest",
        "reconciler cache clear                       # remove every entry (the next run revalidates nothing)",
    )
)
def cache() -> None:
    """The HTTP response cache: GitHub's answers kept with their ETags, per token, so a repeated
    plan is answered 304 at no rate-limit cost. Held to 256 MiB and 30 days unused; only runs
    against GitHub use it (env RECONCILER_HTTP_CACHE: another directory, or off)."""


@cache.command("info", epilog=examples("reconciler cache info"))
@no_color_option
def cache_info() -> int:
    """Where the cache is, how big, how many entries, and the least recently used."""
    from reconciler.commands.cache import run_cache_info

    return run_cache_info(out_console())


@cache.command("clear", epilog=examples("reconciler cache clear"))
@no_color_option
def cache_clear() -> int:
    """Remove every entry of the cache (it fills again as reconciler reads)."""
    from reconciler.commands.cache import run_cache_clear

    return run_cache_clear(out_console())


COMMANDS = (cache,)
