"""Security hardening: `check --deploy`, headers and cookie flags as production sends them."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent

# What nightleg/settings.py gives a deploy with DJANGO_SECURE on (the tests run with it off).
PRODUCTION = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    """Run `manage.py check --deploy` in a clean interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NIGHTLEG_"))}
    production = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "nightleg.example",
        "DJANGO_SECURE": "1",
        "EMAIL_HOST": "smtp.nightleg.example",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean | production | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_passes_with_production_settings():
    result = _check_deploy()
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_that_password_reset_is_off_without_a_mail_server():
    result = _check_deploy(EMAIL_HOST="")
    assert result.returncode != 0
    assert "nightleg.W001" in result.stderr
    assert "No mail server is configured (EMAIL_HOST), so password reset is off" in result.stderr


def test_check_deploy_fails_without_https_settings():
    result = _check_deploy(DJANGO_SECURE="0")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr


@pytest.fixture
def production():
    # A fresh Client per test builds its middleware inside the override, so
    # SecurityMiddleware sees these values.
    with override_settings(**PRODUCTION):
        yield


@pytest.mark.usefixtures("production")
def test_an_https_response_carries_the_security_headers(client: Client):
    response = client.get("/accounts/login/", secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.usefixtures("production")
def test_the_content_security_policy_allows_only_our_own_origin(client: Client):
    policy = client.get("/accounts/login/", secure=True)["Content-Security-Policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }


@pytest.mark.usefixtures("production")
def test_plain_http_is_redirected_to_https(client: Client):
    response = client.get("/accounts/login/?next=/nights/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/?next=/nights/"


@pytest.mark.usefixtures("production")
@pytest.mark.django_db
def test_the_health_check_answers_over_plain_http(client: Client):
    response = client.get("/healthz")

    assert response.status_code == 200


@pytest.mark.usefixtures("production")
@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_a_tls_proxy_its_forwarded_scheme_is_trusted(client: Client):
    response = client.get("/accounts/login/", headers={"x-forwarded-proto": "https"})

    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


@pytest.mark.usefixtures("production")
def test_after_login_the_cookies_are_secure_and_same_site(client: Client, alice):
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, secure=True
    )

    assert response.status_code == 302
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
