"""Small inline SVG charts of runs per day: no script, no stylesheet, no URL.

Inline SVG in HTML5 needs no namespace declaration, so a chart carries no address at all and
the page stays readable offline. Each bar has a `<title>`, which browsers show on hover.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from reconciler.fleet.document import DayFigures

SUCCEEDED = "#2da44e"
FAILED = "#cf222e"
OTHER = "#8c959f"
AXIS = "#d0d7de"
RATE = "#0969da"


def _svg(width: int, height: int, label: str, body: Sequence[str]) -> str:
    return (
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}">' + "".join(body) + "</svg>"
    )


def _rect(x: float, y: float, width: float, height: float, fill: str, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}">'
        f"<title>{escape(title)}</title></rect>"
    )


def runs_per_day(days: Sequence[DayFigures], *, width: int = 240, height: int = 60, label: str = "") -> str:
    """Stacked bars, one a day: succeeded (green), failed (red), the rest (grey)."""
    top = max((d.runs for d in days), default=0) or 1
    slot = width / max(1, len(days))
    bar = max(1.0, slot * 0.7)
    body = [f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" stroke="{AXIS}"/>']
    for index, day in enumerate(days):
        x = index * slot + (slot - bar) / 2
        base = float(height - 1)
        other = day.runs - day.succeeded - day.failed
        words = f"{day.day}: {day.runs} runs, {day.succeeded} succeeded, {day.failed} failed, {other} other"
        for count, colour in ((day.succeeded, SUCCEEDED), (day.failed, FAILED), (other, OTHER)):
            if count <= 0:
                continue
            tall = (height - 2) * count / top
            base -= tall
            body.append(_rect(x, base, bar, tall, colour, words))
        if day.runs == 0:
            body.append(_rect(x, height - 2, bar, 1, AXIS, f"{day.day}: no runs"))
    return _svg(width, height, label or "runs per day", body)


def success_rate_per_day(days: Sequence[DayFigures], *, width: int = 240, height: int = 60, label: str = "") -> str:
    """Bars of each day's success rate (succeeded / finished), 0 to 100%; a day without a
    finished run has none."""
    slot = width / max(1, len(days))
    bar = max(1.0, slot * 0.7)
    body = [
        f'<line x1="0" y1="0.5" x2="{width}" y2="0.5" stroke="{AXIS}" stroke-dasharray="2,2"/>',
        f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" stroke="{AXIS}"/>',
    ]
    for index, day in enumerate(days):
        finished = day.succeeded + day.failed
        if not finished:
            continue
        rate = day.succeeded / finished
        tall = max(1.0, (height - 2) * rate)
        colour = SUCCEEDED if rate >= 0.9 else (RATE if rate >= 0.5 else FAILED)
        words = f"{day.day}: {rate:.0%} of {finished} finished runs succeeded"
        body.append(_rect(index * slot + (slot - bar) / 2, height - 1 - tall, bar, tall, colour, words))
    return _svg(width, height, label or "success rate per day", body)
