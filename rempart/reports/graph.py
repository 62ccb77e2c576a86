"""The coordination graph as an inline SVG: accounts on a circle, a line between two accounts
that acted together (thicker when more often), each named by its handle (escaped).

Example::

    svg = coordination_svg([("1", "2", 3.0)], {"1": "raider_1", "2": "raider_2"})
"""

from __future__ import annotations

import math
from html import escape

__all__ = ["coordination_svg"]


def coordination_svg(
    edges: list[tuple[str, str, float]], names: dict[str, str], size: int = 560
) -> str:
    """``edges`` (account, account, weight) drawn as a graph; ``names`` labels the accounts.

    Only presentation attributes (no ``style``): it renders under a strict CSP."""
    if not edges:
        return ""
    nodes = list(dict.fromkeys(n for a, b, _ in edges for n in (a, b)))
    heaviest = max(w for _, _, w in edges) or 1.0
    centre, radius = size / 2, size / 2 - 90
    at = {
        node: (
            centre + radius * math.cos(2 * math.pi * i / len(nodes)),
            centre + radius * math.sin(2 * math.pi * i / len(nodes)),
        )
        for i, node in enumerate(nodes)
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img" aria-label="coordination graph">'
    ]
    for a, b, w in edges:
        (x1, y1), (x2, y2) = at[a], at[b]
        width = 0.5 + 3.5 * w / heaviest
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#b91c1c" stroke-opacity="0.6" stroke-width="{width:.1f}"/>'
        )
    for node, (x, y) in at.items():
        label = escape((names.get(node) or node)[:40])  # shortened, then escaped
        anchor = "start" if x >= centre else "end"
        dx = 7 if x >= centre else -7
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#1e3a8a"/>')
        parts.append(
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" font-size="11" text-anchor="{anchor}" '
            f'fill="#1b1b1f">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
