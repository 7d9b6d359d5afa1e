"""The statistics' simulations on more diaries, today's method against the one before.

    python -m bench.simulate [--diaries 1000] [--processes 2]

Runs the scenarios of tests/test_stats_simulations.py (its generators, so the planted
truths are the same) on more diaries, and prints, for each, the figure for the method
before journal/stats/ (journal/stats.py as last committed, read from git and loaded into
a module at run time, so none of it is kept in the tree) and for today's. Each
diary goes to both methods, so the two columns differ by method, not by luck.

The old app had no planned experiments: for those scenarios the "old" figure is its
habit table's stretching row on the experiment's nights (stretching on the test nights),
what someone alternating by hand would have read. "—" where there is nothing to compare.

A diary on which a method raises is left out of that method's figure and counted in its
own row. Takes several minutes on two cores.
"""

from __future__ import annotations

import os

# Two worker processes on two cores: OpenBLAS's own threads on top of them would only
# fight over the cores (the experiment analysis's order scans slow down many times).
# Set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import datetime as dt
import functools
import multiprocessing
import subprocess
import sys
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import journal.stats as new
from journal.stats.experiments import Design, Rate, analyse, power, suggested_pairs
from tests.test_stats_simulations import (
    EIGHT_WEEKS,
    KINDS,
    NAMED_STRETCHES,
    NIGHTS,
    RATE,
    SHORT_RATIO,
    START,
    TRUE_RATIO,
    WEEK_SIX,
    diary,
    draw_diary,
    exact_oracle_power,
    experiment_nights,
    falling,
    fortnight,
    oracle_power,
    trend_diary,
)

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 50  # diaries per task handed to a worker
VERDICTS = (new.FEWER, new.MORE)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout


def load_old_stats() -> types.ModuleType:
    """journal/stats.py as last committed (at HEAD, or, once the package has replaced it
    in a commit, as that commit's parent had it), as the module ``old_stats``."""
    removed = _git("log", "-1", "--format=%H", "--diff-filter=D", "--", "journal/stats.py")
    revision = f"{removed.strip()}^" if removed.strip() else "HEAD"
    module = types.ModuleType("old_stats")
    module.__file__ = f"{revision}:journal/stats.py"
    sys.modules["old_stats"] = module  # dataclasses look their module up there
    exec(compile(_git("show", module.__file__), module.__file__, "exec"), module.__dict__)
    return module


old = load_old_stats()


# ---- What each scenario measures on one diary -----------------------------------------------
# Each returns {figure: (old value or None, new value or None)} for one diary; a value is a
# number to average, None when the method has nothing to say there, and a method that
# raises gets {"raised": ...} instead.


def _covers(row, truth: float) -> float | None:
    """Whether the interval holds the truth; None without a ratio. An experiment's bound
    that its test can't set (None beside a ratio) is no limit that way."""
    if row.ratio is None:
        return None
    return float((row.low is None or row.low <= truth) and (row.high is None or truth <= row.high))


def _tables(counts, habits) -> tuple[list | Exception, list | Exception]:
    tables = []
    for module in (old, new):
        try:
            tables.append(module.compare_habits(diary(counts, habits, module.NightData)))
        except Exception as error:  # counted, not hidden: see Row "raised"
            tables.append(error)
    return tables[0], tables[1]


def _per_method(tables, measure: Callable[[list], dict]) -> dict:
    figures: dict[str, list] = {}
    for i, table in enumerate(tables):
        values = {"raised": 1.0} if isinstance(table, Exception) else measure(table)
        values.setdefault("raised", 0.0)
        for name, value in values.items():
            figures.setdefault(name, [None, None])[i] = value
    return figures


def any_verdict(rng, kind: str) -> dict:
    tables = _tables(*draw_diary(rng, kind))
    return _per_method(
        tables,
        lambda t: {
            "any fewer/more verdict in the table": float(any(r.verdict in VERDICTS for r in t))
        },
    )


def trend(rng) -> dict:
    counts, habits = trend_diary(rng)
    tables = _tables(counts, habits)
    figures = _per_method(
        tables, lambda t: {"stretching row says fewer": float(t[0].verdict == new.FEWER)}
    )
    split = START + dt.timedelta(days=WEEK_SIX)
    for i, module in enumerate((old, new)):
        result = module.before_after(diary(counts, habits, module.NightData), split)
        figures.setdefault("before/after at week 6 says fewer", [None, None])[i] = float(
            result.verdict == new.FEWER
        )
    return figures


