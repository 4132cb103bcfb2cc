"""The plan: an immutable, versioned, JSON-serialisable value.

A plan is computed once from desired and observed state, then rendered, saved or applied.
Nothing downstream re-derives decisions: the applier does exactly what the plan says.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from reconciler.plan.cost import Estimate
from reconciler.plan.frozen import EMPTY, FrozenMap, JsonScalar
from reconciler.plan.reasons import Reason
from reconciler.plan.shard import Shard

# 2: reasons became codes (`reason`) with their words beside them (`reason_text`), and the
# kind `workflow` became `workflow-state`.
# 3: unchanged objects are counted by repository and kind (`unchanged`), not listed as `noop`
# changes unless planned with --show-unchanged; `estimate` says what apply will cost.
PLAN_FORMAT_VERSION: Literal[3] = 3


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    RENAME = "rename"
    DELETE = "delete"
    NOOP = "noop"


class Frozen(BaseModel):
    # Every field is always written, so the published schema marks them all required.
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)


class Change(Frozen):
    """One resource in one repository: what is there, what will be, and why."""

    repository: str = Field(
        description="owner/name; the organisation's login for an organisation-scoped kind (organisation secrets)."
    )
    kind: str = Field(description="Resource kind, e.g. 'label'.")
    key: str = Field(description="Identity within the kind (normalised: labels compare case-insensitively).")
    action: Action
    before: FrozenMap | None = Field(description="The observed, normalised object; null when it does not exist.")
    after: FrozenMap | None = Field(description="The object after apply; null when deleted.")
    reason: Reason = Field(description="Why this change (or no change) is planned: a code from a closed list.")
    reason_text: str = Field(description="The reason in words, with what was observed that matters.")
    managed: bool = Field(
        default=True, description="False for a live object that nothing in the desired state declares."
    )
    attention: str | None = Field(
        default=None,
        description=(
            "Set when apply cannot make this change itself (e.g. a secret with no value source): "
            "what a person has to do instead."
        ),
    )
    diff: str | None = Field(
        default=None, description="For file contents: a unified diff from the live file to the desired one."
    )
    content: str | None = Field(
        default=None,
        description=(
            "For files: the exact bytes apply writes, base64-encoded, so a saved plan applies without "
            "re-reading the desired state. Its git blob id is after.sha."
        ),
    )
    via: str | None = Field(
        default=None,
        description="For files: 'commit' (to the default branch) or 'pull-request' (via reconciler/sync).",
    )
    fingerprint: str = Field(description="Hash of exactly what was observed for this object (or of its absence).")

    @classmethod
    def make(
        cls,
        repository: str,
        kind: str,
        key: str,
        action: Action,
        before: Mapping[str, JsonScalar] | None,
        after: Mapping[str, JsonScalar] | None,
        reason: Reason,
        text: str | None = None,
        *,
        observed: Mapping[str, Any] | None = None,
        **extra: Any,
    ) -> Change:
        """A change whose fingerprint is that of the object as observed: `observed` when `before`
        shows less of it than the fingerprint must cover, else `before`. `text` words the
        reason when the kind has more to say than the code's own words."""
        # `before` and `after` go in as they are: validation makes each a FrozenMap anyway, and
        # wrapping it first only copied it once more (per object, at fleet scale most of a plan).
        return cls.model_validate(
            {
                "repository": repository,
                "kind": kind,
                "key": key,
                "action": action,
                "before": before,
                "after": after,
                "reason": reason,
                "reason_text": text if text is not None else reason.text,
                "fingerprint": fingerprint(observed if observed is not None else before),
                **extra,
            }
        )

    @property
    def address(self) -> str:
        return f"{self.repository}:{self.kind}:{self.key}"

    @property
    def title(self) -> str:
        """What a person calls the object: its name, or `old → new` for a rename."""
        before, after = self.before or EMPTY, self.after or EMPTY
        name = str(after.get("name") or before.get("name") or self.key)
        if self.action is Action.RENAME:
            return f"{before.get('name')} → {name}"
        return name

    @property
    def is_change(self) -> bool:
        return self.action is not Action.NOOP

    @property
    def applicable(self) -> bool:
        """A change apply will make (as opposed to one a person must make)."""
        return self.is_change and self.attention is None

    def changed_fields(self) -> list[str]:
        before = self.before or EMPTY
        after = self.after or EMPTY
        return [k for k in after if before.get(k) != after.get(k)]


class SkippedRepository(Frozen):
    repository: str
    reason: str


class SelectionRecord(Frozen):
    """What an organisation target's selector matched in GitHub's live repository list."""

    organization: str
    source: str = Field(description="file:line:column of the organisation target.")
    matched: tuple[str, ...]
    skipped: tuple[SkippedRepository, ...] = ()
    narrowed: bool = Field(default=False, description="--repo limited the run to the named repositories.")


class RepositoryFailure(Frozen):
    """A repository that could not be observed; nothing is planned for it."""

    repository: str
    error: str


class Unchanged(Frozen):
    """A repository's objects the plan leaves as they are and does not list in `changes`,
    counted by kind: at fleet scale they are most of what a plan sees. A kind with a change in
    the repository is listed whole instead, so a saved plan can be checked object by object."""

    repository: str
    counts: dict[str, int] = Field(description="Kind → objects left as they are.")
    present: int = Field(description="How many of them exist on GitHub (the rest are absent, as declared).")
    undeclared: dict[str, tuple[str, ...]] = Field(
        description="Kind → live objects nothing in the desired state declares (left alone), by name."
    )
    digests: dict[str, str] = Field(
        description=(
            "Kind → hash of their addresses and fingerprints: two plans saw the same unchanged objects "
            "exactly when these are equal."
        )
    )


