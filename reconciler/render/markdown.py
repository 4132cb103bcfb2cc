"""Plans as GitHub-flavoured Markdown, for pull-request comments and step summaries."""

from __future__ import annotations

import re

from reconciler.plan.model import Action, Change, Plan
from reconciler.render.summary import failure_line, field_changes, summary_line, title

_ICONS = {
    Action.CREATE: "➕ create",  # noqa: RUF001 - an emoji, on purpose
    Action.UPDATE: "✏️ update",
    Action.RENAME: "🔀 rename",
    Action.DELETE: "🗑️ delete",
    Action.NOOP: "noop",
}


def _icon(change: Change) -> str:
    return "⚠️ needs attention" if change.attention is not None else _ICONS[change.action]


def _code(text: str) -> str:
    """Inline code that survives backticks and pipes inside table cells."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    body = text.replace("|", "\\|")
    return f"{fence}{pad}{body}{pad}{fence}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _details(change: Change) -> str:
    parts = []
    for key, old, new in field_changes(change):
        shown_new = _code(str(new)) if new not in (None, "") else "*(empty)*"
        if change.action is Action.CREATE:
            parts.append(f"{key} {shown_new}")
        else:
            shown_old = _code(str(old)) if old not in (None, "") else "*(empty)*"
            parts.append(f"{key} {shown_old} → {shown_new}")
    parts.append(_cell(change.reason))
    if change.attention is not None:
        parts.append(f"**needs attention:** {_cell(change.attention)}")
    return "<br>".join(parts)


def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside, so the diff cannot close it early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _fenced_diff(change: Change) -> list[str]:
    assert change.diff is not None
    fence = _fence(change.diff)
    return [
        f"<details><summary>diff of <code>{change.key}</code></summary>",
        "",
        f"{fence}diff",
        change.diff.rstrip("\n"),
        fence,
        "",
        "</details>",
        "",
    ]


def render_markdown(plan: Plan) -> str:
    counts_by_repo = {repo: [c for c in plan.for_repository(repo) if c.is_change] for repo in plan.repositories}
    lines = ["### reconciler plan", "", f"**{summary_line(plan)}**", ""]
    failures = failure_line(plan)
    if failures:
        lines += [f"> [!WARNING]\n> {failures}", ""]
        lines += [f"- {_code(f.repository)}: {_cell(f.error)}" for f in plan.failures]
        lines.append("")
    deletions = [c for c in plan.actionable if c.action is Action.DELETE]
    if deletions:
        lines += ["> [!CAUTION]", f"> This plan deletes {len(deletions)} object(s):"]
        lines += [f"> - {_code(c.repository)} {c.kind} {_code(title(c))}" for c in deletions]
        lines.append("")
    attention = plan.needs_attention
    if attention:
        lines += ["> [!IMPORTANT]", f"> {len(attention)} change(s) need a person; apply cannot make them:"]
        lines += [
            f"> - {_code(c.repository)} {c.kind} {_code(title(c))}: {_cell(c.attention or '')}" for c in attention
        ]
        lines.append("")
    touched = [repo for repo, changes in counts_by_repo.items() if changes]
    if not touched:
        return "\n".join(lines).rstrip() + "\n"
    lines += ["| Repository | Create | Update | Rename | Delete |", "|---|---:|---:|---:|---:|"]
    for repo in touched:
        changes = counts_by_repo[repo]
        # As in the summary line: changes a person must make are not counted as apply's.
        n = {a: sum(1 for c in changes if c.action is a and c.attention is None) for a in Action}
        counts = " | ".join(str(n[a]) for a in (Action.CREATE, Action.UPDATE, Action.RENAME, Action.DELETE))
        lines.append(f"| {_code(repo)} | {counts} |")
    lines.append("")
    for repo in touched:
        changes = counts_by_repo[repo]
        lines += [
            f"<details><summary><code>{repo}</code>: {len(changes)} change(s)</summary>",
            "",
            "| Action | Kind | Name | Details |",
            "|---|---|---|---|",
        ]
        lines += [f"| {_icon(c)} | {c.kind} | {_code(title(c))} | {_details(c)} |" for c in changes]
        lines.append("")
        for change in changes:
            if change.diff:
                lines += _fenced_diff(change)
        lines += ["</details>", ""]
    return "\n".join(lines).rstrip() + "\n"
