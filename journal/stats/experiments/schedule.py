"""A plan's nights: pairs of blocks, the order within each pair drawn from a seed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

MIN_PAIRS = 6  # with fewer, even the clearest result can't reach p < 0.05 (2 / 2⁵ > 0.05)
MAX_NIGHTS = 26 * 7  # half a year
BLOCK_NIGHTS = range(1, 8)
MAX_WASH_IN = 2


@dataclass(frozen=True)
class PlannedNight:
    date: dt.date
    number: int  # 1 for the first night
    pair: int  # 0 for the first pair
    test: bool  # a test night, else a usual one
    wash_in: bool  # one of the first nights of its block, left out of the analysis


@dataclass(frozen=True)
class Design:
    start: dt.date  # the first night
    block_nights: int
    pairs: int
    wash_in: int  # nights at the start of each block left out of the analysis
    seed: int

    @property
    def nights(self) -> int:
        return self.pairs * 2 * self.block_nights

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.nights - 1)

    def test_first(self) -> list[bool]:
        """For each pair, whether its test block comes first: the random draw.

        Python's random.Random gives the same random() sequence for the same integer
        seed in every version (a documented guarantee), so the schedule can be audited.
        """
        draw = random.Random(self.seed)
        return [draw.random() < 0.5 for _ in range(self.pairs)]

    def schedule(self) -> list[PlannedNight]:
        nights = []
        for pair, first in enumerate(self.test_first()):
            for half in (0, 1):
                for i in range(self.block_nights):
                    number = (2 * pair + half) * self.block_nights + i
                    nights.append(
                        PlannedNight(
                            date=self.start + dt.timedelta(days=number),
                            number=number + 1,
                            pair=pair,
                            test=first == (half == 0),
                            wash_in=i < self.wash_in,
                        )
                    )
        return nights

    def night(self, date: dt.date) -> PlannedNight | None:
        if not self.start <= date <= self.end:
            return None
        return self.schedule()[(date - self.start).days]
