// Nightleg's service worker, served at /sw.js by journal.views.offline.service_worker,
// which fills in CONFIG: the static files' URLs, the pages kept for offline use and a
// version that changes with any of them.
//
// - Static files: kept when the worker installs, then answered from the cache (their
//   names carry a hash of their content, so a cached one is never out of date).
// - Pages: always asked of the server. Only when that fails (offline) is the kept copy
//   of the morning log or the stretch guide shown, or a short "you're offline" page.
//   This worker never stores a page: static/js/offline.js keeps the two copies, fetched
//   as ?offline=1 (answered "private, no-cache", never "no-store"), for the person
//   signed in, and deletes them at sign-out and whenever someone else signs in.
"use strict";
const CONFIG = {{ config|safe }};
const STATIC_CACHE = `nightleg-static-${CONFIG.version}`;
const PAGES_CACHE = "nightleg-pages";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then((cache) => cache.addAll(CONFIG.precache))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  // A new version replaces the old one's files; the pages kept refer to the old files'
  // names, so they go too (the next page opened online keeps them again).
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("nightleg-") && name !== STATIC_CACHE)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(CONFIG.static_url)) {
    event.respondWith(CONFIG.hashed ? cacheFirst(request) : networkFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  }
});

function storable(response) {
  const control = response.headers.get("Cache-Control") || "";
  return response.ok && !/no-store/i.test(control);
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: STATIC_CACHE });
  if (cached) return cached;
  const response = await fetch(request);
  if (storable(response)) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (storable(response)) {
      const cache = await caches.open(STATIC_CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { cacheName: STATIC_CACHE });
    if (cached) return cached;
    throw error;
  }
}

async function page(request, url) {
  try {
    return await fetch(request);
  } catch (error) {
    const shell = CONFIG.shells[url.pathname];
    if (shell) {
      const cache = await caches.open(PAGES_CACHE);
      const kept = await cache.match(shell);
      if (kept) return kept;
    }
    return offlinePage();
  }
}

function offlinePage() {
  const links = CONFIG.offline_page;
  const css = links.css.map((href) => `<link rel="stylesheet" href="${href}">`).join("");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>Offline · Nightleg</title>${css}</head>
<body><main class="container py-4" id="offline-page"><h1 class="h3">You’re offline</h1>
<p>This page needs a connection. Some pages still work without one:</p>
<ul><li><a href="${links.log}">Log a night</a> (it is sent when you’re back online)</li>
<li><a href="${links.routine}">Stretch guide</a></li></ul></main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'self'; script-src 'none'",
    },
  });
}
