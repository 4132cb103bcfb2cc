"""verify's checks as pure functions: facts in, statuses and findings out."""

from __future__ import annotations

from datetime import UTC, datetime

from reconciler.checks.access import check_permissions, check_rate_limit, check_token, estimate_requests
from reconciler.checks.evaluate import evaluate
from reconciler.checks.model import EXIT_BROKEN, EXIT_DRIFT, EXIT_HEALTHY, Check, Facts, Status, Unavailable
from reconciler.checks.plan import check_plan
from reconciler.checks.report import render_health_markdown
from reconciler.checks.secrets import check_secrets
from reconciler.checks.workflows import (
    broken_workflow_files,
    check_pack_workflows,
    check_workflow_files,
    pack_workflows,
)
from reconciler.desired.blocks import Origin
from reconciler.desired.state import EffectiveRepository
from reconciler.desired.yaml_source import SourceRef
from reconciler.github.account import RateLimit, TokenInfo
from reconciler.github.repositories import LiveRepository
from reconciler.kinds.labels.spec import LabelsSpec
from reconciler.kinds.secrets.kind import DesiredSecret, DesiredSecrets, diff_secrets
from reconciler.kinds.secrets.spec import SecretsSpec
from reconciler.kinds.variables.spec import VariablesSpec
from reconciler.kinds.workflows.block import DesiredWorkflow, DesiredWorkflows
from reconciler.plan.model import Action, Change, JsonScalar, Plan, RepositoryFailure
from reconciler.plan.reasons import Reason

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
REPO = "acme/widgets"
OTHER = "acme/gadgets"
REF = SourceRef("desired-state/packs/autonomy.yml", 3, 7)
FROM_PACK = Origin(REF, "pack autonomy", "autonomy")
FROM_REPO = Origin(SourceRef("desired-state/repositories/widgets.yml", 5, 7), "repository")
AGENT = ".github/workflows/agent.yml"
CI = ".github/workflows/ci.yml"
BODY = b"name: Agent\non: push\njobs:\n  run:\n    runs-on: ubuntu-latest\n"
CLASSIC = TokenInfo(login="octocat", scopes=("repo", "workflow"))
FINE_GRAINED = TokenInfo(login="octocat", scopes=None)
ADMIN = {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True}
READ = {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True}


def desired(slug: str = REPO, *, ci_from: Origin = FROM_REPO) -> EffectiveRepository:
    items = (
        DesiredWorkflow(AGENT, "present", "enabled", BODY, "workflows/agent.yml", REF, agent=True),
        DesiredWorkflow(CI, "present", "enabled", BODY, "workflows/ci.yml", REF),
    )
    return EffectiveRepository(
        slug,
        REF,
        blocks={
            "labels": LabelsSpec(items=()),
            "workflows": DesiredWorkflows("commit", items),
            "secrets": SecretsSpec(items=()),
            "variables": VariablesSpec(items={}),
        },
        packs=("autonomy",),
        provenance={f"workflow:{AGENT}": FROM_PACK, f"workflow:{CI}": ci_from},
    )


def access(slug: str = REPO, permissions: dict[str, bool] | None = None, *, private: bool = True) -> LiveRepository:
    return LiveRepository(
        slug, "main", private=private, archived=False, permissions=ADMIN if permissions is None else permissions
    )


def change(
    kind: str,
    key: str,
    action: Action,
    before: dict[str, JsonScalar] | None = None,
    after: dict[str, JsonScalar] | None = None,
    reason: str = "declared but missing",
    *,
    repository: str = REPO,
    attention: str | None = None,
) -> Change:
    return Change.make(repository, kind, key, action, before, after, CODES[action], reason, attention=attention)


# The code each test change carries: what the kinds plan for that action in these cases.
CODES = {
    Action.CREATE: Reason.MISSING,
    Action.UPDATE: Reason.STATE_DIFFERS,
    Action.NOOP: Reason.MATCHES,
    Action.DELETE: Reason.DECLARED_ABSENT,
    Action.RENAME: Reason.FOUND_UNDER_ALIAS,
}


