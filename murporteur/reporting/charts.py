"""Charts drawn on the server as SVG: no JavaScript, nothing fetched from elsewhere.

Each chart is an image for assistive technologies (``role="img"``, a label, a title and a
description saying where its numbers are written); the page puts the same numbers in a table
next to it, which is what screen readers read. Colours and fonts are attributes, never
``style``: the CSP allows no inline style.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Colours with a contrast of at least 4.5:1 on white (the values are written next to bars).
PALETTE = ("#6a2c91", "#1d70b8", "#00703c", "#b34700", "#505a5f", "#912b88")
FONT = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="13"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    colour: str | None = None


def _fmt(value: int) -> str:
    return str(value)


def _short(text: str, length: int = 32) -> str:
    text = str(text)
    return text if len(text) <= length else text[:length - 1] + "…"


def _svg(width: int, height: int, title: str, body: list[str], desc: str = "") -> Markup:
    title = escape(str(title))
    described = f"<desc>{escape(str(desc))}</desc>" if desc else ""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{title}" {FONT}>'
        f'<title>{title}</title>{described}{"".join(body)}</svg>')


def _text(x: float, y: float, text, anchor: str = "start", weight: str = "normal",
          fill: str = "#1e1e1e") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}">{escape(str(text))}</text>')


def _rect(x: float, y: float, width: float, height: float, colour: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
            f'height="{height:.1f}" fill="{colour}"/>')


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    parts = []
    for index, s in enumerate(series):
        colour = s.colour or PALETTE[index % len(PALETTE)]
        parts += [_rect(x, y - 10, 12, 12, colour), _text(x + 18, y, s.name)]
        x += 30 + 8 * len(str(s.name))
    return parts


def funnel(title: str, steps: Sequence[tuple[str, int]], width: int = 640,
           desc: str = "") -> Markup:
    """One centred bar per step, as wide as its count: the funnel from idea to convention."""
    label_width, row, bar_height = 230, 40, 26
    area = width - label_width - 60
    top = max((value for _label, value in steps), default=0) or 1
    body = []
    for index, (label, value) in enumerate(steps):
        y = 10 + index * row
        bar = area * value / top
        x = label_width + (area - bar) / 2
        body += [_text(0, y + 18, _short(label)),
                 _rect(x, y, bar, bar_height, PALETTE[0]),
                 _text(label_width + area + 10, y + 18, value, weight="bold")]
    return _svg(width, 20 + row * len(steps), title, body, desc)


def horizontal_bars(title: str, labels: Sequence[str], series: Sequence[Series],
                    fmt: Callable[[int], str] = _fmt, width: int = 640,
                    desc: str = "") -> Markup:
    """For each label, one bar per series (e.g. euros committed, paid, in kind)."""
    label_width, bar_height, gap = 200, 16, 14
    area = width - label_width - 130
    top = max((v for s in series for v in s.values), default=0) or 1
    legend = 28 if len(series) > 1 else 0
    body = _legend(series, label_width, 16) if legend else []
    group = bar_height * len(series) + gap
    for index, label in enumerate(labels):
        y = legend + 8 + index * group
        body.append(_text(0, y + bar_height * len(series) / 2 + 5, _short(label, 28)))
        for rank, s in enumerate(series):
            value = s.values[index]
            colour = s.colour or PALETTE[rank % len(PALETTE)]
            bar = area * value / top
            top_y = y + rank * bar_height
            body += [_rect(label_width, top_y, bar, bar_height - 2, colour),
                     _text(label_width + bar + 6, top_y + bar_height - 4, fmt(value))]
    return _svg(width, legend + 16 + group * max(len(labels), 1), title, body, desc)


def columns(title: str, labels: Sequence[str], series: Sequence[Series],
            fmt: Callable[[int], str] = _fmt, width: int = 640, height: int = 260,
            desc: str = "") -> Markup:
    """Vertical bars side by side for each label (e.g. the quarters of a year)."""
    legend, bottom, left = 30, 30, 10
    plot = height - legend - bottom - 20
    top = max((v for s in series for v in s.values), default=0) or 1
    slot = (width - left) / max(len(labels), 1)
    bar = min(40.0, (slot - 20) / max(len(series), 1))
    body = _legend(series, left, 16)
    baseline = height - bottom
    body.append(f'<line x1="{left}" y1="{baseline}" x2="{width}" y2="{baseline}" '
                f'stroke="#505a5f"/>')
    for index, label in enumerate(labels):
        x0 = left + index * slot + (slot - bar * len(series)) / 2
        for rank, s in enumerate(series):
            value = s.values[index]
            colour = s.colour or PALETTE[rank % len(PALETTE)]
            h = plot * value / top
            x = x0 + rank * bar
            body += [_rect(x, baseline - h, bar - 4, h, colour),
                     _text(x + (bar - 4) / 2, baseline - h - 4, fmt(value), anchor="middle")]
        body.append(_text(left + index * slot + slot / 2, baseline + 20, label, anchor="middle",
                          weight="bold"))
    return _svg(width, height, title, body, desc)
