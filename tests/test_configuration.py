"""nightleg/settings.py: read from the environment, and fail closed."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from nightleg import settings as nightleg_settings

ROOT = Path(__file__).resolve().parent.parent


def _environment_without_our_variables() -> dict[str, str]:
    """This process's environment less anything that configures Nightleg.

    `make test-postgres` sets DATABASE_URL for the whole run; these tests choose their own.
    """
    ours = ("DJANGO_", "NIGHTLEG_", "DATABASE_URL")
    return {k: v for k, v in os.environ.items() if not k.startswith(ours)}


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    """Import the real settings in a clean interpreter with exactly these variables."""
    clean = _environment_without_our_variables()
    code = "import nightleg.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_debug_a_missing_secret_key_is_an_error():
    result = _load_settings()
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = _load_settings(DJANGO_SECRET_KEY="s3cret")
    assert result.stdout.split(" ", 1)[0] == "False"


def test_a_malformed_boolean_is_an_error():
    result = _load_settings(DJANGO_SECRET_KEY="s3cret", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path):
    key = tmp_path / "key"
    key.write_text("from-a-file\n")
    result = _load_settings(DJANGO_SECRET_KEY_FILE=str(key), DJANGO_ALLOWED_HOSTS="a.example, b")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['a.example', 'b']"


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("NIGHTLEG_FLAG", raw)
    assert nightleg_settings.env_bool("NIGHTLEG_FLAG") is expected


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("NIGHTLEG_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        nightleg_settings.env_int("NIGHTLEG_NUMBER", 1)


def test_a_missing_secret_file_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("NIGHTLEG_SECRET_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="NIGHTLEG_SECRET_FILE"):
        nightleg_settings.env_secret("NIGHTLEG_SECRET")


def _read_settings(expression: str, **env: str) -> subprocess.CompletedProcess:
    """Print one expression over the real settings, imported with exactly these variables."""
    clean = _environment_without_our_variables()
    return subprocess.run(
        [sys.executable, "-c", f"import nightleg.settings as s; print({expression})"],
        cwd=ROOT,
        env=clean | {"DJANGO_SECRET_KEY": "s3cret"} | env,
        capture_output=True,
        text=True,
        check=False,
    )


_HTTPS_ONLY = (
    "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE"
)


def test_without_debug_https_is_required_by_default():
    result = _read_settings(_HTTPS_ONLY)
    assert result.stdout.strip() == "True 31536000 True True True", result.stderr


def test_with_debug_https_is_not_required_by_default():
    result = _read_settings(_HTTPS_ONLY, DJANGO_DEBUG="1")
    assert result.stdout.strip() == "False 0 False False False", result.stderr


def test_https_can_be_turned_off_without_debug():
    result = _read_settings(_HTTPS_ONLY, DJANGO_SECURE="0")
    assert result.stdout.strip() == "False 0 False False False", result.stderr


def test_a_malformed_secure_flag_is_an_error():
    result = _read_settings("s.SECURE_SSL_REDIRECT", DJANGO_SECURE="sometimes")
    assert result.returncode != 0
    assert "DJANGO_SECURE must be true or false" in result.stderr


def test_the_forwarded_scheme_is_trusted_only_behind_a_tls_proxy():
    expression = "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)"
    assert _read_settings(expression).stdout.strip() == "None"
    behind = _read_settings(expression, DJANGO_BEHIND_TLS_PROXY="1")
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", behind.stderr


_CACHE = "s.CACHES['default']['BACKEND'].rsplit('.', 1)[1], s.CACHES['default'].get('LOCATION')"


def test_the_cache_is_local_memory_by_default():
    result = _read_settings(_CACHE, CACHE_URL="", REDIS_URL="")
    assert result.stdout.strip() == "LocMemCache nightleg", result.stderr


@pytest.mark.parametrize("variable", ["CACHE_URL", "REDIS_URL"])
def test_a_redis_url_selects_djangos_redis_cache(variable):
    url = "rediss://cache.internal:6380/2"
    result = _read_settings(_CACHE, **{"CACHE_URL": "", "REDIS_URL": "", variable: url})
    assert result.stdout.strip() == f"RedisCache {url}", result.stderr


def test_a_redis_password_moves_into_the_options():
    url = "redis://:p%40ss@cache.internal:6379/2"
    result = _read_settings("s.cache_from_url(s.os.environ['CACHE_URL'])", CACHE_URL=url)
    assert result.stdout.strip() == str(
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "OPTIONS": {"password": "p@ss"},
            "LOCATION": "redis://cache.internal:6379/2",
        }
    ), result.stderr
    assert "p@ss" in _read_settings("s.CACHES['default']['OPTIONS']", CACHE_URL=url).stdout


def test_the_caches_keys_start_with_the_code_version():
    prefix = _read_settings("s.CACHES['default']['KEY_PREFIX']").stdout.strip()
    assert prefix == nightleg_settings.code_version(ROOT)
    assert re.fullmatch(r"[0-9a-f]{12}", prefix)


def test_the_code_version_moves_with_the_code_and_templates_only(tmp_path):
    (tmp_path / "journal" / "views").mkdir(parents=True)
    (tmp_path / "templates" / "journal").mkdir(parents=True)
    view, template = tmp_path / "journal/views/a.py", tmp_path / "templates/journal/a.html"
    view.write_text("X = 1\n")
    template.write_text("<p>{{ x }}</p>\n")
    (tmp_path / "README.md").write_text("notes\n")
    first = nightleg_settings.code_version(tmp_path)

    (tmp_path / "README.md").write_text("other notes\n")
    assert nightleg_settings.code_version(tmp_path) == first
    template.write_text("<p>{{ y }}</p>\n")
    second = nightleg_settings.code_version(tmp_path)
    assert second != first
    view.write_text("X = 2\n")
    assert nightleg_settings.code_version(tmp_path) not in (first, second)


def test_cache_url_wins_over_redis_url():
    result = _read_settings(_CACHE, CACHE_URL="locmem://", REDIS_URL="redis://cache:6379/0")
    assert result.stdout.strip() == "LocMemCache nightleg", result.stderr


@pytest.mark.parametrize(
    "url", ["memcached://cache:11211", "redis://", "redis://cache:sixtythree/0", "cache:6379"]
)
def test_a_malformed_cache_url_is_an_error(url):
    result = _read_settings(_CACHE, CACHE_URL=url)
    assert result.returncode != 0
    assert "CACHE_URL/REDIS_URL must look like redis://host:6379/0" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("NIGHTLEG_LOGIN_FAILURE_LIMIT", "0", "NIGHTLEG_LOGIN_FAILURE_LIMIT must be at least 1"),
        ("NIGHTLEG_LOGIN_FAILURE_LIMIT", "five", "must be a whole number"),
        ("NIGHTLEG_LOGIN_COOLOFF_MINUTES", "-3", "must be at least 1"),
        ("NIGHTLEG_LOGIN_ADDRESS_LIMIT", "0", "NIGHTLEG_LOGIN_ADDRESS_LIMIT must be at least 1"),
        ("NIGHTLEG_LOGIN_ACCOUNT_LIMIT", "x", "must be a whole number"),
        ("NIGHTLEG_LOG_LEVEL", "chatty", "NIGHTLEG_LOG_LEVEL must be DEBUG, INFO, WARNING"),
    ],
)
def test_malformed_throttling_and_log_settings_are_errors(variable, value, message):
    result = _read_settings("s.AXES_FAILURE_LIMIT", **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_throttling_can_be_tuned():
    expression = "s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds()"
    result = _read_settings(
        expression, NIGHTLEG_LOGIN_FAILURE_LIMIT="8", NIGHTLEG_LOGIN_COOLOFF_MINUTES="30"
    )
    assert result.stdout.strip() == "8 1800.0", result.stderr


def test_a_malformed_cache_url_does_not_echo_its_password():
    result = _read_settings(_CACHE, CACHE_URL="redis://:hunter2-secret@cache:port/0")
    assert result.returncode != 0
    assert "hunter2-secret" not in result.stderr


def test_env_example_documents_every_variable_the_app_reads():
    source = (ROOT / "nightleg" / "settings.py").read_text() + (ROOT / "scripts/serve").read_text()
    read = set(re.findall(r"""(?:environ\.get|env_\w+)\(\s*["']([A-Z][A-Z0-9_]+)["']""", source))
    read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):-", source))
    read -= {"NIGHTLEG_PYTHON", "NIGHTLEG_ENV_FILE"}  # for scripts/serve's own tests
    assert len(read) > 15
    documented = set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert read - documented == set()


_DATABASE = "s.DATABASES['default']"


def test_without_a_database_url_it_uses_the_tuned_sqlite_file(tmp_path):
    result = _read_settings(_DATABASE, NIGHTLEG_SQLITE_PATH=str(tmp_path / "db.sqlite3"))

    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout) == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "db.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def test_a_postgres_url_switches_to_postgresql_with_persistent_connections():
    url = "postgres://nightleg:p%40ss@db.internal:5433/nightleg?sslmode=require"

    result = _read_settings(_DATABASE, DATABASE_URL=url)

    assert result.returncode == 0, result.stderr
    db = ast.literal_eval(result.stdout)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["HOST"], db["PORT"]) == ("nightleg", "db.internal", 5433)
    assert (db["USER"], db["PASSWORD"]) == ("nightleg", "p@ss")
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (60, True)


