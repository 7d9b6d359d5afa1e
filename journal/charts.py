"""Charts for the reports: pure functions from statistics to SVG bytes, no Django, no HTTP.

matplotlib is used through its object API only (``Figure`` and ``fig.savefig``), never
pyplot: pyplot keeps global state that a web process must not share between requests.

The three weekly charts share one layout (figure width, margins and x range) so that,
stacked on the page, a week sits at the same horizontal position in every chart and a
habit can be read against the cramp line above it.

Each chart is drawn in a ``Look``: a width per page breakpoint, so that its text is
never smaller than 12 CSS px where it is shown (a phone gets a narrower figure with the
same font sizes rather than a wide one shrunk), and colours for a light or a dark page
on a transparent background.

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
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

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

WEEKLY_HEIGHT = 2.6  # inches, of the plot area, its margins and one legend row
EMPTY_MESSAGE = "No logged nights in this period"
NO_EPISODES_MESSAGE = "No cramp episodes in this period"
THIN_WEEK_NIGHTS = 4  # weeks with fewer logged nights are drawn with hollow markers
THIN_WEEK_NOTE = f"Hollow: fewer than {THIN_WEEK_NIGHTS} nights logged that week"
SO_FAR_NOTE = f"{THIN_WEEK_NOTE}, or the week so far (not joined)"

# Fixed margins, in inches, shared by all weekly charts. Fixed rather than "tight" so
# that the plot areas line up exactly whatever the tick labels are.
_BOTTOM = 0.6
_LEGEND_ROW = 0.32  # height of one legend row above the axes
_TOP = 0.12 + _LEGEND_ROW  # room for one legend row
_NOTE_LINE = 0.2  # height of each further line of the note on hollow markers
_WEEK_TICKS_UP_TO = 20  # weeks; longer periods get month ticks
_EVERY_MARKER_UP_TO = 104  # weeks; longer periods mark only the weeks the line can't show
_HALF_WEEK = 3.5  # days of padding either side of the first and last Monday
_Y_PAD = 0.04  # fraction of the y range kept free above and below, so markers at 0 show


@dataclass(frozen=True)
class Palette:
    """A chart's colours for one page background. The series colours are Okabe-Ito
    hues (told apart with the common colour-vision deficiencies), darkened or lightened
    to keep 3:1 against the page; every series also has its own line style and marker,
    so colour is never the only cue."""

    ink: str  # text, axes, reference lines
    muted: str  # secondary text
    grid: str
    face: str  # the page behind the chart: inside hollow markers, behind labels
    red: str
    blue: str
    green: str


LIGHT = Palette(
    ink="#1b2130",
    muted="#4f5768",
    grid="#dfe3ea",
    face="#ffffff",
    red="#C45500",
    blue="#0072B2",
    green="#00795A",
)
DARK = Palette(
    ink="#e4e8ef",
    muted="#b3bccb",
    grid="#3a4256",
    face="#1a2130",
    red="#F0883E",
    blue="#56B4E9",
    green="#3CC99B",
)


@dataclass(frozen=True)
class Look:
    """How a chart is drawn: how wide (in inches at 96 CSS px each) and for which page.

    The page shows the wide figure from 768 CSS px up and the phone one below. 12 pt
    text is drawn 16 px high, so it stays at 12 px or more wherever the figure is shown
    at three quarters of its width or more: from 696 px for the wide one, from 302 px
    for the phone one (a 360 px phone's column).
    """

    width: float
    dark: bool = False

    @property
    def colors(self) -> Palette:
        return DARK if self.dark else LIGHT

    @property
    def phone(self) -> bool:
        return self.width < 6

    @property
    def left(self) -> float:  # margins of the weekly charts, room for the y axes
        return 0.75 if self.phone else 0.85

    @property
    def right(self) -> float:
        return self.left


LOOKS = {
    "wide-light": Look(8.0),
    "wide-dark": Look(8.0, dark=True),
    "phone-light": Look(4.2),
    "phone-dark": Look(4.2, dark=True),
}
DEFAULT_LOOK_NAME = "wide-light"  # also what paper gets
DEFAULT_LOOK = LOOKS[DEFAULT_LOOK_NAME]

_STYLE = {
    # 12 pt everywhere: drawn at 16 CSS px, shown at no less than 12 (see Look).
    "font.size": 12,
    "axes.labelsize": 12,
    "axes.titlesize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "axes.spines.top": False,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    # Text stays text (smaller files, and searchable), and ids are derived from a fixed
    # salt instead of a random one, so the same data always gives the same bytes.
    "svg.fonttype": "none",
    "svg.hashsalt": "nightleg",
    # Transparent: the page's own background (light or dark) shows through.
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.transparent": True,
}


def _colors_rc(colors: Palette) -> dict[str, str]:
    return {
        "text.color": colors.ink,
        "axes.labelcolor": colors.ink,
        "axes.edgecolor": colors.muted,
        "xtick.color": colors.ink,
        "ytick.color": colors.ink,
        "grid.color": colors.grid,
    }


# rcParams are process-wide; the lock keeps one thread's rc_context from ending in the
# middle of another thread's chart. Reentrant because drawing helpers nest.
_RC_LOCK = threading.RLock()


@contextmanager
def style(look: Look = DEFAULT_LOOK) -> Iterator[None]:
    """Our rcParams, for drawing a figure and for saving it.

    rcParams are read both when artists are created (font sizes, colours) and when the
    SVG is written (svg.*), so drawing and saving each run inside this context.
    """
    with _RC_LOCK, matplotlib.rc_context(_STYLE | _colors_rc(look.colors)):
        yield


_Data = TypeVar("_Data")


def _styled(draw: Callable[[_Data, Look], Figure]) -> Callable[[_Data, Look], Figure]:
    """Draw inside our style, for this look (the wide light one unless told)."""

    @wraps(draw)
    def wrapper(data: _Data, look: Look = DEFAULT_LOOK) -> Figure:
        with style(look):
            return draw(data, look)

    return wrapper


def _svg(fig: Figure, look: Look) -> bytes:
    buf = io.BytesIO()
    with style(look):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


# ---- Public API ------------------------------------------------------------------------


def cramps_chart(weeks: Sequence[Week], look: Look = DEFAULT_LOOK) -> bytes:
    """Cramps per logged night (left axis) and the share of cramp-free nights (right)."""
    return _svg(_draw_cramps(weeks, look), look)


def severity_chart(weeks: Sequence[Week], look: Look = DEFAULT_LOOK) -> bytes:
    """Mean and worst episode severity per week, on the 0-10 scale."""
    return _svg(_draw_severity(weeks, look), look)


def habits_chart(weeks: Sequence[Week], look: Look = DEFAULT_LOOK) -> bytes:
    """One row per habit, sharing the time axis: the weekly share of nights with it,
    and a last row for the mean glasses of water."""
    return _svg(_draw_habits(weeks, look), look)


def forest_chart(comparisons: Sequence[Comparison], look: Look = DEFAULT_LOOK) -> bytes:
    """Rate ratio of cramps with / without each habit, with its 95% interval."""
    return _svg(_draw_forest(comparisons, look), look)


# ---- Weekly charts ---------------------------------------------------------------------


def _values(weeks: Sequence[Week], attr: str) -> np.ndarray:
    return np.array(
        [np.nan if (v := getattr(w, attr)) is None else float(v) for w in weeks], dtype=float
    )


def _all_missing(*series: np.ndarray) -> bool:
    return all(np.isnan(s).all() for s in series)


def _empty_figure(look: Look, message: str = EMPTY_MESSAGE) -> Figure:
    fig = Figure(figsize=(look.width, 0.8))
    fig.text(0.5, 0.5, message, ha="center", va="center", color=look.colors.muted, fontsize=13)
    return fig


def _figure_with_margins(
    look: Look, height: float, *, left: float, right: float, bottom: float, top: float
) -> Figure:
    """A figure as wide as the look and this tall; its first axes leaves these margins,
    all in inches.

    Fixed margins rather than a layout engine, which would draw the whole figure once
    more only to measure it.
    """
    fig = Figure(figsize=(look.width, height))
    fig.add_axes(_rect(look, height, left=left, right=right, bottom=bottom, top=top))
    return fig


def _rect(
    look: Look, height: float, *, left: float, right: float, bottom: float, top: float
) -> tuple[float, float, float, float]:
    width = look.width
    return (left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height)


def _note_lines(look: Look, text: str) -> list[str]:
    """The note's words in lines that fit beside its marker, within the figure."""
    room = look.width - look.left - 0.6  # the marker and its padding take about 0.6 in
    lines: list[str] = []
    for word in text.split():
        if lines and _text_inches(f"{lines[-1]} {word}") <= room:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _top_rows(look: Look, weeks: Sequence[Week], legend_rows: int, thin_note: bool) -> float:
    """The height above the plot area: the legend's rows and the note's lines."""
    note = 0.0
    if thin_note:
        note = _LEGEND_ROW + (len(_note_lines(look, _thin_text(weeks))) - 1) * _NOTE_LINE
    return 0.12 + legend_rows * _LEGEND_ROW + note


def _weekly_figure(
    weeks: Sequence[Week], look: Look, legend_rows: int = 1, *, thin_note: bool = False
) -> tuple[Figure, Axes]:
    """A figure whose plot area has the same width, position and x range in every chart
    of the same look.

    Extra legend rows, and the rows of the note on hollow markers, make the figure
    taller at the top, leaving the plot area alone.
    """
    top = _top_rows(look, weeks, legend_rows, thin_note)
    height = WEEKLY_HEIGHT + top - _TOP
    fig = _figure_with_margins(
        look, height, left=look.left, right=look.right, bottom=_BOTTOM, top=top
    )
    ax = fig.axes[0]
    _time_axis(ax, weeks, look)
    ax.grid(axis="y", linewidth=0.8)
    ax.set_axisbelow(True)
    if thin_note:
        _thin_note(fig, look, _thin_text(weeks))
    return fig, ax


def _time_axis(ax: Axes, weeks: Sequence[Week], look: Look) -> None:
    first, last = mdates.date2num(weeks[0].start), mdates.date2num(weeks[-1].start)
    ax.set_xlim(first - _HALF_WEEK, last + _HALF_WEEK)
    ax.xaxis_date()
    most = 4 if look.phone else 8  # tick labels, each about 0.6 inch wide
    if len(weeks) <= _WEEK_TICKS_UP_TO:
        # Ticks on the Mondays the points sit on.
        interval = max(1, math.ceil(len(weeks) / most))
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=interval))
        ax.xaxis.set_major_formatter(_MondayFormatter())
    else:
        locator = mdates.AutoDateLocator(minticks=2 if look.phone else 3, maxticks=most)
        ax.xaxis.set_major_locator(locator)
        # Month names, with the year instead of "Jan".
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def _text_inches(text: str) -> float:
    """How wide this text is at our 12 pt, in inches.

    Measured from the font's glyph outlines, without drawing anything: a layout engine
    would draw the whole figure once more just to find it out.
    """
    font = FontProperties(size=matplotlib.rcParams["font.size"])
    return text_to_path.get_text_width_height_descent(text, font, ismath=False)[0] / 72


