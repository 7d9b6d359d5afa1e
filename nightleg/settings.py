"""Nightleg settings: one file, every deploy-specific value read from the environment.

It fails closed: DEBUG is off unless DJANGO_DEBUG says otherwise, and without DEBUG a
missing secret key is an error rather than a default. `make run` sets development values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {raw!r}")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str) -> str:
    """Read NAME, or the file named by NAME_FILE (for container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {path!r}: {exc}") from None
    return os.environ.get(name, "")


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE). "
        "`make run` sets a development key for you."
    )
if SECRET_KEY.startswith("replace-with"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is still the placeholder from .env.example; generate one with "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "heroicons",
    "crispy_bootstrap5",
    "bootstrap",
    "csp",  # only for its system checks (it flags settings in the pre-4.0 format)
    "journal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "journal.middleware.user_time_zone",
    "journal.middleware.private_pages",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the 429 page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (journal.auth, on django-axes' table of failed attempts, in the
# database so that every gunicorn worker sees them). Within NIGHTLEG_LOGIN_COOLOFF_MINUTES:
# NIGHTLEG_LOGIN_FAILURE_LIMIT failures for one username from one address pause that pair;
# NIGHTLEG_LOGIN_ADDRESS_LIMIT failures from one address pause it for every username; and
# NIGHTLEG_LOGIN_ACCOUNT_LIMIT failures for one username, from anywhere, pause it for
# browsers that have not signed in to it before. Paused sign-ins get HTTP 429. A successful
# sign-in clears that username's count at that address only.
AUTHENTICATION_BACKENDS = [
    "journal.auth.ThrottledBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("NIGHTLEG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("NIGHTLEG_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
ADDRESS_FAILURE_LIMIT = env_int("NIGHTLEG_LOGIN_ADDRESS_LIMIT", 30, minimum=1)
ACCOUNT_FAILURE_LIMIT = env_int("NIGHTLEG_LOGIN_ACCOUNT_LIMIT", 20, minimum=1)
AXES_RESET_ON_SUCCESS = False
# Trying again during the pause does not make it longer (nothing is checked while paused).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# axes keeps each failed attempt's form data with these fields masked: a wrong current
# password on password change must not leave the new one in the database.
AXES_SENSITIVE_PARAMETERS = ["password", "old_password", "new_password1", "new_password2"]
AXES_LOCKOUT_CALLABLE = "journal.auth.locked_out"
AXES_CLIENT_IP_CALLABLE = "journal.auth.client_ip"
# journal.auth logs sign-ins, failures and lock-outs itself; axes' own table of every
# successful sign-in (address, browser) would be one more copy of personal data.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Health data: assume a hostile internet. SECURE_* settings below only matter over https;
# DJANGO_SECURE is on by default without DEBUG, so a production deploy gets them unasked.
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    # Only when a proxy in front terminates TLS and *overwrites* this header: trusting it
    # otherwise would let any client claim its plain-http request is secure. The proxy must
    # also append the client's address to X-Forwarded-For (see journal.auth.client_ip).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Where the proxy connects from: X-Forwarded-For is believed only from these addresses.
TRUSTED_PROXIES = env_list("NIGHTLEG_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
_SECURE = env_bool("DJANGO_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = _SECURE
# A load balancer or monitor probes /healthz over plain http from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31_536_000 if _SECURE else 0  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = _SECURE
# Asking browsers to preload HSTS for the whole domain is hard to undo and is the domain
# owner's decision, not this app's: so no "preload", and no warning that it is missing.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Only our own origin, and no inline scripts or styles: an injected <script> or style=""
# does nothing. Charts are SVG files shown with <img>, so their own styles are not affected;
# data: images are Bootstrap's form icons.
_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [_SELF],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "nightleg.urls"
WSGI_APPLICATION = "nightleg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "journal.appearance.appearance",
            ],
        },
    },
]

# SQLite tuned for many people saving their night at the same moment: WAL lets readers
# carry on while one writer writes; IMMEDIATE makes each transaction take the write lock
# when it begins, so it waits its turn (up to "timeout" seconds) instead of failing with
# "database is locked" when a read inside it turns into a write. synchronous=NORMAL is
# safe with WAL: a power cut may lose the last commits but cannot corrupt the file.
_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
_SQLITE = "django.db.backends.sqlite3"
_POSTGRESQL = "django.db.backends.postgresql"  # with psycopg 3


def database_from_url(url: str) -> dict:
    """The DATABASES entry for DATABASE_URL: postgres://, postgresql:// or sqlite:///path.

    Error messages never repeat the URL, nor any part of it: it usually holds a password.
    """
    example = "postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:////absolute/path.sqlite3"
    try:
        db = dj_database_url.parse(url)
    except dj_database_url.UnknownSchemeError:
        raise ImproperlyConfigured(f"DATABASE_URL must look like {example}.") from None
    except ValueError:
        raise ImproperlyConfigured(
            "DATABASE_URL is not a valid URL (a bad port, or a character in the password "
            f"that needs %-encoding?); it must look like {example}."
        ) from None
    if db["ENGINE"] == _SQLITE:
        if db["NAME"] in ("", ":memory:"):
            raise ImproperlyConfigured(f"DATABASE_URL names no SQLite file; use {example}.")
        # The same tuning as without DATABASE_URL; options in the URL's query win.
        options = _SQLITE_OPTIONS | db.get("OPTIONS", {})
        return {"ENGINE": _SQLITE, "NAME": db["NAME"], "OPTIONS": options}
    if db["ENGINE"] != _POSTGRESQL:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses {urlsplit(url).scheme}://, but Nightleg runs on PostgreSQL "
            f"or SQLite: {example}."
        )
    if not db["NAME"]:
        raise ImproperlyConfigured(f"DATABASE_URL names no database; use {example}.")
    # A connection kept open for the next request saves connecting (and a TLS handshake)
    # every time; the health check before reuse replaces one the server has since closed.
    # Not under DEBUG: the development server starts a thread per request, and each
    # thread's kept connection would stay open until garbage-collected.
    conn_max_age = env_int("NIGHTLEG_DB_CONN_MAX_AGE", 0 if DEBUG else 60)
    if conn_max_age < 0:
        raise ImproperlyConfigured("NIGHTLEG_DB_CONN_MAX_AGE must be 0 seconds or more.")
    return db | {"CONN_MAX_AGE": conn_max_age, "CONN_HEALTH_CHECKS": True}


_DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
DATABASES = {
    "default": database_from_url(_DATABASE_URL)
    if _DATABASE_URL
    else {
        "ENGINE": _SQLITE,
        "NAME": os.environ.get("NIGHTLEG_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": _SQLITE_OPTIONS,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "journal:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The server's zone; each person's own zone (for "last night") is in their settings.
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("NIGHTLEG_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


def cache_from_url(url: str) -> dict:
    """A CACHES entry from CACHE_URL/REDIS_URL: redis://, rediss:// or locmem://.

    A password moves from the URL into OPTIONS, where DEBUG's error page masks it.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts and parts.scheme in {"redis", "rediss"} and parts.hostname:
        entry: dict = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}
        if parts.password is not None:
            host = parts.netloc.rsplit("@", 1)[1]
            user = f"{parts.username}@" if parts.username else ""
            entry["OPTIONS"] = {"password": unquote(parts.password)}
            parts = parts._replace(netloc=user + host)
        return entry | {"LOCATION": parts.geturl()}
    if parts and parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "nightleg"}
    scheme = parts.scheme if parts else "?"
    raise ImproperlyConfigured(
        "CACHE_URL/REDIS_URL must look like redis://host:6379/0, rediss://host:6380/0 or "
        f"locmem://, not a {scheme!r} URL"
    )


def code_version(base: Path) -> str:
    """A short hash of everything that makes what the cache holds: the project's Python
    code and templates, and the versions of Django and matplotlib.

    The cache's keys start with it, so after an upgrade no worker reads pages, charts or
    statistics that older code made (or pickled: they may not even load any more), and
    during a rolling restart old and new workers keep apart. Old entries just expire.
    """
    digest = hashlib.sha256(f"{django.get_version()} {version('matplotlib')}".encode())
    sources = (*base.glob("journal/**/*.py"), *base.glob("nightleg/**/*.py"))
    for path in sorted((*sources, *base.glob("templates/**/*"))):
        if path.is_file():
            digest.update(path.relative_to(base).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# Charts are cached per person and per version of their data (see journal.views.reports).
# Local memory (the default) is per process: fine for one server, but with several gunicorn
# workers a shared Redis cache lets every worker reuse a chart drawn by another.
_CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or "locmem://"
CACHES = {"default": cache_from_url(_CACHE_URL) | {"KEY_PREFIX": code_version(BASE_DIR)}}
# Upper-case names show on DEBUG's error page, and these two may hold passwords.
del _CACHE_URL, _DATABASE_URL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif DEBUG:
    # On a developer's machine, password-reset links are printed to the console.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    # A reset mail holds a link that signs its reader in: without a mail server, the
    # only place left for it is the log. So nothing is sent, and the reset page says so
    # (`check --deploy` warns about it: journal.checks).
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
PASSWORD_RESET_BY_MAIL = bool(EMAIL_HOST) or DEBUG
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Nightleg <nightleg@localhost>")

# Reminder mails (manage.py send_reminders) are sent without a request to take the host
# from, so their links need the address people open Nightleg at, e.g. https://nightleg.example.org.
SITE_URL = os.environ.get("NIGHTLEG_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
SITE_URL = SITE_URL.strip().rstrip("/")
if SITE_URL and urlsplit(SITE_URL).scheme not in {"http", "https"}:
    raise ImproperlyConfigured(f"NIGHTLEG_SITE_URL must start with https://, not {SITE_URL!r}")
# Seconds before a mail server that doesn't answer counts as down (Django waits forever).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)

# Logs go to stderr (gunicorn and systemd's journal collect them). journal.auth writes one
# line per sign-in, failure, lock-out and sign-out with the username and address. Nothing
# else in Nightleg logs request data; SQL (which carries notes and health values as
# parameters) is logged at DEBUG, which is never emitted, even when DEBUG is on.
_LOG_LEVEL = os.environ.get("NIGHTLEG_LOG_LEVEL", "INFO").strip().upper()
if _LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
    raise ImproperlyConfigured(
        f"NIGHTLEG_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {_LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "filters": {"hide_exception_text": {"()": "journal.log_privacy.HideExceptionText"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "nightleg": {"level": _LOG_LEVEL},
        # Django's request warnings and errors (404s, 500s with their traceback), through
        # the root handler; this also drops Django's default mail-to-ADMINS handler.
        "django": {"level": "INFO"},
        # A failed request's traceback without exception messages, which can quote data.
        "django.request": {"filters": ["hide_exception_text"]},
        # runserver's request lines: no reset or share token (journal.addresses).
        "django.server": {
            "handlers": ["stderr"],
            "filters": ["hide_exception_text"],
            "level": "INFO",
            "propagate": False,
        },
        "django.db.backends": {"level": "INFO"},
        # django-axes repeats what nightleg.auth says, with the name and address masked.
        "axes": {"level": "ERROR"},
    },
}
