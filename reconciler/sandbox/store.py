"""The state file: SQLite in WAL mode, one row per repository and one per other part of the state.

Any number of processes (a ``serve``, ``--sandbox`` commands, tests) can share one file. Each
change runs in one ``BEGIN IMMEDIATE`` transaction, which SQLite grants to one process at a
time: it first reloads the rows other processes wrote since this one last looked (every row
carries the generation that wrote it, and ``meta`` the latest generation), applies the change
in memory, writes back only the rows that differ from what this process last saw, and
commits. So a write costs what it changed, never the whole state, and no process overwrites
another's write with an older copy. A crash mid-write leaves the old state or the new one:
the transaction is atomic. Reads reload changed rows the same way, cheaply.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Literal

from .codec import decode, field_hints, to_json
from .model import RepoState
from .state import SandboxState

SQLITE_HEADER = b"SQLite format 3\x00"
# The layout of the tables below; a file with a higher one was written by a newer version.
FILE_FORMAT = 1
REPO = "repo:"
FIELD = "state:"
# How long a process waits for another's transaction before giving up: far longer than any
# one request holds it.
BUSY_TIMEOUT_SECONDS = 60.0
# Which repositories a transaction compares with what was saved: those the running change
# marked (``SandboxState.changed_repo_ids``), or every one (a reset, or a hand-made change).
Compare = Literal["changed", "all"]


class StateFileError(RuntimeError):
    pass


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def is_sqlite_file(path: Path) -> bool:
    """True for a SQLite database or an empty file (SQLite makes one of it); False for
    anything else, such as the JSON state files of older versions."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    return head in (b"", SQLITE_HEADER)