def planted_stretching(rng, kind: str) -> dict:
    tables = _tables(*draw_diary(rng, kind, stretch_ratio=TRUE_RATIO))
    return _per_method(
        tables,
        lambda t: {
            "stretching interval covers 0.6": _covers(t[0], TRUE_RATIO),
            "stretching row says fewer (power)": float(t[0].verdict == new.FEWER),
            "named-stretch rows saying fewer": float(
                np.mean([r.verdict == new.FEWER for r in t if r.habit.key in NAMED_STRETCHES])
            ),
        },
    )


def short(rng, spread: float) -> dict:
    tables = _tables(*fortnight(rng, spread))
    return _per_method(
        tables, lambda t: {"stretching interval covers 0.6": _covers(t[0], SHORT_RATIO)}
    )


def few_cramps(rng) -> dict:
    tables = _tables(*draw_diary(rng, "streaks", base=0.3))

    def outside(table) -> dict:
        rows = [r for r in table if r.ratio is not None]
        return {
            "rows whose ratio is outside its own interval": float(
                np.mean([not r.low <= r.ratio <= r.high for r in rows]) if rows else 0.0
            ),
            "rows whose ratio is beyond 1000x either way": float(
                np.mean([not 1e-3 < r.ratio < 1e3 for r in rows]) if rows else 0.0
            ),
        }

    return _per_method(tables, outside)


def experiment(
    rng,
    seed: int,
    ratio: float,
    block_nights: int = 2,
    pairs: int = 21,
    kind: str = "streaks",
    with_trend: bool = True,
) -> dict:
    """The experiment's by-plan analysis (new) against the old habit table's stretching
    row on the same nights (old); the new habit table's row is shown on its own line."""
    design = Design(START, block_nights, pairs, wash_in=0, seed=seed)
    rate = falling(design.nights) if with_trend else RATE
    nights = experiment_nights(rng, design, ratio, rate, kind)
    by_plan = analyse(design, nights, design.end).by_plan
    counts = np.array([n.cramps for n in nights])
    stretch = np.array([p.test for p in design.schedule()])

    def measure(row) -> dict:
        if ratio == 1:
            return {"claims a difference": float(row.verdict in VERDICTS)}
        return {
            f"interval covers {ratio:g}": _covers(row, ratio),
            "says fewer (power)": float(row.verdict == new.FEWER),
        }

    figures = _per_method(_tables(counts, {"stretch": stretch}), lambda t: measure(t[0]))
    for name, value in measure(by_plan).items():
        figures[f"  the new habit table's row: {name}"] = [None, figures[name][1]]
        figures[name][1] = value
    return figures


def oracle(rng, nights: int) -> dict:
    return {"says fewer (power), exact binomial test": [None, oracle_power(rng, nights, 1)]}


# ---- Running them ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    measure: Callable[..., dict]
    args: tuple = ()
    seeded: bool = False  # measure takes the diary's own seed (an experiment's design)
    diaries: int | None = None  # else --diaries


def scenarios(diaries: int) -> list[Scenario]:
    listed = [
        *(Scenario(f"1. no effect, {kind}", any_verdict, (kind,)) for kind in KINDS),
        Scenario("2. falling trend 3 -> 1.5, stretching from week 6", trend),
        Scenario("3. streaks, stretching ratio 0.6", planted_stretching, ("streaks",)),
        *(
            Scenario(f"4. fortnight 7 v 7, spread {spread:g}", short, (spread,))
            for spread in (1.0, 2.0, 3.0)
        ),
        Scenario("5. only stretching helps (0.6), Poisson", planted_stretching, ("poisson",)),
        Scenario("5b. few cramps (0.3 a night), streaks, no effect", few_cramps),
        Scenario("7. experiment 2 x 21, trend + streaks, no effect", experiment, (1.0,), True),
        Scenario("7. experiment 2 x 21, trend + streaks, ratio 0.6", experiment, (0.6,), True),
        Scenario("8a. oracle, 8 weeks, Poisson", oracle, (EIGHT_WEEKS,), diaries=20 * diaries),
    ]
    for block_nights, pairs in ((1, 28), (2, 14), (3, 9)):
        listed.append(
            Scenario(
                f"8b. experiment {block_nights} x {pairs}, Poisson, ratio 0.6",
                experiment,
                (0.6, block_nights, pairs, "poisson", False),
                True,
            )
        )
    pairs = suggested()
    listed.append(
        Scenario(
            f"8c. suggested length, 2 x {pairs}, Poisson, ratio 0.6",
            experiment,
            (0.6, 2, pairs, "poisson", False),
            True,
        )
    )
    return listed


