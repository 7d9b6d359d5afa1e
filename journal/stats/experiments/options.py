"""What a person can test, in the words the pages and the night log use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from journal.stats.nights import (
    ALCOHOL_WINDOW_HOURS,
    CAFFEINE_WINDOW_HOURS,
    STRETCH_MINUTES_THRESHOLD,
    WATER_GLASSES_THRESHOLD,
    NightData,
    late_alcohol,
    late_caffeine,
    stretched,
    well_hydrated,
)


@dataclass(frozen=True)
class Option:
    """Something a person can test, in the words the pages and the night log use."""

    label: str  # "Stretching before bed"
    test: str  # tonight's instruction on a test night
    usual: str  # ... and on a usual night
    test_short: str  # "stretch"
    usual_short: str  # "no stretching"
    question: str  # asked in the morning: did you do it last night?
    block_nights: int  # a sensible default
    about: str = ""
    # Whether the night's log says it was done (None: it can't tell), to catch an answer
    # that contradicts it. Nothing for one's own thing: only the answer knows.
    logged: Callable[[NightData], bool | None] | None = field(default=None, compare=False)

    def worded(self, own_label: str) -> Option:
        """This option with a person's own label filled in (for OWN)."""
        fill = {"label": own_label, "Label": own_label[:1].upper() + own_label[1:]}
        return Option(
            **{k: v.format(**fill) if isinstance(v, str) else v for k, v in self.__dict__.items()}
        )


OWN = "own"
OPTIONS: dict[str, Option] = {
    "stretch": Option(
        "Stretching before bed",
        f"Stretch for {STRETCH_MINUTES_THRESHOLD}–10 minutes before bed, any of the stretch "
        "guide’s stretches",
        "No stretching before bed",
        "stretch",
        "no stretching",
        f"Did you stretch for at least {STRETCH_MINUTES_THRESHOLD} minutes before bed?",
        2,
        "Stretching is thought to work the same night, so short blocks suit it.",
        stretched,
    ),
    "no_late_caffeine": Option(
        f"No caffeine within {CAFFEINE_WINDOW_HOURS} hours of bed",
        f"No coffee, tea, cola or energy drinks in the {CAFFEINE_WINDOW_HOURS} hours before bed",
        "Caffeine as you usually have it",
        "no late caffeine",
        "caffeine as usual",
        f"Did you keep caffeine out of the {CAFFEINE_WINDOW_HOURS} hours before bed?",
        2,
        "Only worth testing if you usually have caffeine in the afternoon or evening.",
        lambda night: _not(late_caffeine(night)),
    ),
    "no_late_alcohol": Option(
        f"No alcohol within {ALCOHOL_WINDOW_HOURS} hours of bed",
        f"No alcohol in the {ALCOHOL_WINDOW_HOURS} hours before bed",
        "Alcohol as you usually have it",
        "no late alcohol",
        "alcohol as usual",
        f"Did you keep alcohol out of the {ALCOHOL_WINDOW_HOURS} hours before bed?",
        2,
        "Only worth testing if you usually drink in the evening.",
        lambda night: _not(late_alcohol(night)),
    ),
    "electrolytes": Option(
        "An electrolyte drink",
        "Have an electrolyte drink or supplement in the evening",
        "No electrolyte drink or supplement",
        "electrolyte drink",
        "no electrolyte drink",
        "Did you have an electrolyte drink or supplement?",
        3,
        logged=lambda night: night.electrolytes,
    ),
    "relaxation": Option(
        "Relaxation before bed",
        "Ten minutes of slow breathing or meditation before bed",
        "No relaxation exercise",
        "relax",
        "no relaxation exercise",
        "Did you do a relaxation exercise before bed?",
        2,
        logged=lambda night: night.relaxed,
    ),
    "water": Option(
        f"{WATER_GLASSES_THRESHOLD} or more glasses of water",
        f"Drink at least {WATER_GLASSES_THRESHOLD} glasses of water through the day",
        "Water as usual",
        f"{WATER_GLASSES_THRESHOLD}+ glasses of water",
        "water as usual",
        f"Did you drink at least {WATER_GLASSES_THRESHOLD} glasses of water?",
        2,
        logged=well_hydrated,
    ),
    OWN: Option(
        "{Label}",
        "{Label}",
        "No {label}",
        "{label}",
        "no {label}",
        "{Label} last night?",
        7,
        "If it takes days to work or wear off, as some supplements do, use longer blocks "
        "and a wash-in night or two: that needs a longer experiment.",
    ),
}


CHOICES = [(key, "Something of your own" if key == OWN else o.label) for key, o in OPTIONS.items()]


def _not(late: bool | None) -> bool | None:
    return None if late is None else not late


def option(key: str, own_label: str = "") -> Option:
    chosen = OPTIONS[key]
    return chosen.worded(own_label) if key == OWN else chosen
