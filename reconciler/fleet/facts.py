"""What `status` and `monitor` read about one repository, or why they could not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, Union

from reconciler.desired.state import EffectiveRepository
from reconciler.github.issues import LabelledPullRequest
from reconciler.github.runs import LiveRun
from reconciler.kinds.workflows.block import desired_workflows

T = TypeVar("T")

HANDOFF_LABEL = "agent:handoff"
SECURITY_LABEL = "security:review-required"


@dataclass(frozen=True)
class Unread:
    """A fact that could not be read, and why (an error message, never a token)."""

    reason: str


# What a read gave, or why it gave nothing.
Read = Union[T, Unread]  # noqa: UP007 - a generic alias needs Union on Python 3.11


@dataclass(frozen=True)
class RepositoryFacts:
    """Everything read live about one repository; an `Unread` says why a part is missing."""

    # Workflow path → GitHub's state for it (active, disabled_manually...).
    workflows: Read[Mapping[str, str]]
    # Agent workflow path → its runs in the window, newest first.
    runs: Mapping[str, Read[Sequence[LiveRun]]] = field(default_factory=dict)
    stop_file: Read[bool] = False
    handoff: Read[Sequence[LabelledPullRequest]] = ()
    security: Read[Sequence[LabelledPullRequest]] = ()


def agent_workflows(repository: EffectiveRepository) -> list[str]:
    """Paths of the workflows the desired state marks `agent: true` and wants present: the
    loops `status`, `monitor` and verify read and `stop` disables."""
    workflows = desired_workflows(repository)
    if workflows is None:
        return []
    return [w.path for w in workflows.items if w.agent and w.ensure == "present"]