def plan(*changes: Change, repositories: tuple[str, ...] = (REPO,), failures: tuple[str, ...] = ()) -> Plan:
    return Plan(
        generator="reconciler test",
        created_at=NOW,
        github_url="https://api.github.com",
        desired_digest="sha256:d",
        observed_digest="sha256:o",
        repositories=repositories,
        changes=changes,
        failures=tuple(
            RepositoryFailure(repository=r, error="list labels: GitHub failed (HTTP 502)") for r in failures
        ),
    )


LABEL_CREATE = change("label", "bug", Action.CREATE, None, {"name": "bug", "color": "d73a4a", "description": ""})
SECRET_BY_HAND = change(
    "secret",
    "agent_token",
    Action.CREATE,
    None,
    {"name": "AGENT_TOKEN"},
    "declared but missing, and it has no value source (from_env)",
    attention=f"set it by hand: gh secret set AGENT_TOKEN --repo {REPO}",
)
SECRET_FROM_ENV = change("secret", "api_key", Action.CREATE, None, {"name": "API_KEY", "source": "env:API_KEY"})
SECRET_PRESENT = change("secret", "deploy", Action.NOOP, {"name": "DEPLOY"}, {"name": "DEPLOY"}, "present")
DISABLED = {"path": AGENT, "state": "disabled", "github_state": "disabled_inactivity", "id": 7}
ENABLE_AGENT = change(
    "workflow-state", AGENT, Action.UPDATE, DISABLED, {**DISABLED, "state": "enabled"}, "enable: it is disabled"
)


# -- token -----------------------------------------------------------------------------------------


def test_token_kinds_are_told_apart_and_a_rejected_token_is_broken() -> None:
    classic = check_token(TokenInfo("octocat", ("repo", "read:org")), None)
    assert classic.status is Status.OK and "classic" in classic.detail and "repo, read:org" in classic.detail
    fine = check_token(FINE_GRAINED, None)
    assert fine.status is Status.OK and "fine-grained" in fine.detail
    app = check_token(TokenInfo(None, None), None)
    assert app.status is Status.OK and "GitHub App" in app.detail
    rejected = check_token(Unavailable("Bad credentials (HTTP 401)"), None)
    assert rejected.status is Status.BROKEN and "Bad credentials" in rejected.detail


# -- permissions -----------------------------------------------------------------------------------


def test_a_classic_token_without_repo_is_broken_in_each_repository_naming_what_is_missing() -> None:
    token = TokenInfo("octocat", ("read:org",))
    repos = [desired(REPO), desired(OTHER)]
    the_plan = plan(LABEL_CREATE, SECRET_BY_HAND, repositories=(REPO, OTHER))
    check = check_permissions(token, repos, the_plan, {REPO: access(REPO), OTHER: access(OTHER)}, None)

    assert check.status is Status.BROKEN
    assert check.detail == "missing in 2 of 2 repositories"
    mine = [f.text for f in check.findings if f.repository == REPO]
    assert mine[0].startswith("needs scope `repo` (the token has: read:org) for labels (1 to change), variables")
    assert "secrets" in mine[0] and "workflow state" in mine[0]
    assert mine[1].startswith("needs scope `workflow`") and mine[1].endswith("for workflow files")
    assert {f.repository for f in check.findings} == {REPO, OTHER}


def test_public_repo_is_enough_for_labels_and_files_in_a_public_repository_only() -> None:
    token = TokenInfo("octocat", ("public_repo", "workflow"))
    labels_only = EffectiveRepository(REPO, REF, blocks={"labels": LabelsSpec(items=())})
    public = check_permissions(token, [labels_only], None, {REPO: access(private=False)}, None)
    assert public.status is Status.OK
    private = check_permissions(token, [labels_only], None, {REPO: access(private=True)}, None)
    assert private.status is Status.BROKEN and "scope `repo`" in private.findings[0].text
    with_secrets = check_permissions(token, [desired()], None, {REPO: access(private=False)}, None)
    assert with_secrets.status is Status.BROKEN
    assert "variables, secrets, workflow state" in with_secrets.findings[0].text


