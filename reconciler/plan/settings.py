"""Choices made on the command line that change what a plan contains."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanSettings:
    """Recorded in the plan (`rotate_secrets`), so a saved plan is re-checked the same way."""

    rotate_secrets: bool = False
