"""The clinician summary's numbers for one person and period: the owner's /summary/ page
and the read-only link a clinician opens (journal.views.share) both show them."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from journal import stats
from journal.dates import last_night
from journal.forms import ReportForm
from journal.models import CrampEpisode, Experiment, Muscle, Night, Side


def _experiments(user, start: dt.date, end: dt.date, tz) -> list[tuple[Experiment, object]]:
    """The experiments with nights in the period, with their results so far."""
    lately = last_night(tz)
    return [
        (e, result)
        for e, result in Experiment.objects.for_user(user).order_by("start").with_results(lately)
        if e.start <= min(end, lately) and e.last_counted >= start
    ]


def summary_context(form: ReportForm, user, tz) -> dict:
    """What templates/journal/_summary_body.html shows, for the form's period."""
    start, end = form.range
    nights = Night.objects.for_user(user).between(start, end).stats_data()
    # One more query whatever the length of the diary: no per-night lookups.
    episodes = CrampEpisode.objects.filter(night__user=user, night__date__range=(start, end))
    durations: list[float] = []
    locations: Counter[tuple[str, str]] = Counter()
    for muscle, side, minutes in episodes.order_by().values_list(
        "muscle", "side", "duration_minutes"
    ):
        locations[muscle, side] += 1
        if minutes is not None:
            durations.append(float(minutes))
    measures = stats.summary_measures(nights, durations, dict(locations), start, end)
    weeks = stats.weekly(nights, start, end)
    return {
        "form": form,
        "query": form.query(),
        "s": measures,
        "muscles": [(Muscle(m).label, n) for m, n in measures.muscles],
        "sides": [(Side(side).label, n) for side, n in measures.sides],
        "weeks": weeks,
        "flags": stats.clinician_flags(nights, weeks),
        "thresholds": stats,
        "experiments": _experiments(user, start, end, tz),
    }
