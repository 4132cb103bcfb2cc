"""How a command reaches GitHub, as the command line says it (no client is built here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GitHubOptions:
    github_url: str | None = None
    sandbox: bool = False
