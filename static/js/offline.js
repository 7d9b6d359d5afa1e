// The installed app, on every page (base.html):
// - registers the service worker (templates/sw.js);
// - keeps this person's copy of the morning log and the stretch guide for offline use,
//   and deletes it when nobody, or somebody else, is signed in;
// - the outbox: a morning log saved offline waits in IndexedDB, shown on every page,
//   and is sent when the connection is back (the "online" event, and each page load).
//   Each form carries a key made here (journal.offline.sent_key): sending it twice saves
//   it once. A night the server refuses (a mistake, or the night logged meanwhile on
//   another device) stays until it is saved or the person discards it.
(function () {
  "use strict";
  const script = document.currentScript;
  const config = script.dataset;
  const user = config.user || "";
  const PAGES_CACHE = "nightleg-pages";
  const OWNER = "/__offline-owner";
  const REFRESH_AFTER_MS = 10 * 60 * 1000;
  const shells = [config.nightNew + "?offline=1", config.routine + "?offline=1"];
  // This page's own requests, dropped when a form is sent: one answered after a sign-in
  // or a password change renewed the session would end the new one (Django deletes the
  // cookie of a session that no longer exists).
  const background = new AbortController();
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) background.abort();
  });

  // --- The outbox, in IndexedDB (one record per saved form, keyed by its key) ---

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("nightleg", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("outbox", { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function store(mode, work) {
    return openDb().then(
      (db) =>
        new Promise((resolve, reject) => {
          const tx = db.transaction("outbox", mode);
          const result = work(tx.objectStore("outbox"));
          tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
          tx.onerror = () => reject(tx.error);
        })
    );
  }

  const outbox = {
    // Only the signed-in person's: another person's nights are never shown or sent.
    mine: () => store("readonly", (s) => s.getAll()).then((all) => all.filter((e) => e.user === user)),
    put: (entry) => store("readwrite", (s) => s.put(entry)),
    remove: (key) => store("readwrite", (s) => s.delete(key)),
  };

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function niceDate(iso) {
    const date = new Date(`${iso}T12:00:00Z`);
    if (Number.isNaN(date.getTime())) return iso;
    const options = { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" };
    return date.toLocaleDateString("en-GB", options);
  }

  // --- Sending ---

  // "saved", "refused" (the server showed the form again: a mistake or a conflict),
  // or "later" (no connection, signed out, a token from before the last sign-in...).
  async function send(entry) {
    const body = new URLSearchParams();
    entry.values.forEach(([name, value]) => {
      if (name !== "csrfmiddlewaretoken") body.append(name, value);
    });
    body.append("csrfmiddlewaretoken", csrfToken());
    let response;
    try {
      const options = { method: "POST", body: body, credentials: "same-origin", signal: background.signal };
      response = await fetch(config.nightNew, options);
    } catch (error) {
      return "later";
    }
    const path = new URL(response.url).pathname;
    if (response.redirected && path === config.history) return "saved";
    if (response.redirected) return "later"; // to the sign-in page
    if (response.status === 409 || response.status === 200 || response.status === 400) return "refused";
    return "later";
  }

  let sending = null;
  function sendAll() {
    if (!user || !navigator.onLine) return Promise.resolve();
    if (sending) return sending;
    const run = async () => {
      // Read again inside the lock: another tab may have sent some meanwhile.
      const entries = await outbox.mine();
      for (const entry of entries) {
        const result = await send(entry);
        if (result === "saved") {
          await outbox.remove(entry.key);
          sentNow.push(entry);
        } else if (result === "refused" && entry.state !== "refused") {
          entry.state = "refused";
          await outbox.put(entry);
        }
      }
    };
    const locked = navigator.locks ? () => navigator.locks.request("nightleg-outbox", run) : run;
    sending = locked()
      .catch(() => {})
      .then(() => {
        sending = null;
        return showOutbox();
      });
    return sending;
  }

  // --- The notice ---

  const sentNow = [];

  function showOutbox() {
    if (!user) return Promise.resolve();
    return outbox.mine().then((entries) => {
      let notice = document.getElementById("outbox");
      if (!entries.length && !sentNow.length) {
        if (notice) notice.remove();
        return;
      }
      if (!notice) {
        notice = document.createElement("div");
        notice.id = "outbox";
        notice.setAttribute("role", "status");
        const main = document.getElementById("main");
        main.prepend(notice);
      }
      notice.replaceChildren();
      const waiting = entries.filter((e) => e.state !== "refused");
      const refused = entries.filter((e) => e.state === "refused");
      notice.className = `alert ${refused.length ? "alert-danger" : waiting.length ? "alert-warning" : "alert-success"}`;
      if (!entries.length) {
        const nights = sentNow.map((e) => `the night of ${niceDate(e.date)}`).join(", ");
        notice.append(paragraph(`Sent: ${nights} is saved.`, "mb-0"));
        return;
      }
      waiting.forEach((entry) => {
        const text = `Waiting to send: the night of ${niceDate(entry.date)} (${cramps(entry.cramps)}). It is kept on this phone and sent when you’re back online.`;
        const p = paragraph(text, "mb-1");
        p.dataset.waiting = entry.key;
        notice.append(p);
      });
      refused.forEach((entry) => {
        const p = paragraph(`The night of ${niceDate(entry.date)} you saved offline isn’t saved yet: it needs a look. `, "mb-1");
        p.dataset.refused = entry.key;
        p.append(button("Open it", () => openEntry(entry)), " ", button("Discard it", () => discard(entry)));
        notice.append(p);
      });
    });
  }

  function cramps(n) {
    return n === 0 ? "no cramps" : n === 1 ? "1 cramp" : `${n} cramps`;
  }

  function paragraph(text, className) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function button(label, action) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm btn-outline-secondary";
    b.textContent = label;
    b.addEventListener("click", action);
    return b;
  }

  // The server's own page for what was typed: its mistakes marked, or the conflict
  // with the night saved elsewhere. Saving there sends the same key, so this entry is
  // found saved the next time the outbox is sent.
  function openEntry(entry) {
    const form = document.createElement("form");
    form.method = "post";
    form.action = config.nightNew;
    form.hidden = true;
    entry.values
      .filter(([name]) => name !== "csrfmiddlewaretoken")
      .concat([["csrfmiddlewaretoken", csrfToken()]])
      .forEach(([name, value]) => {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
      });
    document.body.append(form);
    background.abort();
    form.submit();
  }

  function discard(entry) {
    if (!window.confirm(`Delete the night of ${niceDate(entry.date)} from this phone? It was never saved.`)) return;
    outbox.remove(entry.key).then(showOutbox);
  }

  // --- The morning log ---

  function lastNight(timeZone) {
    let parts;
    try {
      parts = new Intl.DateTimeFormat("en-GB", { timeZone: timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date());
    } catch (error) {
      return null;
    }
    const part = (type) => parts.find((p) => p.type === type).value;
    const today = new Date(`${part("year")}-${part("month")}-${part("day")}T12:00:00Z`);
    today.setUTCDate(today.getUTCDate() - 1);
    return today.toISOString().slice(0, 10);
  }

  function setUpMorningLog(form) {
    const keyField = form.querySelector("input[name=idempotency_key]");
    if (keyField && !keyField.value) keyField.value = newKey();
    const shell = form.hasAttribute("data-offline-shell");
    if (shell) {
      // The kept copy may be days old: last night is today's.
      const date = form.querySelector("input[name=date]");
      const night = lastNight(form.dataset.timeZone);
      if (date && night) {
        date.value = night;
        if (date.max && date.max < night) date.max = night;
      }
    }
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented || !(shell || !navigator.onLine)) return;
      // Offline, or the kept copy: the server can't be asked now, so the phone keeps it.
      event.preventDefault();
      const values = [];
      new FormData(form, event.submitter).forEach((value, name) => {
        if (typeof value === "string") values.push([name, value]);
      });
      const value = (name) => (values.find(([n]) => n === name) || [])[1] || "";
      const severities = values.filter(([name, v]) => /^episodes-\d+-severity$/.test(name) && v !== "");
      const removed = (name) => value(name.replace(/severity$/, "DELETE"));
      const entry = {
        key: value("idempotency_key") || newKey(),
        user: user,
        date: value("date"),
        cramps: severities.filter(([name]) => !removed(name)).length,
        values: values,
        state: "waiting",
        savedAt: Date.now(),
      };
      outbox.put(entry).then(() => {
        form.hidden = true;
        const heading = document.querySelector("#main h1");
        if (heading) heading.textContent = "Saved on this phone";
        return showOutbox().then(() => {
          window.scrollTo(0, 0);
          return sendAll();
        });
      });
    });
  }

  // --- The offline copies of pages ---

  async function forget() {
    if (!("caches" in window)) return;
    await caches.delete(PAGES_CACHE);
  }

  async function keepPages() {
    if (!("caches" in window) || !navigator.onLine) return;
    const cache = await caches.open(PAGES_CACHE);
    const owner = await cache.match(OWNER).then((r) => (r ? r.json() : null));
    if (owner && owner.user !== user) {
      await caches.delete(PAGES_CACHE);
      return keepPages();
    }
    if (owner && Date.now() - owner.at < REFRESH_AFTER_MS && (await cache.match(shells[0]))) return;
    for (const url of shells) {
      const response = await fetch(url, { credentials: "same-origin", signal: background.signal });
      const control = response.headers.get("Cache-Control") || "";
      if (response.redirected || !response.ok || /no-store/i.test(control)) {
        // Signed out meanwhile: keep nothing of whoever was signed in.
        if (response.redirected) await forget();
        return;
      }
      await cache.put(url, response);
    }
    const mark = new Response(JSON.stringify({ user: user, at: Date.now() }), { headers: { "Content-Type": "application/json" } });
    await cache.put(OWNER, mark);
  }

  function setUpLogout() {
    const form = document.querySelector(`form[action="${config.logout}"]`);
    if (!form) return;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      outbox
        .mine()
        .catch(() => [])
        .then((entries) => {
          if (entries.length) {
            const nights = entries.map((e) => niceDate(e.date)).join(", ");
            const question = `The night of ${nights} isn’t saved yet. Log out and delete it from this phone?`;
            if (!window.confirm(question)) return;
          }
          return Promise.all(entries.map((e) => outbox.remove(e.key)))
            .then(forget)
            .catch(() => {})
            .then(() => {
              background.abort();
              form.submit();
            });
        });
    });
  }

  // A new worker empties the kept pages as it activates: keep them after that.
  function activated(registration) {
    const worker = registration.active;
    if (worker.state === "activated") return Promise.resolve();
    return new Promise((resolve) => {
      worker.addEventListener("statechange", () => {
        if (worker.state === "activated") resolve();
      });
    });
  }

  // --- Start ---

  const morningLog = document.querySelector("form[data-outbox]");
  if (morningLog) setUpMorningLog(morningLog);
  setUpLogout();
  if (!user) {
    forget();
  } else {
    showOutbox().then(sendAll).catch(() => {});
    window.addEventListener("online", () => sendAll());
  }
  if ("serviceWorker" in navigator && user) {
    navigator.serviceWorker
      .register(config.serviceWorker, { scope: "/" })
      .then(() => navigator.serviceWorker.ready)
      .then(activated)
      .then(keepPages)
      .then(() => {
        document.documentElement.dataset.offlineReady = "1";
      })
      .catch(() => {});
    navigator.serviceWorker.addEventListener("controllerchange", () => keepPages().catch(() => {}));
  }
})();
