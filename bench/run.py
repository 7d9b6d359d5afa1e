"""`make bench`: how Nightleg's pages hold up after five years of nights.

    python -m bench.run [--smoke] [--rounds 40] [--out bench/results.json]

Builds its own SQLite databases in a temporary folder (bench/data.py), then times every
page with Django's test client in this one process, in interleaved rounds after warm-up
rounds (bench/measure.py). Every target is a ratio to a floor timed in the same rounds:
the login page for pages, an empty figure for charts, Python's csv.writer for the export.
It also counts each page's SQL queries at 30 and at about 1,800 nights, measures the
export's peak memory in a process per size (bench/memory.py), and compares the measured
person's reports with and without 200 other people on the server, and imports journals
of 1, 5 and 20 years against inserting the same rows with bulk_create (bench/imports.py).

Prints a table, writes every figure to the --out file, and exits with status 1 when a
target is missed. ``--smoke`` runs it all on a few weeks of data and reports the targets
without enforcing them: tests/test_bench.py runs it so the benchmark can't rot.

Pages and charts are requested the way a browser does: a chart by the link its page
gives (which carries the data version), a warm page after the page and its charts were
fetched once, a cold chart or page right after the whole cache was cleared.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results.json"
PERIODS = ("12", "52", "all")
CHART_NAMES = ("cramps", "severity", "habits", "forest")
# An import of 20 years takes seconds: a few rounds give a steady median.
IMPORT_ROUNDS = 3
IMPORT_RATIO = 10  # preview and confirm of the longest journal, times the bulk_create floor
# A quarter of gunicorn's timeout (nightleg/gunicorn.conf.py) and of the proxy's.
IMPORT_SECONDS = 30
_NO_NIGHTS = "start=1990-01-01&end=1990-01-07"  # before anyone's first night
_CHART_LINK = re.compile(r'<img src="(/reports/charts/(\w+)\.svg\?[^"]*)"')


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    limit: float
    unit: str = "x"

    @property
    def passed(self) -> bool:
        return self.value <= self.limit

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "value": round(self.value, 3),
            "limit": self.limit,
            "unit": self.unit,
            "passed": self.passed,
        }


def _setup_django(db_path: Path) -> None:
    os.environ["NIGHTLEG_BENCH_DB"] = str(db_path)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def _use_database(path: Path) -> None:
    """Point the default connection at another SQLite file (closing the current one)."""
    from django.core.cache import cache
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = str(path)
    cache.clear()  # cache keys hold user ids, which the two databases share


def _copy_database(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def build(workdir: Path, sizes, *, alone: bool = True) -> dict:
    """Both databases (or only the full one), and what they hold. Django must be set up
    with NIGHTLEG_BENCH_DB pointing at workdir / "full.sqlite3"."""
    from django.core.management import call_command
    from django.db import connection

    from bench import data
    from journal.models import CrampEpisode, Night

    full_db, alone_db = workdir / "full.sqlite3", workdir / "alone.sqlite3"
    call_command("migrate", verbosity=0)
    if alone:
        connection.close()
        _copy_database(full_db, alone_db)
        _use_database(alone_db)
        data.build_alone(sizes)
        _use_database(full_db)
    rows = data.build_full(sizes)
    return {
        "users": data.User.objects.count(),
        "nights": Night.objects.count(),
        "episodes": CrampEpisode.objects.count(),
        "measured_nights": rows[data.MEASURED],
        "measured_episodes": CrampEpisode.objects.filter(
            night__user__username=data.MEASURED
        ).count(),
        "small_nights": rows[data.SMALL],
        "big_nights": rows[data.BIG],
    }


class Pages:
    """The journal's pages for one person, requested as a browser would."""

    def __init__(self, client, user) -> None:
        from bench import data
        from journal.dates import last_night

        self.client = client
        self.user = user
        self.last_night = last_night(data.UTC)

    def get(self, url: str, status: int = 200) -> int:
        response = self.client.get(url)
        if response.status_code != status:
            raise AssertionError(f"GET {url}: {response.status_code}, expected {status}")
        if response.streaming:
            size = sum(len(chunk) for chunk in response.streaming_content)
            response.close()
            return size
        return len(response.content)

    def chart_links(self, page: str) -> dict[str, str]:
        """The charts' URLs as the page links them (with the data version)."""
        text = self.client.get(page).content.decode()
        return {name: html.unescape(src) for src, name in _CHART_LINK.findall(text)}

    def edit_date(self) -> str:
        """A recent night with two cramps (its page shows two filled cards)."""
        from django.db.models import Count

        from journal.models import Night

        nights = Night.objects.for_user(self.user).annotate(n=Count("episodes"))
        night = nights.filter(n=2).order_by("-date").first() or nights.first()
        return night.date.isoformat()

    def post_data(self) -> dict[str, str]:
        """The morning log as a browser sends it: last night, two cramps, one empty card."""
        data = {
            "date": self.last_night.isoformat(),
            "bedtime": "22:45",
            "stretch_minutes": "10",
            "stretch_calf_wall": "on",
            "caffeine_drinks": "2",
            "last_caffeine_at": "11:00",
            "alcohol_drinks": "1",
            "last_alcohol_at": "20:00",
            "water_glasses": "6",
            "relaxation_minutes": "0",
            "sleep_quality": "3",
            "notes": "",
            "episodes-TOTAL_FORMS": "3",
            "episodes-INITIAL_FORMS": "0",
            "episodes-MIN_NUM_FORMS": "0",
            "episodes-MAX_NUM_FORMS": "30",
            # The untouched third card, with what it started with sent back as it was
            # (a browser shows the last cramp's muscle and side; the cost is the same).
            "episodes-2-muscle": "calf",
            "initial-episodes-2-muscle": "calf",
            "initial-episodes-2-side": "",
        }
        keys = ("at", "muscle", "side", "severity", "duration_minutes", "woke_me")
        cramps = [("03:10", "calf", "left", "6", "2", "on"), ("05:20", "foot", "right", "4", "1")]
        for i, cramp in enumerate(cramps):
            data |= {f"episodes-{i}-{k}": v for k, v in zip(keys, cramp, strict=False)}
        return data

    def log_night(self) -> None:
        response = self.client.post("/nights/new/", self.post_data())
        if response.status_code != 302:
            raise AssertionError(f"POST /nights/new/: {response.status_code}, expected 302")

    def forget_last_night(self) -> None:
        from journal.models import Night

        Night.objects.for_user(self.user).filter(date=self.last_night).delete()

    def urls(self) -> dict[str, str]:
        urls = {
            "log_get": "/nights/new/",
            "history": "/nights/",
            "edit": f"/nights/{self.edit_date()}/",
            "summary": "/summary/",
            "export_nights": "/export/nights.csv",
            "export_episodes": "/export/episodes.csv",
            # The same two files for a week with no nights: what the requests cost alone.
            "export_nights_none": f"/export/nights.csv?{_NO_NIGHTS}",
            "export_episodes_none": f"/export/episodes.csv?{_NO_NIGHTS}",
        }
        for period in PERIODS:
            page = f"/reports/?period={period}"
            urls[f"reports_{period}"] = page
            for name, link in self.chart_links(page).items():
                urls[f"chart_{name}_{period}"] = link
        urls["summary_chart"] = self.chart_links(urls["summary"])["cramps"]
        return urls

    def query_counts(self, anonymous) -> dict[str, int]:
        """SQL queries for each page, cold (nothing cached) and then warm."""
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count(fetch: Callable[[], object]) -> int:
            with CaptureQueriesContext(connection) as queries:
                fetch()
            return len(queries)

        counts = {"login": count(lambda: anonymous.get("/accounts/login/"))}
        for name, url in self.urls().items():
            cache.clear()
            counts[f"{name}_cold"] = count(lambda url=url: self.get(url))
            counts[f"{name}_warm"] = count(lambda url=url: self.get(url))
        counts["log_post"] = count(self.log_night)
        self.forget_last_night()
        return counts


