"""Charts: SVG drawings of the weekly statistics and the habit comparisons (no database)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from matplotlib import dates as mdates

from journal import charts
from journal.stats import (
    FEWER,
    MORE,
    NO_CLEAR_DIFFERENCE,
    NOT_ENOUGH,
    Comparison,
    Group,
    Habit,
    Week,
)

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
FIRST_MONDAY = dt.date(2026, 9, 7)

WEEKLY = {
    "cramps": (charts.cramps_chart, charts._draw_cramps),
    "severity": (charts.severity_chart, charts._draw_severity),
    "habits": (charts.habits_chart, charts._draw_habits),
}


def logged_week(i: int, **values) -> Week:
    """Week i after FIRST_MONDAY with five logged nights; override any value."""
    fields = {
        "start": FIRST_MONDAY + dt.timedelta(weeks=i),
        "days_in_period": 7,
        "logged": 5,
        "cramps": 4,
        "cramps_per_night": 0.8,
        "cramp_free_share": 0.4,
        "cramp_nights": 3,
        "mean_severity": 5.5,
        "worst_severity": 7,
        "stretch_share": 0.6,
        "late_caffeine_share": 0.2,
        "late_alcohol_share": 0.4,
        "mean_water": 5.0,
        "electrolytes_share": 0.0,
        "relaxation_share": 1.0,
    }
    return Week(**(fields | values))


def unlogged_week(i: int) -> Week:
    """Week i with no logged night: every value is missing."""
    return logged_week(
        i,
        logged=0,
        cramps=0,
        cramp_nights=0,
        cramps_per_night=None,
        cramp_free_share=None,
        mean_severity=None,
        worst_severity=None,
        stretch_share=None,
        late_caffeine_share=None,
        late_alcohol_share=None,
        mean_water=None,
        electrolytes_share=None,
        relaxation_share=None,
    )


def six_weeks_with_a_gap() -> list[Week]:
    """Six weeks; the third was not logged and the fifth really had no cramps."""
    per_night = [1.2, 0.6, None, 2.0, 0.0, 1.0]
    return [
        unlogged_week(i) if value is None else logged_week(i, cramps_per_night=value)
        for i, value in enumerate(per_night)
    ]


# Nights logged in each week of a diary with thin and full weeks: 1 and 3 are thin,
# 4 is the first full count, and the week between the two gaps is thin.
THIN_AND_FULL = [5, 1, 0, 3, 4, 7, 0, 2, 0]
THIN = [1, 3, 7]
FULL = [0, 4, 5]


def thin_and_full_weeks() -> list[Week]:
    return [
        unlogged_week(i) if logged == 0 else logged_week(i, logged=logged)
        for i, logged in enumerate(THIN_AND_FULL)
    ]


# Every series of the weekly charts: its chart and the gid of its line.
SERIES = [
    ("cramps", "cramps-per-night"),
    ("cramps", "cramp-free-share"),
    ("severity", "worst-severity"),
    ("severity", "mean-severity"),
    ("habits", "stretch-share"),
    ("habits", "late-caffeine-share"),
    ("habits", "late-alcohol-share"),
    ("habits", "electrolytes-share"),
    ("habits", "relaxation-share"),
    ("habits", "mean-water"),
]


def a_comparison(
    key: str, label: str, ratio: float | None, low: float | None, high: float | None, verdict: str
) -> Comparison:
    habit = Habit(key, label, "yes", "no", classify=lambda night: None)
    p = None if ratio is None else 0.01
    return Comparison(
        habit, Group(20, 10), Group(20, 15), 0, ratio, low, high, p, p, verdict=verdict
    )


COMPARISONS = [
    a_comparison("stretch", "Stretched 5 minutes", 0.5, 0.3, 0.8, FEWER),
    a_comparison("caffeine", "Late caffeine", 1.4, 0.8, 2.5, NO_CLEAR_DIFFERENCE),
    a_comparison("alcohol", "Late alcohol", None, None, None, NOT_ENOUGH),
    a_comparison("water", "Drank 6 glasses", 1.9, 1.2, 3.1, MORE),
    a_comparison("electrolytes", "Took electrolytes", 0.7, 0.2, 2.4, NOT_ENOUGH),
]


def parse(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def group(root: ET.Element, gid: str) -> ET.Element:
    found = root.find(f".//{SVG}g[@id='{gid}']")
    assert found is not None, f"no <g id={gid!r}> in the SVG"
    return found


def plot_area(root: ET.Element, gid: str) -> tuple[float, float, float, float]:
    """x, y, width and height of the plot area a line or its markers are clipped to."""
    clip_ref = group(root, gid).find(".//*[@clip-path]").get("clip-path")
    clip_id = re.fullmatch(r"url\(#(.+)\)", clip_ref).group(1)
    rect = root.find(f".//{SVG}clipPath[@id='{clip_id}']/{SVG}rect")
    return tuple(float(rect.get(a)) for a in ("x", "y", "width", "height"))


def markers(root: ET.Element, gid: str) -> list[tuple[float, float]]:
    """A group's markers as (x, y) fractions of the plot area, y measured upwards."""
    x0, y0, width, height = plot_area(root, gid)
    return [
        ((float(u.get("x")) - x0) / width, 1 - (float(u.get("y")) - y0) / height)
        for u in group(root, gid).iter(f"{SVG}use")
    ]


