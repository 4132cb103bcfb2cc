"""`reconciler verify`: the runbook's health check, as plan plus checks, read-only throughout.

This module gathers facts through a read-only port (it has no write methods); judging them
and rendering the report is `reconciler.checks`'s job. The report file is
written whatever the outcome, broken included, because that is when somebody needs it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from rich.console import Console

from reconciler.checks.document import render_health_json
from reconciler.checks.evaluate import evaluate
from reconciler.checks.model import Facts, HealthReport, Unavailable
from reconciler.checks.report import render_health, render_health_markdown
from reconciler.commands.support.connect import Connection, declared_owners, github_connection, github_reader
from reconciler.commands.support.loops import read_loop_runs
from reconciler.commands.support.options import GitHubOptions
from reconciler.desired.state import Declarations, EffectiveRepository
from reconciler.engine.planner import plan_repositories
from reconciler.engine.selection import in_shard, resolve
from reconciler.errors import (
    RUN_ENDING_ERRORS,
    AuthenticationError,
    ConfigurationError,
    DesiredStateError,
    GitHubAppError,
    GitHubError,
    NotFoundError,
    ReconcilerError,
)
from reconciler.files import write_atomically
from reconciler.fleet.facts import agent_workflows
from reconciler.github.account import RateLimit, get_authenticated, get_rate_limit
from reconciler.github.git_data import get_file
from reconciler.github.port import GitHubReader
from reconciler.github.remembering import Remembering
from reconciler.github.repositories import LiveRepository, get_repository
from reconciler.github.runs import FAILING_AFTER, LiveRun
from reconciler.kinds.organization_secrets.live import list_shared_secrets
from reconciler.kinds.registry import load_desired_config
from reconciler.kinds.secrets.kind import KIND as SECRET
from reconciler.kinds.workflows.files import KIND as WORKFLOW_FILE
from reconciler.names import fold
from reconciler.plan.model import Action, Plan
from reconciler.plan.settings import PlanSettings
from reconciler.plan.shard import Shard
from reconciler.progress import Progress
from reconciler.render.summary import config_summary

# Problems listed in the report when the desired state does not load; `validate` lists all.
_SHOWN_PROBLEMS = 5
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class VerifyOptions:
    path: Path
    github: GitHubOptions
    repos: tuple[str, ...] = ()
    report_file: Path | None = None
    # text: the table; json: verify.schema.json's document; markdown: the report file's text.
    output_format: str = "text"
    # Only this shard of the repositories (--shard K/N).
    shard: Shard | None = None


def _invalid(exc: DesiredStateError) -> Unavailable:
    errors = [p for p in exc.problems if p.severity == "error"]
    shown = "; ".join(str(p) for p in errors[:_SHOWN_PROBLEMS])
    more = (
        f"; and {len(errors) - _SHOWN_PROBLEMS} more (reconciler validate lists them all)"
        if len(errors) > _SHOWN_PROBLEMS
        else ""
    )
    return Unavailable(f"{exc}: {shown}{more}")


def _rejected(exc: AuthenticationError) -> Unavailable:
    if isinstance(exc, GitHubAppError):
        # It says already what is wrong with the App, and what to do.
        return Unavailable(exc.detail)
    return Unavailable(
        f"{exc.detail} (HTTP {exc.status}): the token is wrong, expired or revoked; "
        "set GITHUB_TOKEN (or GH_TOKEN) to a working one"
    )


def _read_access(
    reader: Remembering, repositories: Sequence[EffectiveRepository]
) -> dict[str, LiveRepository | Unavailable]:
    """Each repository's permissions and visibility; free where resolving the organisation
    listing (or the repository itself) already read them."""

    def read(slug: str) -> LiveRepository | Unavailable:
        try:
            return get_repository(reader, slug)
        except ReconcilerError as exc:
            return Unavailable(str(exc))

    slugs = [r.slug for r in repositories]
    workers = max(1, min(reader.concurrency, len(slugs)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify") as pool:
        return dict(zip(slugs, pool.map(read, slugs), strict=True))


def _read_workflow_bodies(reader: GitHubReader, plan: Plan) -> dict[tuple[str, str], bytes | Unavailable]:
    """Live bodies of the workflow files that differ from desired: only those can be broken,
    since an up-to-date file has the desired bytes, which the loader already checked.
    Planning fetched these same bodies; through `Remembering` they are not fetched again."""
    bodies: dict[tuple[str, str], bytes | Unavailable] = {}
    for change in plan.changes:
        if change.kind != WORKFLOW_FILE or change.action is not Action.UPDATE or change.before is None:
            continue
        try:
            bodies[(change.repository, change.key)] = get_file(reader, change.repository, change.key)
        except ReconcilerError as exc:
            bodies[(change.repository, change.key)] = Unavailable(str(exc))
    return bodies


def _read_each(reader: GitHubReader, keys: Sequence[K], read: Callable[[K], V], name: str) -> dict[K, V | Unavailable]:
    """`read` of each key, as many at once as the reader allows; a failed read is Unavailable
    with why, but a token GitHub rejects or a spent rate limit ends the run, as elsewhere."""

    def one(key: K) -> V | Unavailable:
        try:
            return read(key)
        except RUN_ENDING_ERRORS:
            raise
        except ReconcilerError as exc:
            return Unavailable(str(exc))

    workers = max(1, min(reader.concurrency, len(keys)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name) as pool:
        return dict(zip(keys, pool.map(one, keys), strict=True))


def _read_agent_runs(
    reader: GitHubReader, repositories: Sequence[EffectiveRepository], plan: Plan
) -> dict[tuple[str, str], Sequence[LiveRun] | Unavailable]:
    """The last finished runs of each agent loop GitHub lists, in the repositories planned.
    The workflow lists were read by the plan; through `Remembering` they cost nothing here."""
    failed = {f.repository for f in plan.failures}
    loops = [(r.slug, path) for r in repositories if r.slug not in failed for path in agent_workflows(r)]
    found = _read_each(reader, loops, lambda loop: read_loop_runs(reader, *loop, FAILING_AFTER), "verify-runs")
    # A loop GitHub does not list (None) is left out: its file is missing, which the
    # pack-workflow check reports.
    return {
        loop: runs if isinstance(runs, Unavailable) else runs.runs for loop, runs in found.items() if runs is not None
    }


def _read_shared_secrets(reader: GitHubReader, plan: Plan) -> dict[str, frozenset[str] | Unavailable]:
    """For each repository missing a repository secret, the organisation secrets it gets: a
    repository needs a secret at one of the two scopes."""
    lacking = sorted({c.repository for c in plan.changes if c.kind == SECRET and c.action is Action.CREATE})

    def shared(slug: str) -> frozenset[str]:
        return frozenset(fold(name) for name in list_shared_secrets(reader, slug))

    return _read_each(reader, lacking, shared, "verify-secrets")


def gather(options: VerifyOptions, now: datetime) -> Facts:
    """Read everything the checks judge, stopping where going on could only fail the same way."""
    config: Declarations | None = None
    try:
        config = load_desired_config(options.path)
        desired: str | Unavailable = f"valid: {config_summary(config)}"
    except DesiredStateError as exc:
        desired = _invalid(exc)
    facts = Facts(github_url="", now=now, desired=desired)
    try:
        owners = declared_owners(config) if config is not None else ()
        with github_connection(options.github, owners=owners) as connection:
            facts = replace(facts, github_url=connection.base_url)
            with github_reader(connection) as reader:
                facts = _gather_live(reader, config, options, facts, connection.progress)
            return replace(facts, credentials=connection.credentials(), app_grants=_app_grants(connection, facts))
    except ConfigurationError as exc:
        # No token, a bad URL: nothing reaches GitHub, and the token check says why.
        return replace(facts, token=Unavailable(str(exc)))


def _gather_live(
    reader: GitHubReader, config: Declarations | None, options: VerifyOptions, facts: Facts, progress: Progress
) -> Facts:
    # The rate limit first: reading it is free, so it works even when the budget is spent.
    try:
        facts = replace(facts, rate=get_rate_limit(reader))
    except AuthenticationError as exc:
        return replace(facts, token=_rejected(exc))
    except NotFoundError:
        facts = replace(facts, rate=Unavailable("not enforced by this GitHub (GET /rate_limit is 404)", broken=False))
    except GitHubError as exc:
        facts = replace(facts, rate=Unavailable(str(exc)))
    if isinstance(facts.rate, Unavailable) and facts.rate.broken:
        # The free endpoint failed (network, 5xx): everything else would fail the same way.
        return facts
    if isinstance(facts.rate, RateLimit) and facts.rate.remaining <= 0:
        # Every other request would be refused until the reset; the rate-limit check says when.
        return facts

    try:
        facts = replace(facts, token=get_authenticated(reader))
    except AuthenticationError as exc:
        return replace(facts, token=_rejected(exc))
    except GitHubError as exc:
        return replace(facts, token=Unavailable(str(exc)))
    if config is None:
        return facts

    shared = Remembering(reader)
    try:
        desired = in_shard(resolve(config, shared, only=options.repos), options.shard)
    except DesiredStateError as exc:
        return replace(facts, desired=_invalid(exc))
    except ReconcilerError as exc:
        return replace(facts, plan=Unavailable(str(exc)))
    facts = replace(facts, repositories=desired.repositories)

    try:
        # Every object listed: the checks count present secrets, up-to-date files and pack
        # workflows from the unchanged ones.
        plan = plan_repositories(
            desired, shared, now=facts.now, settings=PlanSettings(keep_unchanged=True), progress=progress
        )
    except ReconcilerError as exc:
        # A rejected token or a spent rate limit mid-plan: the rest would fail the same way.
        return replace(facts, plan=Unavailable(str(exc)))
    facts = replace(
        facts,
        plan=plan,
        access=_read_access(shared, desired.repositories),
        workflow_bodies=_read_workflow_bodies(shared, plan),
        agent_runs=_read_agent_runs(shared, desired.repositories, plan),
        shared_secrets=_read_shared_secrets(shared, plan),
    )
    # Read again, so the headroom shown is what is left for apply after this run's own reads;
    # if that fails, the first reading stands.
    with contextlib.suppress(GitHubError):
        facts = replace(facts, rate=get_rate_limit(reader))
    return facts


def _app_grants(connection: Connection, facts: Facts) -> dict[str, dict[str, str]] | None:
    """Acting as a GitHub App: what each planned owner's installation was granted (known from
    minting its token while planning; an owner not reached is left out)."""
    app = connection.app
    if app is None:
        return None
    grants: dict[str, dict[str, str]] = {}
    for installation in app.installations():
        if installation.account is not None:
            grants[fold(installation.account)] = dict(installation.permissions)
    if len(app.installations()) == 1 and app.installations()[0].account is None:
        # One installation named on the command line serves every owner.
        only = dict(app.installations()[0].permissions)
        grants = {fold(r.slug.split("/", 1)[0]): only for r in facts.repositories}
    return grants


def run_verify(options: VerifyOptions, out: Console, *, now: datetime | None = None, err: Console | None = None) -> int:
    report: HealthReport = evaluate(gather(options, now or datetime.now(UTC)))
    if options.output_format == "json":
        out.file.write(render_health_json(report))
    elif options.output_format == "markdown":
        out.file.write(render_health_markdown(report))
    else:
        render_health(report, out)
    if options.report_file is not None:
        write_atomically(options.report_file, render_health_markdown(report))
        # Beside the table it is part of the story; beside a document, stdout holds only that.
        note = out if options.output_format == "text" or err is None else err
        note.print(f"Report written to {options.report_file}", soft_wrap=True)
    return report.exit_code