@functools.cache
def suggested() -> int:
    """The planner's pairs of 2-night blocks at 2 cramps a night (Poisson)."""
    return suggested_pairs(Rate(RATE, 1.0, 28), 2)


def _chunk(task: tuple[int, int, int, int]) -> tuple[int, dict[str, list[list[float]]]]:
    """One CHUNK of a scenario's diaries: the lists of each figure's values."""
    index, chunk, count, diaries = task
    scenario = scenarios(diaries)[index]
    rng = np.random.default_rng([9000 + index, chunk])
    values: dict[str, list[list[float]]] = {}
    for i in range(count):
        args = scenario.args
        if scenario.seeded:
            args = (90_000_000 + index * 1_000_000 + chunk * CHUNK + i, *args)
        for name, pair in scenario.measure(rng, *args).items():
            lists = values.setdefault(name, [[], []])
            for method, value in enumerate(pair):
                if value is not None:
                    lists[method].append(value)
    return index, values


def _cell(values: list[float]) -> str:
    return f"{np.mean(values):.3f}" if values else "—"


def _clock_row(width: int) -> None:
    coffee = {"caffeine_drinks": 1, "last_caffeine_at": dt.time(5, 30), "bedtime": dt.time(22)}
    print("6. a coffee at 05:30, bed at 22:00")
    print(
        f"{'   counted as late caffeine':<{width}} "
        f"{old.late_caffeine(old.NightData(date=START, **coffee))!s:>7} "
        f"{new.late_caffeine(new.NightData(date=START, **coffee))!s:>7}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--diaries", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2, choices=(1, 2))
    options = parser.parse_args()
    began = time.perf_counter()

    suggested()  # worked out once, before the workers are forked
    listed = scenarios(options.diaries)
    tasks = []
    for index, scenario in enumerate(listed):
        total = scenario.diaries or options.diaries
        for chunk, first in enumerate(range(0, total, CHUNK)):
            tasks.append((index, chunk, min(CHUNK, total - first), options.diaries))
    results: dict[int, dict[str, list[list[float]]]] = {}
    with multiprocessing.get_context("fork").Pool(options.processes) as pool:
        for index, values in pool.imap_unordered(_chunk, tasks):
            merged = results.setdefault(index, {})
            for name, (old_values, new_values) in values.items():
                lists = merged.setdefault(name, [[], []])
                lists[0].extend(old_values)
                lists[1].extend(new_values)

    width = 66
    print(f"old: {old.__file__} (for experiments, its habit table's stretching row);")
    print("new: journal/stats/ (for experiments, the by-plan analysis)")
    print(f"{'':<{width}} {'old':>7} {'new':>7}  diaries")
    for index, scenario in enumerate(listed):
        print(scenario.name)
        for name, (old_values, new_values) in results[index].items():
            if name == "raised":
                if not any(old_values) and not any(new_values):
                    continue
                name = "diaries on which the method raised (count)"
                old_cell, new_cell = f"{sum(old_values):.0f}", f"{sum(new_values):.0f}"
            else:
                old_cell, new_cell = _cell(old_values), _cell(new_values)
            counted = max(len(old_values), len(new_values))
            print(f"{'   ' + name:<{width}} {old_cell:>7} {new_cell:>7}  {counted}")
        if scenario.name.startswith("5b."):
            _clock_row(width)
    # The planner's own figures (no simulation of nights here: power() is its own).
    print()
    print("8. the planner, 2 cramps a night, Poisson, true ratio 0.6:")
    print(f"   oracle power in 8 weeks, summed exactly: {exact_oracle_power(EIGHT_WEEKS):.3f}")
    rate = Rate(RATE, 1.0, 28)
    for block_nights, pairs in ((1, 28), (3, 9)):
        print(
            f"   power({block_nights}-night blocks, {pairs} pairs): "
            f"{power(rate, block_nights, pairs):.3f} as planned (400 diaries), "
            f"{power(rate, block_nights, pairs, diaries=4000):.3f} with 4,000"
        )
    print(f"   suggested_pairs(Rate(2.0, 1.0, 28), 2) = {suggested()} ({suggested() * 4} nights)")
    for pairs in (14, suggested()):
        print(
            f"   power(2-night blocks, {pairs} pairs): {power(rate, 2, pairs):.3f} as planned, "
            f"{power(rate, 2, pairs, diaries=4000):.3f} with 4,000"
        )
    print(f"\n{NIGHTS}-night diaries unless said. Took {time.perf_counter() - began:.0f} s.")


if __name__ == "__main__":
    main()