def test_with_debug_postgresql_connections_are_not_kept():
    # The development server's thread per request would leave one open per request.
    result = _read_settings(
        "s.DATABASES['default']['CONN_MAX_AGE']",
        DATABASE_URL="postgres://nightleg@127.0.0.1/nightleg",
        DJANGO_DEBUG="1",
    )

    assert result.stdout.strip() == "0", result.stderr


def test_postgresql_is_spelled_either_way_and_the_connection_age_is_configurable():
    result = _read_settings(
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['CONN_MAX_AGE']",
        DATABASE_URL="postgresql://nightleg@127.0.0.1/nightleg",
        NIGHTLEG_DB_CONN_MAX_AGE="300",
    )

    assert result.stdout.strip() == "django.db.backends.postgresql 300", result.stderr


def test_psycopg_3_is_the_postgresql_driver():
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    assert is_psycopg3


def test_an_sqlite_url_keeps_the_sqlite_tuning(tmp_path):
    path = tmp_path / "nightleg.sqlite3"

    result = _read_settings(_DATABASE, DATABASE_URL=f"sqlite:///{path}")

    assert result.returncode == 0, result.stderr
    db = ast.literal_eval(result.stdout)
    assert (db["ENGINE"], db["NAME"]) == ("django.db.backends.sqlite3", str(path))
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] == 20
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("s3cret", "DATABASE_URL must look like postgres://"),
        ("postgres://nightleg:s3cret@db.internal:port/nightleg", "DATABASE_URL is not a valid"),
        ("postgres://nightleg:s3c#ret@db.internal/nightleg", "DATABASE_URL is not a valid"),
        ("postgres://nightleg:s3cret@db.internal", "DATABASE_URL names no database"),
        ("mysql://nightleg:s3cret@db.internal/nightleg", "DATABASE_URL uses mysql://, but"),
        ("sqlite://", "DATABASE_URL names no SQLite file"),
    ],
)
def test_a_bad_database_url_stops_the_app_without_showing_the_password(url, message):
    result = _read_settings(_DATABASE, DATABASE_URL=url)

    assert result.returncode != 0
    assert "ImproperlyConfigured: " + message in result.stderr
    assert "s3c" not in result.stderr + result.stdout