def _floor_empty_figure(axes: bool = False) -> Callable[[], bytes]:
    """An empty figure of the charts' size saved as SVG: the floor for any chart.

    With ``axes`` it holds one empty Axes as well (what Figure.subplots() gives), the
    least that any chart with a scale has to draw; recorded for comparison only.
    """
    from matplotlib.figure import Figure

    from journal import charts

    def draw() -> bytes:
        with charts.style():
            fig = Figure(figsize=(charts.DEFAULT_LOOK.width, charts.WEEKLY_HEIGHT))
            if axes:
                fig.add_subplot()
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()

    return draw


def _export_rows(pages: Pages, urls: dict[str, str]) -> list[list[list[str]]]:
    """The rows of both export files, read back from a real export."""
    files = []
    for name in ("export_nights", "export_episodes"):
        response = pages.client.get(urls[name])
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        files.append(list(csv.reader(io.StringIO(text, newline=""))))
    return files


def _floor_csv(files: list[list[list[str]]]) -> Callable[[], int]:
    """The floor for the export: csv.writer writing the same rows from lists in memory."""

    def write() -> int:
        size = 0
        for rows in files:
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerows(rows)
            size += len(out.getvalue())
        return size

    return write


def _fetch_all(queries: list[tuple[str, tuple]]) -> Callable[[], int]:
    """Run each query and fetch all its rows, through the app's database connection."""
    from django.db import connection

    def fetch() -> int:
        rows = 0
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                rows += len(cursor.fetchall())
        return rows

    return fetch


