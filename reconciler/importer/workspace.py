"""The desired-state directory as import changes it: documents to update, files to write,
paths that are safe to write, and a way back.

Everything stays in memory until `changes` are written, all at once; `write_all` returns what
puts every file back, for when the result does not validate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from reconciler.desired.loader import SOURCE_DIRECTORIES, YAML_SUFFIXES, discover
from reconciler.desired.placement import Placements
from reconciler.desired.yaml_round_trip import (
    YamlStyle,
    add_entries,
    dump,
    header,
    new_document,
    parse,
    schema_reference,
)
from reconciler.desired.yaml_source import display_path
from reconciler.errors import ConfigurationError, ReconcilerError
from reconciler.files import write_atomically
from reconciler.gitobjects import blob_sha
from reconciler.names import UnsafeNameError, checked_full_name, fold

REPOSITORIES_DIRECTORY = "repositories"

# (path, new bytes, old bytes or None for a new file)
Change = tuple[Path, bytes, bytes | None]


@dataclass
class Document:
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
        self.documents: dict[Path, Document] = {}
        # Repository (case-folded) → the document and entry that declare it.
        self.declared: dict[str, tuple[Document, Any]] = {}
        for path in discover(root) if root.is_dir() else []:
            document = self._open(path)
            repositories = document.tree.get("repositories") if hasattr(document.tree, "get") else None
            for entry in repositories or ():
                if hasattr(entry, "get") and isinstance(entry.get("repository"), str):
                    self.declared.setdefault(fold(entry["repository"]), (document, entry))
        existing = {}
        for directory in SOURCE_DIRECTORIES:
            sources = root / directory
            if sources.is_dir():
                for path in sorted(p for p in sources.rglob("*") if p.is_file()):
                    existing[path.relative_to(root).as_posix()] = blob_sha(path.read_bytes())
        self.placements = Placements(existing, self._read_source)

    def _read_source(self, source: str) -> bytes | None:
        path = self.root / source
        return path.read_bytes() if path.is_file() else None

    def _open(self, path: Path) -> Document:
        key = path.resolve()
        if key not in self.documents:
            if path.is_file():
                data = path.read_bytes()
                tree, style = parse(data.decode("utf-8"))
                self.documents[key] = Document(path, tree, style, data)
            else:
                self.documents[key] = Document(path, None)
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

    def repository_file(self, slug: str) -> Path:
        """repositories/NAME.yml, or OWNER-NAME.yml when another repository has that name."""
        try:
            # The name came from GitHub: it is data, and must not steer where the file goes.
            owner, name = checked_full_name(slug).split("/", 1)
        except UnsafeNameError as exc:
            raise ReconcilerError(f"{exc}; nothing was written") from None
        directory = self.root / REPOSITORIES_DIRECTORY
        candidates = [directory / f"{name}.yml", directory / f"{owner}-{name}.yml"]
        counter = 2
        while all(self.taken(c) for c in candidates):
            candidates.append(directory / f"{owner}-{name}-{counter}.yml")
            counter += 1
        return next(c for c in candidates if not self.taken(c))

    def changes(self) -> list[Change]:
        """(path, new bytes, old bytes or None) for everything import writes."""
        out: list[Change] = []
        for source, content in sorted(self.placements.new_files.items()):
            out.append((self.root / source, content, None))
        for document in self.documents.values():
            if document.dirty:
                text = dump(document.tree, document.style, document.header)
                out.append((document.path, text.encode("utf-8"), document.original))
        return out


def target_file(file: Path | None, root: Path) -> Path | None:
    """--file, checked: a YAML document inside the desired-state directory, where plan reads it."""
    if file is None:
        return None
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


def check_inside(root: Path, changes: Sequence[Change]) -> None:
    """Refuse, before anything is written, a path that resolves outside `root` (through `..`
    or a symbolic link): what import writes is named after what GitHub answered."""
    base = root.resolve()
    for path, _, _ in changes:
        resolved = path.resolve()
        if base not in resolved.parents:
            raise ReconcilerError(
                # The path as built, not resolved: the resolved one hides the link it went through.
                f"import would write {path}, which resolves to {resolved}, outside {root}; nothing was written"
            )


def write_all(root: Path, changes: Sequence[Change]) -> Callable[[], None]:
    """Write every file, each checked to be inside `root`; returns what puts them all back."""
    check_inside(root, changes)
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
