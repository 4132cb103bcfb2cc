"""The fleet's status as one self-contained HTML page: styles inline, charts as inline SVG.

Nothing is fetched when the page opens (no script, font, image or stylesheet from anywhere), so
it can be mailed, attached to a workflow run or opened offline; the only addresses in it are
links to the repositories, runs and pull requests on GitHub.
"""

from __future__ import annotations

from html import escape

from reconciler.fleet.document import LabelledPull, RepositoryStatus, StatusDocument
from reconciler.fleet.runs import duration_text
from reconciler.fleet.svg import runs_per_day, success_rate_per_day
from reconciler.fleet.text import last_run_text, limits_text, loop_runs, percent, totals_lines

_STYLE = """
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 24px; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 24px 0 8px; }
.totals { color: #59636e; margin: 0 0 12px; padding-left: 18px; }
.charts { display: flex; gap: 32px; flex-wrap: wrap; }
.charts figure { margin: 0; } figcaption { color: #59636e; font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d0d7de; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.state { border-radius: 10px; padding: 1px 8px; font-size: 12px; white-space: nowrap; }
.converged, .enabled { background: #dafbe1; color: #116329; }
.drifted, .disabled { background: #fff8c5; color: #7d4e00; }
.not-installed { background: #ddf4ff; color: #0550ae; }
.unknown, .missing, .stop { background: #ffebe9; color: #a40e26; }
tr.person td:first-child { border-left: 4px solid #cf222e; }
.person-list li { margin-bottom: 4px; } .muted { color: #59636e; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
""".strip()


def _a(text: str, url: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'


def _badge(state: str) -> str:
    return f'<span class="state {escape(state.replace(" ", "-"))}">{escape(state)}</span>'


def _pulls(pulls: tuple[LabelledPull, ...]) -> str:
    return " ".join(_a(f"#{p.number}", p.url) for p in pulls) or '<span class="muted">-</span>'


def _row(repository: RepositoryStatus) -> str:
    runs = loop_runs(repository.agent_loops)
    last = escape(last_run_text(runs))
    if runs is not None and runs.last_run is not None:
        last = _a(last_run_text(runs), runs.last_run.url)
    packs = "<br>".join(f"{escape(p.name)} {_badge(p.state)}" for p in repository.packs) or _badge(repository.state)
    loops = " ".join(_badge(loop.state) for loop in repository.agent_loops) or '<span class="muted">none</span>'
    stop = '<span class="muted">?</span>' if repository.stop_file is None else "-"
    if repository.stop_file:
        stop = '<span class="state stop">STOP</span>'
    chart = (
        runs_per_day(runs.days, width=120, height=28, label=f"{repository.repository}: runs per day") if runs else ""
    )
    cells = [
        _a(repository.repository, repository.url),
        packs,
        loops,
        stop,
        f'<td class="n">{runs.runs if runs else "-"}</td>',
        f'<td class="n">{runs.succeeded if runs else "-"}</td>',
        f'<td class="n">{runs.failed if runs else "-"}</td>',
        f'<td class="n">{runs.cancelled if runs else "-"}</td>',
        f'<td class="n">{percent(runs.success_rate) if runs else "-"}</td>',
        f'<td class="n">{duration_text(runs.median_duration_seconds) if runs else "-"}</td>',
        last,
        chart,
        _pulls(repository.security_pulls),
        _pulls(repository.handoff_pulls),
        escape(limits_text(repository.limits)),
    ]
    shown = "".join(cell if cell.startswith("<td") else f"<td>{cell}</td>" for cell in cells)
    return f'<tr class="{"person" if repository.needs_person else ""}">{shown}</tr>'


def _person_list(document: StatusDocument) -> str:
    waiting = [r for r in document.repositories if r.needs_person]
    if not waiting:
        return "<h2>Needs a person</h2><p>Nothing: every repository can be left to itself.</p>"
    items = []
    for repository in waiting:
        reasons = "".join(f"<li>{escape(reason)}</li>" for reason in repository.needs_person)
        items.append(f"<li><strong>{_a(repository.repository, repository.url)}</strong><ul>{reasons}</ul></li>")
    return f'<h2>Needs a person</h2><ul class="person-list">{"".join(items)}</ul>'


def render_status_html(document: StatusDocument) -> str:
    days = document.totals.runs.days
    headers = (
        "Repository",
        "Packs",
        "Agent loop",
        "STOP",
        "Runs",
        "OK",
        "Failed",
        "Cancelled",
        "Success",
        "Median",
        "Last run",
        "Runs per day",
        "Security review",
        "Handoff",
        "Limits",
    )
    totals = "".join(f"<li>{escape(line)}</li>" for line in totals_lines(document))
    rows = "".join(_row(r) for r in document.repositories)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>reconciler status {document.created_at:%Y-%m-%d %H:%M} UTC</title>",
            f"<style>{_STYLE}</style></head><body>",
            "<h1>Fleet status</h1>",
            f'<ul class="totals">{totals}</ul>',
            '<div class="charts">',
            f"<figure>{runs_per_day(days, width=320, height=80, label='fleet: agent-loop runs per day')}"
            "<figcaption>Agent-loop runs per day: succeeded, failed, other</figcaption></figure>",
            f"<figure>{success_rate_per_day(days, width=320, height=80, label='fleet: success rate per day')}"
            "<figcaption>Success rate per day (of finished runs)</figcaption></figure>",
            "</div>",
            _person_list(document),
            "<h2>Repositories</h2>",
            "<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in headers) + f"</tr></thead><tbody>{rows}</tbody>",
            "</table>",
            f'<p class="muted">Read {document.created_at:%Y-%m-%d %H:%M:%S} UTC from {escape(document.github_url)} '
            f"by {escape(document.generator)}; desired state {escape(document.desired_path)}.</p>",
            "</body></html>",
        ]
    )
