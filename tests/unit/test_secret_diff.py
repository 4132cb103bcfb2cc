"""The secret diff is pure and holds no values; apply reads them from the environment then."""

from __future__ import annotations

from reconciler.desired.state import EffectiveRepository
from reconciler.desired.yaml_source import SourceRef
from reconciler.github.port import LiveSecret
from reconciler.kinds.secrets.kind import DesiredSecret, DesiredSecrets, SecretsKind, diff_secrets
from reconciler.kinds.secrets.spec import SecretSpec, SecretsSpec
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings

REPO = "acme/widgets"
T1 = "2025-01-01T00:00:00+00:00"
T2 = "2025-02-01T00:00:00+00:00"


def desired(*items: DesiredSecret, prune: bool = False, rotate: bool = False) -> DesiredSecrets:
    return DesiredSecrets(items=items, prune=prune, rotate=rotate)


def by_key(changes: list[Change]) -> dict[str, Change]:
    return {c.key: c for c in changes}


def test_missing_with_a_source_is_a_create_apply_can_make() -> None:
    (change,) = diff_secrets(REPO, desired(DesiredSecret("CODEX_API_KEY", "CODEX_KEY")), [])
    assert change.action is Action.CREATE and change.applicable
    assert change.attention is None
    assert change.before is None
    assert change.after == {"name": "CODEX_API_KEY", "source": "env:CODEX_KEY"}


def test_missing_without_a_source_needs_a_person_and_says_how() -> None:
    (change,) = diff_secrets(REPO, desired(DesiredSecret("CLAUDE_API_KEY")), [])
    assert change.action is Action.CREATE and not change.applicable
    assert change.attention == "set it by hand: gh secret set CLAUDE_API_KEY --repo acme/widgets"
    assert change.after == {"name": "CLAUDE_API_KEY"}


def test_present_secrets_are_left_alone_unless_rotation_is_asked_for() -> None:
    wanted = (DesiredSecret("CODEX_API_KEY", "CODEX_KEY"), DesiredSecret("AGENT_GITHUB_TOKEN"))
    observed = [LiveSecret("CODEX_API_KEY", T1), LiveSecret("AGENT_GITHUB_TOKEN", T1)]
    plain = by_key(diff_secrets(REPO, desired(*wanted), observed))
    assert {k: c.action for k, c in plain.items()} == {
        "codex_api_key": Action.NOOP,
        "agent_github_token": Action.NOOP,
    }
    rotated = by_key(diff_secrets(REPO, desired(*wanted, rotate=True), observed))
    assert rotated["codex_api_key"].action is Action.UPDATE
    assert rotated["codex_api_key"].after == {"name": "CODEX_API_KEY", "source": "env:CODEX_KEY"}
    assert (
        rotated["codex_api_key"].reason is Reason.ROTATE and "--rotate-secrets" in rotated["codex_api_key"].reason_text
    )
    # Without a source there is nothing to rotate from.
    assert rotated["agent_github_token"].action is Action.NOOP


def test_names_compare_case_insensitively() -> None:
    (change,) = diff_secrets(REPO, desired(DesiredSecret("codex_api_key", "K")), [LiveSecret("CODEX_API_KEY", T1)])
    assert change.action is Action.NOOP and change.key == "codex_api_key"


def test_undeclared_secrets_are_kept_unless_prune_is_on() -> None:
    observed = [LiveSecret("RUNTIME_DEPLOY_KEY", T1)]
    (kept,) = diff_secrets(REPO, desired(), observed)
    assert kept.action is Action.NOOP and not kept.managed
    (deleted,) = diff_secrets(REPO, desired(prune=True), observed)
    assert deleted.action is Action.DELETE and not deleted.managed
    assert deleted.before == {"name": "RUNTIME_DEPLOY_KEY"}


def test_before_holds_only_the_name_but_the_fingerprint_sees_a_rotation() -> None:
    wanted = desired(DesiredSecret("A", "X"))
    (first,) = diff_secrets(REPO, wanted, [LiveSecret("A", T1)])
    (later,) = diff_secrets(REPO, wanted, [LiveSecret("A", T2)])
    assert first.before == {"name": "A"}
    assert first.fingerprint != later.fingerprint


def test_desired_notes_a_source_that_is_not_set_while_planning() -> None:
    kind = SecretsKind(environ={"SET": "s3cret-of-set"})
    spec = SecretsSpec(items=(SecretSpec(name="A", from_env="SET"), SecretSpec(name="B", from_env="UNSET")))
    repo = EffectiveRepository(slug=REPO, source=SourceRef("r.yml", 1, 1), blocks={"secrets": spec})
    wanted = kind.desired(repo, PlanSettings(rotate_secrets=True))
    assert wanted is not None and wanted.rotate and wanted.unset == frozenset({"UNSET"})
    changes = by_key(diff_secrets(REPO, wanted, []))
    assert changes["b"].reason is Reason.SOURCE_UNSET and "UNSET is not set" in changes["b"].reason_text
    assert changes["a"].reason is Reason.MISSING and "not set" not in changes["a"].reason_text
    # Nothing but names: the value of SET appears nowhere in the plan.
    assert "s3cret-of-set" not in repr(changes)


class Writer:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def put_secret(self, repository: str, name: str, value: str) -> None:
        self.calls.append(("put", name, value))

    def delete_secret(self, repository: str, name: str) -> None:
        self.calls.append(("delete", name, ""))


def test_apply_reads_the_value_at_apply_time_and_a_missing_source_fails_only_its_change() -> None:
    environ: dict[str, str] = {}
    kind = SecretsKind(environ=environ)
    wanted = desired(DesiredSecret("A", "A_SRC"), DesiredSecret("B", "B_SRC"), DesiredSecret("C"), prune=True)
    changes = diff_secrets(REPO, wanted, [LiveSecret("OLD", T1)])
    environ["A_SRC"] = "value-of-a"  # set after planning: apply reads it now
    writer = Writer()
    outcomes = {o.change.key: o for o in kind.apply(writer, REPO, changes)}  # type: ignore[arg-type]
    assert writer.calls == [("put", "A", "value-of-a"), ("delete", "OLD", "")]
    assert outcomes["a"].ok and outcomes["old"].ok
    assert outcomes["b"].error is not None and "B_SRC" in outcomes["b"].error
    assert "c" not in outcomes  # a change for a person is not the kind's to apply
