from __future__ import annotations

from reconciler.plan.model import Plan


def render_json(plan: Plan) -> str:
    return plan.model_dump_json(indent=2) + "\n"
