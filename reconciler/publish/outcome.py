"""What publishing did, for the command to report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["created", "updated", "unchanged", "closed", "none"]


@dataclass(frozen=True)
class Published:
    action: Action
    repository: str
    number: int | None = None
    url: str | None = None
