"""|bootstrap_field writes what crispy-forms' bootstrap5 pack writes, only faster."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from html.parser import HTMLParser

import pytest
import time_machine
from django import forms
from django.template import engines

from journal.forms import EpisodeFormSet, NightForm
from tests.conftest import make_episode, make_night, night_post

pytestmark = pytest.mark.django_db
UTC = zoneinfo.ZoneInfo("UTC")

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")
OURS = engines["django"].from_string("{% load form_fields %}{{ field|bootstrap_field }}")
DJANGO = engines["django"].from_string("{{ field }}")


class _Canonical(HTMLParser):
    """Elements, attributes (in any order; classes as a set) and text, whitespace aside."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = [(k, " ".join(sorted(v.split())) if k == "class" else v) for k, v in attrs]
        self.events.append(("<", tag, tuple(sorted(attrs, key=lambda a: (a[0], a[1] or "")))))

    def handle_endtag(self, tag: str) -> None:
        self.events.append((">", tag))

    def handle_data(self, data: str) -> None:
        if text := " ".join(data.split()):
            self.events.append(("text", text))


def canonical(html: str) -> list[tuple]:
    parser = _Canonical()
    parser.feed(html)
    parser.close()
    return parser.events


def assert_same_markup(bound) -> None:
    ours = OURS.render({"field": bound})
    theirs = CRISPY.render({"field": bound})  # second: crispy adds its classes to the widget
    assert canonical(ours) == canonical(theirs), bound.html_name


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        yield


def rendered_by_the_filter(form) -> list:
    """The form's fields the night form's templates render with bootstrap_field: all but
    the radio groups (the experiment's question, and a cramp's muscle, side and
    severity), which have partials of their own."""
    return [bound for bound in form if not isinstance(bound.field.widget, forms.RadioSelect)]


def test_every_field_of_a_new_nights_form_matches(alice):
    form = NightForm(initial={"bedtime": dt.time(22, 30)}, user=alice, tz=UTC)
    for bound in rendered_by_the_filter(form):
        assert_same_markup(bound)


def test_radio_buttons_are_refused_rather_than_written_wrong(alice):
    form = NightForm(user=alice, tz=UTC)
    with pytest.raises(TypeError, match="experiment_done"):
        OURS.render({"field": form["experiment_done"]})


def test_every_field_of_a_form_with_errors_matches(alice):
    data = night_post(
        "2030-01-01",
        episodes=[{"severity": 11, "side": ""}],
        bedtime="late",
        stretch_minutes="999",
        sleep_quality="9",
        electrolytes="on",
        notes='<b>"=1+1"</b> & more',
    )
    form = NightForm(data, user=alice, tz=UTC)
    formset = EpisodeFormSet(data, prefix="episodes")
    assert not form.is_valid()
    assert not formset.is_valid()
    cards = [b for episode in formset for b in rendered_by_the_filter(episode)]
    for bound in [*rendered_by_the_filter(form), *cards]:
        assert_same_markup(bound)


def test_every_field_of_a_saved_nights_cramp_cards_matches(alice):
    night = make_night(alice, "2026-11-20", notes="Long day.")
    make_episode(night, at=dt.time(3, 10), woke_me=True)
    formset = EpisodeFormSet(instance=night, prefix="episodes")
    for bound in [
        *rendered_by_the_filter(NightForm(instance=night, user=alice, tz=UTC)),
        *(bound for episode in formset for bound in rendered_by_the_filter(episode)),
        *rendered_by_the_filter(formset.empty_form),
    ]:
        assert_same_markup(bound)


def test_hidden_fields_are_just_their_inputs(alice):
    formset = EpisodeFormSet(instance=make_night(alice), prefix="episodes")
    for bound in [*formset.management_form, *formset.forms[0].hidden_fields()]:
        assert canonical(OURS.render({"field": bound})) == canonical(
            DJANGO.render({"field": bound})
        )
