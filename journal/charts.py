"""Charts for the reports: pure functions from statistics to SVG bytes, no Django, no HTTP.

matplotlib is used through its object API only (``Figure`` and ``fig.savefig``), never
pyplot: pyplot keeps global state that a web process must not share between requests.

The three weekly charts share one layout (figure width, margins and x range) so that,
stacked on the page, a week sits at the same horizontal position in every chart and a
habit can be read against the cramp line above it.

Weeks without a logged night are gaps (NaN), never zeros: the line breaks and no marker
is drawn there. Weeks with only a few logged nights get hollow markers: one night alone
can put a weekly share at 0 or 100%, and should not look as sure as a full week. The
period's last week, when it isn't over (the current week), is a hollow marker the line
doesn't reach: its few nights so far must not end the line on a dramatic value.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec

import matplotlib
import numpy as np
from matplotlib import dates as mdates
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.textpath import text_to_path

from journal.stats import FEWER, MORE, NOT_ENOUGH, STRETCH_MINUTES_THRESHOLD, Comparison, Week

WEEKLY_FIGSIZE = (8.0, 2.6)  # inches; the page scales the SVG to its column width
EMPTY_MESSAGE = "No logged nights in this period"
NO_EPISODES_MESSAGE = "No cramp episodes in this period"
THIN_WEEK_NIGHTS = 4  # weeks with fewer logged nights are drawn with hollow markers
THIN_WEEK_NOTE = f"Hollow: fewer than {THIN_WEEK_NIGHTS} nights logged that week"
SO_FAR_NOTE = f"{THIN_WEEK_NOTE}, or this week so far (not joined to the line)"

# Fixed margins, in inches, shared by all weekly charts. Fixed rather than "tight" so
# that the plot areas line up exactly whatever the tick labels are.
_LEFT = 0.85
_RIGHT = 0.85
_BOTTOM = 0.6
_LEGEND_ROW = 0.3  # height of one legend row above the axes
_TOP = 0.12 + _LEGEND_ROW  # room for one legend row
_WEEK_TICKS_UP_TO = 20  # weeks; longer periods get month ticks
_EVERY_MARKER_UP_TO = 104  # weeks; longer periods mark only the weeks the line can't show
_HALF_WEEK = 3.5  # days of padding either side of the first and last Monday
_Y_PAD = 0.04  # fraction of the y range kept free above and below, so markers at 0 show

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. Every series
# also gets its own line style and marker so colour is never the only cue.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#555555"

_STYLE = {
    # Large for a chart: the page scales an 8-inch figure down to a phone's width.
    "font.size": 12,
    "axes.labelsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 11.5,
    "axes.spines.top": False,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    # Text stays text (smaller files, and searchable), and ids are derived from a fixed
    # salt instead of a random one, so the same data always gives the same bytes.
    "svg.fonttype": "none",
    "svg.hashsalt": "nightleg",
}

_P = ParamSpec("_P")

# rcParams are process-wide; the lock keeps one thread's rc_context from ending in the
# middle of another thread's chart. Reentrant because drawing helpers nest.
_RC_LOCK = threading.RLock()


@contextmanager
def _style() -> Iterator[None]:
    # rcParams are read both when artists are created (font sizes) and when the SVG is
    # written (svg.*), so drawing and saving each run inside this context.
    with _RC_LOCK, matplotlib.rc_context(_STYLE):
        yield


def _styled(draw: Callable[_P, Figure]) -> Callable[_P, Figure]:
    @wraps(draw)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Figure:
        with _style():
            return draw(*args, **kwargs)

    return wrapper


def _svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    with _style():
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


# ---- Public API ------------------------------------------------------------------------


def cramps_chart(weeks: Sequence[Week]) -> bytes:
    """Cramps per logged night (left axis) and the share of cramp-free nights (right)."""
    return _svg(_draw_cramps(weeks))


def severity_chart(weeks: Sequence[Week]) -> bytes:
    """Mean and worst episode severity per week, on the 0-10 scale."""
    return _svg(_draw_severity(weeks))


def habits_chart(weeks: Sequence[Week]) -> bytes:
    """Weekly share of nights with each habit (left axis) and mean glasses of water."""
    return _svg(_draw_habits(weeks))


def forest_chart(comparisons: Sequence[Comparison]) -> bytes:
    """Rate ratio of cramps with / without each habit, with its 95% interval."""
    return _svg(_draw_forest(comparisons))


# ---- Weekly charts ---------------------------------------------------------------------


def _values(weeks: Sequence[Week], attr: str) -> np.ndarray:
    return np.array(
        [np.nan if (v := getattr(w, attr)) is None else float(v) for w in weeks], dtype=float
    )


def _all_missing(*series: np.ndarray) -> bool:
    return all(np.isnan(s).all() for s in series)


@_styled
def _empty_figure(message: str = EMPTY_MESSAGE) -> Figure:
    fig = Figure(figsize=(WEEKLY_FIGSIZE[0], 0.8))
    fig.text(0.5, 0.5, message, ha="center", va="center", color=GREY, fontsize=13)
    return fig


def _figure_with_margins(
    height: float, *, left: float, right: float, bottom: float, top: float
) -> tuple[Figure, Axes]:
    """A chart-wide figure this tall whose plot area leaves these margins, all in inches.

    Fixed margins rather than a layout engine, which would draw the whole figure once
    more only to measure it.
    """
    width = WEEKLY_FIGSIZE[0]
    fig = Figure(figsize=(width, height))
    rect = (left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height)
    return fig, fig.add_axes(rect)


def _weekly_figure(
    weeks: Sequence[Week], legend_rows: int = 1, *, thin_note: bool = False
) -> tuple[Figure, Axes]:
    """A figure whose plot area has the same width, position and x range in every chart.

    Extra legend rows, and the row of the note on hollow markers, make the figure taller
    at the top, leaving the plot area alone.
    """
    top = _TOP + (legend_rows - 1 + int(thin_note)) * _LEGEND_ROW
    height = WEEKLY_FIGSIZE[1] + top - _TOP
    fig, ax = _figure_with_margins(height, left=_LEFT, right=_RIGHT, bottom=_BOTTOM, top=top)
    first, last = mdates.date2num(weeks[0].start), mdates.date2num(weeks[-1].start)
    ax.set_xlim(first - _HALF_WEEK, last + _HALF_WEEK)
    ax.xaxis_date()
    if len(weeks) <= _WEEK_TICKS_UP_TO:
        # Ticks on the Mondays the points sit on, at most about eight of them.
        interval = max(1, math.ceil(len(weeks) / 8))
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=interval))
        ax.xaxis.set_major_formatter(_MondayFormatter())
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        # Month names, with the year instead of "Jan".
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    if thin_note:
        _thin_note(fig, SO_FAR_NOTE if _so_far(weeks).any() else THIN_WEEK_NOTE)
    return fig, ax


class _MondayFormatter(ticker.Formatter):
    """ "Sep 7", "Sep 14", ... with the year under the first tick and wherever it changes."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        day = mdates.num2date(x)
        return f"{day:%b} {day.day}"

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        labels, year = [], None
        for x in values:
            day = mdates.num2date(x)
            labels.append(f"{day:%b} {day.day}" + (f"\n{day.year}" if day.year != year else ""))
            year = day.year
        return labels


