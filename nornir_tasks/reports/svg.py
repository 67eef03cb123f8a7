"""Inline SVG charts for the HTML report: tunnel states per host, and per tunnel over time.

Plain SVG text, no script, no external asset: the report stays one file, readable offline.
Every label is escaped; every bar has a ``<title>`` (its tooltip and accessible name).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from nornir_tasks.models.report import HostReport, TunnelCounts, TunnelPoint, TunnelStatus

COLOURS = {
    TunnelStatus.UP: "#2e7d32",
    TunnelStatus.NEGOTIATING: "#f9a825",
    TunnelStatus.DOWN: "#c62828",
}
LABEL_W, BAR_W, COUNT_W, ROW_H, BAR_H, TOP = 170, 380, 110, 24, 16, 28


def _label(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rect(x: float, y: float, w: float, state: TunnelStatus, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{COLOURS[state]}">'
        f"<title>{escape(title)}</title></rect>"
    )


def _legend(y: int) -> str:
    items, x = [], LABEL_W
    for state, colour in COLOURS.items():
        items.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{y + 10}">{state}</text>'
        )
        x += 120
    return "".join(items)


def _svg(width: int, height: int, label: str, body: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" font-size="12" shape-rendering="crispEdges">'
        + "".join(body)
        + "</svg>"
    )


def _fleet_row(i: int, counts: TunnelCounts, host: HostReport, scale: float) -> list[str]:
    y = TOP + i * ROW_H
    parts = [
        f'<text x="{LABEL_W - 8}" y="{y + 12}" text-anchor="end">'
        f"<title>{escape(counts.host)}</title>{escape(_label(counts.host))}</text>"
    ]
    x = float(LABEL_W)
    for state, n in (
        (TunnelStatus.UP, counts.up),
        (TunnelStatus.NEGOTIATING, counts.negotiating),
        (TunnelStatus.DOWN, counts.down),
    ):
        if n:
            parts.append(_rect(x, y, n * scale, state, f"{counts.host}: {n} {state}"))
            x += n * scale
    note = f"{counts.up}/{counts.total} up" if host.reached else str(host.status)
    parts.append(f'<text x="{x + 6:.1f}" y="{y + 12}">{escape(note)}</text>')
    return parts


def fleet_chart(hosts: Sequence[HostReport], counts: Sequence[TunnelCounts]) -> str:
    """Stacked bars, one per host: tunnels up, negotiating, down (same scale for all hosts)."""
    most = max((c.total for c in counts), default=0)
    scale = BAR_W / most if most else 0.0
    body = [_legend(4)]
    for i, (c, h) in enumerate(zip(counts, hosts, strict=True)):
        body += _fleet_row(i, c, h, scale)
    height = TOP + len(counts) * ROW_H + 4
    return _svg(LABEL_W + BAR_W + COUNT_W, height, "Tunnel states per host", body)


def _seconds(at: str) -> float | None:
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _positions(history: Sequence[TunnelPoint]) -> dict[str, float]:
    """Each sample time as seconds; if one cannot be read, the times' sort order instead."""
    times = sorted({s.at for s in history})
    seconds = {at: _seconds(at) for at in times}
    if any(v is None for v in seconds.values()):
        return {at: float(i) for i, at in enumerate(times)}
    return {at: v for at, v in seconds.items() if v is not None}


def _time_labels(start: str, end: str) -> tuple[str, str]:
    """``2026-07-01 05:00 UTC`` and ``06:00`` (the date again only when it changed)."""
    first, last = _seconds(start), _seconds(end)
    if first is None or last is None:
        return start, end
    a, b = datetime.fromtimestamp(first, UTC), datetime.fromtimestamp(last, UTC)
    fmt = "%H:%M" if a.date() == b.date() else "%Y-%m-%d %H:%M"
    return a.strftime("%Y-%m-%d %H:%M UTC"), b.strftime(fmt)


def _axis(y: int, start: str, end: str, end_x: float) -> str:
    right = LABEL_W + BAR_W
    first, last = _time_labels(start, end)
    return (
        f'<line x1="{LABEL_W}" y1="{y}" x2="{right}" y2="{y}" stroke="#888"/>'
        f'<line x1="{end_x:.1f}" y1="{y - 3}" x2="{end_x:.1f}" y2="{y + 3}" stroke="#888"/>'
        f'<text x="{LABEL_W}" y="{y + 14}">{escape(first)}</text>'
        f'<text x="{end_x:.1f}" y="{y + 14}" text-anchor="middle">{escape(last)}</text>'
    )


def history_chart(history: Sequence[TunnelPoint]) -> str:
    """One strip per tunnel: its state from each sample until the next (time on the x axis).

    The last state of a tunnel lasts one mean sample interval past the last sample, so the
    current state is as visible as the earlier ones.
    """
    pos = _positions(history)
    t0, t1 = min(pos.values()), max(pos.values())
    end = t1 + (t1 - t0) / max(len(pos) - 1, 1)
    span = (end - t0) or 1.0
    tunnels: dict[tuple[str, str], list[TunnelPoint]] = {}
    for sample in sorted(history, key=lambda s: pos[s.at]):
        tunnels.setdefault((sample.host, sample.peer), []).append(sample)
    body = [_legend(4)]
    for i, ((host, peer), samples) in enumerate(sorted(tunnels.items())):
        y = TOP + i * ROW_H
        name = f"{host} → {peer}"
        body.append(
            f'<text x="{LABEL_W - 8}" y="{y + 12}" text-anchor="end">'
            f"<title>{escape(name)}</title>{escape(_label(name))}</text>"
        )
        ends = [pos[s.at] for s in samples[1:]] + [end]
        for sample, until in zip(samples, ends, strict=True):
            x = LABEL_W + (pos[sample.at] - t0) / span * BAR_W
            width = (until - pos[sample.at]) / span * BAR_W if end > t0 else float(BAR_W)
            body.append(_rect(x, y, width, sample.state, f"{name}: {sample.state} at {sample.at}"))
    axis_y = TOP + len(tunnels) * ROW_H + 4
    times = sorted(pos, key=pos.__getitem__)
    end_x = LABEL_W + (t1 - t0) / span * BAR_W if end > t0 else float(LABEL_W + BAR_W)
    body.append(_axis(axis_y, times[0], times[-1], end_x))
    return _svg(LABEL_W + BAR_W + COUNT_W, axis_y + 22, "Tunnel states over time", body)
