"""The stretch guide: /routine/."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_requires_login(client):
    assert client.get("/routine/")["Location"].startswith("/accounts/login/")


def test_it_explains_the_five_stretches_and_the_nightly_target(alice_client):
    html = alice_client.get("/routine/").content.decode()
    for stretch in (
        "Calf stretch against a wall",
        "Towel calf stretch",
        "Hamstring stretch",
        "Quadriceps stretch",
        "Hip flexor stretch",
    ):
        assert stretch in html
    assert "5 to 10 minutes" in html
    assert "30 seconds" in html
