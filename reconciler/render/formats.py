"""A plan in the format the user asked for: text at a terminal, JSON, or Markdown."""

from __future__ import annotations

from rich.console import Console

from reconciler.plan.model import Plan
from reconciler.render.json_out import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_plan

PLAN_FORMATS = ("text", "json", "markdown")


def show_plan(plan: Plan, output_format: str, out: Console) -> None:
    if output_format == "json":
        out.file.write(render_json(plan))
    elif output_format == "markdown":
        out.file.write(render_markdown(plan))
    else:
        render_plan(plan, out)
