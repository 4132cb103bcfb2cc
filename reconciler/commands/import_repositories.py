"""`reconciler import`: write desired state from what repositories already have on GitHub.

This is how a team onboards repositories it already has: read each repository (labels,
workflow files and their state, secret names, variables), write it as desired state, check
the result with the normal loader, then plan it against what was just read, so the command
can say whether `reconciler plan` will be empty, and if not, exactly why.

Only reads GitHub. Writes files under the desired-state directory, and rolls them all back
if the result does not validate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from reconciler.commands.support.connect import GitHubOptions, github_connection, github_reader
from reconciler.commands.support.exit_codes import EXIT_ERROR, EXIT_OK
from reconciler.desired.loader import SOURCE_DIRECTORIES, YAML_SUFFIXES, discover
from reconciler.desired.models import OWNER, SLUG, SelectSpec
from reconciler.desired.resolve import skip_reason
from reconciler.desired.state import Declarations, EffectiveRepository, EffectiveState
from reconciler.desired.writer import (
    NO_LAYERS,
    EntryReport,
    ImportedWorkflow,
    Layers,
    LiveSnapshot,
    WorkflowPlacement,
    YamlStyle,
    add_entries,
    dump,
    header,
    importable,
    new_document,
    new_entry,
    parse,
    schema_reference,
    update_entry,
    workflow_path_problem,
)
from reconciler.desired.yaml_source import display_path
from reconciler.engine.planner import plan_repositories
from reconciler.engine.selection import resolve
from reconciler.errors import RUN_STOPPING, ConfigurationError, DesiredStateError, GitHubError, ReconcilerError
from reconciler.files import write_atomically
from reconciler.github.shared_reads import SharedReads
from reconciler.gitobjects import blob_sha
from reconciler.kinds.labels.block import KEY as LABELS_KEY
from reconciler.kinds.labels.spec import LabelsSpec
from reconciler.kinds.registry import kind_named, load_desired_config
from reconciler.kinds.variables.block import KEY as VARIABLES_KEY
from reconciler.kinds.variables.block import LIMITS_KEY
from reconciler.kinds.variables.spec import LimitsSpec, VariablesSpec
from reconciler.kinds.workflows.files import WORKFLOWS_DIRECTORY
from reconciler.kinds.workflows.state import enabled
from reconciler.names import fold
from reconciler.plan.model import Change, Plan
from reconciler.render.summary import plural
from reconciler.render.text import change_line, show_problems

REPOSITORIES_DIRECTORY = "repositories"


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


# ---------------------------------------------------------------------------------------
# Reading.


def read_snapshot(reader: SharedReads, repository: str) -> tuple[LiveSnapshot, list[str]]:
    """Everything import writes for one repository, and notes on what it leaves out."""
    notes: list[str] = []
    labels = reader.list_labels(repository)
    files = sorted(reader.list_directory(repository, WORKFLOWS_DIRECTORY), key=lambda f: f.path)
    workflows: list[ImportedWorkflow] = []
    if files:
        states = {w.path: w.state for w in reader.list_workflows(repository) if w.state != "deleted"}
        for live in files:
            problem = workflow_path_problem(live.path)
            if problem is not None:
                # Not even downloaded: desired state could not declare it.
                notes.append(f"workflow file {live.path} not imported: {problem}")
                continue
            # A file GitHub does not list (yet) counts as enabled, as a new workflow starts.
            state = "enabled" if enabled(states.get(live.path, "active")) else "disabled"
            workflows.append(ImportedWorkflow(live.path, reader.get_file(repository, live.path), state))
    secrets = tuple(s.name for s in reader.list_secrets(repository))
    variables = tuple(reader.list_variables(repository))
    snapshot, left_out = importable(LiveSnapshot(repository, tuple(labels), tuple(workflows), secrets, variables))
    return snapshot, notes + left_out


@dataclass(frozen=True)
class _Read:
    repository: str
    snapshot: LiveSnapshot | None = None
    notes: tuple[str, ...] = ()
    error: str | None = None


def _read_all(reader: SharedReads, slugs: Sequence[str]) -> list[_Read]:
    def attempt(slug: str) -> _Read:
        try:
            snapshot, notes = read_snapshot(reader, slug)
        except RUN_STOPPING:
            # Every other repository would fail the same way.
            raise
        except GitHubError as exc:
            return _Read(slug, error=str(exc))
        return _Read(slug, snapshot, tuple(notes))

    if not slugs:
        return []
    workers = max(1, min(reader.concurrency, len(slugs)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import") as pool:
        return list(pool.map(attempt, slugs))


# ---------------------------------------------------------------------------------------
# The desired-state directory: documents to update, files to write, and a way back.


@dataclass
class _Document:
    path: Path
    tree: Any
    style: YamlStyle = field(default_factory=YamlStyle)
    original: bytes | None = None  # None: a new file
    header: str = ""
    dirty: bool = False


class Workspace:
    """The desired-state directory as import changes it, in memory until `changes` are written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.documents: dict[Path, _Document] = {}
        # Repository (case-folded) → the document and entry that declare it.
        self.declared: dict[str, tuple[_Document, Any]] = {}
        for path in discover(root) if root.is_dir() else []:
            document = self._open(path)
            repositories = document.tree.get("repositories") if hasattr(document.tree, "get") else None
            for entry in repositories or ():
                if hasattr(entry, "get") and isinstance(entry.get("repository"), str):
                    self.declared.setdefault(fold(entry["repository"]), (document, entry))
        existing = {}
        sources = root / "workflows"
        if sources.is_dir():
            for path in sorted(p for p in sources.rglob("*") if p.is_file()):
                existing[path.relative_to(root).as_posix()] = blob_sha(path.read_bytes())
        self.placement = WorkflowPlacement(existing, self._read_source)

    def _read_source(self, source: str) -> bytes | None:
        path = self.root / source
        return path.read_bytes() if path.is_file() else None

    def _open(self, path: Path) -> _Document:
        key = path.resolve()
        if key not in self.documents:
            if path.is_file():
                data = path.read_bytes()
                tree, style = parse(data.decode("utf-8"))
                self.documents[key] = _Document(path, tree, style, data)
            else:
                self.documents[key] = _Document(path, None)
        return self.documents[key]

    def taken(self, path: Path) -> bool:
        document = self.documents.get(path.resolve())
        return path.exists() or (document is not None and document.tree is not None)

    def add(self, path: Path, entry: Any, imported_on: date) -> None:
        document = self._open(path)
        if document.tree is None:
            # A new (or empty) file: the schema line for editors, and where it came from.
            document.tree = new_document([entry])
            document.header = header(schema_reference(path, self.root), imported_on)
        else:
            add_entries(document.tree, [entry])
        document.dirty = True
        self.declared[fold(entry["repository"])] = (document, entry)

    def changes(self) -> list[tuple[Path, bytes, bytes | None]]:
        """(path, new bytes, old bytes or None) for everything import writes."""
        out: list[tuple[Path, bytes, bytes | None]] = []
        for source, content in sorted(self.placement.new_files.items()):
            out.append((self.root / source, content, None))
        for document in self.documents.values():
            if document.dirty:
                text = dump(document.tree, document.style, document.header)
                out.append((document.path, text.encode("utf-8"), document.original))
        return out