def filled(root: ET.Element, line: str) -> list[tuple[float, float]]:
    return markers(root, f"{line}-markers")


def hollow(root: ET.Element, line: str) -> list[tuple[float, float]]:
    return markers(root, f"{line}-thin")


def marker_styles(root: ET.Element, gid: str) -> set[tuple[str, str]]:
    """The (fill, stroke) colours of a group's markers."""
    styles = set()
    for use in group(root, gid).iter(f"{SVG}use"):
        style = dict(item.split(": ") for item in use.get("style").split("; "))
        styles.add((style.get("fill", "#000000"), style["stroke"]))  # black is SVG's default
    return styles


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def plot_fraction(lim: tuple[float, float], value: float) -> float:
    return (value - lim[0]) / (lim[1] - lim[0])


# ---- Every chart ------------------------------------------------------------------------


@pytest.mark.parametrize("name", WEEKLY)
def test_each_weekly_chart_is_an_svg_document(name):
    chart, _draw = WEEKLY[name]
    assert parse(chart(six_weeks_with_a_gap())).tag.endswith("svg")


def test_the_forest_plot_is_an_svg_document():
    assert parse(charts.forest_chart(COMPARISONS)).tag.endswith("svg")


@pytest.mark.parametrize("name", WEEKLY)
@pytest.mark.parametrize("weeks", [[], [unlogged_week(0), unlogged_week(1)]], ids=["none", "gaps"])
def test_a_period_without_logged_nights_draws_a_message_instead_of_failing(name, weeks):
    chart, _draw = WEEKLY[name]
    svg = chart(weeks)
    assert parse(svg).tag.endswith("svg")
    assert b"No logged nights in this period" in svg


def test_a_forest_plot_without_comparisons_draws_a_message_instead_of_failing():
    svg = charts.forest_chart([])
    assert parse(svg).tag.endswith("svg")
    assert b"No logged nights in this period" in svg


def test_the_severity_chart_of_weeks_without_cramps_says_there_were_none():
    weeks = [logged_week(i, mean_severity=None, worst_severity=None) for i in range(3)]
    svg = charts.severity_chart(weeks)
    assert b"No cramp episodes in this period" in svg
    assert b"No logged nights" not in svg


@pytest.mark.parametrize("name", WEEKLY)
@pytest.mark.parametrize("diary", [six_weeks_with_a_gap, thin_and_full_weeks])
def test_the_same_weeks_always_give_the_same_bytes(name, diary):
    chart, _draw = WEEKLY[name]
    assert chart(diary()) == chart(diary())


def test_the_same_comparisons_always_give_the_same_bytes():
    assert charts.forest_chart(COMPARISONS) == charts.forest_chart(COMPARISONS)