def test_a_negative_connection_age_is_an_error():
    result = _read_settings(
        _DATABASE,
        DATABASE_URL="postgres://nightleg@127.0.0.1/nightleg",
        NIGHTLEG_DB_CONN_MAX_AGE="-1",
    )

    assert result.returncode != 0
    assert "NIGHTLEG_DB_CONN_MAX_AGE must be 0 seconds or more" in result.stderr


def test_the_placeholder_secret_key_from_env_example_is_refused():
    placeholder = re.search(r"^DJANGO_SECRET_KEY=(.+)$", (ROOT / ".env.example").read_text(), re.M)
    result = _read_settings("s.SECRET_KEY", DJANGO_SECRET_KEY=placeholder.group(1))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is still the placeholder" in result.stderr


def test_the_debug_page_shows_no_database_or_cache_password():
    code = (
        "import django; django.setup(); "
        "from django.views.debug import SafeExceptionReporterFilter; "
        "print(SafeExceptionReporterFilter().get_safe_settings())"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "nightleg.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "s3cret",
        "DATABASE_URL": "postgres://nightleg:db-pass-123@db.internal/nightleg",
        "CACHE_URL": "redis://:cache-pass-456@cache.internal:6379/0",
    }
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean | env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "db.internal" in result.stdout, "the settings were printed"
    assert "db-pass-123" not in result.stdout
    assert "cache-pass-456" not in result.stdout