def _write_all(changes: Sequence[tuple[Path, bytes, bytes | None]]) -> Callable[[], None]:
    """Write every file; returns what puts them all back as they were."""
    created_directories: list[Path] = []
    written: list[tuple[Path, bytes | None]] = []

    def undo() -> None:
        for path, old in reversed(written):
            if old is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, old)
        for directory in reversed(created_directories):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()

    try:
        for path, data, old in changes:
            missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
            created_directories.extend(reversed(missing))
            try:
                write_atomically(path, data)
            except OSError as exc:
                raise ReconcilerError(
                    f"cannot write {display_path(path)}: {exc.strerror}; nothing was written"
                ) from None
            written.append((path, old))
    except BaseException:
        undo()
        raise
    return undo


# ---------------------------------------------------------------------------------------
# The command.


def _targets(options: ImportOptions) -> None:
    if bool(options.repositories) == (options.organization is not None):
        raise ConfigurationError(
            "name repositories (OWNER/NAME ...) or an organisation (--org ORG), not both or neither"
        )
    if options.organization is None and (options.include_archived or options.include_forks):
        raise ConfigurationError("--include-archived and --include-forks only apply with --org")
    for slug in options.repositories:
        if not SLUG.match(slug):
            raise ConfigurationError(f"{slug!r} is not a repository: expected OWNER/NAME")
    if options.organization is not None and not OWNER.match(options.organization):
        raise ConfigurationError(f"{options.organization!r} is not an organisation login")


