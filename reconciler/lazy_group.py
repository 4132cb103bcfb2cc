"""A click group whose commands live in a module loaded on first use.

``reconciler --help`` lists the group from the name and help given here; only running one
of its commands (or asking for its own help) imports the module that defines them.
"""

from __future__ import annotations

import importlib
from typing import Any

import click


class LazyGroup(click.Group):
    def __init__(self, name: str, target: str, **attrs: Any) -> None:
        """``target`` is ``module:attribute``, naming the real ``click.Group``."""
        super().__init__(name, **attrs)
        self._target = target
        self._loaded: click.Group | None = None

    def _group(self) -> click.Group:
        if self._loaded is None:
            module, _, attribute = self._target.partition(":")
            group = getattr(importlib.import_module(module), attribute)
            if not isinstance(group, click.Group):
                raise TypeError(f"{self._target} is not a click group")
            self._loaded = group
            if group.help:
                self.help = group.help
        return self._loaded

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._group().get_command(ctx, cmd_name)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._group()  # for its full help text, not the short one given here
        super().format_help(ctx, formatter)
