// Cramp episode cards on the night form. Without JavaScript the server renders three
// blank cards, which is enough for most nights; with it, blank cards stay tucked away
// until "Add a cramp" is pressed, any number can be added, and "Same as last" fills a
// card like the one above it (or like the last cramp logged).
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");

  const list = document.querySelector("[data-episodes]");
  if (!list) return;
  const form = list.closest("form");
  const prefix = "episodes";
  const total = form.querySelector(`#id_${prefix}-TOTAL_FORMS`);
  const maxForms = Number(form.querySelector(`#id_${prefix}-MAX_NUM_FORMS`).value);
  const template = document.getElementById("episode-template");
  const addButton = form.querySelector("[data-add-episode]");
  const sameButton = form.querySelector("[data-same-as-last]");
  // What "Same as last" copies: everything but the time, which only the person knows.
  const COPIED = ["muscle", "side", "severity", "duration_minutes", "woke_me"];

  function fields(card) {
    return card.querySelectorAll("input:not([type=hidden]), select, textarea");
  }

  // What the server treats as "not filled in": a new card's radios start at data-blank
  // (the last cramp's muscle and side), everything else empty.
  function blankOf(el) {
    return el.dataset.blank || "";
  }

  function isBlank(card) {
    return Array.from(fields(card)).every((el) => {
      if (el.type === "radio") return el.checked === (el.value === blankOf(el));
      if (el.type === "checkbox") return !el.checked;
      return el.value === blankOf(el);
    });
  }

  function clear(card) {
    fields(card).forEach((el) => {
      if (el.type === "radio") el.checked = el.value === blankOf(el);
      else if (el.type === "checkbox") el.checked = false;
      else el.value = blankOf(el);
    });
  }

  function shown() {
    return Array.from(list.querySelectorAll("[data-episode]:not([hidden])"));
  }

  function renumber() {
    shown().forEach((card, i) => {
      card.querySelector("legend").textContent = `Cramp ${i + 1}`;
    });
    if (sameButton) sameButton.hidden = copySource() === null;
  }

  function showCard(card) {
    card.hidden = false;
    renumber();
    const first = fields(card)[0];
    if (first) first.focus();
  }

  // A new card: a blank one tucked away if there is one, else one more from the template.
  function newCard() {
    const hiddenBlank = list.querySelector("[data-extra][hidden]");
    if (hiddenBlank) return hiddenBlank;
    const index = Number(total.value);
    if (index >= maxForms) return null;
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    return list.lastElementChild;
  }

  function addCard() {
    const card = newCard();
    if (card) showCard(card);
  }

  function valuesOf(card) {
    const values = {};
    COPIED.forEach((name) => {
      const els = Array.from(card.querySelectorAll(`[name$="-${name}"]:not([type=hidden])`));
      const el = els[0];
      if (!el) return;
      if (el.type === "radio") values[name] = (els.find((r) => r.checked) || { value: "" }).value;
      else if (el.type === "checkbox") values[name] = el.checked ? "on" : "";
      else values[name] = el.value;
    });
    return values;
  }

  function fill(card, values) {
    COPIED.forEach((name) => {
      card.querySelectorAll(`[name$="-${name}"]:not([type=hidden])`).forEach((el) => {
        if (el.type === "radio") el.checked = el.value === values[name];
        else if (el.type === "checkbox") el.checked = values[name] === "on";
        else el.value = values[name] || "";
      });
    });
  }

  // The last card shown with a cramp in it, else the last cramp logged (from the button).
  function copySource() {
    const filled = shown().filter((card) => !isBlank(card) && !isRemoved(card));
    if (filled.length) return valuesOf(filled[filled.length - 1]);
    if (sameButton && sameButton.dataset.severity) return { ...sameButton.dataset };
    return null;
  }

  function isRemoved(card) {
    const box = card.querySelector('[name$="-DELETE"]');
    return box !== null && box.checked;
  }

  function sameAsLast() {
    const values = copySource();
    if (!values) return;
    // An open card nobody has filled in yet is the one meant: no second card for it.
    const card = shown().find((c) => c.hasAttribute("data-extra") && isBlank(c)) || newCard();
    if (!card) return;
    fill(card, values);
    showCard(card);
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-episode]");
    if (!button) return;
    const card = button.closest("[data-episode]");
    clear(card); // a cleared extra card is ignored by the server
    card.hidden = true;
    renumber();
    addButton.focus();
  });
  addButton.addEventListener("click", addCard);
  if (sameButton) sameButton.addEventListener("click", sameAsLast);
  list.addEventListener("input", renumber);
  // Cards shown by another script (drafts.js restoring what was typed) are numbered too.
  form.addEventListener("episodes:changed", renumber);

  // Tuck away untouched blank cards; keep one open only when no cramp is shown at all
  // (none saved, and none typed in before the page came back with an error).
  const cards = Array.from(list.querySelectorAll("[data-episode]"));
  let keptOne = cards.some((card) => !card.hasAttribute("data-extra") || !isBlank(card));
  list.querySelectorAll("[data-extra]").forEach((card) => {
    const invalid = card.querySelector(".is-invalid, [aria-invalid='true']") !== null;
    if (invalid || !isBlank(card)) return;
    if (!keptOne) {
      keptOne = true;
      return;
    }
    card.hidden = true;
  });
  renumber();
})();