def test_importing_the_charts_never_loads_pyplot():
    code = "import sys, journal.charts; assert 'matplotlib.pyplot' not in sys.modules"
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


# ---- Weekly charts ----------------------------------------------------------------------


def test_the_cramps_line_has_one_marker_per_logged_week():
    root = parse(charts.cramps_chart(six_weeks_with_a_gap()))
    for line in ("cramps-per-night", "cramp-free-share"):
        assert len(filled(root, line)) == 5  # five nights logged in each week
        assert hollow(root, line) == []
        assert list(group(root, line).iter(f"{SVG}use")) == []  # the line has none of its own


def test_the_cramps_line_breaks_at_an_unlogged_week():
    root = parse(charts.cramps_chart(six_weeks_with_a_gap()))
    path = group(root, "cramps-per-night").find(f"{SVG}path")
    assert path.get("d").count("M") == 2


def test_an_unlogged_week_is_a_gap_but_a_week_without_cramps_is_a_zero():
    weeks = six_weeks_with_a_gap()
    ax = charts._draw_cramps(weeks).axes[0]
    xs = [plot_fraction(ax.get_xlim(), mdates.date2num(w.start)) for w in weeks]
    zero = plot_fraction(ax.get_ylim(), 0.0)

    drawn = filled(parse(charts.cramps_chart(weeks)), "cramps-per-night")

    assert [x for x, _y in drawn] == pytest.approx(xs[:2] + xs[3:], abs=1e-4)
    assert drawn[3] == pytest.approx((xs[4], zero), abs=1e-4)  # the week with no cramps
    assert all(y > zero + 0.01 for i, (_x, y) in enumerate(drawn) if i != 3)


def test_the_habits_chart_draws_each_habit_and_the_water_with_gaps():
    root = parse(charts.habits_chart(six_weeks_with_a_gap()))
    gids = [
        "stretch-share",
        "late-caffeine-share",
        "late-alcohol-share",
        "electrolytes-share",
        "relaxation-share",
        "mean-water",
    ]
    assert {gid: len(filled(root, gid)) for gid in gids} == dict.fromkeys(gids, 5)
    assert {gid: len(hollow(root, gid)) for gid in gids} == dict.fromkeys(gids, 0)


def test_the_severity_chart_draws_the_mean_and_the_worst_episode():
    root = parse(charts.severity_chart(six_weeks_with_a_gap()))
    assert len(filled(root, "mean-severity")) == 5
    assert len(filled(root, "worst-severity")) == 5


# Without episodes in its thin weeks the severity chart has no hollow marker to explain,
# and so no note: a chart with the note next to one without.
def thin_weeks_without_episodes() -> list[Week]:
    return [
        w
        if w.logged >= charts.THIN_WEEK_NIGHTS or w.logged == 0
        else replace(w, mean_severity=None, worst_severity=None)
        for w in thin_and_full_weeks()
    ]


LAYOUT_DIARIES = [six_weeks_with_a_gap, thin_and_full_weeks, thin_weeks_without_episodes]


@pytest.mark.parametrize("diary", LAYOUT_DIARIES)
def test_the_weekly_charts_place_their_plot_areas_identically_in_the_svg(diary):
    weeks = diary()
    lines = {"cramps": "cramps-per-night", "severity": "mean-severity", "habits": "mean-water"}
    roots = {name: parse(WEEKLY[name][0](weeks)) for name in WEEKLY}

    widths = {name: root.get("width") for name, root in roots.items()}
    areas = {name: plot_area(roots[name], gid) for name, gid in lines.items()}

    assert len(set(widths.values())) == 1
    # Lined up across the page; the habits' rows are each lower than the others' plot.
    assert len({(x, width) for x, _y, width, _height in areas.values()}) == 1
    assert areas["cramps"][2:] == areas["severity"][2:]


