// After a save the server refused, the first field it marked gets the focus, in the middle
// of the screen: on a phone the sticky Save bar would otherwise hide a field near the
// bottom, and a screen reader reads the field and its message at once.
(function () {
  "use strict";
  const form = document.getElementById("night-form");
  const first = form && form.querySelector('.is-invalid, [aria-invalid="true"]');
  if (!first) return;
  const card = first.closest("[data-episode][hidden]");
  if (card) card.hidden = false;
  // A radio group's buttons hide the radios themselves: show the whole group, and focus
  // its chosen radio if any (where Tab would land), else its first.
  const group = first.closest("fieldset.segmented");
  const target = group ? group.querySelector("input:checked") || group.querySelector("input") : first;
  (group || first).scrollIntoView({ block: "center", behavior: "instant" }); // not Bootstrap's smooth scroll
  target.focus({ preventScroll: true });
})();
