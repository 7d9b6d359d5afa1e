"""The guided bedtime routine: its stretches, their timing, and what a finished one says.

Plain data for the page (journal/views/routine.py) and its script (static/js/routine.js):
the written guide and the guided session are drawn from the same list.
"""

from __future__ import annotations

from dataclasses import dataclass

from journal.models import ROUTINE_STRETCHES, STRETCHES, whole_minutes

HOLD_SECONDS = 30
SWITCH_SECONDS = 5  # to change legs between holds
READY_SECONDS = 10  # to get into the next stretch
ROUNDS = (1, 2, 3)  # holds per leg, the person's choice; 1 takes about 6½ minutes
DEFAULT_ROUNDS = 1

_LABELS = dict(STRETCHES)


@dataclass(frozen=True)
class Stretch:
    field: str  # the Night and Evening field, e.g. "stretch_calf_wall"
    image: str  # static/img/stretches/<image>.svg
    short: str  # as the done screen lists it: "calf at a wall"
    how: str
    alt: str

    @property
    def label(self) -> str:
        return _LABELS[self.field]

    @property
    def path(self) -> str:
        return f"img/stretches/{self.image}.svg"


GUIDE = (
    Stretch(
        "stretch_calf_wall",
        "calf-wall",
        "calf at a wall",
        "Face a wall with both hands on it at shoulder height. Step one foot back, keep that "
        "leg straight and its heel flat on the floor, and bend the front knee until you feel "
        "the stretch in the back calf.",
        "A person leaning on a wall with both hands, one leg stepped back straight with its "
        "heel down, the front knee bent.",
    ),
    Stretch(
        "stretch_calf_towel",
        "calf-towel",
        "towel",
        "Sit on the floor or the bed with one leg straight in front of you. Loop a towel or "
        "belt around the ball of that foot and gently pull your toes towards you, knee "
        "straight. Good for doing in bed.",
        "A person sitting with one leg straight out, pulling a towel looped around the foot.",
    ),
    Stretch(
        "stretch_hamstring",
        "hamstring",
        "hamstring",
        "Sit with one leg straight and the other bent, its sole against the inside of the "
        "straight leg. Keeping your back long, lean forward from the hips towards the "
        "straight foot until the back of the thigh pulls.",
        "A person sitting with one leg straight and the other bent, leaning forward from "
        "the hips towards the straight foot.",
    ),
    Stretch(
        "stretch_quadriceps",
        "quadriceps",
        "quadriceps",
        "Stand holding a chair or wall for balance. Bend one knee and hold that ankle behind "
        "you, bringing the heel towards your bottom with the knees side by side. You should "
        "feel it along the front of the thigh.",
        "A person standing with one hand on a chair, the other holding one ankle behind "
        "them, heel towards the bottom.",
    ),
    Stretch(
        "stretch_hip_flexor",
        "hip-flexor",
        "hip flexor",
        "Kneel on one knee (on a cushion) with the other foot flat in front. Tuck your hips "
        "under and shift your weight gently forward until the front of the kneeling-side "
        "hip stretches.",
        "A person kneeling on one knee on a cushion, the other foot flat in front, hips "
        "shifted forward.",
    ),
)
assert tuple(s.field for s in GUIDE) == ROUTINE_STRETCHES
_SHORT = {s.field: s.short for s in GUIDE}


def summary(seconds: int, done: list[str]) -> str:
    """What the done screen says: "7 minutes, calf at a wall, towel, hamstring"."""
    n = whole_minutes(seconds)
    names = [_SHORT[name] for name in ROUTINE_STRETCHES if name in done]
    return ", ".join([f"{n} minute{'' if n == 1 else 's'}", *names])


def for_script(static) -> list[dict]:
    """The stretches as the page's script reads them (json_script); ``static`` makes
    each picture's address."""
    return [
        {
            "field": s.field,
            "label": s.label,
            "short": s.short,
            "how": s.how,
            "image": static(s.path),
            "alt": s.alt,
        }
        for s in GUIDE
    ]
