"""What GitHub would refuse a workflow file for, before running anything.

The same rule judges a workflow source when the desired state loads, a live file `verify`
reads, and a live file `import` is about to copy.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from reconciler.desired.yaml_limits import YamlLimitExceeded, bounded_yaml, decode_bounded
from reconciler.desired.yaml_source import display_path
from reconciler.errors import Problem


def check_workflow(path: Path, data: bytes) -> list[Problem]:
    """The checks GitHub would fail the file on before running anything."""
    shown = display_path(path)
    try:
        # Bounded: the file may come from a server (verify and import read live ones).
        document = bounded_yaml("safe").load(decode_bounded(data))
    except YamlLimitExceeded as exc:
        return [Problem(shown, exc.line, exc.column, "", exc.message)]
    except UnicodeDecodeError as exc:
        return [Problem(shown, 1, 1, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
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