@pytest.mark.parametrize("diary", LAYOUT_DIARIES)
def test_the_weekly_charts_share_one_plot_area_so_they_line_up_on_the_page(diary):
    weeks = diary()
    figures = [draw(weeks) for _chart, draw in WEEKLY.values()]

    def layout(fig):
        width, height = fig.get_size_inches()
        box = fig.axes[0].get_position()
        return {
            "figure width": width,
            "left, inches": box.x0 * width,
            "right, inches": box.x1 * width,
            "plot height, inches": box.height * height,
            "x from": fig.axes[0].get_xlim()[0],
            "x to": fig.axes[0].get_xlim()[1],
        }

    first = layout(figures[0])
    assert layout(figures[1]) == pytest.approx(first)
    habits = layout(figures[2])
    del habits["plot height, inches"], first["plot height, inches"]
    assert habits == pytest.approx(first)
    assert first["figure width"] == charts.DEFAULT_LOOK.width
    # The right-hand axes of the cramps chart is a twin of the left one.
    assert all(
        twin.get_position().bounds == fig.axes[0].get_position().bounds
        for fig in figures[:2]
        for twin in fig.axes[1:]
    )


@pytest.mark.parametrize("name", WEEKLY)
def test_five_years_of_weeks_draw(name):
    # How fast is for `make bench`; a timed assertion here would fail on a busy machine.
    chart, _draw = WEEKLY[name]
    weeks = [
        unlogged_week(i)
        if i % 13 == 5
        else logged_week(i, logged=2 if i % 4 == 0 else 6, cramps_per_night=(i % 7) / 3)
        for i in range(260)
    ]
    assert parse(chart(weeks)).tag.endswith("svg")


def years_of_weeks(n: int) -> list[Week]:
    """n weeks: every 13th unlogged, every 4th thin, and week 42 logged between two gaps."""
    return [
        unlogged_week(i)
        if i % 13 == 5 or i in (41, 43)
        else logged_week(i, logged=2 if i % 4 == 0 else 6, cramps_per_night=(i % 7) / 3)
        for i in range(n)
    ]


def uses(root: ET.Element, gid: str) -> int:
    return len(list(group(root, gid).iter(f"{SVG}use")))


@pytest.mark.parametrize(("n", "every_week"), [(104, True), (105, False), (260, False)])
def test_beyond_two_years_only_the_weeks_the_line_cant_show_keep_a_filled_marker(n, every_week):
    weeks = years_of_weeks(n)
    root = parse(charts.cramps_chart(weeks))
    full = [i for i, w in enumerate(weeks) if w.logged >= charts.THIN_WEEK_NIGHTS]
    thin = [i for i, w in enumerate(weeks) if 0 < w.logged < charts.THIN_WEEK_NIGHTS]

    assert uses(root, "cramps-per-night-markers") == (len(full) if every_week else 1)  # week 42
    assert uses(root, "cramps-per-night-thin") == len(thin)  # hollow ones always stay
    if not every_week:
        (alone,) = filled(root, "cramps-per-night")
        ax = charts._draw_cramps(weeks).axes[0]
        x = plot_fraction(ax.get_xlim(), mdates.date2num(weeks[42].start))
        assert alone == pytest.approx((x, plot_fraction(ax.get_ylim(), 42 % 7 / 3)), abs=1e-3)


# ---- Thin weeks -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "line"), SERIES)
def test_weeks_with_fewer_than_four_nights_get_hollow_markers_and_the_others_filled(name, line):
    weeks = thin_and_full_weeks()
    ax = WEEKLY[name][1](weeks).axes[0]
    x = {i: plot_fraction(ax.get_xlim(), mdates.date2num(w.start)) for i, w in enumerate(weeks)}

    root = parse(WEEKLY[name][0](weeks))

    assert [x for x, _y in filled(root, line)] == pytest.approx([x[i] for i in FULL], abs=1e-4)
    assert [x for x, _y in hollow(root, line)] == pytest.approx([x[i] for i in THIN], abs=1e-4)


