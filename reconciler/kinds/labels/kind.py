"""The label kind: observe a repository's labels, and apply label changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.desired.state import EffectiveRepository
from reconciler.github.issues import count_open_issues
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.kinds.base import GraphQLObservation, Outcome, apply_each, one_write_each
from reconciler.kinds.labels.block import KEY, LABELS_BLOCK, PREFIX
from reconciler.kinds.labels.diff import KIND, Decision, decide, deleted_labels, diff_labels
from reconciler.kinds.labels.graphql import labels_selection, read_labels
from reconciler.kinds.labels.importing import LABELS_IMPORTER
from reconciler.kinds.labels.live import LiveLabel, create_label, delete_label, list_labels, update_label
from reconciler.kinds.labels.spec import LabelsSpec
from reconciler.names import fold
from reconciler.plan.cost import RequestCost
from reconciler.plan.frozen import EMPTY
from reconciler.plan.model import Action, Change
from reconciler.plan.settings import PlanSettings


@dataclass(frozen=True)
class ObservedLabels:
    labels: list[LiveLabel]
    # Open issues and pull requests that carry each label the plan would delete, by key.
    carried_by: dict[str, int]
    # What happens to each label: decided once, to know which deletions to count.
    decisions: tuple[Decision, ...]


def _apply_one(writer: GitHubWriter, repository: str, change: Change) -> None:
    before, after = change.before or EMPTY, change.after or EMPTY
    if change.action is Action.CREATE:
        create_label(
            writer,
            repository,
            name=str(after["name"]),
            color=str(after["color"]),
            description=str(after["description"]),
        )
    elif change.action in (Action.UPDATE, Action.RENAME):
        update_label(
            writer,
            repository,
            str(before["name"]),
            name=str(after["name"]),
            color=str(after["color"]),
            description=str(after["description"]),
        )
    elif change.action is Action.DELETE:
        delete_label(writer, repository, str(before["name"]))


def observe_listed(
    reader: GitHubReader, repository: str, desired: LabelsSpec, labels: tuple[LiveLabel, ...]
) -> ObservedLabels:
    """What observing reads besides the labels themselves, which REST or GraphQL listed."""
    # Counting costs a request per label, so only labels this plan would delete are counted.
    decisions = decide(desired, labels)
    counts = {fold(name): count_open_issues(reader, repository, name) for name in deleted_labels(decisions)}
    return ObservedLabels(list(labels), counts, decisions)


LABELS_GRAPHQL = GraphQLObservation(labels_selection(), read_labels, observe_listed)


def would_prune(repository: EffectiveRepository, name: str) -> bool:
    """Whether reconciler deletes a live label named `name` there: labels managed with prune
    on, and `name` not declared."""
    labels: LabelsSpec | None = repository.block(KEY)
    if labels is None or not labels.prune:
        return False
    return not any(fold(item.name) == fold(name) for item in labels.items)


class LabelsKind:
    name = KIND
    plural = "labels"
    blocks = (LABELS_BLOCK,)
    importer = LABELS_IMPORTER
    graphql = LABELS_GRAPHQL
    address = PREFIX
    # Labels need write access; a public repository accepts the narrower public_repo scope.
    uninstalls = True
    role = "push"

    def scopes(self, private: bool) -> tuple[str, ...]:
        return ("repo",) if private else ("public_repo",)

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> LabelsSpec | None:
        labels: LabelsSpec | None = repository.block(KEY)
        return labels

    def observe(self, reader: GitHubReader, repository: str, desired: LabelsSpec) -> ObservedLabels:
        return observe_listed(reader, repository, desired, tuple(list_labels(reader, repository)))

    def diff(self, repository: str, desired: LabelsSpec, observed: ObservedLabels) -> list[Change]:
        return diff_labels(repository, desired, observed.labels, observed.carried_by, observed.decisions)

    def apply(self, writer: GitHubWriter, repository: str, changes: Sequence[Change]) -> list[Outcome]:
        return apply_each(changes, lambda c: _apply_one(writer, repository, c))

    def cost(self, changes: Sequence[Change]) -> RequestCost:
        # One request a label; a new label is content GitHub counts against its creation limits.
        return one_write_each(changes, creating=lambda c: c.action is Action.CREATE)


LABELS = LabelsKind()