def _x(weeks: Sequence[Week]) -> np.ndarray:
    return mdates.date2num([w.start for w in weeks])


def _padded(ax: Axes, low: float, high: float) -> None:
    pad = (high - low) * _Y_PAD
    ax.set_ylim(low - pad, high + pad)


def _percent_axis(ax: Axes) -> None:
    _padded(ax, 0.0, 1.0)
    ax.yaxis.set_major_locator(ticker.FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
    ax.yaxis.set_major_formatter(ticker.PercentFormatter(xmax=1, decimals=0))


_Handle = tuple[Line2D, Line2D]  # a series' line and its filled markers, drawn overlaid


def _legend_above(
    ax: Axes, entries: Sequence[tuple[_Handle, str]], ncols: int, n_weeks: int
) -> None:
    """A legend in the band above the plot area, where it can't cover any data."""
    handles = [handle for handle, _label in entries]
    labels = [label for _handle, label in entries]
    ax.legend(
        handles,
        labels,
        loc="lower left",
        bbox_to_anchor=(0, 1.02, 1, 0.1),
        mode="expand" if len(handles) > ncols else None,
        ncols=ncols,
        frameon=False,
        borderaxespad=0,
        handlelength=2.6,
        markerscale=1 / _marker_scale(n_weeks),  # full-size markers even when thinned
    )


def _so_far(weeks: Sequence[Week]) -> np.ndarray:
    """The last week, when the period ends before its Sunday: the week under way."""
    partial = np.zeros(len(weeks), dtype=bool)
    if weeks and weeks[-1].days_in_period < 7:
        partial[-1] = True
    return partial


def _thin_weeks(weeks: Sequence[Week]) -> np.ndarray:
    few = np.array([w.logged < THIN_WEEK_NIGHTS for w in weeks], dtype=bool)
    return few | _so_far(weeks)


def _any_thin_point(weeks: Sequence[Week], *series: np.ndarray) -> bool:
    """Whether any hollow marker will be drawn: a thin week with a value in some series."""
    thin = _thin_weeks(weeks)
    return any((thin & ~np.isnan(s)).any() for s in series)


def _thin_note(fig: Figure, text: str = THIN_WEEK_NOTE) -> None:
    """The key to the hollow markers, in its own row at the top, aligned with the legend."""
    width, height = fig.get_size_inches()
    sample = Line2D([], [], linestyle="none", marker="o", color=GREY, markerfacecolor="white")
    note = fig.legend(
        [sample],
        [text],
        loc="upper left",
        bbox_to_anchor=(_LEFT / width, 1 - 0.1 / height),  # 0.1 in below the top edge
        frameon=False,
        borderaxespad=0,
        handlelength=2.6,
        labelcolor=GREY,
    )
    note.set_gid("thin-week-note")


def _right_axis(ax: Axes, color: str) -> Axes:
    right = ax.twinx()
    right.spines["right"].set_color(color)
    right.tick_params(axis="y", colors=color)
    return right


def _marker_scale(n_weeks: int) -> float:
    return 1.0 if n_weeks <= 26 else 0.6 if n_weeks <= 104 else 0.45


def _alone(y: np.ndarray) -> np.ndarray:
    """The values with a gap (or the period's edge) on both sides: no line reaches them."""
    shown = ~np.isnan(y)
    before = np.concatenate(([False], shown[:-1]))
    after = np.concatenate((shown[1:], [False]))
    return shown & ~before & ~after


def _line(
    ax: Axes,
    weeks: Sequence[Week],
    y: np.ndarray,
    *,
    gid: str,
    color: str,
    marker: str,
    linestyle: str | tuple = "-",
    markersize: float = 5,
    linewidth: float = 1.8,
) -> _Handle:
    """One weekly series: a line broken at the gaps, with a marker per logged week.

    The markers matter: a week logged between two gaps has no line, only its marker.
    They are filled (gid ``<gid>-markers``) for weeks with at least THIN_WEEK_NIGHTS
    logged nights and hollow (``<gid>-thin``) for the others. Over long periods they
    shrink so the line stays readable, and beyond two years, when the weeks are closer
    together than a marker is wide, only the weeks the line can't show (a week between
    two gaps) keep a filled marker: the others would only thicken the line (and
    drawing them took a quarter of the habits chart's time). Hollow markers stay.

    Returns the line and the filled markers: together, the series' legend handle.
    """
    x, thin = _x(weeks), _thin_weeks(weeks)
    scale = _marker_scale(len(weeks))
    joined = np.where(_so_far(weeks), np.nan, y)
    (line,) = ax.plot(
        x, joined, color=color, linestyle=linestyle, linewidth=linewidth * max(scale, 0.65), gid=gid
    )
    dots = {"linestyle": "none", "marker": marker, "markersize": markersize * scale}
    full = ~thin
    if len(weeks) > _EVERY_MARKER_UP_TO:
        full &= _alone(y)
    (filled,) = ax.plot(x[full], y[full], color=color, gid=f"{gid}-markers", **dots)
    # A white face rather than none, so the line doesn't run through the ring.
    ax.plot(x[thin], y[thin], color=color, markerfacecolor="white", gid=f"{gid}-thin", **dots)
    return line, filled


@_styled
def _draw_cramps(weeks: Sequence[Week]) -> Figure:
    per_night = _values(weeks, "cramps_per_night")
    free = _values(weeks, "cramp_free_share")
    if not weeks or _all_missing(per_night, free):
        return _empty_figure()

    fig, ax = _weekly_figure(weeks, thin_note=_any_thin_point(weeks, per_night, free))
    per_night_line = _line(
        ax, weeks, per_night, color=VERMILLION, marker="o", gid="cramps-per-night"
    )
    top = 0.0 if np.isnan(per_night).all() else float(np.nanmax(per_night))
    _padded(ax, 0.0, max(1.0, top * 1.1))
    ax.yaxis.set_major_locator(ticker.MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    ax.set_ylabel("Cramps / night", color=VERMILLION)
    ax.tick_params(axis="y", colors=VERMILLION)

    right = _right_axis(ax, BLUE)
    free_line = _line(
        right,
        weeks,
        free,
        color=BLUE,
        linestyle="--",
        marker="s",
        markersize=4.5,
        gid="cramp-free-share",
    )
    _percent_axis(right)
    right.set_ylabel("Cramp-free", color=BLUE)
    entries = [
        (per_night_line, "Cramps per logged night (left)"),
        (free_line, "Cramp-free nights (right)"),
    ]
    _legend_above(ax, entries, ncols=2, n_weeks=len(weeks))
    return fig


@_styled
def _draw_severity(weeks: Sequence[Week]) -> Figure:
    mean = _values(weeks, "mean_severity")
    worst = _values(weeks, "worst_severity")
    if not weeks or not any(w.logged for w in weeks):
        return _empty_figure()
    if _all_missing(mean, worst):
        return _empty_figure(NO_EPISODES_MESSAGE)

    fig, ax = _weekly_figure(weeks, thin_note=_any_thin_point(weeks, mean, worst))
    ax.spines["right"].set_visible(False)
    worst_line = _line(
        ax, weeks, worst, color=VERMILLION, linestyle="--", marker="^", gid="worst-severity"
    )
    mean_line = _line(ax, weeks, mean, color=BLUE, marker="o", gid="mean-severity")
    _padded(ax, 0.0, 10.0)
    ax.yaxis.set_major_locator(ticker.FixedLocator([0, 2, 4, 6, 8, 10]))
    ax.set_ylabel("Severity (0–10)")
    entries = [(worst_line, "Worst episode"), (mean_line, "Mean severity")]
    _legend_above(ax, entries, ncols=2, n_weeks=len(weeks))
    return fig


_HABIT_SERIES = [
    # attribute, legend label, colour, line style, marker
    ("stretch_share", f"Stretched ≥ {STRETCH_MINUTES_THRESHOLD} min", GREEN, "-", "o"),
    ("late_caffeine_share", "Late caffeine", ORANGE, "--", "s"),
    ("late_alcohol_share", "Late alcohol", PURPLE, "-.", "^"),
    ("electrolytes_share", "Electrolytes", SKY_BLUE, ":", "D"),
    ("relaxation_share", "Relaxation", BLACK, (0, (6, 2, 1, 2, 1, 2)), "v"),
]


@_styled
def _draw_habits(weeks: Sequence[Week]) -> Figure:
    shares = {attr: _values(weeks, attr) for attr, *_ in _HABIT_SERIES}
    water = _values(weeks, "mean_water")
    if not weeks or _all_missing(water, *shares.values()):
        return _empty_figure()

    thin_note = _any_thin_point(weeks, water, *shares.values())
    fig, ax = _weekly_figure(weeks, legend_rows=2, thin_note=thin_note)
    entries = []
    for attr, label, color, linestyle, marker in _HABIT_SERIES:
        handle = _line(
            ax,
            weeks,
            shares[attr],
            color=color,
            linestyle=linestyle,
            marker=marker,
            markersize=4.5,
            linewidth=1.5,
            gid=attr.replace("_", "-"),
        )
        entries.append((handle, label))
    _percent_axis(ax)
    ax.set_ylabel("Share of nights")

    right = _right_axis(ax, BLUE)
    water_line = _line(
        right,
        weeks,
        water,
        color=BLUE,
        marker="X",  # a filled cross, unlike "x", can be drawn hollow
        linewidth=1.2,
        gid="mean-water",
    )
    entries.append((water_line, "Water, glasses (right)"))
    top = 0.0 if np.isnan(water).all() else float(np.nanmax(water))
    _padded(right, 0.0, max(8.0, top))
    right.yaxis.set_major_locator(ticker.MaxNLocator(nbins=4, integer=True))
    right.set_ylabel("Glasses", color=BLUE)
    _legend_above(ax, entries, ncols=3, n_weeks=len(weeks))
    return fig


# ---- Forest plot -----------------------------------------------------------------------

_ROW_HEIGHT = 0.5  # inches per habit
# Fixed margins, in inches, around the plot area: room for the x tick labels and the
# axis label below, the "fewer / more cramps" captions above and half a tick label on
# the right. The left margin is as wide as the longest habit label (see _label_inches),
# but leaves the plot area at least _FOREST_MIN_PLOT wide, room for the axis label.
_FOREST_RIGHT = 0.35
_FOREST_BOTTOM = 0.9
_FOREST_TOP = 0.35
_FOREST_TICK_PAD = 9  # points between a habit label and the plot area: a marker at the
_FOREST_LABEL_PAD = 0.1 + _FOREST_TICK_PAD / 72  # axis' edge must not touch its label
_FOREST_MIN_PLOT = 4.0
_FOREST_EDGES = (1 / 64, 64)  # anything beyond is drawn at the edge with an arrow


def _has_estimate(c: Comparison) -> bool:
    return c.verdict != NOT_ENOUGH and c.ratio is not None and not math.isnan(c.ratio)


def _times(value: float, _pos: int | None = None) -> str:
    return f"{value:g}×"


def _forest_ticks(xmin: float, xmax: float) -> list[float]:
    """1-2-5 ticks (labelled 0.5x, 1x, 2x); only 1-and-10s plus 0.5 and 2 on a wide axis."""
    ticks = [m * 10.0**e for e in range(-2, 3) for m in (1, 2, 5)]
    if sum(xmin <= t <= xmax for t in ticks) > 7:
        ticks = [0.01, 0.1, 0.5, 1, 2, 10, 100]
    return [t for t in ticks if xmin <= t <= xmax]


def _label_inches(labels: Sequence[str]) -> float:
    """The width of the longest line of these y tick labels, in inches.

    Measured from the font's glyph outlines, without drawing anything: a layout engine
    would draw the whole figure once more just to find it out.
    """
    font = FontProperties(size=matplotlib.rcParams["ytick.labelsize"])
    widest = max(
        text_to_path.get_text_width_height_descent(line, font, ismath=False)[0]
        for label in labels
        for line in label.splitlines()
    )
    return widest / 72  # points


def _forest_limits(comparisons: Sequence[Comparison]) -> tuple[float, float]:
    values = [1 / 2.5, 2.5]  # always show a little either side of "no difference"
    for c in comparisons:
        if _has_estimate(c):
            values += [v for v in (c.ratio, c.low, c.high) if v is not None and 0 < v < math.inf]
    low = max(min(values) / 1.25, _FOREST_EDGES[0])
    high = min(max(values) * 1.25, _FOREST_EDGES[1])
    return low, high


@_styled
def _draw_forest(comparisons: Sequence[Comparison]) -> Figure:
    if not comparisons:
        return _empty_figure()

    n = len(comparisons)
    labels = [textwrap.fill(c.habit.label, 36) for c in comparisons]
    fig, ax = _figure_with_margins(
        1.3 + n * _ROW_HEIGHT,
        left=min(
            _label_inches(labels) + _FOREST_LABEL_PAD,
            WEEKLY_FIGSIZE[0] - _FOREST_RIGHT - _FOREST_MIN_PLOT,
        ),
        right=_FOREST_RIGHT,
        bottom=_FOREST_BOTTOM,
        top=_FOREST_TOP,
    )
    ax.set_xscale("log")
    xmin, xmax = _forest_limits(comparisons)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(n - 0.5, -0.5)  # first comparison at the top
    ax.spines[["top", "right", "left"]].set_visible(False)

    ax.xaxis.set_major_locator(ticker.FixedLocator(_forest_ticks(xmin, xmax)))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(_times))
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    ax.grid(axis="x", color="#eeeeee", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.axvline(1, color=GREY, linewidth=1.2, gid="no-difference")

    ax.set_yticks(range(n), labels)
    ax.tick_params(axis="y", length=0, pad=_FOREST_TICK_PAD)

    for row, c in enumerate(comparisons):
        if not _has_estimate(c):
            ax.text(
                1,
                row,
                "not enough nights",
                ha="center",
                va="center",
                color=GREY,
                style="italic",
                backgroundcolor="white",
                gid=f"not-enough-{c.habit.key}",
            )
            continue
        # A ratio of 0 or infinity, or an interval beyond the axis, is drawn at the
        # edge and ends in an arrow rather than a cap.
        if c.low is not None and c.high is not None:
            lo, hi = max(c.low, xmin), min(c.high, xmax)
            ax.plot(
                [lo, hi],
                [row, row],
                color=BLACK,
                linewidth=2,
                solid_capstyle="butt",
                gid=f"interval-{c.habit.key}",
            )
            for edge, clipped, arrow in ((lo, c.low < xmin, "<"), (hi, c.high > xmax, ">")):
                ax.plot(
                    [edge],
                    [row],
                    color=BLACK,
                    marker=arrow if clipped else "|",
                    markersize=8 if clipped else 10,
                    markeredgewidth=2,
                    clip_on=False,  # whole even at the axis' edge
                )
        # Filled only when the interval excludes 1; hollow for "no clear difference".
        color = {FEWER: GREEN, MORE: VERMILLION}.get(c.verdict, "white")
        ax.plot(
            [min(max(c.ratio, xmin), xmax)],
            [row],
            linestyle="none",
            marker="D",
            markersize=8,
            color=color,
            markeredgecolor=BLACK,
            clip_on=False,
            gid=f"ratio-{c.habit.key}",
        )

    # Two lines, so that it fits under the plot area however wide the habit labels are.
    ax.set_xlabel("Cramps per night with the habit ÷ without it\n(95% interval)")
    kw = {"transform": ax.get_xaxis_transform(), "va": "bottom", "color": GREY, "fontsize": 10}
    ax.text(0.93, 1.0, "← fewer cramps", ha="right", **kw)
    ax.text(1.075, 1.0, "more cramps →", ha="left", **kw)
    return fig