def _fetch_only(user) -> Callable[[], int]:
    """Both export queries run and every row fetched, with nothing formatted or written:
    what the export costs the database and its driver alone. For comparison only."""
    from django.db.models import Count, F, Max, Sum

    from journal import csvio
    from journal.models import NIGHT_FIELDS, CrampEpisode, Night

    nights = Night.objects.for_user(user)
    queries = [
        nights.order_by("date")
        .annotate(
            cramp_count=Count("episodes"),
            worst_severity=Max("episodes__severity"),
            cramp_minutes=Sum("episodes__duration_minutes"),
        )
        .values_list(*NIGHT_FIELDS, *csvio.NIGHT_SUMMARY_COLUMNS, "experiment_done")
        .query.sql_with_params(),
        CrampEpisode.objects.filter(night__in=nights)
        .order_by("night__date", F("at").asc(nulls_last=True), "id")
        .values_list("night__date", *csvio.EPISODE_COLUMNS[1:])
        .query.sql_with_params(),
    ]

    return _fetch_all(queries)


def _read_rows(user) -> Callable[[], int]:
    """The plainest queries that read every row and column the export writes: the
    nights in date order from the (user, date) index with nothing summed up, and the
    episodes with their night's date. The least any export has to read; for comparison
    only."""

    from journal import csvio
    from journal.models import CrampEpisode, Night

    nights = Night.objects.for_user(user)
    queries = [
        nights.order_by("date").values_list(*csvio.NIGHT_INPUTS).query.sql_with_params(),
        CrampEpisode.objects.filter(night__user=user)
        .order_by()
        .values_list("night__date", *csvio.EPISODE_COLUMNS[1:])
        .query.sql_with_params(),
    ]

    return _fetch_all(queries)


