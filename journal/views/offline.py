"""The installable app: its web app manifest, its service worker, and a sign-out that
also clears what the browser kept for offline use (journal.offline)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.contrib.auth import views as auth_views
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

THEME_COLOUR = "#1f2a44"  # base.html's theme-color, the icon's background
# What the morning log and the stretch guide load (base.html and their templates): kept
# when the service worker installs, so that both pages work offline from then on.
PRECACHED = [
    "bootstrap/css/bootstrap.min.css",
    "bootstrap/js/bootstrap.bundle.min.js",
    "css/nightleg.css",
    "favicon.svg",
    "icons/icon-192.png",
    "js/theme.js",
    "js/offline.js",
    "js/drafts.js",
    "js/episodes.js",
    "js/times.js",
    "js/first-error.js",
]
# The guided stretch routine's files, when it has them.
ROUTINE_FILES = ["js/routine.js"]
ROUTINE_FOLDERS = ["img/stretches"]


def _routine_files() -> list[str]:
    names = [name for name in ROUTINE_FILES if finders.find(name)]
    for folder in ROUTINE_FOLDERS:
        found = finders.find(folder)
        if found and Path(found).is_dir():
            names += sorted(f"{folder}/{p.name}" for p in Path(found).iterdir() if p.is_file())
    return names


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    data = {
        "id": "/",
        "name": "Nightleg",
        "short_name": "Nightleg",
        "description": "A morning journal for night-time leg cramps.",
        "lang": "en",
        "start_url": reverse("journal:night-new"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": THEME_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    # The same for everyone: no one's data is in it.
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """templates/sw.js with the static files' (hashed) URLs, and a version made of them
    and of the worker's own text: a deploy that changes either replaces the old caches."""
    template = get_template("sw.js")
    config = {
        "static_url": staticfiles_storage.base_url,
        "precache": [static(name) for name in PRECACHED + _routine_files()],
        # Unhashed names (DEBUG, tests) may change in place: ask the server first then.
        "hashed": isinstance(staticfiles_storage, ManifestFilesMixin),
        "shells": {
            reverse("journal:night-new"): reverse("journal:night-new") + "?offline=1",
            reverse("journal:routine"): reverse("journal:routine") + "?offline=1",
        },
        "offline_page": {
            "css": [static("bootstrap/css/bootstrap.min.css"), static("css/nightleg.css")],
            "log": reverse("journal:night-new"),
            "routine": reverse("journal:routine"),
        },
    }
    source = Path(template.origin.name).read_bytes()
    digest = hashlib.sha256(source + json.dumps(config, sort_keys=True).encode())
    config["version"] = digest.hexdigest()[:12]
    response = HttpResponse(
        template.render({"config": json.dumps(config)}),
        content_type="application/javascript; charset=utf-8",
    )
    # Browsers check for a new worker on each visit; always ask us, store nowhere else.
    response["Cache-Control"] = "no-cache"
    return response


class _LogoutView(auth_views.LogoutView):
    """Django's sign-out, also telling the browser to drop what it keeps: the next
    person on this browser must never be shown this one's pages, online or offline.
    static/js/offline.js also deletes the offline copies (Clear-Site-Data "cache" is
    for the HTTP cache; browsers differ on whether it covers the service worker's)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache"'
        return response


logout = _LogoutView.as_view()