@pytest.mark.parametrize(("name", "line"), SERIES)
def test_a_hollow_marker_is_white_inside_and_edged_in_its_lines_colour(name, line):
    root = parse(WEEKLY[name][0](thin_and_full_weeks()))
    stroke = re.search(r"stroke: (#[0-9a-f]{6})", group(root, line).find(f"{SVG}path").get("style"))
    colour = stroke.group(1)

    assert marker_styles(root, f"{line}-markers") == {(colour, colour)}
    assert marker_styles(root, f"{line}-thin") == {("#ffffff", colour)}


def test_a_week_with_one_night_is_hollow_even_at_the_extremes():
    weeks = [logged_week(0), logged_week(1, logged=1, cramps_per_night=3.0, cramp_free_share=0.0)]
    root = parse(charts.cramps_chart(weeks))
    assert (len(filled(root, "cramps-per-night")), len(hollow(root, "cramps-per-night"))) == (1, 1)
    assert (len(filled(root, "cramp-free-share")), len(hollow(root, "cramp-free-share"))) == (1, 1)


def test_an_unlogged_week_is_still_a_gap_among_thin_weeks():
    weeks = thin_and_full_weeks()
    ax = charts._draw_cramps(weeks).axes[0]
    gaps = [plot_fraction(ax.get_xlim(), mdates.date2num(w.start)) for w in weeks if w.logged == 0]
    root = parse(charts.cramps_chart(weeks))

    # Weeks 0-1, 3-5 and 7: the week between two gaps has no line, only its marker.
    assert group(root, "cramps-per-night").find(f"{SVG}path").get("d").count("M") == 3
    drawn = filled(root, "cramps-per-night") + hollow(root, "cramps-per-night")
    assert len(drawn) == len(weeks) - len(gaps)
    assert all(abs(x - gap) > 0.01 for x, _y in drawn for gap in gaps)


@pytest.mark.parametrize("name", WEEKLY)
def test_the_note_on_hollow_markers_appears_only_when_a_week_is_thin(name):
    chart, _draw = WEEKLY[name]
    with_thin = parse(chart(thin_and_full_weeks()))
    without = parse(chart(six_weeks_with_a_gap()))

    assert charts.THIN_WEEK_NOTE in texts(group(with_thin, "thin-week-note"))
    assert charts.THIN_WEEK_NOTE not in texts(without)
    assert without.find(f".//{SVG}g[@id='thin-week-note']") is None


@pytest.mark.parametrize("name", ["cramps", "severity"])
def test_the_note_has_its_own_row_above_the_legend(name):
    fig = WEEKLY[name][1](thin_and_full_weeks())
    fig.draw_without_rendering()
    note, legend = fig.legends[0].get_window_extent(), fig.axes[0].get_legend().get_window_extent()

    assert note.y0 >= legend.y1  # above the legend, not over it
    assert note.y1 <= fig.bbox.y1  # and inside the figure
    assert note.x0 == pytest.approx(legend.x0, abs=1)  # lined up with the legend


def test_a_severity_chart_without_episodes_in_its_thin_weeks_has_no_note():
    root = parse(charts.severity_chart(thin_weeks_without_episodes()))
    assert hollow(root, "mean-severity") == []
    assert charts.THIN_WEEK_NOTE not in texts(root)


def test_the_habits_note_sits_above_the_first_row_and_its_title():
    fig = charts._draw_habits(thin_and_full_weeks())
    fig.draw_without_rendering()
    note, title = fig.legends[0].get_window_extent(), fig.axes[0].title.get_window_extent()
    assert note.y0 >= title.y1
    assert note.y1 <= fig.bbox.y1


