"""scripts/screenshots.py: a page added to journal/urls.py can't be left out of the pictures."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from journal import urls
from scripts import screenshots

# URL arguments that are not one of the demo's ids.
OTHER_ARGUMENTS = {"name": "cramps", "token": "not-a-token"}  # a chart's; a link nobody has


def _pages_of_the_demo() -> set[str]:
    """The URL names in journal/urls.py that answer a GET, with the demo's ids, with a page."""
    demo = screenshots.seed()
    client = Client()
    client.force_login(User.objects.get(username=screenshots.USERNAME))
    arguments = demo.ids | OTHER_ARGUMENTS
    pages = set()
    for pattern in urls.urlpatterns:
        name = f"{urls.app_name}:{pattern.name}"
        missing = set(pattern.pattern.converters) - set(arguments)
        if missing:
            pytest.fail(f"{name} needs {missing}: give the demo one, or add it to OTHER_ARGUMENTS")
        kwargs = {key: arguments[key] for key in pattern.pattern.converters}
        response = client.get(reverse(name, kwargs=kwargs))
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.add(name)
    return pages


@pytest.mark.django_db
def test_the_screenshots_show_every_page_the_demo_has():
    with time_machine.travel(screenshots.SHOOT_AT):
        pages = _pages_of_the_demo()

    shown = {shot.url_name for shot in screenshots.SHOTS}
    assert pages - shown == set(), "pages with no screenshot: add them to SHOTS"
    # And no shot of something that is not a page of the demo (a download, a redirect).
    assert {name for name in shown if name and name.startswith("journal:")} == pages
    # The 12 that are there today: the check above must not pass by finding none.
    assert len(pages) >= 12
