"""The light/dark switch: a cookie per browser, applied by the server when explicit."""

from __future__ import annotations

import re

import pytest

from tests.test_reports import _diary, _sources

URL = "/appearance/"


def html_tag(client, path: str = "/nights/") -> str:
    return re.search(r"<html[^>]*>", client.get(path).content.decode()).group(0)


@pytest.mark.parametrize("theme", ["light", "dark", "auto"])
def test_the_choice_is_remembered_for_a_year_and_sends_you_back(alice_client, theme):
    response = alice_client.post(URL, {"theme": theme, "next": "/reports/?period=12"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/?period=12"
    cookie = response.cookies["theme"]
    assert cookie.value == theme
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]


def test_an_explicit_choice_is_on_the_page_before_any_script_runs(alice_client):
    assert "data-bs-theme" not in html_tag(alice_client)  # theme.js follows the device
    assert 'data-theme-choice="auto"' in html_tag(alice_client)
    alice_client.post(URL, {"theme": "dark", "next": "/nights/"})
    assert 'data-bs-theme="dark"' in html_tag(alice_client)
    alice_client.post(URL, {"theme": "light", "next": "/nights/"})
    assert 'data-bs-theme="light"' in html_tag(alice_client)


def test_the_menu_shows_which_choice_is_on(alice_client):
    alice_client.cookies["theme"] = "dark"
    page = alice_client.get("/nights/").content.decode()
    pressed = re.findall(r'value="(\w+)" class="btn[^"]*" aria-pressed="true"', page)
    assert pressed == ["dark"]


def test_an_unknown_cookie_is_treated_as_following_the_device(alice_client):
    alice_client.cookies["theme"] = '"><script>'
    assert html_tag(alice_client) == '<html lang="en" data-theme-choice="auto">'


def test_the_sign_in_page_follows_the_cookie_too(client):
    client.cookies["theme"] = "dark"
    assert 'data-bs-theme="dark"' in html_tag(client, "/accounts/login/")


@pytest.mark.parametrize("theme", ["", "blue", "DARK"])
def test_an_unknown_choice_is_refused_and_nothing_is_set(alice_client, theme):
    response = alice_client.post(URL, {"theme": theme, "next": "/nights/"})
    assert response.status_code == 400
    assert "theme" not in response.cookies


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/x", "", "javascript:x"])
def test_it_never_sends_you_to_another_site(alice_client, back):
    response = alice_client.post(URL, {"theme": "dark", "next": back})
    assert response["Location"] == "/"


def test_it_only_accepts_a_post(alice_client):
    assert alice_client.get(URL, {"theme": "dark"}).status_code == 405


def test_the_reports_page_changes_its_charts_with_the_choice(alice, alice_client):
    _diary(alice, 30)
    alice_client.post(URL, {"theme": "dark", "next": "/"})
    dark = alice_client.get("/reports/?period=12").content.decode()
    alice_client.post(URL, {"theme": "light", "next": "/"})
    light = alice_client.get("/reports/?period=12").content.decode()
    assert [look for _m, look in _sources(dark, "cramps")][:2] == ["phone-dark", "wide-dark"]
    assert [look for _m, look in _sources(light, "cramps")] == ["phone-light"]


def test_every_page_has_a_favicon_and_an_app_icon_that_exist(client):
    from django.contrib.staticfiles import finders
    from PIL import Image

    page = client.get("/accounts/login/").content.decode()
    icons = dict(re.findall(r'<link rel="(icon|apple-touch-icon)" href="/static/([^"]+)"', page))
    assert set(icons) == {"icon", "apple-touch-icon"}
    assert finders.find(icons["icon"]).endswith(".svg")
    with Image.open(finders.find(icons["apple-touch-icon"])) as image:
        assert image.size == (180, 180)
        assert image.convert("RGBA").getpixel((0, 0))[3] == 255  # opaque: the phone rounds it
