"""`reconciler status`: the fleet at a glance, read-only.

It plans (read-only, as `drift` does), then reads per repository what the plan does not: the
agent loops' runs in the window, whether `.agent-workspace/STOP` is there, and the open pull
requests labelled for a person. `reconciler.fleet` judges and renders; this module only reads.
Time is GitHub's (the `Date` of its answers), so the window is right whatever this machine's
clock says and wherever the sandbox's clock was moved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

from rich.console import Console

from reconciler.commands.support.connect import github_connection, github_reader
from reconciler.commands.support.exit_codes import EXIT_ERROR, EXIT_OK
from reconciler.commands.support.options import GitHubOptions
from reconciler.desired.state import EffectiveRepository
from reconciler.engine.planning import plan_declared
from reconciler.errors import RUN_ENDING_ERRORS, GitHubError, ReconcilerError
from reconciler.files import write_atomically
from reconciler.fleet.build import fleet_status
from reconciler.fleet.document import StatusDocument
from reconciler.fleet.facts import HANDOFF_LABEL, SECURITY_LABEL, Read, RepositoryFacts, Unread, agent_workflows
from reconciler.fleet.html import render_status_html
from reconciler.fleet.markdown import render_status_markdown
from reconciler.fleet.text import render_status
from reconciler.github.account import get_rate_limit
from reconciler.github.contents import AGENT_STOP_FILE, path_exists
from reconciler.github.issues import open_pull_requests_labelled
from reconciler.github.port import GitHubReader
from reconciler.github.remembering import Remembering
from reconciler.github.runs import runs_since
from reconciler.github.web import web_url
from reconciler.kinds.registry import load_desired_config
from reconciler.kinds.workflows.live import list_workflows

STATUS_FORMATS = ("text", "json", "markdown", "html")
T = TypeVar("T")


@dataclass(frozen=True)
class StatusOptions:
    path: Path
    github: GitHubOptions
    repos: tuple[str, ...] = ()
    since: timedelta = timedelta(hours=24)
    # The window as typed (`24h`), for the report.
    window: str = "24h"
    output_format: str = "text"
    out: Path | None = None


def github_now(reader: GitHubReader) -> datetime:
    """GitHub's time, from the `Date` of `GET /rate_limit` (free); this machine's when absent."""
    try:
        found = get_rate_limit(reader).server_time
    except RUN_ENDING_ERRORS:
        raise
    except GitHubError:
        found = None
    return found or datetime.now(UTC)


def attempt(read: Callable[[], T]) -> Read[T]:
    """What `read` returns, or why it could not; a token GitHub rejects or a spent rate limit
    ends the whole command instead, as it would every other read."""
    try:
        return read()
    except RUN_ENDING_ERRORS:
        raise
    except ReconcilerError as exc:
        return Unread(str(exc))


def read_facts(reader: GitHubReader, repository: EffectiveRepository, since: datetime) -> RepositoryFacts:
    """What `status` reads about one repository beyond the plan; a failed read is recorded."""
    slug = repository.slug
    workflows: Read[dict[str, str]] = attempt(lambda: {w.path: w.state for w in list_workflows(reader, slug)})
    # A workflow GitHub does not list has no runs to read (and its runs list is a 404).
    listed = [p for p in agent_workflows(repository) if isinstance(workflows, Unread) or p in workflows]
    runs = {path: attempt(partial(runs_since, reader, slug, path, since)) for path in listed}
    return RepositoryFacts(
        workflows=workflows,
        runs=runs,
        stop_file=attempt(lambda: path_exists(reader, slug, AGENT_STOP_FILE)),
        handoff=attempt(lambda: open_pull_requests_labelled(reader, slug, HANDOFF_LABEL)),
        security=attempt(lambda: open_pull_requests_labelled(reader, slug, SECURITY_LABEL)),
    )


@dataclass(frozen=True)
class Gathered:
    document: StatusDocument
    # What could not be planned (a repository, or an organisation's shared objects) and why,
    # and what the reads cost.
    failed: Sequence[tuple[str, str]]
    usage: str


def gather_status(options: StatusOptions) -> Gathered:
    """The fleet's status, read through one read-only port."""
    config = load_desired_config(options.path)
    with github_connection(options.github) as connection, github_reader(connection) as reader:
        shared = Remembering(reader)
        now = github_now(shared)
        since = now - options.since
        desired, plan = plan_declared(config, shared, repos=options.repos)
        failed = {f.repository for f in plan.failures}
        readable = [r for r in desired.repositories if r.slug not in failed]
        workers = max(1, min(shared.concurrency, len(readable)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="status") as pool:
            read = pool.map(lambda r: read_facts(shared, r, since), readable)
            found = dict(zip((r.slug for r in readable), read, strict=True))
        document = fleet_status(
            desired, plan, found, since=since, now=now, window=options.window, web=web_url(connection.base_url)
        )
        usage = connection.session.usage().summary()
    return Gathered(document, sorted((f.repository, f.error) for f in plan.failures), f"GitHub: {usage}")


def render(document: StatusDocument, output_format: str, console: Console) -> str | None:
    """The document in `output_format`: printed for text, returned for the others."""
    if output_format == "json":
        return document.model_dump_json(indent=2) + "\n"
    if output_format == "markdown":
        return render_status_markdown(document)
    if output_format == "html":
        return render_status_html(document)
    render_status(document, console)
    return None


def run_status(options: StatusOptions, out: Console, err: Console) -> int:
    gathered = gather_status(options)
    document = gathered.document
    if options.out is not None:
        if options.output_format == "text":
            capture = Console(record=True, width=160, color_system=None)
            with capture.capture():
                render_status(document, capture)
            write_atomically(options.out, capture.export_text())
        else:
            write_atomically(options.out, render(document, options.output_format, out) or "")
        err.print(f"Status written to {options.out}", soft_wrap=True)
    else:
        text = render(document, options.output_format, out)
        if text is not None:
            out.file.write(text)
    for name, error in gathered.failed:
        err.print(f"{name} could not be read: {error}", style="red", soft_wrap=True)
    err.print(gathered.usage, style="dim", soft_wrap=True)
    return EXIT_ERROR if gathered.failed else EXIT_OK
