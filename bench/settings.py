"""Settings for the benchmark: the real settings, in production mode, on a throwaway database.

DEBUG stays off (as in production: no query log, cached templates). The database is a
SQLite file the benchmark creates in a temporary folder (NIGHTLEG_BENCH_DB), never the
project's db.sqlite3. Static files are served from the app folders so no collectstatic is
needed, and https is off because the benchmark talks plain http on the loopback
interface (the README's "production-mode run without https on a machine nobody else can
reach").
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ["DJANGO_DEBUG"] = "0"
os.environ["DJANGO_SECURE"] = "0"
os.environ.pop("DATABASE_URL", None)  # always the embedded SQLite, whatever the shell says

from nightleg.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["NIGHTLEG_BENCH_DB"]  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # no collected files to look for (WhiteNoise would warn)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}
}
