// Times on the night form.
//
// Chromium's 12-hour time field sends nothing while a time is half typed ("03:15" with no
// AM or PM), and the night would save without that time and without a word. So a form
// with such a field is not sent: the field says what is missing and gets the focus.
(function () {
  "use strict";
  const form = document.getElementById("night-form");
  if (!form) return;
  const MESSAGE = "Finish this time, AM or PM included, or clear it.";

  function mark(input) {
    input.classList.add("is-invalid");
    input.setAttribute("aria-invalid", "true");
    let note = document.getElementById(`${input.id}-unfinished`);
    if (!note) {
      note = document.createElement("div");
      note.id = `${input.id}-unfinished`;
      note.className = "invalid-feedback d-block";
      input.insertAdjacentElement("afterend", note);
      const described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", described ? `${described} ${note.id}` : note.id);
    }
    note.textContent = MESSAGE;
  }

  function unmark(input) {
    const note = document.getElementById(`${input.id}-unfinished`);
    if (!note) return;
    note.remove();
    input.classList.remove("is-invalid");
    input.removeAttribute("aria-invalid");
    const rest = (input.getAttribute("aria-describedby") || "").replace(note.id, "").trim();
    if (rest) input.setAttribute("aria-describedby", rest);
    else input.removeAttribute("aria-describedby");
  }

  // An hour picked from the buttons under a cramp's time field (there when this script
  // runs): one tap, where the field takes four keys or a clock dialog. The time saved is
  // still only the one the person picked; nothing is filled in for them.
  form.addEventListener("click", (event) => {
    const pick = event.target.closest("[data-time-pick]");
    if (!pick) return;
    const input = document.getElementById(pick.dataset.timeFor);
    input.value = pick.dataset.timePick;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  form.addEventListener("input", (event) => {
    if (event.target.type === "time" && !event.target.validity.badInput) unmark(event.target);
  });
  form.addEventListener("submit", (event) => {
    const unfinished = Array.from(form.querySelectorAll('input[type="time"]')).filter(
      (input) => input.validity.badInput
    );
    if (!unfinished.length) return;
    event.preventDefault();
    unfinished.forEach(mark);
    unfinished[0].scrollIntoView({ block: "center", behavior: "instant" });
    unfinished[0].focus();
  });
})();