def test_a_fine_grained_token_is_judged_by_the_repository_role() -> None:
    read_only = check_permissions(FINE_GRAINED, [desired()], plan(LABEL_CREATE), {REPO: access(permissions=READ)}, None)
    assert read_only.status is Status.BROKEN
    texts = [f.text for f in read_only.findings]
    assert texts[0].startswith("needs write access (`push`; the token's user has read (`pull`)) for labels (1")
    assert texts[1].startswith("needs admin access (`admin`") and "variables, secrets" in texts[1]
    assert any("Workflows permission" in note for note in read_only.notes)

    writer = {**READ, "push": True, "triage": True}
    push_only = check_permissions(FINE_GRAINED, [desired()], None, {REPO: access(permissions=writer)}, None)
    assert [f.text.split(" (")[0] for f in push_only.findings] == ["needs admin access"]

    admin = check_permissions(FINE_GRAINED, [desired()], None, {REPO: access()}, None)
    assert admin.status is Status.OK and admin.detail == "enough for everything managed in 1 repository"


def test_a_repository_that_cannot_be_read_or_is_archived_is_broken() -> None:
    archived = LiveRepository(OTHER, "main", private=True, archived=True, permissions=ADMIN)
    unreadable = Unavailable("not found (or the token cannot see it): Not Found (HTTP 404)")
    check = check_permissions(CLASSIC, [desired(REPO), desired(OTHER)], None, {REPO: unreadable, OTHER: archived}, None)
    assert check.status is Status.BROKEN
    assert [(f.repository, f.text.split(":")[0]) for f in check.findings] == [
        (REPO, "could not read the repository"),
        (OTHER, "archived, so read-only"),
    ]


def test_only_repositories_in_the_plan_are_checked_and_kinds_not_managed_need_nothing() -> None:
    labels_only = EffectiveRepository(REPO, REF, blocks={"labels": LabelsSpec(items=())})
    token = TokenInfo("octocat", ("repo",))  # no `workflow`: fine, no workflow files are managed
    check = check_permissions(token, [labels_only], None, {REPO: access(), OTHER: Unavailable("x")}, None)
    assert check.status is Status.OK


# -- rate limit ------------------------------------------------------------------------------------


def test_a_spent_rate_limit_is_broken_and_says_when_it_resets() -> None:
    reset = int(NOW.timestamp()) + 25 * 60
    check = check_rate_limit(RateLimit(5000, 0, reset), None, 3, NOW, None)
    assert check.status is Status.BROKEN
    assert check.detail == "spent: 0 of 5000 requests left until 09:25 UTC (in 25 minutes); re-run after that"


def test_low_headroom_is_a_note_not_a_failure() -> None:
    reset = int(NOW.timestamp()) + 3600
    the_plan = plan(*[LABEL_CREATE.model_copy(update={"key": f"l{i}"}) for i in range(10)])
    needed = estimate_requests(the_plan, 1)
    assert needed == 10 * 3 + 5

    plenty = check_rate_limit(RateLimit(5000, 4900, reset), the_plan, 1, NOW, None)
    assert plenty.status is Status.OK and not plenty.notes and "apply needs about 35" in plenty.detail

    low = check_rate_limit(RateLimit(5000, 20, reset), the_plan, 1, NOW, None)
    assert low.status is Status.OK
    assert any("less than 10%" in n for n in low.notes)
    assert any("apply needs about 35 requests but only 20 are left" in n for n in low.notes)


