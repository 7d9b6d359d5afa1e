// The guided bedtime routine on /routine/: one stretch at a time, a countdown for each
// hold, then the result saved as tonight's stretching (journal.views.routine).
//
// Time is read from Date.now() on every tick rather than counted in ticks: a phone that
// throttles timers, or a test's fake clock that jumps ahead, still ends each hold on time,
// and several steps can pass in one tick.
//
// A result that can't be sent (offline) waits in localStorage, marked with whose it is,
// and is sent when the connection returns; the server counts each run once.
(function () {
  "use strict";
  const root = document.getElementById("routine");
  if (!root) return;
  const PENDING = "nightleg-routine-pending";
  const TICK_MS = 200;
  const stretches = JSON.parse(document.getElementById("routine-stretches").textContent);
  const seconds = {
    hold: Number(root.dataset.holdSeconds),
    switch: Number(root.dataset.switchSeconds),
    ready: Number(root.dataset.readySeconds),
  };
  const $ = (selector) => root.querySelector(selector);
  const screens = {
    start: $("[data-routine-start]"),
    session: $("[data-routine-session]"),
    done: $("[data-routine-done]"),
  };
  const drinks = document.getElementById("tonight-drinks");
  const pauseButton = $("[data-action=pause]");
  const figure = $("[data-figure]");
  const status = $("[data-save-status]");

  let steps = [];
  let index = 0; // the step under way
  let left = 0; // its milliseconds still to go
  let running = false;
  let last = 0; // Date.now() at the last tick
  let activeMs = 0; // time spent in the session, pauses left out
  let done = new Set(); // stretches with at least one hold finished
  let timer = null;
  let sound = true;
  let audio = null;
  let wakeLock = null;

  root.hidden = false;
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "start") start();
    else if (action === "pause") togglePause();
    else if (action === "skip") skip();
    else if (action === "back") back();
    else if (action === "again") show("start");
  });
  document.addEventListener("keydown", onKey);
  document.addEventListener("keyup", (event) => {
    // A focused button would also act on the space bar when it is let go.
    if (event.key === " " && inSession() && event.target.closest("button")) event.preventDefault();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !screens.session.hidden) keepAwake();
  });
  window.addEventListener("online", sendPending);
  sendPending();

  function buildSteps(rounds) {
    const list = [];
    stretches.forEach((stretch, i) => {
      list.push({ stretch: i, kind: "ready", ms: seconds.ready * 1000, text: "Get ready: left leg first" });
      for (let round = 1; round <= rounds; round++) {
        const of = rounds > 1 ? ` (${round} of ${rounds})` : "";
        list.push({ stretch: i, kind: "hold", ms: seconds.hold * 1000, text: `Left leg: hold${of}` });
        list.push({ stretch: i, kind: "switch", ms: seconds.switch * 1000, text: "Switch to the right leg" });
        list.push({ stretch: i, kind: "hold", ms: seconds.hold * 1000, text: `Right leg: hold${of}` });
        if (round < rounds) {
          list.push({ stretch: i, kind: "switch", ms: seconds.switch * 1000, text: "Back to the left leg" });
        }
      }
    });
    return list;
  }

  function start() {
    const rounds = Number((root.querySelector("input[name=rounds]:checked") || {}).value || 1);
    sound = $("#routine-sound").checked;
    if (sound && !audio) {
      // Made on the tap itself: browsers allow sound only after one.
      try {
        audio = new (window.AudioContext || window.webkitAudioContext)();
      } catch (error) {
        audio = null;
      }
    }
    steps = buildSteps(rounds);
    done = new Set();
    activeMs = 0;
    goTo(0);
    show("session");
    resume();
    $("[data-title]").focus();
  }

  function goTo(step) {
    index = step;
    left = steps[index].ms;
    render();
  }

  function firstStepOf(stretch) {
    return steps.findIndex((step) => step.stretch === stretch);
  }

  function skip() {
    const next = firstStepOf(steps[index].stretch + 1);
    if (next < 0) finish();
    else goTo(next);
  }

  function back() {
    // As on a music player: to the start of this stretch, or from there to the one before.
    const stretch = steps[index].stretch;
    const first = firstStepOf(stretch);
    goTo(index > first || stretch === 0 ? first : firstStepOf(stretch - 1));
  }

  function togglePause() {
    if (running) pause();
    else resume();
  }

  function pause() {
    tick();
    running = false;
    clearInterval(timer);
    pauseButton.textContent = "Resume";
    render();
  }

  function resume() {
    running = true;
    last = Date.now();
    clearInterval(timer);
    timer = setInterval(tick, TICK_MS);
    pauseButton.textContent = "Pause";
    keepAwake();
    render();
  }

  function tick() {
    if (!running) return;
    const now = Date.now();
    let elapsed = Math.max(0, now - last);
    last = now;
    const before = index;
    while (elapsed > 0) {
      if (elapsed < left) {
        left -= elapsed;
        activeMs += elapsed;
        break;
      }
      elapsed -= left;
      activeMs += left; // only up to the end: a long jump past it is not time spent
      if (steps[index].kind === "hold") done.add(steps[index].stretch);
      if (index + 1 >= steps.length) {
        finish();
        return;
      }
      index += 1;
      left = steps[index].ms;
    }
    if (index !== before) signal();
    render();
  }

  function render() {
    const step = steps[index];
    if (!step) return;
    const stretch = stretches[step.stretch];
    $("[data-position]").textContent = `Stretch ${step.stretch + 1} of ${stretches.length}`;
    const title = $("[data-title]");
    if (title.textContent !== stretch.label) title.textContent = stretch.label;
    $("[data-step]").textContent = running ? step.text : `Paused — ${step.text.toLowerCase()}`;
    if (figure.getAttribute("src") !== stretch.image) figure.src = stretch.image;
    figure.alt = stretch.alt;
    $("[data-how]").textContent = stretch.how;
    const secondsLeft = Math.ceil(left / 1000);
    $("[data-timer]").textContent = `${Math.floor(secondsLeft / 60)}:${String(secondsLeft % 60).padStart(2, "0")}`;
    $("[data-progress]").style.width = `${Math.round((1 - left / step.ms) * 100)}%`;
    screens.session.dataset.kind = step.kind;
    screens.session.classList.toggle("is-paused", !running);
  }

  function finish() {
    running = false;
    clearInterval(timer);
    releaseWakeLock();
    signal();
    const spent = Math.max(1, Math.ceil(activeMs / 1000));
    const minutes = Math.ceil(spent / 60);
    const names = stretches.filter((_, i) => done.has(i));
    show("done");
    const title = $("[data-done-title]");
    if (names.length === 0) {
      title.textContent = "Done: nothing to save";
      status.textContent = "Every stretch was skipped, so there is nothing to count tonight.";
    } else {
      title.textContent = `Done: ${minutes} minute${minutes === 1 ? "" : "s"}, ${names.map((s) => s.short).join(", ")}`;
      const result = {
        user: root.dataset.user,
        run: newId(),
        seconds: spent,
        stretches: names.map((s) => s.field),
        finished_at: new Date().toISOString(),
      };
      keep(result);
      status.textContent = "Saving…";
      send(result);
    }
    if (drinks) drinks.hidden = false;
    title.focus();
  }

  function show(name) {
    for (const [key, screen] of Object.entries(screens)) screen.hidden = key !== name;
    if (name !== "session") {
      running = false;
      clearInterval(timer);
      releaseWakeLock();
    }
    if (name === "start" && drinks && !drinks.querySelector(".is-invalid")) drinks.hidden = true;
  }

  function inSession() {
    return !root.hidden && !screens.session.hidden;
  }

  function onKey(event) {
    if (!inSession() || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === " ") {
      event.preventDefault();
      togglePause();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      skip();
    } else if (event.key === "ArrowLeft") {
      event.preventDefault();
      back();
    }
  }

  // A short, soft tone and a brief buzz: a cue to change, not an alarm.
  function signal() {
    if (!sound) return;
    if (navigator.vibrate && navigator.userActivation && navigator.userActivation.hasBeenActive) {
      navigator.vibrate(80);
    }
    if (!audio) return;
    try {
      if (audio.state === "suspended") audio.resume();
      const at = audio.currentTime;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = 523; // C5
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.12, at + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.35);
      tone.connect(gain).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.4);
    } catch (error) {
      audio = null; // no sound here, and that's fine
    }
  }

  async function keepAwake() {
    if (wakeLock || !("wakeLock" in navigator) || document.visibilityState !== "visible") return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      // The browser drops it when the tab is hidden; visibilitychange asks again.
      wakeLock.addEventListener("release", () => {
        wakeLock = null;
      });
    } catch (error) {
      wakeLock = null; // refused (battery saver, say): the routine works without it
    }
  }

  function releaseWakeLock() {
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function pending() {
    try {
      return JSON.parse(localStorage.getItem(PENDING) || "[]");
    } catch (error) {
      return [];
    }
  }

  function store(list) {
    try {
      if (list.length) localStorage.setItem(PENDING, JSON.stringify(list));
      else localStorage.removeItem(PENDING);
    } catch (error) {
      // Private browsing may refuse storage: the save is then tried only now.
    }
  }

  function keep(result) {
    store([...pending(), result]);
  }

  function forget(run) {
    store(pending().filter((item) => item.run !== run));
  }

  function sendPending() {
    if (!navigator.onLine) return;
    // Only this person's: someone else may have used this browser before.
    for (const result of pending()) if (result.user === root.dataset.user) send(result);
  }

  async function send(result) {
    const body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", root.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("run", result.run);
    body.append("seconds", String(result.seconds));
    body.append("finished_at", result.finished_at);
    for (const field of result.stretches) body.append("stretches", field);
    let response;
    try {
      response = await fetch(root.dataset.doneUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      note("You seem to be offline. This routine is kept on this phone and will be saved when you’re back online.");
      return;
    }
    const json = response.ok && !response.redirected && (response.headers.get("Content-Type") || "").includes("json");
    if (json) {
      forget(result.run);
      note("Saved as tonight’s stretching. Tomorrow’s morning log starts with it.", "success");
    } else if (response.status === 400) {
      forget(result.run); // the same data would be refused again
      note("This routine couldn’t be saved. Put it in tomorrow’s morning log instead.");
    } else {
      note("The routine couldn’t be saved just now (signed out, or the server is busy). It is kept on this phone and will be tried again.");
    }
  }

  function note(text, kind) {
    const target = screens.done.hidden ? $("[data-pending-note]") : status;
    if (!target) return;
    target.textContent = text;
    target.hidden = false;
    target.classList.toggle("text-success", kind === "success");
  }
})();
