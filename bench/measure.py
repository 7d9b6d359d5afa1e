"""Timing: cases measured in interleaved rounds, so noise falls on every case alike.

The machine is shared, so a busy minute must not land on one page only. Each round runs
every case once, in a shuffled order; the medians and 95th percentiles of all cases thus
come from the same minutes, and their ratios hold up when the absolute times don't.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


def _nothing() -> None:
    pass


@dataclass
class Case:
    """One thing to time. ``prepare`` and ``after`` run around it, untimed, every time."""

    name: str
    run: Callable[[], object]
    prepare: Callable[[], object] = _nothing
    after: Callable[[], object] = _nothing
    samples: list[float] = field(default_factory=list)  # seconds

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples, 95) * 1000

    def summary(self) -> dict:
        return {
            "median_ms": round(self.median_ms, 3),
            "p95_ms": round(self.p95_ms, 3),
            "n": len(self.samples),
        }


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile, interpolated between the closest ranks (as numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def run_rounds(
    cases: Sequence[Case], rounds: int, warmup: int, progress: Callable[[str], object] = print
) -> None:
    """Warm-up rounds (not kept), then ``rounds`` timed rounds of every case."""
    order = list(cases)
    shuffle = random.Random(6)
    for number in range(warmup + rounds):
        shuffle.shuffle(order)
        for case in order:
            case.prepare()
            started = time.perf_counter()
            case.run()
            elapsed = time.perf_counter() - started
            case.after()
            if number >= warmup:
                case.samples.append(elapsed)
        if (number + 1) % 10 == 0:
            progress(f"  round {number + 1} of {warmup + rounds}")
