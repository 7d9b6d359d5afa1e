"""Charts: SVG drawings of the weekly statistics and the habit comparisons (no database)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
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


def a_comparison(
    key: str, label: str, ratio: float | None, low: float | None, high: float | None, verdict: str
) -> Comparison:
    habit = Habit(key, label, "yes", "no", classify=lambda night: None)
    return Comparison(habit, Group(20, 10), Group(20, 15), 0, ratio, low, high, verdict)


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
    """x, y, width and height of the plot area the line is clipped to, in SVG points."""
    clip_ref = group(root, gid).find(f"{SVG}path").get("clip-path")
    clip_id = re.fullmatch(r"url\(#(.+)\)", clip_ref).group(1)
    rect = root.find(f".//{SVG}clipPath[@id='{clip_id}']/{SVG}rect")
    return tuple(float(rect.get(a)) for a in ("x", "y", "width", "height"))


def markers(root: ET.Element, gid: str) -> list[tuple[float, float]]:
    """The line's markers as (x, y) fractions of the plot area, y measured upwards."""
    x0, y0, width, height = plot_area(root, gid)
    return [
        ((float(u.get("x")) - x0) / width, 1 - (float(u.get("y")) - y0) / height)
        for u in group(root, gid).iter(f"{SVG}use")
    ]


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
def test_the_same_weeks_always_give_the_same_bytes(name):
    chart, _draw = WEEKLY[name]
    assert chart(six_weeks_with_a_gap()) == chart(six_weeks_with_a_gap())


def test_the_same_comparisons_always_give_the_same_bytes():
    assert charts.forest_chart(COMPARISONS) == charts.forest_chart(COMPARISONS)


def test_importing_the_charts_never_loads_pyplot():
    code = "import sys, journal.charts; assert 'matplotlib.pyplot' not in sys.modules"
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


# ---- Weekly charts ----------------------------------------------------------------------


def test_the_cramps_line_has_one_marker_per_logged_week():
    root = parse(charts.cramps_chart(six_weeks_with_a_gap()))
    assert len(markers(root, "cramps-per-night")) == 5
    assert len(markers(root, "cramp-free-share")) == 5


def test_the_cramps_line_breaks_at_an_unlogged_week():
    root = parse(charts.cramps_chart(six_weeks_with_a_gap()))
    path = group(root, "cramps-per-night").find(f"{SVG}path")
    assert path.get("d").count("M") == 2


def test_an_unlogged_week_is_a_gap_but_a_week_without_cramps_is_a_zero():
    weeks = six_weeks_with_a_gap()
    ax = charts._draw_cramps(weeks).axes[0]
    xs = [plot_fraction(ax.get_xlim(), mdates.date2num(w.start)) for w in weeks]
    zero = plot_fraction(ax.get_ylim(), 0.0)

    drawn = markers(parse(charts.cramps_chart(weeks)), "cramps-per-night")

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
    assert {gid: len(markers(root, gid)) for gid in gids} == dict.fromkeys(gids, 5)


def test_the_severity_chart_draws_the_mean_and_the_worst_episode():
    root = parse(charts.severity_chart(six_weeks_with_a_gap()))
    assert len(markers(root, "mean-severity")) == 5
    assert len(markers(root, "worst-severity")) == 5


def test_the_weekly_charts_place_their_plot_areas_identically_in_the_svg():
    weeks = six_weeks_with_a_gap()
    lines = {"cramps": "cramps-per-night", "severity": "mean-severity", "habits": "mean-water"}
    roots = {name: parse(WEEKLY[name][0](weeks)) for name in WEEKLY}

    widths = {name: root.get("width") for name, root in roots.items()}
    areas = {name: plot_area(roots[name], gid) for name, gid in lines.items()}

    assert len(set(widths.values())) == 1
    assert len({(x, width, height) for x, _y, width, height in areas.values()}) == 1


def test_the_weekly_charts_share_one_plot_area_so_they_line_up_on_the_page():
    weeks = six_weeks_with_a_gap()
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
    assert all(layout(fig) == pytest.approx(first) for fig in figures[1:])
    assert first["figure width"] == charts.WEEKLY_FIGSIZE[0]
    assert all(
        twin.get_position().bounds == fig.axes[0].get_position().bounds
        for fig in figures
        for twin in fig.axes[1:]
    )


@pytest.mark.parametrize("name", WEEKLY)
def test_five_years_of_weeks_draw_quickly(name):
    chart, _draw = WEEKLY[name]
    weeks = [
        unlogged_week(i) if i % 13 == 5 else logged_week(i, cramps_per_night=(i % 7) / 3)
        for i in range(260)
    ]
    started = time.perf_counter()
    svg = chart(weeks)
    assert time.perf_counter() - started < 1.5
    assert parse(svg).tag.endswith("svg")


# ---- Forest plot ------------------------------------------------------------------------


def test_the_forest_plot_has_a_labelled_row_for_each_habit():
    root = parse(charts.forest_chart(COMPARISONS))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    for c in COMPARISONS:
        assert texts.count(c.habit.label) == 1


def test_the_forest_plot_draws_a_point_and_an_interval_only_where_there_are_enough_nights():
    root = parse(charts.forest_chart(COMPARISONS))
    ids = {g.get("id", "") for g in root.iter(f"{SVG}g")}
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]

    assert {i for i in ids if i.startswith(("ratio-", "interval-"))} == {
        f"{kind}-{key}"
        for kind in ("ratio", "interval")
        for key in ("stretch", "caffeine", "water")
    }
    assert texts.count("not enough nights") == 2


def test_the_forest_plot_has_a_log_axis_with_a_line_at_no_difference():
    fig = charts._draw_forest(COMPARISONS)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    svg = charts._svg(fig)

    assert ax.get_xscale() == "log"
    assert {"0.5×", "1×", "2×"} <= set(labels)
    assert b'id="no-difference"' in svg
    assert b"fewer cramps" in svg
    assert b"more cramps" in svg


def test_the_forest_plot_copes_with_ratios_and_intervals_off_the_scale():
    comparisons = [
        a_comparison("none", "Never cramped with it", 0.0, 0.0, 0.9, FEWER),
        a_comparison("wide", "Very unsure", 3.0, 0.001, float("inf"), NO_CLEAR_DIFFERENCE),
        a_comparison("open", "No interval", 1.1, None, None, NO_CLEAR_DIFFERENCE),
    ]
    root = parse(charts.forest_chart(comparisons))
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert {"ratio-none", "ratio-wide", "ratio-open", "interval-none", "interval-wide"} <= ids
    assert "interval-open" not in ids