def test_rate_limiting_switched_off_is_fine_and_an_unreadable_limit_is_not() -> None:
    off = check_rate_limit(Unavailable("not enforced by this GitHub", broken=False), None, 1, NOW, None)
    assert off.status is Status.OK
    assert check_rate_limit(Unavailable("network error"), None, 1, NOW, None).status is Status.BROKEN


# -- workflow files --------------------------------------------------------------------------------


def _file_update(path: str = AGENT, repository: str = REPO) -> Change:
    before: dict[str, JsonScalar] = {"path": path, "sha": "a" * 40, "size": 10}
    after: dict[str, JsonScalar] = {"path": path, "sha": "b" * 40, "size": len(BODY)}
    return change("workflow-file", path, Action.UPDATE, before, after, "differs", repository=repository)


def workflow_check(planned: Plan, bodies: dict[tuple[str, str], bytes | Unavailable]) -> Check:
    return check_workflow_files(planned, bodies, broken_workflow_files(planned, bodies), None)


def test_a_live_workflow_file_that_does_not_parse_is_drift_naming_the_file() -> None:
    update = _file_update()
    broken: dict[tuple[str, str], bytes | Unavailable] = {(REPO, AGENT): b"name: Agent\non: [push\njobs: {}\n"}
    check = workflow_check(plan(update), broken)
    assert check.status is Status.DRIFT
    (finding,) = check.findings
    assert finding.repository == REPO
    assert finding.text.startswith(f"`{AGENT}` on GitHub is not a valid workflow (line ")
    assert "not valid YAML" in finding.text and finding.text.endswith("apply replaces it")

    no_jobs = workflow_check(plan(update), {(REPO, AGENT): b"on: push\n"})
    assert "top-level 'jobs'" in no_jobs.findings[0].text

    fine = workflow_check(plan(update), {(REPO, AGENT): BODY})
    assert fine.status is Status.OK and fine.detail == "every live file parses (0 up to date, 1 differs from desired)"

    unread = workflow_check(plan(update), {(REPO, AGENT): Unavailable("GitHub failed (HTTP 502)")})
    assert unread.status is Status.BROKEN


# -- secrets ---------------------------------------------------------------------------------------


def test_missing_secrets_are_drift_and_say_who_sets_them() -> None:
    check = check_secrets(plan(SECRET_BY_HAND, SECRET_FROM_ENV, SECRET_PRESENT), None)
    assert check.status is Status.DRIFT
    assert check.detail == "2 missing, 1 present, in 1 repository"
    by_hand, from_env = (f.text for f in check.findings)
    assert by_hand.startswith("`AGENT_TOKEN`: declared but missing, and it has no value source")
    assert by_hand.endswith(f"gh secret set AGENT_TOKEN --repo {REPO}")
    assert from_env == "`API_KEY`: declared but missing; apply sets it from env:API_KEY"

    assert check_secrets(plan(SECRET_PRESENT), None).detail == "all 1 declared secret present in 1 repository"


def test_a_missing_secret_whose_source_variable_is_unset_says_to_set_it() -> None:
    # Planned where API_KEY is unset: verify plans in the environment apply would run in.
    desired = DesiredSecrets(items=(DesiredSecret("API_KEY", from_env="API_KEY"),), unset=frozenset({"API_KEY"}))
    unset = plan(*diff_secrets(REPO, desired, []))
    check = check_secrets(unset, None)
    assert check.status is Status.DRIFT
    (finding,) = check.findings
    assert finding.text == (
        "`API_KEY`: declared but missing; API_KEY is not set in this environment: set it before apply"
    )

    report = evaluate(facts(plan=unset))
    secrets = next(c for c in report.checks if c.name == "Required secrets")
    assert "apply sets it from" not in secrets.findings[0].text


# -- pack workflows --------------------------------------------------------------------------------


