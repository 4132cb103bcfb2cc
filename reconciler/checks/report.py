"""Health reports (`reconciler verify`): a table for the terminal, Markdown for the report file."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reconciler.checks.model import Check, Finding, HealthReport, Status
from reconciler.render.markdown import cell, render_markdown

_STYLES = {Status.OK: "green", Status.DRIFT: "yellow", Status.BROKEN: "bold red", Status.SKIPPED: "dim"}
_ICONS = {Status.OK: "✅ ok", Status.DRIFT: "⚠️ drift", Status.BROKEN: "❌ broken", Status.SKIPPED: "⏭️ skipped"}
_HEADLINES = {
    Status.OK: "healthy",
    Status.DRIFT: "drift",
    Status.BROKEN: "broken",
    Status.SKIPPED: "healthy",
}
_OVERALL = {Status.OK: "✅ healthy", Status.DRIFT: "⚠️ drift", Status.BROKEN: "❌ broken", Status.SKIPPED: "✅ healthy"}
_MEANING = {
    Status.OK: "live GitHub matches the desired state and reconciler can keep it so.",
    Status.SKIPPED: "live GitHub matches the desired state and reconciler can keep it so.",
    Status.DRIFT: "live GitHub differs from the desired state: `reconciler apply` makes it match, "
    "except what needs a person (listed below).",
    Status.BROKEN: "something stops reconciler from checking or fixing the repositories: fix what is "
    "marked broken, then run verify again.",
}


def headline(report: HealthReport) -> str:
    return f"{_HEADLINES[report.status]} (exit {report.exit_code})"


def _finding_line(check: Check, finding: Finding) -> Text:
    line = Text("    ")
    line.append(f"{finding.status.value:<6}", style=_STYLES[finding.status])
    line.append(f" {check.name}: ", style="bold")
    line.append(finding.text.replace("`", ""))
    return line


def render_health(report: HealthReport, console: Console) -> None:
    table = Table(title=None, show_lines=False, expand=False)
    table.add_column("Check", style="bold", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Detail", overflow="fold")
    for check in report.checks:
        table.add_row(check.name, Text(check.status.value, style=_STYLES[check.status]), check.detail.replace("`", ""))
    console.print(table)
    grouped = report.findings_by_repository()
    for repository in sorted(grouped, key=lambda r: (r is not None, r or "")):
        console.print(Text(repository or "General", style="bold underline"), soft_wrap=True)
        for check, finding in grouped[repository]:
            console.print(_finding_line(check, finding), soft_wrap=True)
    notes = [(check, note) for check in report.checks for note in check.notes]
    if notes:
        console.print(Text("Notes", style="bold underline"))
        for check, note in notes:
            console.print(Text(f"    {check.name}: {note.replace('`', '')}", style="yellow"), soft_wrap=True)
    console.print()
    style = _STYLES[report.status]
    console.print(Text(f"Health: {headline(report)}", style=style), soft_wrap=True)
    if report.status is Status.DRIFT:
        console.print(Text("`reconciler plan` shows every change; `reconciler apply` makes them.", style="dim"))


def render_health_markdown(report: HealthReport) -> str:
    status = report.status
    lines = [
        f"# reconciler verify: {_HEADLINES[status]}",
        "",
        f"- **Overall:** {_OVERALL[status]} (exit {report.exit_code}): {_MEANING[status]}",
        f"- **Date:** {report.created_at:%Y-%m-%d %H:%M:%S} UTC",
        f"- **GitHub:** {report.github_url}",
        f"- **Made by:** {report.generator}",
        "",
        "## Checks",
        "",
        "| Check | Status | Detail |",
        "|---|---|---|",
    ]
    lines += [f"| {c.name} | {_ICONS[c.status]} | {cell(c.detail)} |" for c in report.checks]
    lines.append("")
    grouped = report.findings_by_repository()
    if grouped:
        lines += ["## Findings by repository", ""]
        for repository in sorted(grouped, key=lambda r: (r is not None, r or "")):
            lines += [f"### `{repository}`" if repository else "### General", ""]
            lines += [f"- {_ICONS[f.status]} **{c.name}:** {f.text}" for c, f in grouped[repository]]
            lines.append("")
    notes = [(check, note) for check in report.checks for note in check.notes]
    if notes:
        lines += ["## Notes", ""]
        lines += [f"- **{check.name}:** {note}" for check, note in notes]
        lines.append("")
    lines += ["## Plan", ""]
    if report.plan is not None:
        lines.append(render_markdown(report.plan).rstrip("\n"))
    else:
        lines.append(f"No plan: {report.plan_missing or 'not made'}.")
    return "\n".join(lines).rstrip() + "\n"