def test_the_habits_chart_has_one_titled_row_per_habit_sharing_the_weeks():
    fig = charts._draw_habits(six_weeks_with_a_gap())
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == [title for _attr, title in charts.HABIT_ROWS] + [charts.WATER_TITLE]
    assert len({ax.get_xlim() for ax in fig.axes}) == 1
    # Rows top to bottom, none overlapping the next, and only the last labels the weeks.
    boxes = [ax.get_position() for ax in fig.axes]
    assert all(upper.y0 > lower.y1 for upper, lower in itertools.pairwise(boxes))
    fig.draw_without_rendering()
    labelled = [
        any(label.get_text() for label in ax.get_xticklabels() if label.get_visible())
        and ax.xaxis.get_tick_params()["labelbottom"]
        for ax in fig.axes
    ]
    assert labelled == [False] * len(charts.HABIT_ROWS) + [True]
    assert fig.legends == []
    assert all(ax.get_legend() is None for ax in fig.axes)


@pytest.mark.parametrize("name", ["cramps", "severity"])
def test_the_legend_shows_each_series_with_its_line_and_a_filled_marker(name):
    root = parse(WEEKLY[name][0](thin_and_full_weeks()))
    legend = group(root, "legend_1")
    n_series = sum(chart == name for chart, _line in SERIES)

    lines = [p for p in legend.iter(f"{SVG}path") if "fill: none" in p.get("style", "")]
    assert len(lines) == n_series
    assert len(list(legend.iter(f"{SVG}use"))) == n_series
    assert all(fill != "#ffffff" for fill, _stroke in marker_styles(root, "legend_1"))


# ---- Forest plot ------------------------------------------------------------------------

LONG_LABELS = [
    a_comparison("short", "Water", 0.5, 0.3, 0.8, FEWER),
    # 60 characters: wrapped onto two lines of at most 36.
    a_comparison(
        "long", "Caffeine within six hours of bedtime, tea and cola included", 64, 9, 80, MORE
    ),
    a_comparison("few", "Electrolyte drink or supplement", None, None, None, NOT_ENOUGH),
    # 35 characters on one line, pushing the plot area right; ratios at the axis' edges.
    a_comparison("magnesium", "Magnesium supplement within 2 hours", 1 / 80, 1 / 90, 0.5, FEWER),
    a_comparison("widest", "Stretched calves and hamstrings well", 100, 70, 200, MORE),
]


def drawn_forest(comparisons: list[Comparison]):
    fig = charts._draw_forest(comparisons)
    with charts.style():
        fig.draw_without_rendering()
    return fig, fig.axes[0]


@pytest.mark.parametrize("comparisons", [COMPARISONS, LONG_LABELS], ids=["short", "long"])
def test_every_text_of_the_forest_plot_is_inside_the_figure(comparisons):
    fig, ax = drawn_forest(comparisons)
    shown = [t for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text().strip()]
    labels = [t for t in ax.get_yticklabels() if t.get_text()]

    assert len(labels) == len(comparisons)
    for text in shown:
        box = text.get_window_extent()
        assert fig.bbox.x0 <= box.x0, text.get_text()
        assert box.x1 <= fig.bbox.x1, text.get_text()
        assert fig.bbox.y0 <= box.y0, text.get_text()
        assert box.y1 <= fig.bbox.y1, text.get_text()
    # The habit labels end left of the plot area and the axis label sits below it.
    assert max(label.get_window_extent().x1 for label in labels) < ax.bbox.x0
    # Nor does a ratio or an arrow at the axis' edge touch a label.
    ends = [line.get_window_extent().x0 for line in ax.lines if line.get_gid() != "no-difference"]
    assert max(label.get_window_extent().x1 for label in labels) < min(ends)
    assert ax.xaxis.label.get_window_extent().y1 < ax.bbox.y0


@pytest.mark.parametrize("comparisons", [COMPARISONS, LONG_LABELS], ids=["short", "long"])
def test_the_label_column_of_the_forest_plot_is_as_wide_as_its_longest_label(comparisons):
    fig, ax = drawn_forest(comparisons)
    widest = min(t.get_window_extent().x0 for t in ax.get_yticklabels() if t.get_text())

    assert widest - fig.bbox.x0 < 0.25 * fig.dpi  # little room left over on the left


