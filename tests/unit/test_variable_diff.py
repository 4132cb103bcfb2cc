"""The variable diff is pure, and limits are variables: these tests need no GitHub at all."""

from __future__ import annotations

from pathlib import Path

from reconciler.desired.state import EffectiveRepository
from reconciler.desired.yaml_source import SourceRef
from reconciler.github.port import LiveVariable
from reconciler.kinds.variables import VARIABLES
from reconciler.kinds.variables.kind import DesiredVariables, desired_variables, diff_variables
from reconciler.kinds.variables.spec import LimitsSpec, VariablesSpec
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings

REPO = "acme/widgets"
SOURCE = SourceRef("repos.yml", 2, 5)


def repository(variables: VariablesSpec | None = None, limits: LimitsSpec | None = None) -> EffectiveRepository:
    blocks = {key: value for key, value in (("variables", variables), ("limits", limits)) if value is not None}
    return EffectiveRepository(slug=REPO, source=SOURCE, blocks=blocks)


def desired(variables: VariablesSpec | None = None, limits: LimitsSpec | None = None) -> DesiredVariables:
    found = desired_variables(repository(variables, limits))
    assert found is not None
    return found


def by_key(changes: list[Change]) -> dict[str, Change]:
    return {c.key: c for c in changes}


def test_no_variables_and_no_limits_means_variables_are_not_managed() -> None:
    assert VARIABLES.desired(repository(), PlanSettings()) is None


def test_missing_is_created_matching_is_noop_and_a_different_value_is_updated() -> None:
    spec = VariablesSpec(items={"AGENT": "codex", "REGION": "eu", "MODE": "fast"})
    observed = [LiveVariable("AGENT", "codex"), LiveVariable("REGION", "us")]
    changes = by_key(diff_variables(REPO, desired(spec), observed))
    assert {k: c.action for k, c in changes.items()} == {
        "agent": Action.NOOP,
        "region": Action.UPDATE,
        "mode": Action.CREATE,
    }
    assert changes["region"].before == {"name": "REGION", "value": "us"}
    assert changes["region"].after == {"name": "REGION", "value": "eu"}
    assert changes["region"].changed_fields() == ["value"]
    assert changes["mode"].before is None and changes["mode"].after == {"name": "MODE", "value": "fast"}


def test_names_compare_case_insensitively_and_the_live_name_is_kept() -> None:
    spec = VariablesSpec(items={"autonomy_default_agent": "claude"})
    (change,) = diff_variables(REPO, desired(spec), [LiveVariable("AUTONOMY_DEFAULT_AGENT", "codex")])
    assert change.action is Action.UPDATE
    # The PATCH goes to the name GitHub holds; only the value changes.
    assert change.after == {"name": "AUTONOMY_DEFAULT_AGENT", "value": "claude"}


def test_limits_become_their_variables_as_text_and_say_where_they_came_from() -> None:
    limits = LimitsSpec(max_issues=3, max_runtime_minutes=60)
    observed = [LiveVariable("AUTONOMY_MAX_ISSUES", "10")]
    changes = by_key(diff_variables(REPO, desired(limits=limits), observed))
    assert set(changes) == {"autonomy_max_issues", "autonomy_max_runtime_minutes"}
    update = changes["autonomy_max_issues"]
    assert update.action is Action.UPDATE
    assert (update.before, update.after) == (
        {"name": "AUTONOMY_MAX_ISSUES", "value": "10"},
        {"name": "AUTONOMY_MAX_ISSUES", "value": "3"},
    )
    assert update.reason is Reason.DIFFERS and "limits.max_issues" in update.reason_text
    create = changes["autonomy_max_runtime_minutes"]
    assert create.action is Action.CREATE and create.after == {
        "name": "AUTONOMY_MAX_RUNTIME_MINUTES",
        "value": "60",
    }
    assert create.reason is Reason.MISSING and "limits.max_runtime_minutes" in create.reason_text


def test_limits_alone_never_prune() -> None:
    observed = [LiveVariable("TEAM_SLACK_CHANNEL", "#ops")]
    (kept, _) = sorted(diff_variables(REPO, desired(limits=LimitsSpec(max_prs=1)), observed), key=lambda c: c.managed)
    assert kept.key == "team_slack_channel"
    assert kept.action is Action.NOOP and not kept.managed


def test_undeclared_variables_are_kept_unless_prune_is_on() -> None:
    observed = [LiveVariable("TEAM_SLACK_CHANNEL", "#ops")]
    (kept,) = diff_variables(REPO, desired(VariablesSpec()), observed)
    assert kept.action is Action.NOOP and not kept.managed and kept.reason is Reason.UNDECLARED_KEPT
    assert "prune is off" in kept.reason_text
    (deleted,) = diff_variables(REPO, desired(VariablesSpec(prune=True)), observed)
    assert deleted.action is Action.DELETE and deleted.after is None and not deleted.managed


def test_a_limit_and_an_explicit_variable_with_the_same_value_are_one_variable() -> None:
    spec = VariablesSpec(items={"AUTONOMY_MAX_PRS": "1"})
    found = desired(spec, LimitsSpec(max_prs=1))
    assert [(v.name, v.value) for v in found.items] == [("AUTONOMY_MAX_PRS", "1")]


def test_the_diff_is_deterministic_and_fingerprints_what_was_observed() -> None:
    spec = VariablesSpec(items={"A": "1"})
    observed = [LiveVariable("A", "2"), LiveVariable("Z", "x")]
    first = diff_variables(REPO, desired(spec), observed)
    assert first == diff_variables(REPO, desired(spec), observed)
    changed = diff_variables(REPO, desired(spec), [LiveVariable("A", "3"), LiveVariable("Z", "x")])
    assert first[0].fingerprint != changed[0].fingerprint
    assert first[1].fingerprint == changed[1].fingerprint


def test_apply_order_updates_then_creates_then_deletes(tmp_path: Path) -> None:
    calls: list[str] = []

    class Writer:
        def create_variable(self, repository: str, name: str, value: str) -> None:
            calls.append(f"create {name}={value}")

        def update_variable(self, repository: str, name: str, value: str) -> None:
            calls.append(f"update {name}={value}")

        def delete_variable(self, repository: str, name: str) -> None:
            calls.append(f"delete {name}")

    spec = VariablesSpec(prune=True, items={"NEW": "n", "OLD": "o"})
    changes = diff_variables(REPO, desired(spec), [LiveVariable("GONE", "g"), LiveVariable("OLD", "x")])
    outcomes = VARIABLES.apply(Writer(), REPO, changes)  # type: ignore[arg-type]
    assert all(o.ok for o in outcomes)
    assert calls == ["update OLD=o", "create NEW=n", "delete GONE"]