def _thin_text(weeks: Sequence[Week]) -> str:
    return SO_FAR_NOTE if _so_far(weeks).any() else THIN_WEEK_NOTE


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


def _percent_axis(ax: Axes, ticks: Sequence[float] = (0, 0.25, 0.5, 0.75, 1.0)) -> None:
    _padded(ax, 0.0, 1.0)
    ax.yaxis.set_major_locator(ticker.FixedLocator(ticks))
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


def _legend_columns(look: Look, entries: int) -> int:
    return 1 if look.phone else entries


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


def _thin_note(fig: Figure, look: Look, text: str) -> None:
    """The key to the hollow markers, in its own rows at the top, aligned with the legend."""
    width, height = fig.get_size_inches()
    colors = look.colors
    sample = Line2D(
        [], [], linestyle="none", marker="o", color=colors.muted, markerfacecolor=colors.face
    )
    note = fig.legend(
        [sample],
        ["\n".join(_note_lines(look, text))],
        loc="upper left",
        bbox_to_anchor=(look.left / width, 1 - 0.1 / height),  # 0.1 in below the top edge
        frameon=False,
        borderaxespad=0,
        handlelength=2.6,
        labelcolor=colors.muted,
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
    look: Look,
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
    two gaps) keep a filled marker: the others would only thicken the line. Hollow
    markers stay.

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
    # Filled with the page's colour rather than none, so the line doesn't run through
    # the ring.
    face = look.colors.face
    ax.plot(x[thin], y[thin], color=color, markerfacecolor=face, gid=f"{gid}-thin", **dots)
    return line, filled


