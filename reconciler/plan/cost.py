"""What applying a plan will cost in requests, and the least time GitHub's limits allow for it.

A fresh install of a pack into a fleet is tens of thousands of content-creating writes, and
GitHub admits 500 of those an hour: a person must know that before saying yes. Each kind says
what its changes cost (`ResourceKind.cost`); the plan adds them up; the command that made the
plan, which knows the limits its client keeps, works out the least time.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RequestCost(BaseModel):
    """Requests apply makes: reads, REST writes, and the writes that create content (a label,
    a git object, a variable, a new secret), which GitHub limits to 80 a minute and 500 an hour."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)

    reads: int = Field(default=0, ge=0, description="GET requests (a secret's public key, a branch head...).")
    writes: int = Field(default=0, ge=0, description="POST, PATCH, PUT and DELETE requests.")
    creates: int = Field(
        default=0, ge=0, description="Of the writes, those that create content (GitHub's 80 a minute, 500 an hour)."
    )

    def __add__(self, other: RequestCost) -> RequestCost:
        return RequestCost(
            reads=self.reads + other.reads,
            writes=self.writes + other.writes,
            creates=self.creates + other.creates,
        )

    @property
    def requests(self) -> int:
        return self.reads + self.writes

    @property
    def empty(self) -> bool:
        return self.requests == 0


NOTHING = RequestCost()


def writes(count: int, *, creates: int = 0, reads: int = 0) -> RequestCost:
    """`count` writes, `creates` of which create content, and `reads` reads."""
    return RequestCost(reads=reads, writes=count, creates=creates)


class Estimate(BaseModel):
    """The requests apply of this plan makes, and how long GitHub's limits make it take at least."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)

    cost: RequestCost
    least_seconds: float | None = Field(
        default=None,
        description=(
            "The least time the client's limits allow for these requests, however fast GitHub answers; "
            "null when the plan was made without knowing them."
        ),
    )
    bound_by: str | None = Field(
        default=None,
        description="The limit that sets least_seconds, in words (e.g. '500 content-creating requests an hour').",
    )

    def with_time(self, seconds: float, bound_by: str | None) -> Estimate:
        return self.model_copy(update={"least_seconds": seconds, "bound_by": bound_by})


def duration(seconds: float) -> str:
    """Seconds as a person reads them: `45 s`, `12 min`, `3.5 h`, `62 h`."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours < 10 else f"{hours:.0f} h"


def describe(estimate: Estimate) -> str:
    """`Apply will make 31,000 requests (31,000 writes, 31,000 content-creating): at least 62 h
    (500 content-creating requests an hour).`"""
    cost = estimate.cost
    parts = [f"{cost.writes:,} {'write' if cost.writes == 1 else 'writes'}"]
    if cost.creates:
        parts.append(f"{cost.creates:,} content-creating")
    if cost.reads:
        parts.append(f"{cost.reads:,} {'read' if cost.reads == 1 else 'reads'}")
    line = f"Apply will make {cost.requests:,} {'request' if cost.requests == 1 else 'requests'} ({', '.join(parts)})"
    # Under a second is no wait worth naming.
    if estimate.least_seconds is not None and estimate.least_seconds >= 1:
        line += f": at least {duration(estimate.least_seconds)}"
        if estimate.bound_by:
            line += f" ({estimate.bound_by})"
    return line + "."
