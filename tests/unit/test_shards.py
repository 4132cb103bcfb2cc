"""Shards by hash, and merging the shards' plans: only parts of one whole merge."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from reconciler.engine.merge import PlanMergeError, merge_plans
from reconciler.plan.model import Action, Change, Plan, SelectionRecord, plan_observed_digest
from reconciler.plan.reasons import Reason
from reconciler.plan.shard import Shard, ShardBy, all_shards, shard_number

NAMES = [f"octo-{i % 7}/repo-{i:04d}" for i in range(2000)]


def test_every_repository_is_in_exactly_one_shard_and_the_shards_are_even() -> None:
    shards = [Shard.parse(text) for text in all_shards(4)]

    holders = [[s.index for s in shards if s.holds(name)] for name in NAMES]

    assert all(len(found) == 1 for found in holders)
    sizes = Counter(found[0] for found in holders)
    assert set(sizes) == {1, 2, 3, 4} and min(sizes.values()) > 400


def test_a_repository_stays_in_its_shard_as_others_come_and_go_and_case_does_not_matter() -> None:
    before = {name: shard_number(name, 8) for name in NAMES[:1000]}

    assert all(shard_number(name, 8) == before[name] for name in NAMES[:1000])
    assert all(shard_number(name.upper(), 8) == before[name] for name in NAMES[:50])


def test_by_owner_an_owners_repositories_stay_together() -> None:
    by_owner: dict[str, set[int]] = {}
    for name in NAMES:
        by_owner.setdefault(name.split("/")[0], set()).add(shard_number(name, 4, ShardBy.OWNER))

    assert all(len(found) == 1 for found in by_owner.values())


@pytest.mark.parametrize(
    ("text", "problem"), [("two of four", "K/N"), ("0/4", "K must be"), ("5/4", "K must be"), ("1/0", "N must")]
)
def test_a_shard_that_is_not_k_of_n_is_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Shard.parse(text)


def test_a_matrix_has_at_most_256_jobs() -> None:
    assert all_shards(3) == ["1/3", "2/3", "3/3"]
    with pytest.raises(ValueError, match="between 1 and 256"):
        all_shards(257)


# -- merging --------------------------------------------------------------------------------

WHEN = datetime(2026, 12, 1, tzinfo=UTC)
SELECTED = (SelectionRecord(organization="octo", source="orgs.yml:3:5", matched=("octo/a", "octo/b", "octo/c")),)


def change(repository: str, key: str) -> Change:
    return Change.make(repository, "label", key, Action.CREATE, None, {"name": key}, Reason.MISSING)


def plan(repositories: list[str], shard: str | None = None, **fields: object) -> Plan:
    changes = tuple(change(r, k) for r in repositories for k in ("bug", "sev-1"))
    values: dict[str, object] = {
        "generator": "reconciler 0.1.0",
        "created_at": WHEN,
        "github_url": "https://api.github.com",
        "desired_path": "desired-state",
        "desired_digest": "sha256:abc",
        "observed_digest": plan_observed_digest(repositories, changes, ()),
        "repositories": tuple(repositories),
        "changes": changes,
        "selections": SELECTED,
        "shard": Shard.parse(shard) if shard else None,
    }
    return Plan.model_validate({**values, **fields})


def test_the_shards_merge_into_the_plan_one_job_would_have_made() -> None:
    whole = plan(["octo/a", "octo/b", "octo/c"])
    later = WHEN + timedelta(minutes=3)
    parts = [
        ("p2", plan(["octo/b"], "2/3", created_at=later)),
        ("p1", plan(["octo/a", "octo/c"], "1/3")),
        ("p3", plan([], "3/3")),
    ]

    merged = merge_plans(parts)

    assert merged == whole


@pytest.mark.parametrize(
    ("other", "problem"),
    [
        (plan(["octo/b"], "2/2", desired_digest="sha256:else"), "different desired states"),
        (plan(["octo/b"], "2/2", github_url="https://ghe.example.com/api/v3"), "different GitHubs"),
        (plan(["octo/b"], "2/2", rotate_secrets=True), "different settings"),
        (plan(["octo/b"], "2/2", generator="reconciler 0.2.0"), "different reconcilers"),
        (plan(["octo/b"], "2/2", selections=()), "saw different repositories"),
        (plan(["octo/A"], "2/2"), "octo/A is in both"),
        (plan(["octo/b"], "1/2"), "are both shard 1/2"),
        (plan(["octo/b"], "2/3"), "merge the shards of one split only"),
        (plan(["octo/b"]), "is not a shard's plan"),
    ],
)
def test_plans_that_are_not_parts_of_one_whole_are_refused(other: Plan, problem: str) -> None:
    with pytest.raises(PlanMergeError, match=problem):
        merge_plans([("one.json", plan(["octo/a"], "1/2")), ("two.json", other)])


def test_a_missing_shard_is_refused_by_name() -> None:
    with pytest.raises(PlanMergeError, match="shards 2/4, 4/4 are missing"):
        merge_plans([("p1", plan(["octo/a"], "1/4")), ("p3", plan(["octo/b"], "3/4"))])


def test_plans_of_named_repositories_merge_without_shards() -> None:
    merged = merge_plans([("a", plan(["octo/c"])), ("b", plan(["octo/a"]))])

    assert merged.repositories == ("octo/a", "octo/c") and merged.shard is None
