"""`reconciler import`: write desired state from what repositories already have on GitHub.

This is how a team onboards repositories it already has: read each repository (every kind
import writes: labels, workflow files and their state, secret names, variables), write it as
desired state, check the result with the normal loader, then plan it against what was just
read, so the command can say whether `reconciler plan` will be empty, and if not, exactly why.
The work is `reconciler.importer`'s; this module takes the arguments and tells the person.

Only reads GitHub. Writes files under the desired-state directory, and rolls them all back
if the result does not validate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.text import Text

from reconciler.commands.support.connect import github_connection, github_reader
from reconciler.commands.support.exit_codes import EXIT_ERROR, EXIT_OK
from reconciler.commands.support.options import GitHubOptions
from reconciler.desired.entry_edit import EntryReport
from reconciler.desired.loader import discover
from reconciler.desired.state import Declarations, EffectiveState
from reconciler.desired.yaml_source import display_path
from reconciler.engine.planner import plan_repositories
from reconciler.engine.selection import resolve
from reconciler.errors import ConfigurationError, DesiredStateError, ReconcilerError
from reconciler.github.remembering import Remembering
from reconciler.importer.check import Pending, check_imported
from reconciler.importer.entries import inherited_for
from reconciler.importer.selection import Chosen, choose_named, choose_organization
from reconciler.importer.snapshot import read_all
from reconciler.importer.workspace import target_file
from reconciler.importer.writing import Imported, write_imported
from reconciler.kinds.registry import load_desired_config
from reconciler.names import OWNER, slug_problem
from reconciler.plan.model import Plan
from reconciler.progress import Progress, no_progress
from reconciler.render.summary import plural
from reconciler.render.text import change_line, show_problems


@dataclass(frozen=True)
class ImportOptions:
    github: GitHubOptions
    repositories: tuple[str, ...] = ()
    organization: str | None = None
    path: Path = Path("desired-state")
    file: Path | None = None
    include_archived: bool = False
    include_forks: bool = False
    # The date written in new files' header; today unless a test fixes it.
    today: date | None = None


@dataclass(frozen=True)
class _EnginePlanning:
    """The engine, for the importer (a sibling layer), through the reads import made."""

    reader: Remembering
    progress: Progress = no_progress

    def resolve(self, config: Declarations, only: Sequence[str]) -> EffectiveState:
        return resolve(config, self.reader, only=only)

    def plan(self, state: EffectiveState) -> Plan:
        # Over REST, as import read it: the plan then sees exactly what was imported (every
        # read remembered), and reads nothing again.
        return plan_repositories(state, self.reader, graphql=False, progress=self.progress)


def _targets(options: ImportOptions) -> None:
    if bool(options.repositories) == (options.organization is not None):
        raise ConfigurationError(
            "name repositories (OWNER/NAME ...) or an organisation (--org ORG), not both or neither: "
            "reconciler import [PATH] --repo OWNER/NAME... or reconciler import [PATH] --org ORG"
        )
    if options.organization is None and (options.include_archived or options.include_forks):
        raise ConfigurationError("--include-archived and --include-forks only apply with --org")
    for slug in options.repositories:
        if "/" not in slug:
            raise ConfigurationError(f"{slug!r} is not a repository: expected OWNER/NAME")
        problem = slug_problem(slug)
        if problem is not None:
            raise ConfigurationError(problem)
    if options.organization is not None and not OWNER.match(options.organization):
        raise ConfigurationError(f"{options.organization!r} is not an organisation login")


def _warn(err: Console, message: str) -> None:
    err.print(Text(f"warning: {message}", style="yellow"), soft_wrap=True)


def _counts(report: EntryReport) -> str:
    def listed(counter: dict[str, int]) -> str:
        return ", ".join(plural(n, kind) for kind, n in counter.items())

    parts = []
    if report.added:
        parts.append(f"added {listed(report.added)}")
    if report.updated:
        parts.append(f"updated {listed(report.updated)}")
    return "; ".join(parts) or "already up to date"


def _choose(reader: Remembering, options: ImportOptions, err: Console) -> Chosen:
    if options.organization is None:
        return choose_named(reader, options.repositories)
    chosen = choose_organization(
        reader, options.organization, archived=options.include_archived, forks=options.include_forks
    )
    for name, reason in chosen.skipped:
        flag = "--include-archived" if reason == "archived" else "--include-forks"
        err.print(Text(f"skipped {name}: {reason} ({flag} imports it)", style="dim"), soft_wrap=True)
    return chosen


def run_import(options: ImportOptions, out: Console, err: Console) -> int:
    _targets(options)
    root = options.path
    if root.exists() and not root.is_dir():
        raise ConfigurationError(f"PATH {root} is a file; import writes into a desired-state directory")
    target = target_file(options.file, root)
    config: Declarations | None = None
    if root.is_dir() and discover(root):
        # Refuse to build on a broken desired state: the result could not be checked.
        try:
            config = load_desired_config(root)
        except DesiredStateError as exc:
            show_problems(exc.problems, err)
            err.print(Text(f"{exc}: fix it before importing into it", style="bold red"), soft_wrap=True)
            return EXIT_ERROR

    with github_connection(options.github) as connection, github_reader(connection) as direct:
        reader = Remembering(direct)
        planning = _EnginePlanning(reader, connection.progress)
        chosen = _choose(reader, options, err)
        reads = read_all(reader, chosen.repositories, connection.progress)
        errors = [*chosen.errors, *(r.error for r in reads if r.error is not None)]
        imported = [r for r in reads if r.snapshot is not None]
        if not imported:
            for error in errors:
                err.print(Text(f"not imported: {error}", style="red"), soft_wrap=True)
            out.print("Nothing to import." if not errors else "Nothing was imported.")
            return EXIT_ERROR if errors else EXIT_OK
        inherited = {r.repository: inherited_for(config, planning, r.repository) for r in imported}
        try:
            written = write_imported(imported, inherited, root, target, options.today or date.today())
        except DesiredStateError as exc:
            show_problems(exc.problems, err)
            err.print(
                Text(f"the imported desired state does not validate ({exc}); nothing was written", style="bold red"),
                soft_wrap=True,
            )
            return EXIT_ERROR
        _show_written(written, root, out, err)
        check_failed = _check(root, [r.repository for r in imported], planning, out, err)
    for error in errors:
        err.print(Text(f"not imported: {error}", style="red"), soft_wrap=True)
    return EXIT_ERROR if errors or check_failed else EXIT_OK


def _show_written(imported: Imported, root: Path, out: Console, err: Console) -> None:
    count = plural(len(imported.entries), "repository", "repositories")
    out.print(f"Imported {count} into {display_path(root)}:", soft_wrap=True)
    for written in imported.entries:
        report = written.report
        symbol = "+" if written.new else ("~" if report.changed else "=")
        where = display_path(written.path)
        out.print(f"  {symbol} {written.repository}: {where} ({_counts(report)})", soft_wrap=True)
        for note in report.notes:
            _warn(err, f"{written.repository}: {note}")
    if imported.new_files:
        shown = ", ".join(display_path(root / f) for f in imported.new_files)
        out.print(f"  new source files: {shown}", soft_wrap=True)


def _why(pending: Pending) -> str:
    repository = pending.repository
    packs = f"{plural(len(repository.packs), 'pack')}: {', '.join(repository.packs)}" if repository.packs else ""
    if pending.selected_by is not None:
        why = f"it is also selected by the organisation target at {pending.selected_by}"
        return f"{why}, which applies {packs}" if packs else why
    if packs:
        return f"its entry applies {packs}"
    return "its entry declares more than the repository has"


def _check(root: Path, slugs: Sequence[str], planning: _EnginePlanning, out: Console, err: Console) -> bool:
    """Plan the imported repositories against what was read; True when the check failed."""
    try:
        result = check_imported(root, slugs, planning)
    except DesiredStateError as exc:
        show_problems(exc.problems, err)
        err.print(
            Text(
                f"the files are written, but with the organisation targets the desired state does not resolve "
                f"({exc}): `reconciler plan` fails until the lines above are fixed",
                style="bold red",
            ),
            soft_wrap=True,
        )
        return True
    except ReconcilerError as exc:
        _warn(err, f"could not check the plan for the imported repositories: {exc}")
        return False
    for pending in result.pending:
        count = plural(len(pending.changes), "change")
        _warn(err, f"{pending.repository.slug}: `reconciler plan` will show {count}, not none: {_why(pending)}")
        for change, origin in pending.changes:
            line = change_line(change)
            line.append("" if origin is None else f" (from {origin.layer} at {origin.ref})", style="dim")
            err.print(line, soft_wrap=True)
    for failure in result.failures:
        _warn(err, f"{failure.repository}: could not check the plan: {failure.error}")
    if result.clean:
        out.print(
            f"Desired state is valid; `reconciler plan` shows no changes for "
            f"{'it' if len(slugs) == 1 else f'these {len(slugs)} repositories'}."
        )
    else:
        out.print("Desired state is valid.")
    return False
