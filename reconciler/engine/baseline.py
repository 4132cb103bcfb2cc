"""The desired state as it was at another git revision, for `plan --changed-only BASE_REF`.

A pull request's plan only needs the repositories whose effective desired state the pull
request changes. Comparing effective states (not files) catches every way to reach a
repository: its own file, a pack it applies, an organisation selector, a workflow source.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

from reconciler.desired.state import EffectiveState
from reconciler.engine.differences import differences
from reconciler.errors import ConfigurationError
from reconciler.names import fold


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=120)
    except FileNotFoundError:
        raise ConfigurationError("--changed-only needs git, which is not installed") from None


@contextmanager
def desired_state_at(ref: str, path: Path) -> Iterator[Path | None]:
    """The desired-state directory `path` as of `ref`, extracted to a temporary directory;
    None when it did not exist then (every repository is new)."""
    directory = path.resolve() if path.is_dir() else path.resolve().parent
    top = _git(directory, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise ConfigurationError(f"--changed-only needs {directory} to be inside a git repository")
    root = Path(top.stdout.decode().strip())
    if _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise ConfigurationError(f"--changed-only: {ref!r} is not a commit in {root} (fetch it first?)")
    relative = directory.relative_to(root).as_posix() or "."
    archive = _git(root, "archive", "--format=tar", ref, "--", relative)
    if archive.returncode != 0:
        if b"did not match any files" in archive.stderr or b"pathspec" in archive.stderr:
            yield None
            return
        raise ConfigurationError(f"--changed-only: git archive {ref} failed: {archive.stderr.decode().strip()}")
    with TemporaryDirectory(prefix="reconciler-base-") as temp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(temp, filter="data")
        yield Path(temp) / relative


def changed_repositories(base: EffectiveState | None, head: EffectiveState) -> dict[str, list[str]]:
    """Repositories whose effective desired state differs from `base` (or that are new), each
    with what changed in it."""
    before = {fold(r.slug): r for r in base.repositories} if base is not None else {}
    changed: dict[str, list[str]] = {}
    for repository in head.repositories:
        earlier = before.get(fold(repository.slug))
        if earlier is None or earlier.digest != repository.digest:
            changed[repository.slug] = differences(earlier.content if earlier else None, repository.content)
    return changed