def test_pack_workflows_disabled_or_missing_are_drift_and_others_are_not_counted() -> None:
    assert pack_workflows(desired()) == {AGENT: "autonomy"}
    ci_disabled = change("workflow-state", CI, Action.UPDATE, DISABLED, {**DISABLED, "state": "enabled"}, "enable")
    check = check_pack_workflows(plan(ENABLE_AGENT, ci_disabled), [desired()], None)
    assert check.status is Status.DRIFT
    assert [f.text for f in check.findings] == [f"`{AGENT}` (pack autonomy): enable: it is disabled"]

    missing_file = change("workflow-file", AGENT, Action.CREATE, None, {"path": AGENT}, "missing")
    not_listed = change("workflow-state", AGENT, Action.NOOP, None, {"path": AGENT, "state": "enabled"}, "new")
    check = check_pack_workflows(plan(missing_file, not_listed), [desired()], None)
    assert [f.text for f in check.findings] == [f"`{AGENT}` (pack autonomy): the file is missing"]


def test_a_pack_workflow_overridden_by_the_repository_still_counts_and_disabled_on_purpose_is_a_note() -> None:
    repository = desired()
    overridden = EffectiveRepository(
        REPO,
        REF,
        blocks={"workflows": repository.block("workflows")},
        provenance={f"workflow:{AGENT}": FROM_REPO},
        overridden={f"workflow:{AGENT}": (FROM_PACK,)},
    )
    assert pack_workflows(overridden) == {AGENT: "autonomy"}
    stopped = {"path": AGENT, "state": "disabled", "github_state": "disabled_manually", "id": 7}
    check = check_pack_workflows(
        plan(change("workflow-state", AGENT, Action.NOOP, stopped, stopped)), [overridden], None
    )
    assert check.status is Status.OK
    assert check.notes == (f"{REPO}: `{AGENT}` (pack autonomy) is disabled, as the desired state says",)


# -- plan ------------------------------------------------------------------------------------------


def test_the_plan_check_reports_other_changes_and_failures() -> None:
    assert check_plan(plan(), [desired()], {}, None).status is Status.OK
    only_covered = check_plan(plan(SECRET_BY_HAND, ENABLE_AGENT), [desired()], {}, None)
    assert only_covered.status is Status.OK and only_covered.detail.startswith("no changes beyond those above")

    rename: dict[str, JsonScalar] = {"name": "old"}
    drifted = check_plan(
        plan(SECRET_BY_HAND, LABEL_CREATE, change("label", "new", Action.RENAME, rename, {"name": "new"})),
        [desired()],
        {},
        None,
    )
    assert drifted.status is Status.DRIFT
    assert [f.text for f in drifted.findings] == ["labels: 1 to create, 1 to rename"]

    failed = check_plan(plan(LABEL_CREATE, repositories=(REPO, OTHER), failures=(OTHER,)), [desired()], {}, None)
    assert failed.status is Status.BROKEN
    assert failed.detail.startswith("1 of 2 repositories could not be planned")
    assert (OTHER, Status.BROKEN) in [(f.repository, f.status) for f in failed.findings]

    assert check_plan(Unavailable("rate limited"), [], {}, None).status is Status.BROKEN


# -- the whole report ------------------------------------------------------------------------------


def facts(**overrides: object) -> Facts:
    base: dict[str, object] = {
        "github_url": "https://api.github.com",
        "now": NOW,
        "desired": "valid: 1 repository target",
        "token": CLASSIC,
        "rate": RateLimit(5000, 4990, int(NOW.timestamp()) + 3600),
        "repositories": (desired(),),
        "plan": plan(),
        "access": {REPO: access()},
    }
    base.update(overrides)
    return Facts(**base)  # type: ignore[arg-type]


def test_exit_codes_follow_the_worst_check() -> None:
    assert evaluate(facts()).exit_code == EXIT_HEALTHY
    assert evaluate(facts(plan=plan(LABEL_CREATE))).exit_code == EXIT_DRIFT
    broken = evaluate(facts(plan=plan(LABEL_CREATE), token=TokenInfo("octocat", ())))
    assert broken.exit_code == EXIT_BROKEN