def _memory(db: Path, usernames: list[str]) -> dict[str, dict]:
    """Peak memory of streaming each person's export, each in a fresh process at once."""
    env = os.environ | {"NIGHTLEG_BENCH_DB": str(db), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    runs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "bench.memory", name],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in usernames
    }
    results = {}
    for name, run in runs.items():
        out, _ = run.communicate()
        if run.returncode:
            raise RuntimeError(f"bench.memory {name} failed")
        results[name] = json.loads(out)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny data, targets not enforced")
    parser.add_argument("--rounds", type=int, help="timed rounds (default 40; smoke 1)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.smoke else 40)
    warmup = 0 if args.smoke else 3

    workdir = Path(tempfile.mkdtemp(prefix="nightleg-bench-"))
    try:
        results = _run(workdir, smoke=args.smoke, rounds=rounds, warmup=warmup)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nEvery figure: {args.out}")
    missed = [t["name"] for t in results["targets"] if not t["passed"]]
    if args.smoke:
        print("Smoke run: targets not enforced.")
    elif missed:
        print(f"MISSED {len(missed)} target(s): {', '.join(missed)}")
        least = results["for_comparison"]["least_possible"]
        limits = {t["name"]: t["limit"] for t in results["targets"]}
        # A sum of medians is an estimate, not a bound: only a clear excess counts.
        out_of_reach = [n for n in missed if n in least and least[n] > limits[n] * 1.1]
        if out_of_reach:
            print(
                "Out of reach in this run (the least possible is over 1.1 times the target): "
                f"{', '.join(out_of_reach)}"
            )
        return 1
    else:
        print("Every target met.")
    return 0


def _run(workdir: Path, *, smoke: bool, rounds: int, warmup: int) -> dict:
    full_db, alone_db = workdir / "full.sqlite3", workdir / "alone.sqlite3"
    _setup_django(full_db)

    from django.core.cache import cache
    from django.test import Client

    from bench import data, imports
    from bench.measure import Case, run_rounds

    sizes = data.SMOKE if smoke else data.Sizes()
    started = time.perf_counter()
    print(f"Building the databases in {workdir} ...")
    counts = build(workdir, sizes)
    print(f"  built in {time.perf_counter() - started:.1f} s: {counts}")

    def signed_in(username: str) -> Client:
        client = Client()
        client.force_login(data.User.objects.get(username=username))
        return client

    anonymous = Client()
    me = Pages(signed_in(data.MEASURED), data.User.objects.get(username=data.MEASURED))
    me.forget_last_night()  # the morning log opens on last night, not yet logged
    small = Pages(signed_in(data.SMALL), data.User.objects.get(username=data.SMALL))
    small.forget_last_night()
    urls = me.urls()

    print("Counting queries ...")
    queries = {"30": small.query_counts(anonymous), "1800": me.query_counts(anonymous)}

    def page(name: str, url: str, warm: tuple[str, ...] = ()) -> Case:
        """A page; ``warm`` is fetched first each time (the page itself, its charts)."""

        def prepare() -> None:
            for other in warm:
                me.get(other)

        return Case(name, run=lambda: me.get(url), prepare=prepare)

    def cold(name: str, url: str) -> Case:
        return Case(name, run=lambda: me.get(url), prepare=cache.clear)

    cases = [
        Case("baseline_login", run=lambda: anonymous.get("/accounts/login/")),
        page("log_get", urls["log_get"]),
        Case("log_post", run=me.log_night, after=me.forget_last_night),
        page("history", urls["history"]),
        page("edit", urls["edit"]),
        page("summary", urls["summary"], warm=(urls["summary"], urls["summary_chart"])),
        Case(
            "export", run=lambda: (me.get(urls["export_nights"]), me.get(urls["export_episodes"]))
        ),
        Case("floor_empty_figure", run=_floor_empty_figure()),
        Case("floor_csv_writer", run=_floor_csv(_export_rows(me, urls))),
        # For comparison only, no target: see the README's Performance section.
        Case("info_empty_figure_with_axes", run=_floor_empty_figure(axes=True)),
        Case("info_export_fetch_only", run=_fetch_only(me.user)),
        Case("info_export_read_rows", run=_read_rows(me.user)),
        Case(
            "info_export_no_rows",
            run=lambda: (me.get(urls["export_nights_none"]), me.get(urls["export_episodes_none"])),
        ),
        cold("info_reports_all_cold", urls["reports_all"]),
    ]
    for period in PERIODS:
        report = urls[f"reports_{period}"]
        charts = tuple(urls[f"chart_{name}_{period}"] for name in CHART_NAMES)
        cases.append(page(f"reports_{period}", report, warm=(report, *charts)))
        for name in CHART_NAMES:
            url = urls[f"chart_{name}_{period}"]
            cases.append(page(f"chart_warm_{name}_{period}", url, warm=(url,)))
            cases.append(cold(f"chart_cold_{name}_{period}", url))
    for name in CHART_NAMES:
        # The first visit after logging a night: nothing cached for the new data version,
        # the page drawn just before (untimed), then its chart. For comparison only.
        cases.append(
            Case(
                f"info_chart_after_page_{name}_all",
                run=lambda url=urls[f"chart_{name}_all"]: me.get(url),
                prepare=lambda: (cache.clear(), me.get(urls["reports_all"])),
            )
        )

    print(f"Timing {len(cases)} cases: {warmup} warm-up rounds, then {rounds} rounds ...")
    run_rounds(cases, rounds=rounds, warmup=warmup)

    print("The measured person's reports with and without 200 other people ...")
    _use_database(alone_db)
    alone = Pages(signed_in(data.MEASURED), None)
    _use_database(full_db)
    others = []
    for period in ("12", "all"):
        url = urls[f"reports_{period}"]
        for where, db, client in (
            ("alone", alone_db, alone.client),
            ("others", full_db, me.client),
        ):

            def prepare(db=db, client=client, url=url) -> None:
                _use_database(db)  # also clears the cache, so each is warmed again below
                for _ in range(3):  # the page cached, and the new connection's pages read
                    client.get(url)

            others.append(
                Case(
                    f"others_reports_{period}_{where}",
                    run=lambda client=client, url=url: client.get(url),
                    prepare=prepare,
                )
            )
    run_rounds(others, rounds=rounds, warmup=warmup)
    _use_database(full_db)

    years = ", ".join(map(str, sizes.import_years))
    print(f"Importing journals of {years} years into empty accounts ...")
    imported = [
        case for importer in imports.importers(sizes.import_years) for case in importer.cases()
    ]
    run_rounds(imported, rounds=min(rounds, IMPORT_ROUNDS), warmup=min(warmup, 1))

    print("Peak memory of the export, one process per size ...")
    big = f"{sizes.big_factor}x"
    runs = _memory(full_db, [data.MEASURED, data.BIG])
    memory = {"1x": runs[data.MEASURED], big: runs[data.BIG]}
    streamed = all(me.client.get(urls[n]).streaming for n in ("export_nights", "export_episodes"))
    return _results(
        cases + others + imported, queries, memory, streamed, counts, sizes, smoke, rounds
    )


def _results(cases, queries, memory, streamed, counts, sizes, smoke, rounds) -> dict:
    timings = {case.name: case.summary() for case in cases}
    median = {name: t["median_ms"] for name, t in timings.items()}
    base = median["baseline_login"]
    ratios: dict[str, float] = {}
    for name, value in median.items():
        if name.startswith("chart_cold_"):
            ratios[name] = value / median["floor_empty_figure"]
        elif name == "export":
            ratios[name] = value / median["floor_csv_writer"]
        elif name.startswith("import_"):
            ratios[name] = value / median[f"floor_bulk_create_{name.rsplit('_', 1)[1]}"]
        elif name.startswith(("floor_", "baseline_", "others_", "info_")):
            continue
        else:
            ratios[name] = value / base
    info = {
        "chart_cold_all_vs_empty_figure_with_axes": {
            n: round(median[f"chart_cold_{n}_all"] / median["info_empty_figure_with_axes"], 3)
            for n in CHART_NAMES
        },
        "export_fetch_only_vs_csv_writer": round(
            median["info_export_fetch_only"] / median["floor_csv_writer"], 3
        ),
        "export_two_requests_without_rows_vs_csv_writer": round(
            median["info_export_no_rows"] / median["floor_csv_writer"], 3
        ),
        "reports_all_cold_vs_login": round(median["info_reports_all_cold"] / base, 3),
        "chart_after_page_all_vs_empty_figure": {
            n: round(median[f"info_chart_after_page_{n}_all"] / median["floor_empty_figure"], 3)
            for n in CHART_NAMES
        },
        "least_possible": _least_possible(median),
    }
    for period in ("12", "all"):
        ratios[f"others_reports_{period}"] = (
            median[f"others_reports_{period}_others"] / median[f"others_reports_{period}_alone"]
        )

    targets = [
        Target("log_get", ratios["log_get"], 4),
        Target("log_post", ratios["log_post"], 5),
        Target("history", ratios["history"], 2),
        Target("edit", ratios["edit"], 4),
        *(Target(f"reports_{p}", ratios[f"reports_{p}"], 3) for p in PERIODS),
        *(
            Target(f"chart_warm_{n}_{p}", ratios[f"chart_warm_{n}_{p}"], 1.5)
            for p in PERIODS
            for n in CHART_NAMES
        ),
        *(Target(f"chart_cold_{n}_all", ratios[f"chart_cold_{n}_all"], 2) for n in CHART_NAMES),
        Target("summary", ratios["summary"], 3),
        Target("export", ratios["export"], 3),
        Target("export_streamed", 0 if streamed else 1, 0, unit="1 if not streamed"),
    ]
    big = f"{sizes.big_factor}x"
    growth = (memory[big]["growth_kb"] - memory["1x"]["growth_kb"]) / 1024
    targets.append(Target(f"export_memory_{big}_rows", growth, 10, unit="MB more"))
    for page in sorted(queries["1800"]):
        small, large = queries["30"][page], queries["1800"][page]
        targets.append(Target(f"queries_{page}", max(small, large), 10, unit="queries"))
        targets.append(Target(f"queries_{page}_growth", abs(large - small), 0, unit="queries"))
    targets += [
        Target(f"others_reports_{p}", ratios[f"others_reports_{p}"], 1.2) for p in ("12", "all")
    ]
    longest = f"{max(sizes.import_years)}y"
    for stage in ("preview", "confirm"):
        name = f"import_{stage}_{longest}"
        targets.append(Target(name, ratios[name], IMPORT_RATIO))
        seconds = median[name] / 1000
        targets.append(Target(f"{name}_seconds", seconds, IMPORT_SECONDS, unit="s"))
    return {
        "smoke": smoke,
        "rounds": rounds,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "data": counts,
        "timings_ms": timings,
        "ratios": {name: round(value, 3) for name, value in ratios.items()},
        "for_comparison": info,
        "queries": queries,
        "memory": memory,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "targets": [t.as_dict() for t in targets],
    }


def _least_possible(median: dict[str, float]) -> dict[str, float]:
    """Estimated floors, from this run's own timings, for the two targets set against a
    floor: what those cases cost at the least with the app's requests as they are.

    A cold chart does everything its warm request does (session, data version, cache
    lookup, response) and then draws and saves a figure, which costs at least the empty
    figure: so it can't take less than warm + floor, i.e. warm / floor + 1 floors. The
    export reads its rows through the app's database connection (with the plainest
    queries) and writes them (the csv.writer floor itself): even if its two requests cost
    nothing, it can't take less than (read + floor) / floor. Each is a sum of medians of
    cases timed apart, so an estimate rather than a strict bound. When one is well above
    its target, drawing or exporting faster can't meet that target on this machine; a
    cheaper request, or not drawing a cold chart at all, would be another question.
    """
    floor, csv_floor = median["floor_empty_figure"], median["floor_csv_writer"]
    least = {f"chart_cold_{n}_all": median[f"chart_warm_{n}_all"] / floor + 1 for n in CHART_NAMES}
    least["export"] = (median["info_export_read_rows"] + csv_floor) / csv_floor
    return {name: round(value, 3) for name, value in least.items()}


def table(results: dict) -> str:
    """The results as plain-text tables."""
    timings, ratios = results["timings_ms"], results["ratios"]
    targets = {t["name"]: t for t in results["targets"]}
    least = results["for_comparison"]["least_possible"]
    lines = [
        f"{'case':34} {'median ms':>10} {'p95 ms':>9} {'ratio':>7} {'target':>8}  ok"
        f"   least possible"
    ]
    for name, t in timings.items():
        ratio, target = ratios.get(name), targets.get(name)
        lines.append(
            f"{name:34} {t['median_ms']:10.2f} {t['p95_ms']:9.2f} "
            f"{'' if ratio is None else f'{ratio:.2f}':>7} "
            f"{'' if target is None else '<= ' + format(target['limit'], 'g'):>8}  "
            f"{'' if target is None else ('yes' if target['passed'] else 'NO '):3}"
            f"{'' if name not in least else format(least[name], '10.2f')}"
        )
    lines.append(f"\n{'other targets':34} {'value':>10} {'limit':>9}  ok")
    for name in ("others_reports_12", "others_reports_all"):
        t = targets[name]
        lines.append(f"{name:34} {t['value']:10.3f} {t['limit']:9g}  {_ok(t)}  (x alone)")
    for name, t in targets.items():
        if name.startswith("export_") or name.endswith("_seconds"):
            lines.append(f"{name:34} {t['value']:10.3f} {t['limit']:9g}  {_ok(t)}  ({t['unit']})")
    queries = results["queries"]
    lines.append(f"\n{'queries per page':34} {'30 nights':>10} {'1800':>9}  ok (<= 10, no growth)")
    for page in sorted(queries["1800"]):
        ok = targets[f"queries_{page}"]["passed"] and targets[f"queries_{page}_growth"]["passed"]
        lines.append(
            f"{page:34} {queries['30'][page]:10} {queries['1800'][page]:9}  {'yes' if ok else 'NO'}"
        )
    memory = results["memory"]
    lines.append("\nexport peak memory (VmHWM growth while streaming both files):")
    for size, m in memory.items():
        lines.append(
            f"  {size:>4}: {m['nights']} nights, {m['bytes']} bytes, "
            f"+{m['growth_kb'] / 1024:.1f} MB (peak {m['peak_kb'] / 1024:.1f} MB)"
        )
    lines.append(f"peak RSS of the benchmark process: {results['peak_rss_mb']} MB")
    lines.append(f"for comparison only: {json.dumps(results['for_comparison'])}")
    lines.append(f"data: {results['data']}")
    return "\n".join(lines)


def _ok(target: dict) -> str:
    return "yes" if target["passed"] else "NO"


if __name__ == "__main__":
    sys.exit(main())
