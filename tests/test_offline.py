"""The installable app's server side: journal.views.offline and journal.offline."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from journal.offline import sent_key
from journal.views.offline import PRECACHED, THEME_COLOUR

pytestmark = pytest.mark.django_db


def test_the_manifest_makes_the_morning_log_an_installable_app(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["short_name"]) == ("Nightleg", "Nightleg")
    assert (manifest["start_url"], manifest["scope"]) == ("/nights/new/", "/")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == THEME_COLOUR
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_base_html_links_the_manifest_and_its_theme_colour(alice_client):
    html = alice_client.get("/routine/").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert f'<meta name="theme-color" content="{THEME_COLOUR}">' in html


def test_the_service_worker_lists_the_static_files_and_has_a_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    config = json.loads(re.search(r"const CONFIG = (\{.*?\});\n", response.text).group(1))
    assert config["precache"][: len(PRECACHED)] == [f"/static/{name}" for name in PRECACHED]
    assert config["shells"] == {
        "/nights/new/": "/nights/new/?offline=1",
        "/routine/": "/routine/?offline=1",
    }
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])
    for url in config["precache"]:
        assert client.get(url).status_code == 200, url


def test_the_guided_routines_files_are_kept_too_when_there_are_any(client, settings, tmp_path):
    (tmp_path / "img" / "stretches").mkdir(parents=True)
    (tmp_path / "img" / "stretches" / "calf-wall.svg").write_text("<svg/>")
    (tmp_path / "img" / "stretches" / "towel.svg").write_text("<svg/>")
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "routine.js").write_text("")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    finders.get_finder.cache_clear()
    try:
        text = client.get("/sw.js").text
    finally:
        finders.get_finder.cache_clear()
    config = json.loads(re.search(r"const CONFIG = (\{.*?\});\n", text).group(1))
    assert config["precache"][len(PRECACHED) :] == [
        "/static/js/routine.js",
        "/static/img/stretches/calf-wall.svg",
        "/static/img/stretches/towel.svg",
    ]


def test_the_service_worker_is_the_same_for_everyone(client, alice_client):
    # Nothing private in it, so that it can be fetched before and after signing in.
    assert alice_client.get("/sw.js").content == client.get("/sw.js").content


def test_the_routine_has_an_offline_copy_only_when_asked(alice_client):
    assert "no-store" in alice_client.get("/routine/")["Cache-Control"]
    assert alice_client.get("/routine/?offline=1")["Cache-Control"] == "private, no-cache"


def test_signing_out_tells_the_browser_to_clear_its_cache(alice_client):
    response = alice_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
    assert alice_client.get("/nights/new/").status_code == 302  # signed out


def test_an_outsider_signing_out_is_only_sent_to_sign_in(client: Client):
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", None), ("nope", None), ("6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", True)],
)
def test_a_sent_key_is_a_uuid_or_nothing(value, expected):
    from django.http import QueryDict

    found = sent_key(QueryDict(f"idempotency_key={value}"))
    assert (found is not None) if expected else found is None