def _target_file(options: ImportOptions) -> Path | None:
    """--file, checked: a YAML document inside the desired-state directory, where plan reads it."""
    if options.file is None:
        return None
    file, root = options.file, options.path
    if file.suffix not in YAML_SUFFIXES:
        raise ConfigurationError(f"--file {file} must end in .yml or .yaml")
    try:
        relative = file.resolve().relative_to(root.resolve())
    except ValueError:
        raise ConfigurationError(
            f"--file {file} is outside {root}, so plan would not read it; e.g. --file {root / file.name}"
        ) from None
    if any(part.startswith(".") for part in relative.parts):
        raise ConfigurationError(f"--file {file} is in a hidden directory, which plan does not read")
    if relative.parts[0] in SOURCE_DIRECTORIES:
        raise ConfigurationError(f"--file {file} is under {root / relative.parts[0]}, which holds files to copy")
    if file.is_dir():
        raise ConfigurationError(f"--file {file} is a directory")
    return file


def _repository_file(workspace: Workspace, slug: str) -> Path:
    """repositories/NAME.yml, or OWNER-NAME.yml when another repository has that name."""
    owner, name = slug.split("/", 1)
    directory = workspace.root / REPOSITORIES_DIRECTORY
    candidates = [directory / f"{name}.yml", directory / f"{owner}-{name}.yml"]
    counter = 2
    while all(workspace.taken(c) for c in candidates):
        candidates.append(directory / f"{owner}-{name}-{counter}.yml")
        counter += 1
    return next(c for c in candidates if not workspace.taken(c))


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


def _select(reader: SharedReads, options: ImportOptions, err: Console) -> tuple[list[str], list[str]]:
    """The repositories to import (canonical names), and errors for those that cannot be read."""
    if options.organization is not None:
        select = SelectSpec(archived=options.include_archived, forks=options.include_forks)
        chosen = []
        for live in sorted(
            reader.list_organization_repositories(options.organization), key=lambda r: fold(r.full_name)
        ):
            reason = skip_reason(select, live)
            if reason is None:
                chosen.append(live.full_name)
            else:
                flag = "--include-archived" if reason == "archived" else "--include-forks"
                err.print(Text(f"skipped {live.full_name}: {reason} ({flag} imports it)", style="dim"), soft_wrap=True)
        return chosen, []
    chosen, errors = [], []
    seen: set[str] = set()
    for slug in options.repositories:
        if fold(slug) in seen:
            continue
        seen.add(fold(slug))
        try:
            chosen.append(reader.get_repository(slug).full_name)
        except RUN_STOPPING:
            raise
        except GitHubError as exc:
            errors.append(str(exc))
    return chosen, errors


def run_import(options: ImportOptions, out: Console, err: Console) -> int:
    _targets(options)
    root = options.path
    if root.exists() and not root.is_dir():
        raise ConfigurationError(f"--path {root} is a file; import writes into a desired-state directory")
    target_file = _target_file(options)
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
        reader = SharedReads(direct)
        slugs, errors = _select(reader, options, err)
        reads = _read_all(reader, slugs)
        errors += [r.error for r in reads if r.error is not None]
        imported = [r for r in reads if r.snapshot is not None]
        if not imported:
            for error in errors:
                err.print(Text(f"not imported: {error}", style="red"), soft_wrap=True)
            out.print("Nothing to import." if not errors else "Nothing was imported.")
            return EXIT_ERROR if errors else EXIT_OK
        layers = {r.repository: _layers(config, reader, r.repository) for r in imported}
        if not _write(imported, layers, root, target_file, options.today or date.today(), out, err):
            return EXIT_ERROR
        check_failed = _check(root, [r.repository for r in imported], reader, out, err)
    for error in errors:
        err.print(Text(f"not imported: {error}", style="red"), soft_wrap=True)
    return EXIT_ERROR if errors or check_failed else EXIT_OK


def _layers(config: Declarations | None, reader: SharedReads, slug: str) -> Layers:
    """What packs and organisation targets already declare for `slug`, before the import."""
    if config is None:
        return NO_LAYERS
    try:
        state = resolve(config, reader, only=[slug])
    except ReconcilerError:
        # Neither declared nor selected (or the desired state does not resolve, which the
        # check after writing reports): nothing to take into account.
        return NO_LAYERS
    repository = state.repositories[0]

    def elsewhere(address: str) -> bool:
        origin = repository.provenance.get(address)
        return origin is not None and origin.layer != "repository"

    declared_labels: LabelsSpec | None = repository.block(LABELS_KEY)
    declared_variables: VariablesSpec | None = repository.block(VARIABLES_KEY)
    declared_limits: LimitsSpec | None = repository.block(LIMITS_KEY)
    labels = declared_labels.items if declared_labels is not None else ()
    variables = declared_variables.items if declared_variables is not None else {}
    return Layers(
        aliases={
            fold(alias): label.name
            for label in labels
            if label.ensure == "present" and elsewhere(f"label:{fold(label.name)}")
            for alias in label.aliases
        },
        variables=frozenset(
            fold(n) for n, v in variables.items() if v is not None and elsewhere(f"variable:{fold(n)}")
        ),
        limits=frozenset(
            limit
            for limit in LimitsSpec.model_fields
            if declared_limits is not None
            and getattr(declared_limits, limit) is not None
            and elsewhere(f"limit:{limit}")
        ),
    )


