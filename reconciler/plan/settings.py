"""Choices made on the command line that change what a plan contains."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanSettings:
    """Recorded in the plan (`rotate_secrets`), so a saved plan is re-checked the same way."""

    rotate_secrets: bool = False
    # List unchanged objects as `noop` changes (plan --show-unchanged, verify's checks);
    # otherwise the plan only counts them, which keeps a fleet's plan small.
    keep_unchanged: bool = False
