"""Custom 400, 403, 404 and 500 pages: helpful, and leaking nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import include, path

pytestmark = pytest.mark.django_db
SECRET = "s3cret-detail-in-an-exception"


def _bad_request(request: HttpRequest):
    raise BadRequest(SECRET)


def _forbidden(request: HttpRequest):
    raise PermissionDenied(SECRET)


def _broken(request: HttpRequest):
    raise RuntimeError(SECRET)


urlpatterns = [
    path("bad/", _bad_request),
    path("forbidden/", _forbidden),
    path("broken/", _broken),
    path("", include("nightleg.urls")),  # the real pages, which the error pages link to
]


@pytest.fixture
def client_for_errors(alice) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def test_a_missing_page_is_a_friendly_404(alice_client):
    response = alice_client.get("/nights/2026-01-01/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Back to your journal" in html
    assert "Traceback" not in html
    assert "urlpatterns" not in html


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/bad/", 400, "Something in that request didn’t make sense"),
        ("/forbidden/", 403, "That isn’t allowed"),
        ("/broken/", 500, "Something went wrong on our side"),
    ],
)
def test_error_pages_explain_without_leaking_details(client_for_errors, url, status, heading):
    response = client_for_errors.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert SECRET not in html
    assert "Traceback" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/accounts/password_change/",
        "/accounts/password_change/done/",
    ],
)
def test_pages_that_show_a_signed_in_persons_name_are_not_cached(alice, alice_client, url):
    alice.profile.display_name = "Alice Example"
    alice.profile.save()
    response = alice_client.get(url)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_signed_out_404_may_be_cached_it_shows_nobody(client):
    assert not client.get("/no-such-page/").has_header("Cache-Control")