def _write(
    imported: Sequence[_Read],
    layers: Mapping[str, Layers],
    root: Path,
    target_file: Path | None,
    today: date,
    out: Console,
    err: Console,
) -> bool:
    """Write every imported repository, validate, and report; on a validation failure, undo."""
    workspace = Workspace(root)
    reports: list[tuple[str, Path, EntryReport, bool]] = []
    for read in imported:
        assert read.snapshot is not None
        slug = read.snapshot.repository
        found = workspace.declared.get(fold(slug))
        if found is not None:
            document, entry = found
            report = update_entry(entry, read.snapshot, workspace.placement, layers[slug])
            document.dirty = document.dirty or report.changed
            reports.append((slug, document.path, report, False))
        else:
            entry, report = new_entry(read.snapshot, workspace.placement, layers[slug])
            path = target_file or _repository_file(workspace, slug)
            workspace.add(path, entry, today)
            reports.append((slug, path, report, True))
        report.notes[:0] = read.notes

    changes = workspace.changes()
    undo = _write_all(changes)
    try:
        load_desired_config(root)
    except DesiredStateError as exc:
        undo()
        show_problems(exc.problems, err)
        err.print(
            Text(f"the imported desired state does not validate ({exc}); nothing was written", style="bold red"),
            soft_wrap=True,
        )
        return False

    count = plural(len(imported), "repository", "repositories")
    out.print(f"Imported {count} into {display_path(root)}:", soft_wrap=True)
    for slug, path, report, new in reports:
        symbol = "+" if new else ("~" if report.changed else "=")
        out.print(f"  {symbol} {slug}: {display_path(path)} ({_counts(report)})", soft_wrap=True)
        for note in report.notes:
            _warn(err, f"{slug}: {note}")
    bodies = sorted(workspace.placement.new_files)
    if bodies:
        out.print(f"  new workflow bodies: {', '.join(display_path(root / b) for b in bodies)}", soft_wrap=True)
    return True


# ---------------------------------------------------------------------------------------
# The check: would `reconciler plan` be empty?


def _origin(repository: EffectiveRepository, change: Change) -> str:
    # A workflow's state has no entry of its own: it shares its file's `workflow:` address.
    found = kind_named(change.kind)
    prefix = found.address if found is not None else change.kind
    origin = repository.provenance.get(f"{prefix}:{change.key}")
    if origin is None and change.kind == "variable":
        origin = repository.provenance.get(f"limit:{LimitsSpec.limit_for(change.key)}")
    return "" if origin is None or origin.layer == "repository" else f" (from {origin.layer} at {origin.ref})"


def _why(state: EffectiveState, repository: EffectiveRepository) -> str:
    selected = [s for s in state.selections if fold(repository.slug) in {fold(m) for m in s.matched}]
    packs = f"{plural(len(repository.packs), 'pack')}: {', '.join(repository.packs)}" if repository.packs else ""
    if selected:
        why = f"it is also selected by the organisation target at {selected[0].source}"
        return f"{why}, which applies {packs}" if packs else why
    if packs:
        return f"its entry applies {packs}"
    return "its entry declares more than the repository has"


def _check(root: Path, slugs: Sequence[str], reader: SharedReads, out: Console, err: Console) -> bool:
    """Plan the imported repositories against what was read; True when the check failed."""
    try:
        state = resolve(load_desired_config(root), reader, only=slugs)
        plan: Plan = plan_repositories(state, reader)
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
    by_slug = {fold(r.slug): r for r in state.repositories}
    clean = True
    for slug, planned in plan.by_repository().items():
        changes = [c for c in planned if c.is_change]
        if not changes:
            continue
        clean = False
        repository = by_slug[fold(slug)]
        count = plural(len(changes), "change")
        _warn(err, f"{slug}: `reconciler plan` will show {count}, not none: {_why(state, repository)}")
        for change in changes:
            line = change_line(change)
            line.append(_origin(repository, change), style="dim")
            err.print(line, soft_wrap=True)
    for failure in plan.failures:
        clean = False
        _warn(err, f"{failure.repository}: could not check the plan: {failure.error}")
    if clean:
        out.print(
            f"Desired state is valid; `reconciler plan` shows no changes for "
            f"{'it' if len(slugs) == 1 else f'these {len(slugs)} repositories'}."
        )
    else:
        out.print("Desired state is valid.")
    return False
