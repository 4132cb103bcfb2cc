"""The fleet's status as GitHub-flavoured Markdown, for a job summary or an issue."""

from __future__ import annotations

from reconciler.fleet.document import LabelledPull, RepositoryStatus, StatusDocument
from reconciler.fleet.runs import duration_text
from reconciler.fleet.text import last_run_text, limits_text, loop_runs, packs_text, percent, totals_lines

_ICONS = {"converged": "✅", "drifted": "⚠️", "not installed": "⏳", "unknown": "❌"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _link(text: str, url: str) -> str:
    return f"[{_cell(text).replace('[', '(').replace(']', ')')}]({url})"


def _pulls(pulls: tuple[LabelledPull, ...]) -> str:
    return " ".join(_link(f"#{p.number}", p.url) for p in pulls) or "-"


def _row(repository: RepositoryStatus) -> str:
    runs = loop_runs(repository.agent_loops)
    last = last_run_text(runs)
    if runs is not None and runs.last_run is not None:
        last = _link(last, runs.last_run.url)
    loops = ", ".join(loop.state for loop in repository.agent_loops) or "-"
    stop = "?" if repository.stop_file is None else ("**STOP**" if repository.stop_file else "-")
    cells = [
        _link(repository.repository, repository.url),
        f"{_ICONS[repository.state]} {_cell(packs_text(repository))}",
        loops,
        stop,
        str(runs.runs) if runs else "-",
        str(runs.succeeded) if runs else "-",
        str(runs.failed) if runs else "-",
        str(runs.cancelled) if runs else "-",
        percent(runs.success_rate) if runs else "-",
        duration_text(runs.median_duration_seconds) if runs else "-",
        last,
        _pulls(repository.security_pulls),
        _pulls(repository.handoff_pulls),
        _cell(limits_text(repository.limits)),
    ]
    return "| " + " | ".join(cells) + " |"


def render_status_markdown(document: StatusDocument) -> str:
    lines = ["# reconciler status", ""]
    lines += [f"- {_cell(line)}" for line in totals_lines(document)]
    lines += [f"- Read {document.created_at:%Y-%m-%d %H:%M:%S} UTC from {document.github_url} by {document.generator}"]
    lines.append("")
    waiting = [r for r in document.repositories if r.needs_person]
    if waiting:
        lines += ["## Needs a person", ""]
        for repository in waiting:
            lines.append(f"- **{_link(repository.repository, repository.url)}**")
            lines += [f"  - {reason}" for reason in repository.needs_person]
        lines.append("")
    lines += [
        "## Repositories",
        "",
        "| Repository | Packs | Agent loop | STOP | Runs | OK | Failed | Cancelled | Success | Median | Last run "
        "| Security review | Handoff | Limits |",
        "|---|---|---|---|--:|--:|--:|--:|--:|--:|---|---|---|---|",
    ]
    lines += [_row(repository) for repository in document.repositories]
    return "\n".join(lines) + "\n"