@_styled
def _draw_cramps(weeks: Sequence[Week], look: Look) -> Figure:
    per_night = _values(weeks, "cramps_per_night")
    free = _values(weeks, "cramp_free_share")
    if not weeks or _all_missing(per_night, free):
        return _empty_figure(look)

    colors = look.colors
    ncols = _legend_columns(look, 2)
    fig, ax = _weekly_figure(
        weeks, look, legend_rows=2 // ncols, thin_note=_any_thin_point(weeks, per_night, free)
    )
    per_night_line = _line(
        ax, weeks, per_night, look, color=colors.red, marker="o", gid="cramps-per-night"
    )
    top = 0.0 if np.isnan(per_night).all() else float(np.nanmax(per_night))
    _padded(ax, 0.0, max(1.0, top * 1.1))
    ax.yaxis.set_major_locator(ticker.MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    ax.set_ylabel("Cramps / night", color=colors.red)
    ax.tick_params(axis="y", colors=colors.red)

    right = _right_axis(ax, colors.blue)
    free_line = _line(
        right,
        weeks,
        free,
        look,
        color=colors.blue,
        linestyle="--",
        marker="s",
        markersize=4.5,
        gid="cramp-free-share",
    )
    _percent_axis(right)
    right.set_ylabel("Cramp-free", color=colors.blue)
    entries = [
        (per_night_line, "Cramps per logged night (left)"),
        (free_line, "Cramp-free nights (right)"),
    ]
    _legend_above(ax, entries, ncols=ncols, n_weeks=len(weeks))
    return fig


@_styled
def _draw_severity(weeks: Sequence[Week], look: Look) -> Figure:
    mean = _values(weeks, "mean_severity")
    worst = _values(weeks, "worst_severity")
    if not weeks or not any(w.logged for w in weeks):
        return _empty_figure(look)
    if _all_missing(mean, worst):
        return _empty_figure(look, NO_EPISODES_MESSAGE)

    colors = look.colors
    ncols = _legend_columns(look, 2)
    fig, ax = _weekly_figure(
        weeks, look, legend_rows=2 // ncols, thin_note=_any_thin_point(weeks, mean, worst)
    )
    ax.spines["right"].set_visible(False)
    worst_line = _line(
        ax,
        weeks,
        worst,
        look,
        color=colors.red,
        linestyle="--",
        marker="^",
        gid="worst-severity",
    )
    mean_line = _line(ax, weeks, mean, look, color=colors.blue, marker="o", gid="mean-severity")
    _padded(ax, 0.0, 10.0)
    ax.yaxis.set_major_locator(ticker.FixedLocator([0, 2, 4, 6, 8, 10]))
    ax.set_ylabel("Severity (0–10)")
    entries = [(worst_line, "Worst episode"), (mean_line, "Mean severity")]
    _legend_above(ax, entries, ncols=ncols, n_weeks=len(weeks))
    return fig


# ---- Habits: small multiples -----------------------------------------------------------

HABIT_ROWS = [
    # attribute, title of its row
    ("stretch_share", f"Stretched ≥ {STRETCH_MINUTES_THRESHOLD} min"),
    ("late_caffeine_share", "Late caffeine"),
    ("late_alcohol_share", "Late alcohol"),
    ("electrolytes_share", "Electrolytes"),
    ("relaxation_share", "Relaxation"),
]
WATER_TITLE = "Water, mean glasses"
_ROW_TITLE = 0.3  # inches above each row's plot area, for its title
_ROW_PLOT = 0.55  # inches of plot area per row


@_styled
def _draw_habits(weeks: Sequence[Week], look: Look) -> Figure:
    """One row per habit, each with its own title and 0-100% axis, sharing the time axis
    with the other weekly charts (same margins): one line per row is read at a glance,
    where six lines on one axis tangle. Only the bottom row labels the weeks."""
    shares = {attr: _values(weeks, attr) for attr, _title in HABIT_ROWS}
    water = _values(weeks, "mean_water")
    if not weeks or _all_missing(water, *shares.values()):
        return _empty_figure(look)

    colors = look.colors
    thin_note = _any_thin_point(weeks, water, *shares.values())
    top = _top_rows(look, weeks, 0, thin_note)
    rows = len(HABIT_ROWS) + 1
    height = top + rows * (_ROW_TITLE + _ROW_PLOT) + _BOTTOM
    fig = Figure(figsize=(look.width, height))
    axes = []
    for i in range(rows):
        above = top + i * (_ROW_TITLE + _ROW_PLOT) + _ROW_TITLE
        below = height - above - _ROW_PLOT
        rect = _rect(look, height, left=look.left, right=look.right, bottom=below, top=above)
        ax = fig.add_axes(rect, sharex=axes[0] if axes else None)
        ax.spines["right"].set_visible(False)
        ax.grid(axis="y", linewidth=0.8)
        ax.set_axisbelow(True)
        axes.append(ax)
    _time_axis(axes[0], weeks, look)
    for ax in axes[:-1]:
        ax.tick_params(axis="x", labelbottom=False)

    for ax, (attr, title) in zip(axes, HABIT_ROWS, strict=False):
        _line(ax, weeks, shares[attr], look, color=colors.blue, marker="o", gid=_gid(attr))
        _percent_axis(ax, ticks=(0, 1.0))
        ax.set_title(title, loc="left", fontsize=12, pad=4)

    ax = axes[-1]
    _line(ax, weeks, water, look, color=colors.green, marker="s", gid="mean-water")
    top_water = 0.0 if np.isnan(water).all() else float(np.nanmax(water))
    high = max(8.0, math.ceil(top_water))
    _padded(ax, 0.0, high)
    ax.yaxis.set_major_locator(ticker.FixedLocator([0, high]))
    ax.yaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
    ax.set_title(WATER_TITLE, loc="left", fontsize=12, pad=4)
    if thin_note:
        _thin_note(fig, look, _thin_text(weeks))
    return fig


def _gid(attr: str) -> str:
    return attr.replace("_", "-")


# ---- Forest plot -----------------------------------------------------------------------

_ROW_HEIGHT = 0.5  # inches per habit
# Fixed margins, in inches, around the plot area: room for the x tick labels and the
# axis label below, the "fewer / more cramps" captions above and half a tick label on
# the right. The left margin is as wide as the longest habit label (see _label_inches),
# but leaves the plot area at least _min_plot(look) wide, room for the axis label.
_FOREST_RIGHT = 0.35
_FOREST_BOTTOM = 0.95
_FOREST_TOP = 0.4
_FOREST_TICK_PAD = 9  # points between a habit label and the plot area: a marker at the
_FOREST_LABEL_PAD = 0.1 + _FOREST_TICK_PAD / 72  # axis' edge must not touch its label
_FOREST_EDGES = (1 / 64, 64)  # anything beyond is drawn at the edge with an arrow


def _min_plot(look: Look) -> float:
    return 2.3 if look.phone else 4.0


def _label_chars(look: Look) -> int:
    """Where the habit labels wrap: about 0.1 inch per character at 12 pt."""
    return 16 if look.phone else 36


def _has_estimate(c: Comparison) -> bool:
    return c.verdict != NOT_ENOUGH and c.ratio is not None and not math.isnan(c.ratio)


def _times(value: float, _pos: int | None = None) -> str:
    return f"{value:g}×"


def _forest_ticks(xmin: float, xmax: float, look: Look) -> list[float]:
    """1-2-5 ticks (labelled 0.5x, 1x, 2x); fewer on a wide axis or a narrow figure."""
    ticks = [m * 10.0**e for e in range(-2, 3) for m in (1, 2, 5)]
    if sum(xmin <= t <= xmax for t in ticks) > (5 if look.phone else 7):
        ticks = [0.01, 0.1, 0.5, 1, 2, 10, 100]
        if look.phone:
            ticks = [0.01, 0.1, 1, 10, 100]
    return [t for t in ticks if xmin <= t <= xmax]


def _label_inches(labels: Sequence[str]) -> float:
    """The width of the longest line of these y tick labels, in inches."""
    return max(_text_inches(line) for label in labels for line in label.splitlines())


def _forest_limits(comparisons: Sequence[Comparison]) -> tuple[float, float]:
    values = [1 / 2.5, 2.5]  # always show a little either side of "no difference"
    for c in comparisons:
        if _has_estimate(c):
            values += [v for v in (c.ratio, c.low, c.high) if v is not None and 0 < v < math.inf]
    low = max(min(values) / 1.25, _FOREST_EDGES[0])
    high = min(max(values) * 1.25, _FOREST_EDGES[1])
    return low, high


@_styled
def _draw_forest(comparisons: Sequence[Comparison], look: Look) -> Figure:
    if not comparisons:
        return _empty_figure(look)

    colors = look.colors
    n = len(comparisons)
    labels = [textwrap.fill(c.habit.label, _label_chars(look)) for c in comparisons]
    lines = max(label.count("\n") + 1 for label in labels)
    fig = _figure_with_margins(
        look,
        1.35 + n * (_ROW_HEIGHT if lines <= 2 else 0.2 * lines),
        left=min(
            _label_inches(labels) + _FOREST_LABEL_PAD,
            look.width - _FOREST_RIGHT - _min_plot(look),
        ),
        right=_FOREST_RIGHT,
        bottom=_FOREST_BOTTOM,
        top=_FOREST_TOP,
    )
    ax = fig.axes[0]
    ax.set_xscale("log")
    xmin, xmax = _forest_limits(comparisons)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(n - 0.5, -0.5)  # first comparison at the top
    ax.spines[["top", "right", "left"]].set_visible(False)

    ax.xaxis.set_major_locator(ticker.FixedLocator(_forest_ticks(xmin, xmax, look)))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(_times))
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    ax.grid(axis="x", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.axvline(1, color=colors.muted, linewidth=1.2, gid="no-difference")

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
                color=colors.muted,
                style="italic",
                backgroundcolor=colors.face,
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
                color=colors.ink,
                linewidth=2,
                solid_capstyle="butt",
                gid=f"interval-{c.habit.key}",
            )
            for edge, clipped, arrow in ((lo, c.low < xmin, "<"), (hi, c.high > xmax, ">")):
                ax.plot(
                    [edge],
                    [row],
                    color=colors.ink,
                    marker=arrow if clipped else "|",
                    markersize=8 if clipped else 10,
                    markeredgewidth=2,
                    clip_on=False,  # whole even at the axis' edge
                )
        # Filled only when the interval excludes 1; hollow for "no clear difference".
        color = {FEWER: colors.green, MORE: colors.red}.get(c.verdict, colors.face)
        ax.plot(
            [min(max(c.ratio, xmin), xmax)],
            [row],
            linestyle="none",
            marker="D",
            markersize=8,
            color=color,
            markeredgecolor=colors.ink,
            clip_on=False,
            gid=f"ratio-{c.habit.key}",
        )

    # On lines that fit under the plot area however wide the habit labels are.
    if look.phone:
        ax.set_xlabel("Cramps per night with the habit\n÷ without it (95% interval)")
    else:
        ax.set_xlabel("Cramps per night with the habit ÷ without it\n(95% interval)")
    kw = {"transform": ax.get_xaxis_transform(), "va": "bottom", "color": colors.muted}
    ax.text(0.93, 1.0, "← fewer cramps", ha="right", **kw)
    ax.text(1.075, 1.0, "more cramps →", ha="left", **kw)
    return fig
