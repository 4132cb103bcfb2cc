"""Files that desired state copies into repositories (workflow bodies), read and checked once.

A source is read when the desired state is loaded, so planning never touches the disk and a
missing or broken source is a validation error, not a failed apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from reconciler.desired.yaml_source import SourceRef, display_path
from reconciler.errors import Problem


@dataclass
class WorkflowSources:
    """Reads each workflow source once, however many repositories use it."""

    root: Path
    _seen: dict[Path, tuple[bytes | None, list[Problem]]] = field(default_factory=dict)

    def read(self, source: str, used_at: SourceRef, loc: str) -> tuple[bytes | None, list[Problem]]:
        path = (self.root / source).resolve()
        if not path.is_relative_to(self.root.resolve()):
            return None, [_problem(used_at, loc, f"{source!r} is outside the desired-state directory")]
        if path not in self._seen:
            self._seen[path] = self._load(path)
        content, problems = self._seen[path]
        if content is None and not problems:
            return None, [_problem(used_at, loc, f"source {source!r} does not exist under {self.root}")]
        return content, problems

    def _load(self, path: Path) -> tuple[bytes | None, list[Problem]]:
        if not path.is_file():
            return None, []
        data = path.read_bytes()
        return data, check_workflow(path, data)


def _problem(ref: SourceRef, loc: str, message: str) -> Problem:
    return Problem(ref.file, ref.line, ref.column, loc, message)


def check_workflow(path: Path, data: bytes) -> list[Problem]:
    """The checks GitHub would fail the file on before running anything."""
    shown = display_path(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Problem(shown, 1, 1, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    try:
        document = YAML(typ="safe").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return [Problem(shown, line, column, "", f"not valid YAML: {exc.problem}")]
    except YAMLError as exc:
        return [Problem(shown, 1, 1, "", f"not valid YAML: {exc}")]
    if not isinstance(document, dict):
        return [Problem(shown, 1, 1, "", "a workflow must be a mapping with 'on' and 'jobs'")]
    problems = []
    for key in ("on", "jobs"):
        if key not in document:
            problems.append(Problem(shown, 1, 1, key, f"a workflow needs a top-level {key!r} key"))
    jobs = document.get("jobs")
    if "jobs" in document and (not isinstance(jobs, dict) or not jobs):
        problems.append(Problem(shown, 1, 1, "jobs", "'jobs' must map job ids to jobs"))
    return problems