def test_a_rejected_token_skips_what_depends_on_it_and_the_report_still_renders() -> None:
    report = evaluate(facts(token=Unavailable("Bad credentials (HTTP 401)"), rate=None, plan=None, repositories=()))
    assert report.exit_code == EXIT_BROKEN
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["Token"] is Status.BROKEN
    assert statuses["Plan"] is Status.SKIPPED and statuses["Permissions"] is Status.SKIPPED
    markdown = render_health_markdown(report)
    assert markdown.startswith("# reconciler verify: broken\n")
    assert "| Token | ❌ broken | Bad credentials (HTTP 401) |" in markdown
    assert "No plan: the token does not work." in markdown


def test_a_spent_rate_limit_skips_the_rest_without_blaming_the_token() -> None:
    spent = RateLimit(5000, 0, int(NOW.timestamp()) + 600)
    report = evaluate(facts(token=None, rate=spent, plan=None, repositories=()))
    statuses = {c.name: c.status for c in report.checks}
    assert statuses == {
        "Desired state": Status.OK,
        "Token": Status.SKIPPED,
        "Permissions": Status.SKIPPED,
        "Rate limit": Status.BROKEN,
        "Workflow files parse": Status.SKIPPED,
        "Required secrets": Status.SKIPPED,
        "Pack workflows enabled": Status.SKIPPED,
        "Agent loops": Status.SKIPPED,
        "Plan": Status.SKIPPED,
    }
    assert report.exit_code == EXIT_BROKEN


def test_plan_checks_say_nothing_about_repositories_that_could_not_be_planned() -> None:
    everything_failed = evaluate(facts(plan=plan(repositories=(REPO,), failures=(REPO,))))
    statuses = {c.name: c.status for c in everything_failed.checks}
    assert statuses["Required secrets"] is Status.SKIPPED and statuses["Plan"] is Status.BROKEN

    some_failed = evaluate(
        facts(
            plan=plan(SECRET_PRESENT, repositories=(REPO, OTHER), failures=(OTHER,)),
            repositories=(desired(), desired(OTHER)),
            access={REPO: access(), OTHER: access(OTHER)},
        )
    )
    secrets = next(c for c in some_failed.checks if c.name == "Required secrets")
    assert secrets.status is Status.OK
    assert secrets.notes == (f"not checked in {OTHER}: could not be planned",)


def test_the_markdown_report_has_the_checks_the_findings_by_repository_and_the_plan() -> None:
    report = evaluate(facts(plan=plan(SECRET_BY_HAND, ENABLE_AGENT, LABEL_CREATE)))
    markdown = render_health_markdown(report)
    assert markdown.startswith("# reconciler verify: drift\n")
    assert "- **Overall:** ⚠️ drift (exit 2)" in markdown
    assert "- **Date:** 2025-03-01 09:00:00 UTC" in markdown
    assert "| Required secrets | ⚠️ drift | 1 missing, 0 present, in 1 repository |" in markdown
    findings = markdown.index(f"### `{REPO}`")
    plan_section = markdown.index("## Plan\n\n### reconciler plan")
    assert findings < plan_section
    assert "gh secret set AGENT_TOKEN" in markdown[findings:plan_section]
    assert "**Plan: 1 to create, 1 to update" in markdown[plan_section:]


def test_a_plan_that_could_not_be_made_skips_what_depends_on_it() -> None:
    report = evaluate(facts(plan=Unavailable("list labels: rate limited (HTTP 403)"), access={}))
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["Plan"] is Status.BROKEN
    assert statuses["Permissions"] is Status.SKIPPED and statuses["Required secrets"] is Status.SKIPPED
    assert report.plan_missing == "the plan could not be made: list labels: rate limited (HTTP 403)"