def test_the_week_under_way_is_a_hollow_marker_the_line_does_not_reach():
    # A period ending on a Tuesday: its last week has 2 days, one of them logged, and
    # that night alone would end the line at 100% cramp-free.
    weeks = [logged_week(i) for i in range(3)]
    weeks.append(
        logged_week(3, days_in_period=2, logged=1, cramps_per_night=0.0, cramp_free_share=1.0)
    )
    root = parse(charts.cramps_chart(weeks))

    path = group(root, "cramp-free-share").find(f"{SVG}path").get("d")
    assert path.count("L") == 2, "the line joins the three whole weeks only"
    assert len(hollow(root, "cramp-free-share")) == 1
    assert charts.SO_FAR_NOTE in texts(group(root, "thin-week-note"))
    # A whole last week is joined up as usual, and the note doesn't mention it.
    whole = parse(
        charts.cramps_chart([logged_week(i) for i in range(3)] + [logged_week(3, logged=1)])
    )
    assert group(whole, "cramp-free-share").find(f"{SVG}path").get("d").count("L") == 3
    assert charts.THIN_WEEK_NOTE in texts(group(whole, "thin-week-note"))
    assert charts.SO_FAR_NOTE not in texts(group(whole, "thin-week-note"))


# ---- Looks: a width per breakpoint, colours per mode -------------------------------------

ALL_CHARTS = {
    "cramps": lambda look: charts.cramps_chart(thin_and_full_weeks(), look),
    "severity": lambda look: charts.severity_chart(thin_and_full_weeks(), look),
    "habits": lambda look: charts.habits_chart(thin_and_full_weeks(), look),
    "forest": lambda look: charts.forest_chart(LONG_LABELS, look),
}


def font_sizes(root: ET.Element) -> list[float]:
    return [
        float(size)
        for node in root.iter()
        for size in re.findall(r"font-size: ([\d.]+)px", node.get("style", ""))
    ]


@pytest.mark.parametrize("look", charts.LOOKS)
@pytest.mark.parametrize("name", ALL_CHARTS)
def test_every_text_of_every_look_is_at_least_12_points(name, look):
    root = parse(ALL_CHARTS[name](charts.LOOKS[look]))
    sizes = font_sizes(root)
    assert sizes
    assert min(sizes) >= 12
    # 12 points drawn on a figure this wide: the page shows it at least 3/4 as wide.
    assert root.get("width") == f"{charts.LOOKS[look].width * 72:g}pt"


@pytest.mark.parametrize("name", ALL_CHARTS)
def test_a_phone_chart_is_narrower_than_a_wide_one_with_the_same_text(name):
    wide, phone = (parse(ALL_CHARTS[name](charts.LOOKS[k])) for k in ("wide-light", "phone-light"))
    assert float(phone.get("width")[:-2]) < 0.6 * float(wide.get("width")[:-2])
    assert set(font_sizes(phone)) == set(font_sizes(wide))


def colours(svg: bytes) -> set[str]:
    return {c.lower() for c in re.findall(r"(?:fill|stroke): (#[0-9a-fA-F]{6})", svg.decode())}


@pytest.mark.parametrize("name", ALL_CHARTS)
def test_a_dark_chart_is_transparent_with_light_ink_and_no_white(name):
    svg = ALL_CHARTS[name](charts.LOOKS["wide-dark"])
    used = colours(svg)
    assert "#ffffff" not in used
    assert "#000000" not in used
    assert charts.DARK.ink in used
    assert not colours(svg) & {charts.LIGHT.ink, charts.LIGHT.face}
    # No background box: the figure and the plot areas are not filled.
    root = parse(svg)
    patch = root.find(f".//{SVG}g[@id='patch_1']/{SVG}path")
    assert (
        patch is None
        or "fill: none" in patch.get("style", "")
        or "opacity: 0" in patch.get("style", "")
    )


@pytest.mark.parametrize("name", ALL_CHARTS)
def test_a_light_chart_uses_the_light_palette(name):
    used = colours(ALL_CHARTS[name](charts.LOOKS["wide-light"]))
    assert charts.LIGHT.ink in used
    assert not used & {charts.DARK.ink, charts.DARK.face}
