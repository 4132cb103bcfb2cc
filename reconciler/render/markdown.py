"""Plans as GitHub-flavoured Markdown, for pull-request comments, issues and step summaries.

GitHub refuses a comment or issue body over 65,536 characters, so the Markdown has a size
limit. When the full plan does not fit, it sheds detail step by step (diffs, then the
per-change tables, then the lists of deletions and attention items) and says where the
full plan is. The summary table, with every repository's counts, goes last; as a last
resort its tail is cut with a count of what was left out. Rendering never raises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import IntEnum

from reconciler.plan.model import Action, Change, Plan
from reconciler.render.summary import estimate_line, failure_line, field_changes, summary_line

# GitHub's limit is 65,536 characters; keep room for a marker and a heading around the plan.
DEFAULT_LIMIT = 65_000
HEADING = "### reconciler plan"
_COUNTED = (Action.CREATE, Action.UPDATE, Action.RENAME, Action.DELETE)
# In shortened plans, deletions and attention items are listed up to this many, then counted.
_LISTED_WHEN_SHORT = 20

_ICONS = {
    Action.CREATE: "➕ create",  # noqa: RUF001 - an emoji, on purpose
    Action.UPDATE: "✏️ update",
    Action.RENAME: "🔀 rename",
    Action.DELETE: "🗑️ delete",
    Action.NOOP: "noop",
}


class Detail(IntEnum):
    """How much of the plan a rendering shows, most first."""

    FULL = 0
    NO_DIFFS = 1
    NO_CHANGE_TABLES = 2
    SUMMARY = 3


def _icon(change: Change) -> str:
    return "⚠️ needs attention" if change.attention is not None else _ICONS[change.action]


def cell(text: str) -> str:
    """Text that stays inside one Markdown table cell: pipes escaped, lines joined."""
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """Inline code that survives backticks and pipes inside table cells."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{cell(text)}{pad}{fence}"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _details(change: Change) -> str:
    parts = []
    for key, old, new in field_changes(change):
        shown_new = _code(str(new)) if new not in (None, "") else "*(empty)*"
        if change.action is Action.CREATE:
            parts.append(f"{key} {shown_new}")
        else:
            shown_old = _code(str(old)) if old not in (None, "") else "*(empty)*"
            parts.append(f"{key} {shown_old} → {shown_new}")
    parts.append(cell(change.reason_text))
    if change.attention is not None:
        parts.append(f"**needs attention:** {cell(change.attention)}")
    return "<br>".join(parts)


def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside, so the diff cannot close it early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _fenced_diff(change: Change, diff: str) -> list[str]:
    fence = _fence(diff)
    return [
        f"<details><summary>diff of <code>{_html(change.key)}</code></summary>",
        "",
        f"{fence}diff",
        diff.rstrip("\n"),
        fence,
        "",
        "</details>",
        "",
    ]


def _counts(changes: Sequence[Change]) -> str:
    # As in the summary line: changes a person must make are counted apart from apply's.
    by_action = {a: sum(1 for c in changes if c.action is a and c.attention is None) for a in _COUNTED}
    attention = sum(1 for c in changes if c.attention is not None)
    return " | ".join([*(str(by_action[a]) for a in _COUNTED), str(attention)])


def _listed(items: list[str], limit: int | None) -> list[str]:
    if limit is None or len(items) <= limit:
        return items
    return [*items[:limit], f"> - … and {len(items) - limit} more"]


def _callouts(plan: Plan, detail: Detail) -> list[str]:
    """Failures, deletions and changes for a person: the things a reviewer must not miss."""
    limit = None if detail <= Detail.NO_CHANGE_TABLES else _LISTED_WHEN_SHORT
    lines: list[str] = []
    failures = failure_line(plan)
    if failures:
        lines += ["> [!WARNING]", f"> {failures}"]
        lines += _listed([f"> - {_code(f.repository)}: {cell(f.error)}" for f in plan.failures], limit)
        lines.append("")
    deletions = [c for c in plan.actionable if c.action is Action.DELETE]
    if deletions:
        lines += ["> [!CAUTION]", f"> This plan deletes {len(deletions)} object(s):"]
        lines += _listed([f"> - {_code(c.repository)} {c.kind} {_code(c.title)}" for c in deletions], limit)
        lines.append("")
    attention = plan.needs_attention
    if attention:
        lines += ["> [!IMPORTANT]", f"> {len(attention)} change(s) need a person; apply cannot make them:"]
        items = [f"> - {_code(c.repository)} {c.kind} {_code(c.title)}: {cell(c.attention or '')}" for c in attention]
        lines += _listed(items, limit)
        lines.append("")
    return lines


def _summary_table(touched: dict[str, list[Change]]) -> list[str]:
    lines = [
        "| Repository | Create | Update | Rename | Delete | Needs attention |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [f"| {_code(repo)} | {_counts(changes)} |" for repo, changes in touched.items()]
    return [*lines, ""]


def _repository_details(repo: str, changes: list[Change], detail: Detail) -> list[str]:
    lines = [
        f"<details><summary><code>{_html(repo)}</code>: {len(changes)} change(s)</summary>",
        "",
        "| Action | Kind | Name | Details |",
        "|---|---|---|---|",
    ]
    lines += [f"| {_icon(c)} | {c.kind} | {_code(c.title)} | {_details(c)} |" for c in changes]
    lines.append("")
    if detail is Detail.FULL:
        for change in changes:
            if change.diff:
                lines += _fenced_diff(change, change.diff)
    return [*lines, "</details>", ""]


def shortened_note(detail: Detail, artifact_hint: str | None) -> str:
    left_out = {
        Detail.NO_DIFFS: "workflow diffs are left out",
        Detail.NO_CHANGE_TABLES: "only the summary is shown",
        Detail.SUMMARY: "only the summary is shown",
    }.get(detail, "it is shortened")
    where = f" ({artifact_hint})" if artifact_hint else ""
    return f"> [!NOTE]\n> The full plan did not fit in a comment: download the plan artifact{where}. Here {left_out}."


def _render(plan: Plan, detail: Detail, artifact_hint: str | None) -> str:
    lines = [HEADING, "", f"**{summary_line(plan)}**", ""]
    estimate = estimate_line(plan)
    if estimate is not None:
        lines += [estimate, ""]
    if detail is not Detail.FULL:
        lines += [shortened_note(detail, artifact_hint), ""]
    lines += _callouts(plan, detail)
    touched = {repo: [c for c in changes if c.is_change] for repo, changes in plan.by_repository().items()}
    touched = {repo: changes for repo, changes in touched.items() if changes}
    if touched:
        lines += _summary_table(touched)
        if detail <= Detail.NO_DIFFS:
            for repo, changes in touched.items():
                lines += _repository_details(repo, changes, detail)
    return "\n".join(lines).rstrip() + "\n"


def _cut(text: str, limit: int) -> str:
    """Whole lines of `text` that fit in `limit` with a line saying how many were left out."""
    lines = text.splitlines()
    kept: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        tail = f"\n*… {len(lines) - index} more line(s) left out: see the plan artifact.*\n"
        if size + len(line) + 1 + len(tail) > limit:
            return ("\n".join(kept) + tail)[:limit]
        kept.append(line)
        size += len(line) + 1
    return text[:limit]


def render_markdown(plan: Plan, limit: int = DEFAULT_LIMIT, artifact_hint: str | None = None) -> str:
    """The plan in at most `limit` characters, with as much detail as fits."""
    for detail in Detail:
        text = _render(plan, detail, artifact_hint)
        if len(text) <= limit:
            return text
    return _cut(text, max(limit, 0))
