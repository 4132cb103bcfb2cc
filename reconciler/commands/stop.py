"""`reconciler stop`: the runbook's SEV-1 path, for every selected repository at once.

It disables the workflows the desired state marks `agent: true`, and nothing else: no plan,
no other change. Then it says which line of the desired state to change so the next apply
does not turn them back on, and offers to write that change.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.text import Text

from reconciler.commands.support.connect import declared_owners, github_connection, github_reader, github_writer
from reconciler.commands.support.exit_codes import EXIT_ERROR, EXIT_OK
from reconciler.commands.support.options import GitHubOptions
from reconciler.commands.support.run_lock import DEFAULT_LOCK_TIMEOUT, github_host, lock_path, run_lock
from reconciler.desired.blocks import Origin
from reconciler.desired.edits import set_key_in_item
from reconciler.desired.state import Declarations, EffectiveRepository
from reconciler.engine.selection import resolve
from reconciler.errors import ConfigurationError, ReconcilerError
from reconciler.fleet.facts import agent_workflows
from reconciler.github.git_data import list_directory
from reconciler.github.port import GitHubWriter
from reconciler.kinds.registry import load_desired_config
from reconciler.kinds.workflows.block import KEY as WORKFLOWS_KEY
from reconciler.kinds.workflows.live import LiveWorkflow, list_workflows, wait_for_workflow
from reconciler.kinds.workflows.spec import WorkflowsSpec
from reconciler.kinds.workflows.state import disable, enabled

# In an emergency the one-write-a-second courtesy gives way, within GitHub's secondary
# limit of about 900 points a minute (a write costs 5).
EMERGENCY_WRITE_INTERVAL = 0.35
REGISTRATION_WAIT = 30.0

Ask = Callable[[str], bool]


@dataclass(frozen=True)
class StopOptions:
    path: Path
    github: GitHubOptions
    repos: tuple[str, ...] = ()
    write: bool = False
    # How long to wait for another run on the same desired state and GitHub (0: not at all).
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT


@dataclass(frozen=True)
class Stopped:
    repository: str
    path: str
    result: str
    failed: bool = False


def ask_yes_no(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _stop_repository(writer: GitHubWriter, repo: EffectiveRepository) -> list[Stopped]:
    try:
        live = {w.path: w for w in list_workflows(writer, repo.slug)}
    except ReconcilerError as exc:
        return [Stopped(repo.slug, path, f"FAILED: could not be read: {exc}", True) for path in agent_workflows(repo)]
    results = []
    for path in agent_workflows(repo):
        try:
            results.append(_stop_workflow(writer, repo.slug, path, live.get(path)))
        except ReconcilerError as exc:
            # One repository's failure must not lose the report of the others.
            results.append(Stopped(repo.slug, path, f"FAILED: {exc}", True))
    return results


def _stop_workflow(writer: GitHubWriter, repository: str, path: str, workflow: LiveWorkflow | None) -> Stopped:
    if workflow is None or workflow.state == "deleted":
        workflow = _just_pushed(writer, repository, path)
    if workflow is None:
        return Stopped(repository, path, "not on GitHub: nothing to stop")
    if not enabled(workflow.state):
        return Stopped(repository, path, f"already disabled ({workflow.state})")
    disable(writer, repository, workflow.id, path)
    return Stopped(repository, path, "disabled")


def _just_pushed(writer: GitHubWriter, repository: str, path: str) -> LiveWorkflow | None:
    """A file pushed moments ago is not listed yet, but it will run: wait for GitHub to list it."""
    directory = path.rsplit("/", 1)[0]
    if not any(f.path == path for f in list_directory(writer, repository, directory)):
        return None
    return wait_for_workflow(writer, repository, path, REGISTRATION_WAIT)


def _origins(repos: list[EffectiveRepository]) -> dict[Origin, list[str]]:
    """Each desired-state item that declares an agent workflow, and the repositories using it."""
    found: dict[Origin, list[str]] = {}
    for repo in repos:
        for path in agent_workflows(repo):
            origin = repo.provenance.get(f"workflow:{path}")
            if origin is not None:
                found.setdefault(origin, []).append(repo.slug)
    return found


def _record_in_desired_state(options: StopOptions, repos: list[EffectiveRepository], out: Console, ask: Ask) -> None:
    origins = _origins(repos)
    if options.repos:
        # Editing a pack would stop every repository that uses it, not only those named.
        out.print(
            Text(
                "To keep them stopped, add to each repository's entry in the desired state:\n"
                + "\n".join(
                    f"    workflows: {{items: [{{path: {p}, source: <as declared>, state: disabled}}]}}"
                    for p in sorted({p for r in repos for p in agent_workflows(r)})
                ),
                style="yellow",
            ),
            soft_wrap=True,
        )
        return
    out.print(Text("To keep them stopped, the desired state must say so:", style="bold"), soft_wrap=True)
    for origin, users in origins.items():
        out.print(f"  {origin}: set state: disabled (used by {len(users)} repositories)", soft_wrap=True)
    if not (options.write or ask("Write this change to the desired state now?")):
        out.print(Text("Not written: commit it before the next apply, or apply turns them back on.", style="yellow"))
        return
    for origin in origins:
        set_key_in_item(Path(origin.ref.file), origin.ref.line, origin.ref.column, "state", "disabled")
        out.print(Text(f"  wrote state: disabled at {origin.ref}", style="green"), soft_wrap=True)
    # The edit must mean what it says: reload, and check each item now reads disabled.
    config = load_desired_config(options.path)
    wrong = [str(origin.ref) for origin in origins if _declared_state(config, origin) != "disabled"]
    if wrong:
        raise ReconcilerError(f"the desired state does not read state: disabled at {', '.join(wrong)}; fix it by hand")
    out.print(Text("Commit the change so the next apply keeps them disabled.", style="bold"), soft_wrap=True)


def _declared_state(config: Declarations, origin: Origin) -> str | None:
    for declared in (*config.packs.values(), *config.organizations, *config.repositories):
        workflows: WorkflowsSpec | None = getattr(declared.spec, WORKFLOWS_KEY, None)
        for index, item in enumerate(workflows.items if workflows else ()):
            if declared.doc.ref((*declared.loc, WORKFLOWS_KEY, "items", index)) == origin.ref:
                return item.state
    return None


def run_stop(options: StopOptions, out: Console, ask: Ask = ask_yes_no) -> int:
    # An apply running now could turn the workflows back on behind the stop: wait for it.
    with run_lock(lock_path(options.path, github_host(options.github)), "stop", options.lock_timeout, out):
        return _stop(options, out, ask)


def _stop(options: StopOptions, out: Console, ask: Ask) -> int:
    config = load_desired_config(options.path)
    with github_connection(
        options.github, max_write_interval=EMERGENCY_WRITE_INTERVAL, owners=declared_owners(config)
    ) as connection:
        with github_reader(connection) as reader:
            desired = resolve(config, reader, only=options.repos)
        repos = [r for r in desired.repositories if agent_workflows(r)]
        if not repos:
            raise ConfigurationError("no selected repository has a workflow marked agent: true; nothing to stop")
        with github_writer(connection) as writer, ThreadPoolExecutor(max_workers=writer.concurrency) as pool:
            results = [s for batch in pool.map(lambda r: _stop_repository(writer, r), repos) for s in batch]
    for stopped in results:
        style = "red" if stopped.failed else "green"
        out.print(Text(f"  {stopped.repository}  {stopped.path}: {stopped.result}", style=style), soft_wrap=True)
    failed = [s for s in results if s.failed]
    disabled = sum(1 for s in results if s.result == "disabled")
    out.print(
        Text(
            f"Stop: {disabled} disabled, {len(results) - disabled - len(failed)} already off, "
            f"{len(failed)} failed, in {len(repos)} repositories.",
            style="bold red" if failed else "bold",
        ),
        soft_wrap=True,
    )
    _record_in_desired_state(options, repos, out, ask)
    return EXIT_ERROR if failed else EXIT_OK
