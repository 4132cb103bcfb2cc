"""`reconciler monitor`: the runbook's hourly monitoring script, without duplicate alerts.

For every agent loop (a workflow the desired state marks `agent: true`) it reads the last
finished runs: one request per loop, plus the workflow list. A loop whose last `--failures`
finished runs failed is an alert. With `--report-issue`, each alert is one issue in that
repository, kept current while the loop fails and closed at its first success; those issues are
the only thing this command writes. Exit 2 while an alert is open, 1 when a loop could not be
read (its issue is left open: it may still be failing), 0 when every loop is healthy.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.text import Text

from reconciler.commands.support.connect import github_connection, github_reader, github_writer, show_usage
from reconciler.commands.support.exit_codes import EXIT_CHANGES, EXIT_ERROR, EXIT_OK
from reconciler.commands.support.loops import read_loop_runs
from reconciler.commands.support.options import GitHubOptions
from reconciler.desired.state import EffectiveRepository, EffectiveState
from reconciler.desired.yaml_source import display_path
from reconciler.engine.selection import resolve
from reconciler.errors import RUN_ENDING_ERRORS, ReconcilerError
from reconciler.fleet.alerts import ALERT_LABELS, LoopHealth, alert_body, alert_labels, alert_title, is_alert
from reconciler.fleet.alerts import recovery_comment as recovered_text
from reconciler.fleet.facts import agent_workflows
from reconciler.github.port import GitHubReader
from reconciler.github.remembering import Remembering
from reconciler.github.runs import failures_in_a_row
from reconciler.kinds.labels.block import KEY as LABELS_KEY
from reconciler.kinds.labels.kind import would_prune
from reconciler.kinds.labels.spec import LabelSpec, LabelsSpec
from reconciler.kinds.registry import load_desired_config
from reconciler.names import fold
from reconciler.publish.alert_issue import AlertText, IssueLabel, publish_alerts
from reconciler.publish.targets import parse_repository


@dataclass(frozen=True)
class MonitorOptions:
    path: Path
    github: GitHubOptions
    report_issue: str | None = None
    failures: int = 2


@dataclass(frozen=True)
class Unreadable:
    repository: str
    workflow: str
    reason: str

    @property
    def key(self) -> str:
        return f"{self.repository}:{self.workflow}"


def read_loop(reader: GitHubReader, repository: str, workflow: str, failures: int) -> LoopHealth:
    found = read_loop_runs(reader, repository, workflow, failures)
    if found is None:
        # Not listed: the file is missing (drift and verify say so); it has no runs to judge.
        return LoopHealth(repository, workflow, None, (), None)
    runs = found.runs
    return LoopHealth(repository, workflow, found.state, tuple(failures_in_a_row(runs)), runs[0] if runs else None)


def read_loops(
    reader: GitHubReader, repositories: Sequence[EffectiveRepository], failures: int
) -> list[LoopHealth | Unreadable]:
    # One task per repository, its loops in turn through a remembering reader: a repository
    # with several loops has its workflow list read once, not once per loop (nor twice at once).
    shared = Remembering(reader)
    looped = [(repo.slug, paths) for repo in repositories if (paths := agent_workflows(repo))]

    def read_one(slug: str, path: str) -> LoopHealth | Unreadable:
        try:
            return read_loop(shared, slug, path, failures)
        except RUN_ENDING_ERRORS:
            raise
        except ReconcilerError as exc:
            return Unreadable(slug, path, str(exc))

    def read(repository: tuple[str, list[str]]) -> list[LoopHealth | Unreadable]:
        slug, paths = repository
        return [read_one(slug, path) for path in paths]

    workers = max(1, min(reader.concurrency, len(looped)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="monitor") as pool:
        return [loop for found in pool.map(read, looped) for loop in found]


def issue_labels(desired: EffectiveState, report_to: str) -> list[IssueLabel]:
    """The alert labels, as the desired state declares them (the report repository's own
    first); left off where reconciler would delete them (labels pruned there, undeclared)."""
    repositories = sorted(desired.repositories, key=lambda r: fold(r.slug) != fold(report_to))
    declared: list[LabelSpec] = []
    for repository in repositories:
        labels: LabelsSpec | None = repository.block(LABELS_KEY)
        declared += list(labels.items) if labels is not None else []
    managed = next((r for r in desired.repositories if fold(r.slug) == fold(report_to)), None)
    kept = [name for name in ALERT_LABELS if managed is None or not would_prune(managed, name)]
    return [IssueLabel(a.name, a.color, a.description) for a in alert_labels(declared) if a.name in kept]


def _line(found: LoopHealth | Unreadable, failures: int) -> Text:
    if isinstance(found, Unreadable):
        return Text(f"  ? {found.repository} {found.workflow}: could not be read: {found.reason}", style="red")
    where = f"{found.repository} {found.workflow}"
    if found.state is None:
        return Text(f"  · {where}: not listed by GitHub (the file is missing), no runs to judge", style="dim")
    if is_alert(found, failures):
        newest = found.streak[0]
        return Text(
            f"  ✗ {where}: ALERT, {len(found.streak)} failed runs in a row; the latest {newest.html_url}",
            style="bold red",
        )
    if found.last is None:
        return Text(f"  · {where}: no finished runs yet", style="dim")
    failing = f"; {len(found.streak)} failed since (below the alert's {failures})" if found.streak else ""
    return Text(f"  ✓ {where}: last finished run {found.last.conclusion}{failing}", style="green")


def run_monitor(options: MonitorOptions, out: Console, err: Console) -> int:
    report_to = parse_repository(options.report_issue, "--report-issue") if options.report_issue else None
    config = load_desired_config(options.path)
    desired_path = display_path(config.root)
    with github_connection(options.github) as connection:
        try:
            with github_reader(connection) as reader:
                desired = resolve(config, reader)
                found = read_loops(reader, desired.repositories, options.failures)
            healthy = [f for f in found if isinstance(f, LoopHealth)]
            alerts = [f for f in healthy if is_alert(f, options.failures)]
            unknown = [f for f in found if isinstance(f, Unreadable)]
            out.print(Text(f"Agent loops: {len(found)}, {len(alerts)} alerting", style="bold"), soft_wrap=True)
            for item in found:
                out.print(_line(item, options.failures), soft_wrap=True)
            if report_to is not None:
                texts = {
                    a.key: AlertText(alert_title(a), alert_body(a, options.failures, desired_path)) for a in alerts
                }
                recovered = {h.key: recovered_text(h) for h in healthy if not is_alert(h, options.failures)}
                with github_writer(connection) as writer:
                    done = publish_alerts(
                        writer,
                        report_to,
                        desired_path,
                        texts,
                        recovered,
                        [u.key for u in unknown],
                        issue_labels(desired, report_to),
                    )
                for loop, published in done.items():
                    err.print(published.describe(f"Alert issue for {loop}"), soft_wrap=True)
        finally:
            show_usage(connection, err)
    if unknown:
        return EXIT_ERROR
    return EXIT_CHANGES if alerts else EXIT_OK
