"""Where imported file bodies go under the desired-state directory.

Some blocks declare a file by pointing at its body (`source: workflows/ci.yml`). Import reads
the live bodies and must choose a path for each: an identical body already there is shared,
and a new one takes the plain file name unless another body has it. Nothing here touches the
disk: bodies placed are kept in `new_files` for the caller to write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import PurePosixPath
from typing import Protocol

from reconciler.gitobjects import blob_sha
from reconciler.names import fold

ReadSource = Callable[[str], bytes | None]


class SourceBody(Protocol):
    """A live file to place: where it is in the repository, and its exact bytes."""

    @property
    def path(self) -> str: ...

    @property
    def content(self) -> bytes: ...


class SourcePlacement:
    """Chooses a source path under `directory` for each imported body, sharing identical bodies.

    `existing` maps every file under `directory` (as a path relative to the desired-state
    directory) to its git blob id; `read_source` reads any other declared source, relative to
    the same directory, or None when there is none.
    """

    def __init__(self, directory: str, existing: Mapping[str, str], read_source: ReadSource | None = None) -> None:
        self.directory = directory
        self._sha: dict[str, str] = dict(existing)
        self._read_source = read_source
        self.new_files: dict[str, bytes] = {}

    @contextmanager
    def trial(self) -> Iterator[None]:
        """Bodies placed inside are forgotten afterwards."""
        saved = dict(self._sha), dict(self.new_files)
        try:
            yield
        finally:
            self._sha, self.new_files = saved

    def sha_of(self, source: str) -> str | None:
        """The blob id of a source as it will be after this import, or None if there is none."""
        if source in self._sha:
            return self._sha[source]
        content = self._read_source(source) if self._read_source is not None else None
        return None if content is None else blob_sha(content)

    def place(self, repository: str, body: SourceBody) -> str:
        sha = blob_sha(body.content)
        file_name = PurePosixPath(body.path).name
        same = sorted(
            (path for path, known in self._sha.items() if known == sha),
            # One with the same file name first, then the shallowest: the most obviously shared.
            key=lambda p: (PurePosixPath(p).name != file_name, p.count("/"), p),
        )
        if same:
            return same[0]
        taken = {fold(path) for path in self._sha}
        candidate = f"{self.directory}/{file_name}"
        if fold(candidate) in taken:
            # The name is used by a different body: this repository's own directory.
            name = repository.split("/", 1)[-1]
            stem, suffix = PurePosixPath(file_name).stem, PurePosixPath(file_name).suffix
            candidate = f"{self.directory}/{name}/{file_name}"
            counter = 2
            while fold(candidate) in taken:
                candidate = f"{self.directory}/{name}/{stem}-{counter}{suffix}"
                counter += 1
        self._sha[candidate] = sha
        self.new_files[candidate] = body.content
        return candidate


class Placements:
    """Every source directory of one desired state, each with its placement, made on first use.

    `existing` maps files under any source directory (relative to the desired-state
    directory) to their git blob ids; each directory's placement sees those under it.
    """

    def __init__(self, existing: Mapping[str, str] | None = None, read_source: ReadSource | None = None) -> None:
        self._existing = dict(existing or {})
        self._read_source = read_source
        self._by_directory: dict[str, SourcePlacement] = {}

    def under(self, directory: str) -> SourcePlacement:
        found = self._by_directory.get(directory)
        if found is None:
            prefix = f"{directory}/"
            existing = {path: sha for path, sha in self._existing.items() if path.startswith(prefix)}
            found = self._by_directory[directory] = SourcePlacement(directory, existing, self._read_source)
        return found

    @contextmanager
    def trial(self) -> Iterator[None]:
        """Bodies placed inside, under any directory, are forgotten afterwards."""
        with ExitStack() as stack:
            for placement in list(self._by_directory.values()):
                stack.enter_context(placement.trial())
            # A directory first used inside the trial is forgotten whole.
            before = set(self._by_directory)
            try:
                yield
            finally:
                for directory in set(self._by_directory) - before:
                    del self._by_directory[directory]

    @property
    def new_files(self) -> dict[str, bytes]:
        """Every body placed, by its path relative to the desired-state directory."""
        return {path: body for placement in self._by_directory.values() for path, body in placement.new_files.items()}