class StateStore:
    """Keeps ``state`` and the file at ``path`` in step, one transaction at a time."""

    def __init__(self, path: Path, connection: sqlite3.Connection, state: SandboxState) -> None:
        self.path = path
        self.state = state
        self._db = connection
        # Sandboxes are often dropped without close(): the connection closes with the store.
        self._finalizer = weakref.finalize(self, connection.close)
        self._generation = 0  # the latest generation this process has seen
        self._saved: dict[str, bytes] = {}  # row key -> digest of the data last written or read
        self._repo_ids: list[int] = []  # ids in ``state.repos`` order, as last saved or read
        self._depth = 0
        # After a rolled-back change memory may hold what the file does not: reload it all.
        self._stale = False
        self._fields = field_hints(SandboxState)
        del self._fields["repos"]

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, initial: Callable[[], SandboxState]) -> StateStore:
        """The store on ``path``; a missing file is made and filled with ``initial()``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL still commits atomically; it only skips an fsync per commit.
            connection.execute("PRAGMA synchronous=NORMAL")
            store = cls(path, connection, SandboxState())
            store._initialise(initial)
        except sqlite3.DatabaseError as exc:
            raise StateFileError(f"cannot use {path} as the sandbox's state file: {exc}") from exc
        return store

    def _initialise(self, initial: Callable[[], SandboxState]) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS rows (key TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT)")
            db.execute("CREATE INDEX IF NOT EXISTS rows_by_version ON rows (version)")
            if self._meta("generation") is None:
                # A new file (or one another process is making: we hold the write lock now).
                self.state.replace_with(initial())
                db.execute("INSERT INTO meta VALUES ('format', ?), ('generation', 0), ('removed', 0)", (FILE_FORMAT,))
                done = self._write_changes("all")
            else:
                if (self._meta("format") or 0) > FILE_FORMAT:
                    raise StateFileError(f"{self.path} was written by a newer version of the sandbox")
                self._load_everything()
                done = _nothing
            db.execute("COMMIT")
            done()
        except BaseException:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self.state.lock:
            self._finalizer()

    # -- transactions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self, compare: Compare = "changed") -> Iterator[SandboxState]:
        """Hold the state for one change: up to date with every other process on entry,
        saved on a normal exit. Nested use joins the outer transaction."""
        with self.state.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.state
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                self._catch_up()
                self.state.track_changes()
                yield self.state
                done = self._write_changes(compare)
                self._db.execute("COMMIT")
            except BaseException:
                with suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                self._stale = True
                raise
            finally:
                self._depth = 0
            done()

    # -- reading --------------------------------------------------------------------------

    def _meta(self, key: str) -> int | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else int(row[0])

    def _catch_up(self) -> None:
        """Reload what other processes wrote since this one last looked."""
        generation = self._meta("generation") or 0
        if self._stale:
            self._load_everything()
            return
        if generation == self._generation:
            return
        if (self._meta("removed") or 0) > self._generation:
            # Rows went away (a reset): reload the lot rather than work out which.
            self._load_everything()
            return
        rows = self._db.execute("SELECT key, data FROM rows WHERE version > ?", (self._generation,)).fetchall()
        positions = {repo.id: index for index, repo in enumerate(self.state.repos)}
        for key, data in rows:
            value = self._decode_row(key, data)
            if isinstance(value, RepoState):
                if value.id in positions:
                    self.state.repos[positions[value.id]] = value
                else:
                    positions[value.id] = len(self.state.repos)
                    self.state.repos.append(value)
        self.state.repos_replaced()
        self._repo_ids = [repo.id for repo in self.state.repos]
        self._generation = generation

    def _load_everything(self) -> None:
        fresh = SandboxState()
        self.state.replace_with(fresh)
        self._saved = {}
        repos: list[RepoState] = []
        for key, data in self._db.execute("SELECT key, data FROM rows").fetchall():
            value = self._decode_row(key, data)
            if isinstance(value, RepoState):
                repos.append(value)
        # Ids are handed out in creation order, the order GitHub lists repositories in.
        self.state.repos = sorted(repos, key=lambda repo: repo.id)
        self.state.repos_replaced()
        self._repo_ids = [repo.id for repo in self.state.repos]
        self._generation = self._meta("generation") or 0
        self._stale = False

    def _decode_row(self, key: str, data: str) -> RepoState | None:
        """Apply a field row to the state and return None, or return a repository row's repository."""
        try:
            value = json.loads(data)
            if key.startswith(REPO):
                repo: RepoState = decode(RepoState, value)
                self._saved[key] = _digest(data)
                return repo
            name = key.removeprefix(FIELD)
            if name in self._fields:  # a field this version does not know is left alone
                setattr(self.state, name, decode(self._fields[name], value))
                self._saved[key] = _digest(data)
        except (TypeError, ValueError, KeyError) as exc:
            raise StateFileError(f"sandbox state file {self.path}: row {key!r} is not valid: {exc}") from exc
        return None

    # -- writing --------------------------------------------------------------------------

    def _write_changes(self, compare: Compare) -> Callable[[], None]:
        """Write the rows that differ from what this process last saw; return what to
        remember once the transaction has committed."""
        repo_ids = [repo.id for repo in self.state.repos]
        # Comparing ids is cheap; only when they differ are rows added or removed.
        same_repos = repo_ids == self._repo_ids
        upserts = self._changed_rows(compare, same_repos)
        removed: list[str] = []
        if not same_repos:
            present = {f"{REPO}{repo_id}" for repo_id in repo_ids}
            removed = [key for key in self._saved if key.startswith(REPO) and key not in present]
        if not upserts and not removed:
            return _nothing
        generation = self._generation + 1
        self._db.executemany(
            "INSERT INTO rows (key, version, data) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET version = excluded.version, data = excluded.data",
            [(key, generation, text) for key, text in upserts.items()],
        )
        if removed:
            self._db.executemany("DELETE FROM rows WHERE key = ?", [(key,) for key in removed])
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'removed'", (generation,))
        self._db.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (generation,))

        def remember() -> None:
            for key, text in upserts.items():
                self._saved[key] = _digest(text)
            for key in removed:
                self._saved.pop(key, None)
            self._repo_ids = repo_ids
            self._generation = generation

        return remember

    def _changed_rows(self, compare: Compare, same_repos: bool) -> dict[str, str]:
        rows: dict[str, str] = {}
        wanted = None if compare == "all" else self.state.changed_repo_ids()
        if wanted is None or wanted or not same_repos:
            for repo in self.state.repos:
                key = f"{REPO}{repo.id}"
                if wanted is None or repo.id in wanted or key not in self._saved:
                    self._add_if_changed(rows, key, repo)
        for name in self._fields:
            self._add_if_changed(rows, f"{FIELD}{name}", getattr(self.state, name))
        return rows

    def _add_if_changed(self, rows: dict[str, str], key: str, value: Any) -> None:
        text = _dumps(to_json(value))
        if self._saved.get(key) != _digest(text):
            rows[key] = text


def _nothing() -> None:
    return None


def migrate_json_file(path: Path) -> None:
    """Turn a JSON state file of an older version into a SQLite one in place, keeping its
    state. The new file is made beside it and renamed over it, so a crash leaves one or the
    other."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StateFileError(f"cannot read sandbox state from {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise StateFileError(f"sandbox state file {path} does not hold a JSON object")
    try:
        state = SandboxState.from_json(data)
    except (TypeError, ValueError, KeyError) as exc:
        raise StateFileError(f"sandbox state file {path} is not valid: {exc}") from exc
    temporary = path.with_name(f".{path.name}.{os.getpid()}.migrating")
    for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
        leftover.unlink(missing_ok=True)
    try:
        StateStore.open(temporary, lambda: state).close()
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