class Plan(Frozen):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_serialization_defaults_required=True,
        title="reconciler plan",
    )

    format_version: Literal[3] = PLAN_FORMAT_VERSION
    generator: str = Field(description="The reconciler version that made this plan.")
    created_at: datetime
    github_url: str = Field(description="The API the plan was computed against.")
    desired_path: str | None = Field(
        default=None,
        description=(
            "The desired-state directory (or file) the plan was made from, relative to the working directory "
            "when it is inside it: apply of a saved plan re-hashes it to tell whether it changed."
        ),
    )
    desired_digest: str = Field(description="Hash of every desired-state input file.")
    rotate_secrets: bool = Field(
        default=False, description="Planned with --rotate-secrets: a saved plan is re-checked the same way."
    )
    observed_digest: str = Field(description="Hash of every observed fingerprint the plan relies on.")
    repositories: tuple[str, ...] = Field(description="Every repository planned, in order.")
    partial: bool = Field(
        default=False,
        description=(
            "Made from part of the desired state's repositories (--repo, --changed-only): organisation-scoped "
            "kinds (whose changes name the organisation as their repository) added what the planned repositories "
            "need and removed nothing."
        ),
    )
    changes: tuple[Change, ...] = Field(
        description="What apply changes and what a person must; unchanged objects too when unchanged_listed."
    )
    unchanged: tuple[Unchanged, ...] = Field(
        default=(), description="Per repository, the objects left as they are that changes does not list."
    )
    unchanged_listed: bool = Field(
        default=False, description="Planned with --show-unchanged: changes lists every unchanged object (noop)."
    )
    estimate: Estimate | None = Field(
        default=None, description="The requests apply of this plan makes, and the least time the limits allow."
    )
    failures: tuple[RepositoryFailure, ...] = ()
    selections: tuple[SelectionRecord, ...] = ()
    shard: Shard | None = Field(
        default=None,
        description=(
            "Set when the plan covers one shard of the repositories (--shard K/N): "
            "`reconciler plan merge` joins the shards' plans into one."
        ),
    )

    @property
    def actionable(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.is_change)

    @property
    def has_changes(self) -> bool:
        return any(c.is_change for c in self.changes)

    def counts(self) -> Counter[Action]:
        """Actions apply will take; changes that need a person are counted by `needs_attention`."""
        return Counter(c.action for c in self.changes if c.attention is None)

    @property
    def needs_attention(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.is_change and c.attention is not None)

    def by_repository(self) -> dict[str, list[Change]]:
        """Every planned repository's changes, in one pass: what anything that walks the plan
        repository by repository should use, so a fleet-sized plan stays linear."""
        grouped: dict[str, list[Change]] = {repository: [] for repository in self.repositories}
        for change in self.changes:
            grouped.setdefault(change.repository, []).append(change)
        return grouped

    def repositories_with_changes(self) -> list[str]:
        return [r for r, changes in self.by_repository().items() if any(c.is_change for c in changes)]

    def unchanged_in(self) -> dict[str, Unchanged]:
        """Each repository's unchanged objects, by repository."""
        return {u.repository: u for u in self.unchanged}


def fingerprint(observed: Mapping[str, Any] | None) -> str:
    """A stable hash of a normalised observed object; absence has its own fingerprint."""
    canonical = json.dumps(observed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


def summarise_unchanged(repository: str, noops: Iterable[Change]) -> Unchanged | None:
    """One repository's no-op changes as counts by kind; None when there are none."""
    counts: dict[str, int] = {}
    undeclared: dict[str, list[str]] = {}
    lines: dict[str, list[str]] = {}
    present = 0
    for change in noops:
        counts[change.kind] = counts.get(change.kind, 0) + 1
        present += change.before is not None
        if not change.managed:
            undeclared.setdefault(change.kind, []).append(change.title)
        lines.setdefault(change.kind, []).append(f"{change.address}={change.fingerprint}")
    if not counts:
        return None
    return Unchanged(
        repository=repository,
        counts=counts,
        present=present,
        undeclared={kind: tuple(names) for kind, names in undeclared.items()},
        digests={kind: _digest(sorted(kind_lines)) for kind, kind_lines in lines.items()},
    )


def _digest(lines: Iterable[str]) -> str:
    hasher = hashlib.sha256()
    for line in lines:
        hasher.update(f"{line}\n".encode())
    return "sha256:" + hasher.hexdigest()


def plan_observed_digest(repositories: Iterable[str], changes: Iterable[Change], unchanged: Iterable[Unchanged]) -> str:
    """A hash of everything a plan observed: per repository (in plan order, then any other
    owner of changes, such as an organisation), per kind, the objects' addresses and
    fingerprints. The same whether unchanged objects are listed or only counted, and whether
    the plan was made whole or merged from shards."""
    lines: dict[str, dict[str, list[str]]] = {}
    for change in changes:
        lines.setdefault(change.repository, {}).setdefault(change.kind, []).append(
            f"{change.address}={change.fingerprint}"
        )
    counted = {u.repository: u.digests for u in unchanged}
    order = list(dict.fromkeys([*repositories, *lines, *counted]))
    hasher = hashlib.sha256()
    for repository in order:
        kinds = {kind: _digest(sorted(found)) for kind, found in lines.get(repository, {}).items()}
        kinds.update(counted.get(repository, {}))
        hasher.update(f"{repository}\n".encode())
        for kind in sorted(kinds):
            hasher.update(f"{kind}={kinds[kind]}\n".encode())
    return "sha256:" + hasher.hexdigest()


def observed_digest(changes: Iterable[Change]) -> str:
    hasher = hashlib.sha256()
    for change in sorted(changes, key=lambda c: c.address):
        hasher.update(f"{change.address}={change.fingerprint}\n".encode())
    return "sha256:" + hasher.hexdigest()
