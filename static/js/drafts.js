// What a person typed into a form marked data-draft survives being signed out meanwhile.
// On submit the form's values are kept in this tab's sessionStorage; the server's answer
// decides what happens to them. The sign-in page keeps them; back on the same form (after
// signing in again) they are put back, with a notice; any other page means the save went
// through (or the person moved on), and they are deleted. Only for the same person: the
// form says whose it is, and another person's draft is deleted unread.
(function () {
  "use strict";
  const KEY = "nightleg-draft";
  let draft = null;
  try {
    draft = JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch (error) {
    sessionStorage.removeItem(KEY);
  }
  const form = document.querySelector("form[data-draft]");
  const onSignIn = document.querySelector("form[data-sign-in]") !== null;

  if (draft && !onSignIn) {
    sessionStorage.removeItem(KEY);
    const mine = form && draft.user === form.dataset.user && draft.path === location.pathname;
    // A form the server sent back with errors already holds what was typed.
    if (mine && !form.querySelector(".is-invalid, .alert-danger, .alert-warning")) restore(form, draft);
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      const values = [];
      new FormData(form).forEach((value, name) => {
        if (name !== "csrfmiddlewaretoken" && typeof value === "string") values.push([name, value]);
      });
      const kept = { user: form.dataset.user, path: location.pathname, values: values };
      sessionStorage.setItem(KEY, JSON.stringify(kept));
    });
  }

  function restore(form, draft) {
    const names = new Set(draft.values.map(([name]) => name));
    // Cards beyond what the page shows are added first, the way the person added them.
    const total = draft.values.find(([name]) => /-TOTAL_FORMS$/.test(name));
    const add = form.querySelector("[data-add-episode]");
    if (total && add) {
      const field = form.querySelector(`[name="${total[0]}"]`);
      for (let i = 0; i < 100 && Number(field.value) < Number(total[1]); i++) add.click();
    }
    form.querySelectorAll("input, select, textarea").forEach((el) => {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      const values = draft.values.filter(([name]) => name === el.name).map(([, v]) => v);
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.includes(el.value);
      else if (names.has(el.name)) el.value = values[0];
    });
    form.querySelectorAll("[data-episode][hidden]").forEach((card) => {
      const blank = (el) => el.dataset.blank || "";
      const filled = Array.from(card.querySelectorAll("input, select")).some((el) => {
        if (el.type === "hidden") return false;
        if (el.type === "checkbox") return el.checked;
        if (el.type === "radio") return el.checked && el.value !== blank(el);
        return el.value && el.value !== blank(el);
      });
      if (filled) card.hidden = false;
    });
    form.dispatchEvent(new Event("episodes:changed", { bubbles: true }));
    const notice = document.createElement("div");
    notice.className = "alert alert-info";
    notice.setAttribute("role", "status");
    notice.id = "draft-restored";
    notice.textContent =
      "You were signed out before this was saved. Here is what you typed: check it and save.";
    form.prepend(notice);
  }
})();
