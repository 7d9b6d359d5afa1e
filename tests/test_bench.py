"""The benchmark (bench/run.py) on a few weeks of data, so that `make bench` can't rot.

No timing is checked here (this machine's speed says nothing about the code); what is
checked is that every page and floor was timed, every ratio is worked out from the same
run's figures, every target is reported, and the query counts and memory were measured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run
from bench.measure import percentile
from bench.run import CHART_NAMES, PERIODS
from tests.conftest import make_episode, make_night

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["log_get", "log_post", "history", "edit", "summary"]


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Smoke run: targets not enforced." in done.stdout
    return json.loads(out.read_text())


def test_every_page_chart_and_floor_is_timed(results):
    timings = results["timings_ms"]
    expected = {
        "baseline_login",
        "floor_empty_figure",
        "floor_csv_writer",
        "export",
        *PAGES,
        *(f"reports_{p}" for p in PERIODS),
        *(
            f"chart_{state}_{n}_{p}"
            for state in ("warm", "cold")
            for n in CHART_NAMES
            for p in PERIODS
        ),
        *(f"others_reports_{p}_{w}" for p in ("12", "all") for w in ("alone", "others")),
        *(f"info_chart_after_page_{n}_all" for n in CHART_NAMES),
        *(f"{case}_1y" for case in ("import_preview", "import_confirm", "floor_bulk_create")),
    }
    assert expected <= set(timings)
    for name, timing in timings.items():
        assert 0 < timing["median_ms"] <= timing["p95_ms"], name
        assert timing["n"] >= 1, name


def test_ratios_are_to_the_floors_of_the_same_run(results):
    median = {name: t["median_ms"] for name, t in results["timings_ms"].items()}
    ratios = results["ratios"]
    for page in [*PAGES, "reports_all", "chart_warm_forest_12"]:
        assert ratios[page] == pytest.approx(median[page] / median["baseline_login"], rel=1e-2)
    chart = median["chart_cold_habits_all"] / median["floor_empty_figure"]
    assert ratios["chart_cold_habits_all"] == pytest.approx(chart, rel=1e-2)
    export = median["export"] / median["floor_csv_writer"]
    assert ratios["export"] == pytest.approx(export, rel=1e-2)
    alone = median["others_reports_all_others"] / median["others_reports_all_alone"]
    assert ratios["others_reports_all"] == pytest.approx(alone, rel=1e-2)
    for stage in ("preview", "confirm"):
        imported = median[f"import_{stage}_1y"] / median["floor_bulk_create_1y"]
        assert ratios[f"import_{stage}_1y"] == pytest.approx(imported, rel=1e-2)


def test_every_target_of_the_issue_is_reported(results):
    targets = {t["name"]: t for t in results["targets"]}
    limits = {
        "log_get": 4,
        "log_post": 5,
        "history": 2,
        "edit": 4,
        "reports_all": 3,
        "chart_warm_cramps_all": 1.5,
        "chart_cold_forest_all": 2,
        "summary": 3,
        "export": 3,
        "others_reports_all": 1.2,
        "queries_history_cold": 10,
        # The smoke run imports one year; `make bench` sets the targets on twenty.
        "import_preview_1y": 10,
        "import_confirm_1y": 10,
        "import_confirm_1y_seconds": 30,
    }
    for name, limit in limits.items():
        assert targets[name]["limit"] == limit, name
        assert targets[name]["passed"] == (targets[name]["value"] <= limit), name
    assert targets["export_streamed"]["passed"]
    assert any(name.startswith("export_memory_") for name in targets)


def test_queries_are_counted_at_both_sizes_for_every_page(results):
    queries = results["queries"]
    assert set(queries["30"]) == set(queries["1800"])
    assert {"login", "log_post", "history_cold", "chart_habits_all_warm"} <= set(queries["30"])


def test_the_exports_memory_is_measured_at_two_sizes(results):
    small, large = results["memory"].values()
    assert large["nights"] > small["nights"] > 0
    assert large["bytes"] > small["bytes"]
    assert results["peak_rss_mb"] > 0


def test_percentile_interpolates_between_ranks():
    assert percentile([1.0], 95) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([0.0, 10.0], 95) == pytest.approx(9.5)


def test_the_least_possible_ratios_come_from_the_same_runs_figures(results):
    median = {name: t["median_ms"] for name, t in results["timings_ms"].items()}
    least = results["for_comparison"]["least_possible"]
    for name in CHART_NAMES:
        warm = median[f"chart_warm_{name}_all"] / median["floor_empty_figure"]
        assert least[f"chart_cold_{name}_all"] == pytest.approx(warm + 1, rel=1e-2)
    floor = median["floor_csv_writer"]
    export = median["info_export_read_rows"] + floor
    assert least["export"] == pytest.approx(export / floor, rel=1e-2)
    requests = median["info_export_no_rows"] / floor
    two_requests = results["for_comparison"]["export_two_requests_without_rows_vs_csv_writer"]
    assert two_requests == pytest.approx(requests, rel=1e-2)


def test_the_plain_read_of_the_export_reads_every_row_of_its_owner_only(alice, bob):
    for owner, days in (
        (alice, ("2026-11-01", "2026-11-02", "2026-11-03")),
        (bob, ("2026-11-02",)),
    ):
        for day in days:
            make_episode(make_night(owner, day), severity=4)
    make_night(alice, "2026-11-04")  # no episodes

    assert run._read_rows(alice)() == 4 + 3  # nights, then episodes


def test_the_export_of_a_week_without_nights_is_its_headers_alone(alice, alice_client):
    make_episode(make_night(alice, "2026-11-01"))
    for name, header in (("nights", "date,"), ("episodes", "night_date,")):
        response = alice_client.get(f"/export/{name}.csv?{run._NO_NIGHTS}")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert text.startswith(header)
        assert text.count("\r\n") == 1, text
